package io.blinkstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A list value: its elements in a circular array of {@code byte[]} (as {@code ArrayDeque}, but indexable, for
 * {@code LINDEX}, {@code LSET} and {@code LRANGE}), and their total length in bytes, which is what the list weighs
 * in the store beside its key ({@link #bytes}). Indexes are Redis's: 0 is the head (left), -1 the tail (right).
 *
 * <p>Per element it costs the element's array (a 16-byte header, the bytes, padding to 8) and one reference in
 * the ring, whose capacity is at most twice the size (it grows by half when full and halves when half empty):
 * {@link #HEAP_BYTES_PER_ELEMENT} beyond the element's bytes, used by the heap bound. No wrapper object per element.
 *
 * <p>Not thread-safe: the store mutates it inside the key's {@code compute} and reads it under its monitor
 * ({@link TypedValue}). The
 * arrays it is given become its own and are never modified afterwards (an {@code LSET} replaces the slot), so an
 * array it returns may be shared with a reader that does not modify it.
 */
final class ListValue extends TypedValue {
  /**
   * What an element costs the heap beyond its bytes, at most, on Java 17 with compressed references: its array's
   * 16-byte header and padding to 8 (up to 7; a one-byte element's array is 24 bytes), and its ring slot (4 bytes,
   * up to 8 with the ring's slack after it grew). Measured: 24.4 B for 100-byte elements, 26.4 B for 10-byte ones
   * (docs/BENCHMARKS.md); the bound is for the worst case.
   */
  static final int HEAP_BYTES_PER_ELEMENT = 32;

  private static final int MIN_CAPACITY = 4;
  private static final byte[][] EMPTY = new byte[0][];

  private byte[][] ring;
  private int head;
  private int size;
  private long bytes;

  /** An empty list under {@code key}, a packed array without value bytes. */
  ListValue(byte[] key) {
    super(key);
    ring = EMPTY;
  }

  private ListValue(ListValue other, byte[] key) {
    super(key);
    ring = new byte[Math.max(other.size, MIN_CAPACITY)][];
    for (int i = 0; i < other.size; i++) {
      ring[i] = other.element(i).clone();
    }
    size = other.size;
    bytes = other.bytes;
    regionWaste = other.regionWaste;
  }

  /** A copy whose elements are copies too ({@code COPY}): a change of either never shows in the other. */
  @Override
  ListValue copy(byte[] otherKey) {
    return new ListValue(this, otherKey);
  }

  @Override
  String type() {
    return "list";
  }

  /** Redis 7.0 answers {@code quicklist} for every list, whatever its length. */
  @Override
  String encoding() {
    return "quicklist";
  }

  @Override
  long elements() {
    return size;
  }

  @Override
  int heapPerElement() {
    return HEAP_BYTES_PER_ELEMENT;
  }

  /** The number of elements. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The sum of the elements' lengths: what the list weighs beside its key. */
  @Override
  long bytes() {
    return bytes;
  }

  /** Adds {@code element} at the head ({@code LPUSH}). */
  void pushFirst(byte[] element) {
    grow(1);
    head = (head - 1 + ring.length) % ring.length;
    ring[head] = element;
    size++;
    bytes += element.length;
    regionWaste += HeapRegions.waste(element.length);
  }

  /** Adds {@code element} at the tail ({@code RPUSH}). */
  void pushLast(byte[] element) {
    grow(1);
    ring[slot(size)] = element;
    size++;
    bytes += element.length;
    regionWaste += HeapRegions.waste(element.length);
  }

  /** Removes and returns the head, or {@code null} if empty. */
  byte @Nullable [] popFirst() {
    if (size == 0) {
      return null;
    }
    byte[] element = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
    bytes -= element.length;
    regionWaste -= HeapRegions.waste(element.length);
    shrink();
    return element;
  }

  /** Removes and returns the tail, or {@code null} if empty. */
  byte @Nullable [] popLast() {
    if (size == 0) {
      return null;
    }
    int at = slot(size - 1);
    byte[] element = ring[at];
    ring[at] = null;
    size--;
    bytes -= element.length;
    regionWaste -= HeapRegions.waste(element.length);
    shrink();
    return element;
  }

  /** The element at Redis index {@code index} (negative: from the tail), or {@code null} out of range. */
  byte @Nullable [] get(long index) {
    long at = index < 0 ? size + index : index;
    return at < 0 || at >= size ? null : element((int) at);
  }

  /**
   * Replaces the element at Redis index {@code index} ({@code LSET}).
   *
   * @return whether {@code index} is in range (out of range, nothing changes)
   */
  boolean set(long index, byte[] element) {
    long at = index < 0 ? size + index : index;
    if (at < 0 || at >= size) {
      return false;
    }
    int slot = slot((int) at);
    bytes += element.length - ring[slot].length;
    regionWaste += HeapRegions.waste(element.length) - HeapRegions.waste(ring[slot].length);
    ring[slot] = element;
    return true;
  }

  /** The elements from {@code start} to {@code stop}, both included, as Redis's {@code LRANGE} counts them. */
  List<byte[]> range(long start, long stop) {
    int[] bounds = bounds(start, stop);
    List<byte[]> elements = new ArrayList<>(bounds[1] - bounds[0]);
    for (int i = bounds[0]; i < bounds[1]; i++) {
      elements.add(element(i));
    }
    return elements;
  }

  /**
   * What the elements from {@code start} to {@code stop} (as {@link #range} counts them) measure with
   * {@code perElement} bytes added for each: a reply's size, found without copying anything.
   */
  long rangeBytes(long start, long stop, int perElement) {
    int[] bounds = bounds(start, stop);
    long total = 0;
    for (int i = bounds[0]; i < bounds[1]; i++) {
      total += element(i).length + perElement;
    }
    return total;
  }

  /**
   * Keeps only the elements from {@code start} to {@code stop}, both included ({@code LTRIM}).
   *
   * @return whether any element was removed
   */
  boolean trim(long start, long stop) {
    int[] bounds = bounds(start, stop);
    int keep = bounds[1] - bounds[0];
    if (keep == size) {
      return false;
    }
    byte[][] kept = new byte[Math.max(keep, MIN_CAPACITY)][];
    long keptBytes = 0;
    long keptWaste = 0;
    for (int i = 0; i < keep; i++) {
      kept[i] = element(bounds[0] + i);
      keptBytes += kept[i].length;
      keptWaste += HeapRegions.waste(kept[i].length);
    }
    ring = keep == 0 ? EMPTY : kept;
    head = 0;
    size = keep;
    bytes = keptBytes;
    regionWaste = keptWaste;
    return true;
  }

  /**
   * Removes elements equal to {@code element} ({@code LREM}): the first {@code count} from the head if positive,
   * the first {@code -count} from the tail if negative, all of them if 0.
   *
   * @return how many were removed
   */
  int remove(long count, byte[] element) {
    // Redis's -count stays negative for LONG_MIN, so it never stops the removal, as 0 does not.
    long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
    boolean fromTail = count < 0;
    boolean[] removed = new boolean[size];
    int found = 0;
    for (int i = 0; i < size && found < limit; i++) {
      int at = fromTail ? size - 1 - i : i;
      if (Arrays.equals(element(at), element)) {
        removed[at] = true;
        found++;
      }
    }
    if (found > 0) {
      keepUnless(removed);
    }
    return found;
  }

  /**
   * Inserts {@code element} before (or after) the first element equal to {@code pivot} from the head
   * ({@code LINSERT}).
   *
   * @return whether {@code pivot} was found (if not, nothing changes)
   */
  boolean insert(boolean before, byte[] pivot, byte[] element) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(element(i), pivot)) {
        insertAt(before ? i : i + 1, element);
        return true;
      }
    }
    return false;
  }

  /**
   * The indexes of elements equal to {@code element} ({@code LPOS}): from the {@code |rank|}-th match, scanning
   * from the head if {@code rank} is positive and from the tail if negative, at most {@code count} of them (0: all),
   * comparing at most {@code maxLength} elements (0: all). {@code rank} is never 0.
   */
  List<Long> positions(byte[] element, long rank, long count, long maxLength) {
    List<Long> found = new ArrayList<>();
    // Redis's -rank stays negative for LONG_MIN: every match from the tail ranks, and its count test wraps.
    boolean smallest = rank == Long.MIN_VALUE;
    long skip = smallest ? 0 : Math.abs(rank) - 1;
    long limit = count == 0 || smallest ? Long.MAX_VALUE : count;
    long compared = maxLength == 0 ? size : Math.min(size, maxLength);
    for (int i = 0; i < compared && found.size() < limit; i++) {
      int at = rank < 0 ? size - 1 - i : i;
      if (Arrays.equals(element(at), element)) {
        if (skip > 0) {
          skip--;
        } else {
          found.add((long) at);
        }
      }
    }
    return found;
  }

  /** The element at position {@code index}, {@code 0 <= index < size}. */
  private byte[] element(int index) {
    return ring[slot(index)];
  }

  private int slot(int index) {
    int at = head + index;
    return at >= ring.length ? at - ring.length : at;
  }

  /** {@code [from, to)} of the positions Redis's inclusive {@code start} and {@code stop} take in. */
  private int[] bounds(long start, long stop) {
    long from = Math.max(0, start < 0 ? size + start : start);
    long to = Math.min(size - 1L, stop < 0 ? size + stop : stop);
    return from > to ? new int[] {0, 0} : new int[] {(int) from, (int) to + 1};
  }

  private void insertAt(int index, byte[] element) {
    grow(1);
    for (int i = size; i > index; i--) {
      ring[slot(i)] = ring[slot(i - 1)];
    }
    ring[slot(index)] = element;
    size++;
    bytes += element.length;
    regionWaste += HeapRegions.waste(element.length);
  }

  /** Keeps the elements whose position is not marked, in order, in a ring sized for them. */
  private void keepUnless(boolean[] removed) {
    byte[][] kept = new byte[Math.max(size, MIN_CAPACITY)][];
    int count = 0;
    long keptBytes = 0;
    long keptWaste = 0;
    for (int i = 0; i < size; i++) {
      if (!removed[i]) {
        kept[count++] = element(i);
        keptBytes += element(i).length;
        keptWaste += HeapRegions.waste(element(i).length);
      }
    }
    ring = count == 0 ? EMPTY : count <= kept.length / 2 ? Arrays.copyOf(kept, Math.max(count, MIN_CAPACITY)) : kept;
    head = 0;
    size = count;
    bytes = keptBytes;
    regionWaste = keptWaste;
  }

  /** Makes room for {@code more} elements: the ring grows by half (doubling while small). */
  private void grow(int more) {
    if (size + more <= ring.length) {
      return;
    }
    int capacity = Math.max(MIN_CAPACITY, ring.length < 64 ? ring.length * 2 : ring.length + (ring.length >> 1));
    resize(Math.max(capacity, size + more));
  }

  /**
   * Halves the ring when it is half empty, so a list that shrank gives its slots back and a slot never costs more
   * than 8 bytes an element; a resize copies the ring, after at least a third of its length in pushes or pops.
   */
  private void shrink() {
    if (size == 0) {
      ring = EMPTY;
      head = 0;
    } else if (ring.length > MIN_CAPACITY && size <= ring.length / 2) {
      resize(Math.max(MIN_CAPACITY, ring.length / 2));
    }
  }

  private void resize(int capacity) {
    byte[][] next = new byte[capacity][];
    for (int i = 0; i < size; i++) {
      next[i] = element(i);
    }
    ring = next;
    head = 0;
  }
}
