package io.blinkstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkList}: each call one read or one update of the key's {@link ListValue} through the
 * store's {@link Access}, which runs a write inside the key's {@code compute} (so the entry is re-weighed after it,
 * and a list left empty is removed) and a read under the list's monitor. Elements are copied on the way in and
 * out: the caller's arrays never become the store's, nor the store's the caller's.
 */
final class StoreList implements BlinkList {

  /** How the store reads and updates the list of a key. */
  interface Access {
    /** Runs {@code reader} on the key's list ({@code null} if absent), no write of it under way meanwhile. */
    <R> R read(String key, Function<@Nullable ListValue, R> reader);

    /**
     * Runs {@code writer} on the key's list inside the key's lock, creating an empty one first if absent and
     * {@code create}; else answers {@code null}. The entry is re-weighed after it, and removed if left empty.
     */
    <R> @Nullable R update(String key, boolean create, Function<ListValue, R> writer);

    /** Throws {@code WrongTypeException} if {@code key} holds a value that is not a list. */
    void requireListOrAbsent(String key);
  }

  private final Access access;
  private final String key;

  StoreList(Access access, String key) {
    this.access = access;
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long push(End end, byte[]... elements) {
    byte[][] copies = copies(elements);
    return orZero(access.update(key, true, list -> pushAll(list, end, copies)));
  }

  @Override
  public long pushIfPresent(End end, byte[]... elements) {
    byte[][] copies = copies(elements);
    return orZero(access.update(key, false, list -> pushAll(list, end, copies)));
  }

  private static long pushAll(ListValue list, End end, byte[][] elements) {
    for (byte[] element : elements) {
      if (end == End.LEFT) {
        list.pushFirst(element);
      } else {
        list.pushLast(element);
      }
    }
    return list.size();
  }

  @Override
  public byte @Nullable [] pop(End end) {
    // A popped array leaves the list: it is handed out without a copy.
    return access.update(key, false, list -> popOne(list, end));
  }

  private static byte @Nullable [] popOne(ListValue list, End end) {
    return end == End.LEFT ? list.popFirst() : list.popLast();
  }

  @Override
  public @Nullable List<byte[]> pop(End end, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    return access.update(key, false, list -> {
      List<byte[]> popped = new ArrayList<>((int) Math.min(count, list.size()));
      for (long i = 0; i < count && !list.isEmpty(); i++) {
        popped.add(Objects.requireNonNull(popOne(list, end), "not empty"));
      }
      return popped;
    });
  }

  @Override
  public long size() {
    return access.read(key, list -> list == null ? 0L : list.size());
  }

  @Override
  public byte @Nullable [] get(long index) {
    return access.read(key, list -> {
      byte[] element = list == null ? null : list.get(index);
      return element == null ? null : element.clone();
    });
  }

  @Override
  public List<byte[]> range(long start, long stop) {
    return access.read(key, list -> list == null ? List.of() : copies(list.range(start, stop)));
  }

  @Override
  public boolean set(long index, byte[] element) {
    byte[] copy = element.clone();
    Boolean inRange = access.update(key, false, list -> list.set(index, copy));
    if (inRange == null) {
      return false;
    }
    if (!inRange) {
      throw new IndexOutOfBoundsException("index out of range: " + index);
    }
    return true;
  }

  @Override
  public long remove(long count, byte[] element) {
    return orZero(access.update(key, false, list -> (long) list.remove(count, element)));
  }

  @Override
  public long insert(boolean before, byte[] pivot, byte[] element) {
    byte[] copy = element.clone();
    return orZero(access.update(key, false, list -> list.insert(before, pivot, copy) ? (long) list.size() : -1L));
  }

  @Override
  public List<Long> positions(byte[] element, long rank, long count, long maxLength) {
    if (rank == 0 || count < 0 || maxLength < 0) {
      throw new IllegalArgumentException("rank must not be 0, count and maxLength not negative: " + rank + ", "
          + count + ", " + maxLength);
    }
    return access.read(key, list -> list == null ? List.of() : list.positions(element, rank, count, maxLength));
  }

  @Override
  public void trim(long start, long stop) {
    access.update(key, false, list -> {
      list.trim(start, stop);
      return Boolean.TRUE;
    });
  }

  /**
   * Pops from this list and pushes onto {@code destination}, each under its own key's lock: the destination's type
   * is checked first, and an element the push refuses (the memory limit) goes back where it was popped, so
   * nothing is lost; another client may see the element in neither list for that moment.
   */
  @Override
  public byte @Nullable [] move(End from, String destination, End to) {
    if (destination.equals(key)) {
      return access.update(key, false, list -> {
        byte[] element = Objects.requireNonNull(popOne(list, from), "a stored list is not empty");
        pushAll(list, to, new byte[][] {element});
        return element.clone();
      });
    }
    access.requireListOrAbsent(destination);
    byte[] element = pop(from);
    if (element == null) {
      return null;
    }
    try {
      access.update(destination, true, list -> pushAll(list, to, new byte[][] {element}));
    } catch (RuntimeException e) {
      access.update(key, true, list -> pushAll(list, from, new byte[][] {element}));
      throw e;
    }
    return element.clone();
  }

  private static long orZero(@Nullable Long value) {
    return value == null ? 0 : value;
  }

  private static byte[][] copies(byte[][] elements) {
    byte[][] copies = new byte[elements.length][];
    for (int i = 0; i < elements.length; i++) {
      copies[i] = elements[i].clone();
    }
    return copies;
  }

  private static List<byte[]> copies(List<byte[]> elements) {
    List<byte[]> copies = new ArrayList<>(elements.size());
    elements.forEach(element -> copies.add(element.clone()));
    return copies;
  }
}
