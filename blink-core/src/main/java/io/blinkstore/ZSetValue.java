package io.blinkstore;

import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A sorted set: Redis's skip list with spans (Pugh's, as {@code t_zset.c} extends it: each forward link counts the
 * members it skips, so a rank is found in O(log n)), ordered by score then member bytes, plus a chained hash table
 * of the same nodes (each node is its own chain link), so that a member's score is found in O(1). A member is
 * weighed as its bytes plus {@link #SCORE_BYTES} for its score.
 *
 * <p><b>Encoding</b>: Redis keeps a small sorted set as a {@code listpack} (at most {@code zset-max-listpack-entries}
 * members, none longer than {@code zset-max-listpack-value} bytes) and converts it for good to a {@code skiplist}
 * past those bounds. This one always has the skip list; it reports the encoding Redis would have for the same
 * writes, and while {@code listpack} a {@link #scan} returns every member at once, in order, as Redis's does.
 *
 * <p>Not thread-safe: the store calls it under its own monitor ({@link TypedValue}).
 */
final class ZSetValue extends TypedValue implements SortedSets.Members {
  /** What a member's score counts in the weight ({@code usage()}), beside its bytes: a double. */
  static final int SCORE_BYTES = 8;
  /**
   * Heap per member beyond its bytes and score: its node (48 bytes), the node's two level arrays (24 bytes each at
   * the mean 1.33 levels, more for the quarter of nodes taller), the member array's header and padding (up to
   * 23), and table slots at a load never below 1/4 (16), with margin.
   */
  static final int HEAP_PER_MEMBER = 160;
  /** Redis 7.0's defaults of {@code zset-max-listpack-entries} and {@code zset-max-listpack-value}. */
  static final HashValue.Compact REDIS_DEFAULTS = new HashValue.Compact(128, 64);

  private static final int MAX_LEVEL = 32;
  private static final int MIN_BUCKETS = 4;

  /** A member: its place in the skip list and in its hash chain. */
  static final class Node {
    final byte[] member;
    double score;
    final long hash;
    @Nullable Node backward;
    @Nullable Node chained;
    final @Nullable Node[] next;
    final int[] span;

    Node(byte[] member, double score, long hash, int level) {
      this.member = member;
      this.score = score;
      this.hash = hash;
      this.next = new Node[level];
      this.span = new int[level];
    }
  }

  private final Node head = new Node(new byte[0], 0, 0, MAX_LEVEL);
  private int level = 1;
  private int size;
  private long bytes;
  private @Nullable Node[] buckets = new Node[MIN_BUCKETS];
  private final long seed;
  private boolean skiplist;
  private HashValue.Compact bounds = REDIS_DEFAULTS;

  ZSetValue(byte[] key) {
    this(key, ThreadLocalRandom.current().nextLong());
  }

  private ZSetValue(byte[] key, long seed) {
    super(key);
    this.seed = seed;
  }

  @Override
  String type() {
    return "zset";
  }

  @Override
  public String encoding() {
    return skiplist ? "skiplist" : "listpack";
  }

  @Override
  long bytes() {
    return bytes;
  }

  @Override
  long elements() {
    return size;
  }

  @Override
  int heapPerElement() {
    return HEAP_PER_MEMBER;
  }

  @Override
  ZSetValue copy(byte[] otherKey) {
    ZSetValue copy = new ZSetValue(otherKey, seed);
    copy.skiplist = skiplist;
    copy.bounds = bounds;
    for (Node node = head.next[0]; node != null; node = node.next[0]) {
      copy.put(node.member, node.score);
    }
    copy.skiplist = skiplist;
    return copy;
  }

  /** The bounds the writes after this call are held to, to tell {@code listpack} from {@code skiplist}. */
  void bounds(HashValue.Compact compact) {
    this.bounds = compact;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public double score(byte[] member) {
    Node node = find(member);
    return node == null ? Double.NaN : node.score;
  }

  @Override
  public long rank(byte[] member) {
    Node node = find(member);
    if (node == null) {
      return -1;
    }
    long traversed = 0;
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      Node next = x.next[i];
      while (next != null && compare(next, node.score, node.member) <= 0) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
      if (x == node) {
        return traversed - 1;
      }
    }
    throw new IllegalStateException("a member in the table is not in the list");
  }

  @Override
  public boolean put(byte[] member, double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("a score must not be NaN");
    }
    if (!skiplist && score == 0) {
      score = 0.0; // a listpack keeps a score as its text, and -0 reads back as 0 (a skip list keeps -0)
    }
    Node node = find(member);
    if (node != null) {
      if (node.score != score) { // 0 and -0 are one score, as in Redis
        unlink(node);
        node.score = score;
        link(node);
      }
      return false;
    }
    if (!skiplist && (size >= bounds.maxEntries() || member.length > bounds.maxBytes())) {
      skiplist = true;
    }
    long hash = HashValue.hash(seed, member, 0, member.length);
    node = new Node(member.clone(), score, hash, randomLevel());
    link(node);
    chain(node);
    size++;
    bytes += member.length + SCORE_BYTES;
    regionWaste += HeapRegions.waste(member.length);
    return true;
  }

  @Override
  public boolean remove(byte[] member) {
    Node node = find(member);
    if (node == null) {
      return false;
    }
    unlink(node);
    size--;
    unchain(node);
    bytes -= node.member.length + SCORE_BYTES;
    regionWaste -= HeapRegions.waste(node.member.length);
    return true;
  }

  @Override
  public long countBelow(double score, boolean inclusive) {
    long traversed = 0;
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      Node next = x.next[i];
      while (next != null && (next.score < score || inclusive && next.score == score)) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
    }
    return traversed;
  }

  @Override
  public long countBelowLex(byte[] member, boolean inclusive) {
    long traversed = 0;
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      Node next = x.next[i];
      while (next != null && lexBelow(next.member, member, inclusive)) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
    }
    return traversed;
  }

  private static boolean lexBelow(byte[] member, byte[] bound, boolean inclusive) {
    int c = Arrays.compareUnsigned(member, bound);
    return c < 0 || inclusive && c == 0;
  }

  @Override
  public void walk(long rank, boolean reverse, SortedSets.Visitor visitor) {
    Node node = rank < 0 || rank >= size ? null : byRank(rank + 1);
    while (node != null && visitor.visit(node.member, node.score)) {
      node = reverse ? node.backward : node.next[0];
    }
  }

  /** The node of 1-based {@code rank}, which must be in range. */
  private Node byRank(long rank) {
    long traversed = 0;
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      Node next = x.next[i];
      while (next != null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
      if (traversed == rank) {
        return x;
      }
    }
    throw new IllegalStateException("rank " + rank + " not found in " + size);
  }

  @Override
  public SortedSets.Step scan(long cursor, int count) {
    List<byte[]> members = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    long next = 0;
    if (!skiplist) {
      walk(0, false, (member, score) -> members.add(member) && scores.add(score));
    } else {
      // Redis's reverse-binary cursor over the buckets: every member there from the first step to the last is
      // returned whatever the table's resizes meanwhile (some perhaps twice).
      long mask = buckets.length - 1;
      long v = cursor;
      do {
        for (Node node = buckets[(int) (v & mask)]; node != null; node = node.chained) {
          members.add(node.member);
          scores.add(node.score);
        }
        v |= ~mask;
        v = Long.reverse(Long.reverse(v) + 1);
      } while (v != 0 && members.size() < count);
      next = v;
    }
    double[] values = new double[scores.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = scores.get(i);
    }
    return new SortedSets.Step(next, members, values);
  }

  /** Score, then member bytes: negative if {@code node} comes before ({@code score}, {@code member}). */
  private static int compare(Node node, double score, byte[] member) {
    if (node.score != score) {
      return node.score < score ? -1 : 1;
    }
    return Arrays.compareUnsigned(node.member, member);
  }

  private static int randomLevel() {
    int level = 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (level < MAX_LEVEL && random.nextInt(4) == 0) {
      level++;
    }
    return level;
  }

  /** Links {@code node} into the skip list at its place (Redis's {@code zslInsert}). */
  private void link(Node node) {
    Node[] update = new Node[MAX_LEVEL];
    long[] rank = new long[MAX_LEVEL];
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      Node next = x.next[i];
      while (next != null && compare(next, node.score, node.member) < 0) {
        rank[i] += x.span[i];
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    int nodeLevel = node.next.length;
    if (nodeLevel > level) {
      for (int i = level; i < nodeLevel; i++) {
        rank[i] = 0;
        update[i] = head;
        head.span[i] = size;
      }
      level = nodeLevel;
    }
    for (int i = 0; i < nodeLevel; i++) {
      node.next[i] = update[i].next[i];
      update[i].next[i] = node;
      node.span[i] = update[i].span[i] - (int) (rank[0] - rank[i]);
      update[i].span[i] = (int) (rank[0] - rank[i]) + 1;
    }
    for (int i = nodeLevel; i < level; i++) {
      update[i].span[i]++;
    }
    node.backward = update[0] == head ? null : update[0];
    Node after = node.next[0];
    if (after != null) {
      after.backward = node;
    }
  }

  /** Unlinks {@code node} from the skip list (Redis's {@code zslDeleteNode}); the size is the caller's. */
  private void unlink(Node node) {
    Node[] update = new Node[MAX_LEVEL];
    Node x = head;
    for (int i = level - 1; i >= 0; i--) {
      Node next = x.next[i];
      while (next != null && next != node && compare(next, node.score, node.member) < 0) {
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    for (int i = 0; i < level; i++) {
      if (update[i].next[i] == node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].next[i] = node.next[i];
      } else {
        update[i].span[i]--;
      }
    }
    Node after = node.next[0];
    if (after != null) {
      after.backward = node.backward;
    }
    while (level > 1 && head.next[level - 1] == null) {
      level--;
    }
    Arrays.fill(node.next, null);
    Arrays.fill(node.span, 0);
  }

  private @Nullable Node find(byte[] member) {
    long hash = HashValue.hash(seed, member, 0, member.length);
    for (Node node = buckets[(int) (hash & (buckets.length - 1))]; node != null; node = node.chained) {
      if (node.hash == hash && Arrays.equals(node.member, member)) {
        return node;
      }
    }
    return null;
  }

  private void chain(Node node) {
    if (size >= buckets.length) {
      rehash(buckets.length * 2);
    }
    int at = (int) (node.hash & (buckets.length - 1));
    node.chained = buckets[at];
    buckets[at] = node;
  }

  private void unchain(Node node) {
    int at = (int) (node.hash & (buckets.length - 1));
    if (buckets[at] == node) {
      buckets[at] = node.chained;
    } else {
      Node before = buckets[at];
      while (before != null && before.chained != node) {
        before = before.chained;
      }
      if (before != null) {
        before.chained = node.chained;
      }
    }
    node.chained = null;
    if (size * 4L < buckets.length && buckets.length > MIN_BUCKETS) {
      rehash(buckets.length / 2); // a load of at least 1/4: HEAP_PER_MEMBER holds
    }
  }

  private void rehash(int length) {
    @Nullable Node[] old = buckets;
    buckets = new Node[length];
    for (Node chain : old) {
      for (Node node = chain; node != null;) {
        Node following = node.chained;
        int at = (int) (node.hash & (length - 1));
        node.chained = buckets[at];
        buckets[at] = node;
        node = following;
      }
    }
  }
}
