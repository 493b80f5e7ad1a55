package io.blinkstore.server.command;

import io.blinkstore.internal.Namespaces;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The server's logical databases, {@code SELECT 0} to {@code count - 1}: each index names a namespace of the one
 * store ({@link Namespaces}), so every database shares the one memory limit and eviction. An index starts on the
 * namespace of its own number; {@code SWAPDB} swaps two indexes' namespaces, touching no key. A connection keeps
 * its index ({@link ClientState#db()}), so it follows a swap, as in Redis; the text protocol is always index 0.
 * In-process callers of the store are namespace 0, whatever {@code SWAPDB} does (docs/resp.md).
 */
final class Databases {
  private final AtomicIntegerArray namespaces;
  /** The keyspace notifications of every database ({@code notify-keyspace-events}). */
  private final KeyspaceEvents events = new KeyspaceEvents(this);

  /**
   * {@code count} databases.
   *
   * @throws IllegalArgumentException if {@code count} is not between 1 and {@link Namespaces#COUNT}
   */
  Databases(int count) {
    if (count < 1 || count > Namespaces.COUNT) {
      throw new IllegalArgumentException("databases must be between 1 and " + Namespaces.COUNT + ", but was " + count);
    }
    namespaces = new AtomicIntegerArray(count);
    for (int i = 0; i < count; i++) {
      namespaces.set(i, i);
    }
  }

  int count() {
    return namespaces.length();
  }

  /** Whether {@code index} names a database. */
  boolean exists(long index) {
    return index >= 0 && index < count();
  }

  /** The namespace database {@code index} is now. */
  int namespace(int index) {
    return namespaces.get(index);
  }

  /** The database that is namespace {@code namespace} now, or -1 if none is. */
  int index(int namespace) {
    for (int i = 0; i < count(); i++) {
      if (namespaces.get(i) == namespace) {
        return i;
      }
    }
    return -1;
  }

  KeyspaceEvents events() {
    return events;
  }

  /** The store key of {@code key} in database {@code index}. */
  String key(int index, String key) {
    return Namespaces.key(namespaces.get(index), key);
  }

  /** {@code SWAPDB a b}: one swap at a time, so two swaps never lose a namespace. */
  synchronized void swap(int a, int b) {
    int namespaceOfA = namespaces.get(a);
    namespaces.set(a, namespaces.get(b));
    namespaces.set(b, namespaceOfA);
  }

  /** The namespace of each database, in order, as 4-byte big-endian numbers: what a snapshot keeps. */
  synchronized byte[] table() {
    ByteBuffer table = ByteBuffer.allocate(4 * count());
    for (int i = 0; i < count(); i++) {
      table.putInt(namespaces.get(i));
    }
    return table.array();
  }

  /**
   * Takes the namespaces of {@code table} (from {@link #table}, maybe of another database count): database {@code i}
   * gets the saved one of index {@code i}, so that a restart keeps what {@code SWAPDB} did; with more databases now,
   * the others get the lowest namespaces not taken. A table that is not one (a namespace out of range or taken
   * twice, a length not a multiple of 4) is ignored: every database then keeps its own number.
   *
   * @return whether {@code table} was taken
   */
  synchronized boolean restore(byte[] table) {
    if (table.length % 4 != 0) {
      return false;
    }
    ByteBuffer saved = ByteBuffer.wrap(table);
    int[] restored = new int[count()];
    BitSet taken = new BitSet();
    for (int i = 0; i < table.length / 4; i++) {
      int namespace = saved.getInt();
      if (namespace < 0 || namespace >= Namespaces.COUNT || taken.get(namespace)) {
        return false;
      }
      taken.set(namespace);
      if (i < restored.length) {
        restored[i] = namespace;
      }
    }
    for (int i = table.length / 4; i < restored.length; i++) {
      restored[i] = taken.nextClearBit(0);
      taken.set(restored[i]);
    }
    for (int i = 0; i < restored.length; i++) {
      namespaces.set(i, restored[i]);
    }
    return true;
  }
}
