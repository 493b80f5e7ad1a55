package io.blinkstore;

import io.blinkstore.internal.ListReplies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkList}: each call one {@link IsolatedStore#read} of the key's {@link ListValue} (under
 * its monitor) or one {@link IsolatedStore#update} (inside the key's {@code compute}, re-weighed after, a list left
 * empty removed, refused before any change if it could pass the limit), through the store's gate. Elements are
 * copied on the way in and out: the caller's arrays never become the store's, nor the store's the caller's (a
 * popped array, which leaves the list, is handed out as it is).
 */
final class StoreList implements BlinkList, ListReplies {
  private static final Predicate<Object> ALWAYS = answer -> true;
  /** What a pop, a read or a move answers for no element (the store's answers are never null): told by identity. */
  private static final byte[] NONE = new byte[0];
  /** What {@code pop(end, count)} answers for an absent list, told by identity. */
  private static final List<byte[]> NO_LIST = Collections.unmodifiableList(new ArrayList<>());

  private final IsolatedStore store;
  private final String key;

  StoreList(IsolatedStore store, String key) {
    this.store = store;
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** A write that changes an existing list only; {@code modified} tells from its answer whether it changed it. */
  private <R> R change(String name, long growBytes, long growElements, Function<ListValue, R> change, R absent,
      Predicate<? super R> modified) {
    return store.update(name, new TypedWrite<>(ListValue.class, null, growBytes, growElements, change, absent,
        modified));
  }

  /** Pushes {@code elements} (the store's own arrays now) at {@code end} of the list of {@code name}, creating it. */
  private long pushCreating(String name, End end, byte[][] elements) {
    return store.update(name, new TypedWrite<>(ListValue.class, ListValue::new, bytes(elements), elements.length,
        list -> pushAll(list, end, elements), 0L, ALWAYS));
  }

  private <R> R read(Function<ListValue, R> reader, R absent) {
    return store.read(key, ListValue.class, reader, absent);
  }

  @Override
  public long push(End end, byte[]... elements) {
    return pushCreating(key, end, copies(elements));
  }

  @Override
  public long pushIfPresent(End end, byte[]... elements) {
    byte[][] copies = copies(elements);
    return change(key, bytes(copies), copies.length, list -> pushAll(list, end, copies), 0L, n -> n > 0);
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
    return orNull(change(key, 0, 0, list -> popOne(list, end), NONE, element -> element != NONE));
  }

  /** The element popped at {@code end}, or {@link #NONE} if the list is empty. */
  private static byte[] popOne(ListValue list, End end) {
    byte[] element = end == End.LEFT ? list.popFirst() : list.popLast();
    return element == null ? NONE : element;
  }

  private static byte @Nullable [] orNull(byte[] element) {
    return element == NONE ? null : element;
  }

  @Override
  public @Nullable List<byte[]> pop(End end, long count) {
    return pop(end, count, Long.MAX_VALUE);
  }

  @Override
  public @Nullable List<byte[]> pop(End end, long count, long maxBytes) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    List<byte[]> popped = change(key, 0, 0, list -> {
      if (count > 0) {
        checkReply(list, end == End.LEFT ? 0 : -count, end == End.LEFT ? count - 1 : -1, maxBytes);
      }
      List<byte[]> elements = new ArrayList<>((int) Math.min(count, list.size()));
      for (long i = 0; i < count && !list.isEmpty(); i++) {
        elements.add(popOne(list, end));
      }
      return elements;
    }, NO_LIST, elements -> !elements.isEmpty());
    return popped == NO_LIST ? null : popped;
  }

  @Override
  public long size() {
    return read(list -> (long) list.size(), 0L);
  }

  @Override
  public byte @Nullable [] get(long index) {
    return orNull(read(list -> {
      byte[] element = list.get(index);
      return element == null ? NONE : element.clone();
    }, NONE));
  }

  @Override
  public List<byte[]> range(long start, long stop) {
    return range(start, stop, Long.MAX_VALUE);
  }

  @Override
  public List<byte[]> range(long start, long stop, long maxBytes) {
    return read(list -> {
      checkReply(list, start, stop, maxBytes);
      return copies(list.range(start, stop));
    }, List.of());
  }

  /** Refuses a reply of the elements from {@code start} to {@code stop} that would pass {@code maxBytes}. */
  private static void checkReply(ListValue list, long start, long stop, long maxBytes) {
    if (maxBytes != Long.MAX_VALUE) {
      long bytes = list.rangeBytes(start, stop, ELEMENT_OVERHEAD);
      if (bytes > maxBytes) {
        throw new TooLarge(bytes, maxBytes);
      }
    }
  }

  @Override
  public boolean set(long index, byte[] element) {
    byte[] copy = element.clone();
    int answer = change(key, copy.length, 0, list -> list.set(index, copy) ? 1 : 0, -1, set -> set == 1);
    if (answer == 0) {
      throw new IndexOutOfBoundsException("index out of range: " + index);
    }
    return answer == 1;
  }

  @Override
  public long remove(long count, byte[] element) {
    return change(key, 0, 0, list -> (long) list.remove(count, element), 0L, n -> n > 0);
  }

  @Override
  public long insert(boolean before, byte[] pivot, byte[] element) {
    byte[] copy = element.clone();
    return change(key, copy.length, 1, list -> list.insert(before, pivot, copy) ? (long) list.size() : -1L, 0L,
        n -> n > 0);
  }

  @Override
  public List<Long> positions(byte[] element, long rank, long count, long maxLength) {
    if (rank == 0 || count < 0 || maxLength < 0) {
      throw new IllegalArgumentException("rank must not be 0, count and maxLength not negative: " + rank + ", "
          + count + ", " + maxLength);
    }
    return read(list -> list.positions(element, rank, count, maxLength), List.of());
  }

  @Override
  public void trim(long start, long stop) {
    change(key, 0, 0, list -> list.trim(start, stop), Boolean.FALSE, Boolean.TRUE::equals);
  }

  /**
   * Pops from this list and pushes onto {@code destination}, each under its own key's lock: an empty list answers
   * {@code null} whatever the destination holds, then the destination's type is checked, and an element the push refuses (the memory limit) goes back where it was popped, so
   * nothing is lost. Another caller may see the element in neither list for that moment; the server runs
   * {@code LMOVE} with the store's gate held exclusive, so no command of another client sees it.
   */
  @Override
  public byte @Nullable [] move(End from, String destination, End to) {
    if (destination.equals(key)) {
      return orNull(change(key, 0, 0, list -> {
        byte[] element = popOne(list, from);
        pushAll(list, to, new byte[][] {element});
        return element.clone();
      }, NONE, element -> element != NONE));
    }
    if (size() == 0) { // an empty source answers null before the destination's type is looked at, as Redis's LMOVE
      return null;
    }
    store.read(destination, ListValue.class, list -> Boolean.TRUE, Boolean.FALSE); // WRONGTYPE before the pop
    byte[] element = pop(from);
    if (element == null) {
      return null;
    }
    byte[][] one = {element};
    try {
      pushCreating(destination, to, one);
    } catch (RuntimeException e) {
      pushCreating(key, from, one);
      throw e;
    }
    return element.clone();
  }

  private static long bytes(byte[][] elements) {
    long bytes = 0;
    for (byte[] element : elements) {
      bytes += element.length;
    }
    return bytes;
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
