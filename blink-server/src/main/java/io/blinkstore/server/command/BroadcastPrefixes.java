package io.blinkstore.server.command;

import io.blinkstore.server.command.Subscriptions.Name;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The BCAST prefixes of every tracking connection (Redis's {@code PrefixTable}, a radix tree there too): each prefix
 * and the connections it is registered for. A radix tree, each node the bytes from its parent, so that finding the
 * prefixes of a key walks the key once, whatever the number of prefixes: a write's cost is bounded by its key's
 * length (the prefixes of one key are at most its length plus one). A prefix adds at most two nodes, so the tree
 * holds about what its prefixes count in their connections' client memory ({@link ClientTracking#PREFIX_BYTES}).
 *
 * <p>Thread-safe: writes of every thread look keys up under a read lock; {@code CLIENT TRACKING} changes the tree
 * under the write lock. Nothing is called back under either.
 */
final class BroadcastPrefixes {
  /** A registered prefix and the connections it is registered for. */
  record Prefix(Name name, Set<ClientState> receivers) {}

  private static final Node[] LEAF = new Node[0];

  private static final class Node {
    /** The bytes from the parent to this node. */
    byte[] label;
    /** Sorted by the first byte of their labels, unsigned; no two share it. */
    Node[] children = LEAF;
    @Nullable Prefix prefix;

    Node(byte[] label) {
      this.label = label;
    }

    int find(byte first) {
      int low = 0;
      int high = children.length - 1;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        int order = Byte.compareUnsigned(children[middle].label[0], first);
        if (order == 0) {
          return middle;
        }
        if (order < 0) {
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return -(low + 1);
    }
  }

  private final Node root = new Node(new byte[0]);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicInteger count = new AtomicInteger();

  /** Registers {@code prefix} for {@code client} (nothing if it is already). */
  void add(byte[] prefix, ClientState client) {
    lock.writeLock().lock();
    try {
      Node node = insert(prefix);
      Prefix registered = node.prefix;
      if (registered == null) {
        registered = node.prefix = new Prefix(new Name(prefix.clone()), ConcurrentHashMap.newKeySet());
        count.incrementAndGet();
      }
      registered.receivers().add(client);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Unregisters {@code prefix} for {@code client}; the prefix goes once no connection has it. */
  void remove(byte[] prefix, ClientState client) {
    lock.writeLock().lock();
    try {
      List<Node> path = new ArrayList<>();
      Node node = root;
      int at = 0;
      path.add(node);
      while (at < prefix.length) {
        int i = node.find(prefix[at]);
        if (i < 0 || !startsWith(prefix, at, node.children[i].label)) {
          return;
        }
        node = node.children[i];
        at += node.label.length;
        path.add(node);
      }
      Prefix registered = node.prefix;
      if (registered == null || !registered.receivers().remove(client) || !registered.receivers().isEmpty()) {
        return;
      }
      node.prefix = null;
      count.decrementAndGet();
      prune(path);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The prefixes {@code key} begins with, shortest first. */
  List<Prefix> of(byte[] key) {
    List<Prefix> found = new ArrayList<>(1);
    lock.readLock().lock();
    try {
      Node node = root;
      int at = 0;
      while (true) {
        if (node.prefix != null) {
          found.add(node.prefix);
        }
        if (at == key.length) {
          return found;
        }
        int i = node.find(key[at]);
        if (i < 0 || !startsWith(key, at, node.children[i].label)) {
          return found;
        }
        node = node.children[i];
        at += node.label.length;
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The connections {@code prefix} is registered for, or {@code null} if it is not registered. */
  @Nullable Set<ClientState> receivers(Name prefix) {
    byte[] bytes = prefix.bytes();
    List<Prefix> found = of(bytes);
    Prefix last = found.isEmpty() ? null : found.get(found.size() - 1);
    return last != null && last.name().bytes().length == bytes.length ? last.receivers() : null;
  }

  boolean isEmpty() {
    return count.get() == 0;
  }

  /** The prefixes registered ({@code INFO}'s {@code tracking_total_prefixes}). */
  int count() {
    return count.get();
  }

  /** The node of {@code prefix}, made (and an edge split) if there is none. */
  private Node insert(byte[] prefix) {
    Node node = root;
    int at = 0;
    while (at < prefix.length) {
      int i = node.find(prefix[at]);
      if (i < 0) {
        Node leaf = new Node(Arrays.copyOfRange(prefix, at, prefix.length));
        Node[] children = new Node[node.children.length + 1];
        int slot = -(i + 1);
        System.arraycopy(node.children, 0, children, 0, slot);
        children[slot] = leaf;
        System.arraycopy(node.children, slot, children, slot + 1, node.children.length - slot);
        node.children = children;
        return leaf;
      }
      Node child = node.children[i];
      int common = common(prefix, at, child.label);
      if (common < child.label.length) { // the edge forks (or ends) inside its label: split it there
        Node middle = new Node(Arrays.copyOfRange(child.label, 0, common));
        child.label = Arrays.copyOfRange(child.label, common, child.label.length);
        middle.children = new Node[] {child};
        node.children[i] = middle;
        child = middle;
      }
      node = child;
      at += common;
    }
    return node;
  }

  /** After the last node of {@code path} lost its prefix: drops nodes that lead nowhere, and merges single edges. */
  private static void prune(List<Node> path) {
    for (int depth = path.size() - 1; depth > 0; depth--) {
      Node node = path.get(depth);
      Node parent = path.get(depth - 1);
      if (node.prefix != null) {
        return;
      }
      if (node.children.length == 0) {
        int i = parent.find(node.label[0]);
        Node[] children = new Node[parent.children.length - 1];
        System.arraycopy(parent.children, 0, children, 0, i);
        System.arraycopy(parent.children, i + 1, children, i, children.length - i);
        parent.children = children;
        continue; // the parent may now lead nowhere, or through one edge
      }
      if (node.children.length == 1) {
        Node only = node.children[0];
        byte[] label = Arrays.copyOf(node.label, node.label.length + only.label.length);
        System.arraycopy(only.label, 0, label, node.label.length, only.label.length);
        node.label = label;
        node.children = only.children;
        node.prefix = only.prefix;
      }
      return;
    }
  }

  /** Whether {@code bytes} holds {@code label} at {@code at}. */
  private static boolean startsWith(byte[] bytes, int at, byte[] label) {
    return bytes.length - at >= label.length && Arrays.equals(bytes, at, at + label.length, label, 0, label.length);
  }

  /** How many of {@code label}'s first bytes {@code bytes} holds from {@code at}. */
  private static int common(byte[] bytes, int at, byte[] label) {
    int most = Math.min(label.length, bytes.length - at);
    int mismatch = Arrays.mismatch(bytes, at, at + most, label, 0, most);
    return mismatch < 0 ? most : mismatch;
  }
}
