package io.blinkstore;

import io.blinkstore.internal.Deadlines;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-process store's entry points for typed values ({@link TypedValue}: hashes, lists), which every type's
 * operations go through: {@link #read} under the value's monitor, {@link #update} inside the map's {@code compute}
 * ({@link TypedUpdate}), {@link #copy} for {@code COPY}, {@code RENAME} and {@code MOVE}, and the questions
 * {@code TYPE} and {@code OBJECT ENCODING} ask. It also keeps what the store's typed values cost the heap beyond
 * their bytes ({@link TypedValue#overhead()}), for the heap capacity ({@link EntryBound}), and the one listener told
 * of every typed write ({@link #written}).
 */
final class TypedAccess {
  private final CaffeineBlinkStore store;
  /** The sum of {@link TypedValue#overhead()} over the typed values in the map. */
  private final LongAdder overhead = new LongAdder();
  private volatile @Nullable Consumer<String> writeListener;

  TypedAccess(CaffeineBlinkStore store) {
    this.store = store;
  }

  /**
   * Runs {@code reader} on the live value of {@code key} if it is a {@code type}, holding the value's monitor (no
   * write is half done meanwhile), and returns what it returns; {@code absent} if the key has no live value.
   * Counts a hit or a miss, as a string read does.
   *
   * @throws WrongTypeException if the key holds a value of another type
   */
  <T extends TypedValue, R> R read(String key, Class<T> type, Function<? super T, ? extends R> reader, R absent) {
    store.ensureOpen();
    Key entry = store.map.get(Key.lookup(Objects.requireNonNull(key, "key")));
    Object ref = entry == null ? null : entry.ref;
    if (ref instanceof Expiring holder && !holder.isLive(store.now())) {
      store.removeExpired(holder);
      ref = null;
    }
    if (ref == null) {
      StoreArguments.validate(key);
      store.counted(false);
      return absent;
    }
    T value = type.cast(checked(key, ref, type));
    store.counted(true);
    synchronized (value) {
      return reader.apply(value);
    }
  }

  /**
   * Runs {@code write} on the value of {@code key} (see {@link TypedWrite}) and returns its answer.
   *
   * @throws WrongTypeException if the key holds a value of another type
   * @throws EntryTooLargeException if the value could grow past the store's limit or heap capacity (nothing changed)
   */
  <T extends TypedValue, R> R update(String key, TypedWrite<T, R> write) {
    store.ensureOpen();
    int keyBytes = StoreArguments.validate(key);
    long reserved = keyBytes + write.growBytes();
    if (reserved > store.budget.limit()) {
      throw new EntryTooLargeException(reserved, store.budget.limit());
    }
    TypedUpdate<T, R> update = new TypedUpdate<>(store, key, keyBytes, write, reserved);
    store.withRoomFor(reserved, update);
    return update.result();
  }

  /**
   * Refuses a write that could take {@code value} (as it is now: a created one is empty) past the store's limit or
   * its heap capacity, before it changes anything.
   */
  void checkRoom(TypedValue value, TypedWrite<?, ?> write, boolean expires) {
    long after = value.weight() + write.growBytes();
    if (after > store.budget.limit()) {
      throw new EntryTooLargeException(after, store.budget.limit());
    }
    long capacity = store.bound.capacity();
    long cost = store.bound.cost(after, expires) + (value.elements() + write.growElements()) * value.heapPerElement();
    if (capacity != Long.MAX_VALUE && cost > capacity) {
      throw new EntryTooLargeException(cost, capacity);
    }
  }

  /**
   * The typed value of a live ref of {@code key} if it is a {@code type}.
   *
   * @throws WrongTypeException otherwise
   */
  static TypedValue checked(String key, Object ref, Class<? extends TypedValue> type) {
    TypedValue value = Key.typed(ref);
    if (!type.isInstance(value)) {
      throw new WrongTypeException(key, value == null ? "string" : value.type());
    }
    return Objects.requireNonNull(value);
  }

  /** What {@code TYPE} answers for {@code key}: {@code "string"}, a typed value's type, {@code null} if absent. */
  @Nullable String type(String key) {
    Object ref = liveRef(key);
    TypedValue value = ref == null ? null : Key.typed(ref);
    return ref == null ? null : value == null ? "string" : value.type();
  }

  /** What {@code OBJECT ENCODING} answers for a typed value; {@code null} for a string or an absent key. */
  @Nullable String encoding(String key) {
    Object ref = liveRef(key);
    TypedValue value = ref == null ? null : Key.typed(ref);
    if (value == null) {
      return null;
    }
    synchronized (value) {
      return value.encoding();
    }
  }

  /** The live ref of {@code key}, read without counting a hit or a miss, or {@code null}. */
  private @Nullable Object liveRef(String key) {
    store.ensureOpen();
    StoreArguments.validate(key);
    Key entry = store.policy.getIfPresentQuietly(Key.lookup(key));
    Object ref = entry == null ? null : entry.ref;
    return ref != null && store.isLive(ref) ? ref : null;
  }

  /**
   * Stores a deep copy of the live typed value of {@code from}, with its deadline, under {@code to} if {@code to}
   * has no live value; whether it did (not if {@code from} holds no live typed value).
   *
   * @throws EntryTooLargeException if the copy would not fit in the store's limit or heap capacity
   */
  boolean copy(String from, String to) {
    Object ref = liveRef(from);
    TypedValue value = ref == null ? null : Key.typed(ref);
    if (value == null) {
      return false;
    }
    int toBytes = StoreArguments.validate(to);
    TypedValue copy;
    synchronized (value) {
      copy = value.copy(Key.pack(to, toBytes, new byte[0]));
    }
    boolean expires = ref instanceof Expiring;
    long weight = copy.weight();
    long cost = store.bound.cost(weight, expires) + copy.overhead();
    if (weight > store.budget.limit() || store.bound.capacity() != Long.MAX_VALUE && cost > store.bound.capacity()) {
      throw new EntryTooLargeException(weight, store.budget.limit());
    }
    long deadline = ref instanceof Expiring holder ? holder.deadline : Deadlines.NEVER;
    Object stored = expires ? store.expiry.holderUntil(copy, deadline, false) : copy;
    return ConditionalPut.run(store, stored, false);
  }

  /** Counts the overhead of a typed value stored or grown (positive) or shrunk (negative). */
  void addOverhead(long bytes) {
    if (bytes != 0) {
      overhead.add(bytes);
    }
  }

  /** What the typed values in the map cost the heap beyond their bytes. */
  long overhead() {
    return overhead.sum();
  }

  /** Makes {@code listener} the one told of every typed write ({@link #written}). */
  void onWrite(Consumer<String> listener) {
    writeListener = Objects.requireNonNull(listener, "listener");
  }

  /** Tells the write listener, if there is one, that the typed value of {@code key} was written. */
  void written(String key) {
    Consumer<String> listener = writeListener;
    if (listener != null) {
      listener.accept(key);
    }
  }
}
