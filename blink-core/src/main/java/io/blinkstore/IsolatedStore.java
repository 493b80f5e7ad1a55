package io.blinkstore;

import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Hashes;
import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.MemoryLimitControl;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.Sets;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The store {@code BlinkStore.builder()} builds: the {@link CaffeineBlinkStore} behind a gate that isolates
 * transactions ({@link Isolation}), and marking the watchers of every key it modifies ({@link Watches}).
 *
 * <p><b>The gate</b> is {@link KeyGate}: every operation holds its calling thread's stripe shared, and
 * {@link #atomically} holds every stripe exclusive.
 *
 * <p>Two instances share one store: the gated one, handed to callers, and its {@link #view()} without the gate, for
 * a caller that holds the gate itself. Both mark watchers. Both are the store's {@link Deadlines} too, and the
 * {@link ValueSwaps} of the server's read-then-write commands.
 */
final class IsolatedStore
    implements BlinkStore, Keyspace.Source, Isolation.Source, Isolation, Deadlines, LoadThrough.Target,
    ValueSwaps.Source, ValueSwaps, MemoryLimitControl.Source, TypedKeys.Source, TypedKeys, Hashes.Source,
    SortedSets.Source, Sets.Source {
  private final CaffeineBlinkStore store;
  private final KeyGate gate;
  private final Watches watches;
  private final boolean gated;
  private final IsolatedStore view;
  private final LoadThrough loads;
  private final StoreHashes hashes;
  private final StoreSortedSets sortedSets;
  private final StoreSets sets;

  IsolatedStore(CaffeineBlinkStore store) {
    this(store, new KeyGate(), new Watches(), null, new AtomicReference<>(HashValue.REDIS_DEFAULTS),
        new AtomicReference<>(ZSetValue.REDIS_DEFAULTS), new AtomicLong(SetValue.REDIS_MAX_INTSET_ENTRIES));
  }

  private IsolatedStore(CaffeineBlinkStore store, KeyGate gate, Watches watches, @Nullable IsolatedStore gatedOne,
      AtomicReference<HashValue.Compact> hashBounds, AtomicReference<HashValue.Compact> zsetBounds,
      AtomicLong maxIntset) {
    this.store = store;
    this.gate = gate;
    this.watches = watches;
    this.gated = gatedOne == null;
    this.hashes = new StoreHashes(this, hashBounds);
    this.sortedSets = new StoreSortedSets(this, zsetBounds);
    this.sets = new StoreSets(this, gated, maxIntset);
    this.view = gatedOne == null
        ? new IsolatedStore(store, gate, watches, this, hashBounds, zsetBounds, maxIntset) : this;
    this.loads = new LoadThrough(this, store.flights);
    store.removals = watches; // expiry and eviction tell the listener too
  }

  /** The store behind the gate, for tests of its internals. */
  CaffeineBlinkStore unwrap() {
    return store;
  }

  @Override
  public Isolation isolation() {
    return this;
  }

  @Override
  public BlinkStore view() {
    return view;
  }

  @Override
  public Watches watches() {
    return watches;
  }

  @Override
  public ValueSwaps swaps() {
    return this;
  }

  @Override
  public ValueSwaps.@Nullable Entry read(String key) {
    return gated(() -> ValueSwap.read(store, key));
  }

  @Override
  public boolean swap(String key, ValueSwaps.@Nullable Entry expected, byte @Nullable [] next, long ttlNanos) {
    return gated(() -> touchedIf(ValueSwap.run(store, key, expected, next, ttlNanos), key));
  }

  @Override
  public boolean swapUntil(String key, ValueSwaps.@Nullable Entry expected, byte[] next, long deadline) {
    return gated(() -> touchedIf(ValueSwap.runUntil(store, key, expected, next, deadline), key));
  }

  @Override
  public TypedKeys typedKeys() {
    return this;
  }

  @Override
  public Hashes hashes() {
    return hashes;
  }

  @Override
  public SortedSets sortedSets() {
    return sortedSets;
  }

  @Override
  public Sets sets() {
    return sets;
  }

  @Override
  public BlinkHash hash(String key) {
    StoreArguments.validate(key);
    return new StoreHash(hashes, key);
  }

  /** Runs {@code operation} holding the gate. */
  private <R> R gated(Supplier<R> operation) {
    long stamp = enter();
    try {
      return operation.get();
    } finally {
      exit(stamp);
    }
  }

  /** {@link TypedAccess#read}, holding the gate. */
  <T extends TypedValue, R> R read(String key, Class<T> type, Function<? super T, ? extends R> reader, R absent) {
    return gated(() -> store.typed.read(key, type, reader, absent));
  }

  /**
   * {@link TypedAccess#update}, holding the gate; a write that modified the value marks its watchers, then tells
   * the write listener ({@link TypedKeys#onWrite}).
   */
  <T extends TypedValue, R> R update(String key, TypedWrite<T, R> write) {
    R result;
    long stamp = enter();
    try {
      result = store.typed.update(key, write);
      if (!write.modified().test(result)) {
        return result;
      }
      watches.touch(key);
    } finally {
      exit(stamp);
    }
    store.typed.written(key);
    return result;
  }

  @Override
  public BlinkSet set(String key) {
    StoreArguments.validate(key);
    return new StoreSet(sets, key);
  }

  @Override
  public BlinkList list(String key) {
    StoreArguments.validate(key);
    return new StoreList(this, key);
  }

  @Override
  public @Nullable String type(String key) {
    return gated(() -> store.typed.type(key));
  }

  @Override
  public @Nullable String encoding(String key) {
    return gated(() -> store.typed.encoding(key));
  }

  @Override
  public boolean copy(String from, String to) {
    long stamp = enter();
    try {
      if (!touchedIf(store.typed.copy(from, to), to)) {
        return false;
      }
    } finally {
      exit(stamp);
    }
    store.typed.written(to);
    return true;
  }

  @Override
  public void onWrite(Consumer<String> listener) {
    store.typed.onWrite(listener);
  }

  /** This thread's stripe: event-loop threads are few and fixed, so each mostly has one to itself. */
  @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; the bytecode is Java 17's
  private static int stripe() {
    return KeyGate.stripe(Long.hashCode(Thread.currentThread().getId()));
  }

  @Override
  public long enter() {
    return gated ? gate.enter(stripe()) : 0;
  }

  @Override
  public long tryEnter(long nanos) {
    return gated ? gate.tryEnter(stripe(), nanos) : 1; // ungated (the view): any non-zero stamp, ignored by exit
  }

  @Override
  public void exit(long stamp) {
    if (gated) {
      gate.exit(stripe(), stamp);
    }
  }

  @Override
  public <T> T atomically(Function<BlinkStore, T> body) {
    try (KeyGate.Hold hold = gate.lockAll()) {
      store.expiry.freeze();
      try {
        return body.apply(view);
      } finally {
        store.expiry.thaw();
      }
    }
  }

  @Override
  public void set(String key, byte[] value) {
    long stamp = enter();
    try {
      store.set(key, value);
      watches.touch(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    long stamp = enter();
    try {
      store.set(key, value, ttl);
      watches.touch(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    long stamp = enter();
    try {
      return touchedIf(store.setIfAbsent(key, value), key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    long stamp = enter();
    try {
      return touchedIf(store.setIfAbsent(key, value, ttl), key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    return gated(() -> touchedIf(store.expire(key, ttl), key));
  }

  @Override
  public boolean persist(String key) {
    return gated(() -> touchedIf(store.persist(key), key));
  }

  @Override
  public boolean delete(String key) {
    long stamp = enter();
    try {
      return touchedIf(store.delete(key), key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public long now() {
    return store.deadlines.now();
  }

  @Override
  public long deadline(String key) {
    return gated(() -> store.deadlines.deadline(key));
  }

  @Override
  public boolean expireAt(String key, long deadline, Condition condition) {
    return gated(() -> touchedIf(store.deadlines.expireAt(key, deadline, condition), key));
  }

  @Override
  public void setUntil(String key, byte[] value, long deadline) {
    long stamp = enter();
    try {
      store.deadlines.setUntil(key, value, deadline);
      watches.touch(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
    long stamp = enter();
    try {
      return touchedIf(store.deadlines.setIfAbsentUntil(key, value, deadline), key);
    } finally {
      exit(stamp);
    }
  }

  /** Marks the watchers of {@code key} if {@code modified}; returns it. */
  private boolean touchedIf(boolean modified, String key) {
    if (modified) {
      watches.touch(key);
    }
    return modified;
  }

  @Override
  public long incrementBy(String key, long delta) {
    long stamp = enter();
    try {
      long result = store.incrementBy(key, delta);
      watches.touch(key);
      return result;
    } finally {
      exit(stamp);
    }
  }

  @Override
  public @Nullable Duration ttl(String key) {
    long stamp = enter();
    try {
      return store.ttl(key);
    } finally {
      exit(stamp);
    }
  }

  /** Each step of the load holds the gate on its own: the loader runs outside it (it may call the store). */
  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    Objects.requireNonNull(loader, "loader");
    return loads.load(key, 0, loader);
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    long ttlNanos = StoreArguments.ttlNanos(ttl);
    Objects.requireNonNull(loader, "loader");
    return loads.load(key, ttlNanos, loader);
  }

  @Override
  public byte @Nullable [] get(String key) {
    long stamp = enter();
    try {
      return store.get(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public @Nullable String getString(String key) {
    long stamp = enter();
    try {
      return store.getString(key);
    } finally {
      exit(stamp);
    }
  }

  /** The value's array as it is now: a later copy reads it whole, as one write left it (see {@link ValueLocks}). */
  @Override
  public @Nullable StoredValue getStored(String key) {
    long stamp = enter();
    try {
      return store.getStored(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public byte @Nullable [] peek(String key) {
    long stamp = enter();
    try {
      return store.peek(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public void store(String key, byte[] value, long ttlNanos) {
    long stamp = enter();
    try {
      store.store(key, value, ttlNanos);
      watches.touch(key);
    } finally {
      exit(stamp);
    }
  }

  @Override
  public long usage() {
    long stamp = enter();
    try {
      return store.usage();
    } finally {
      exit(stamp);
    }
  }

  @Override
  public long memoryLimit() {
    return store.memoryLimit();
  }

  @Override
  public long size() {
    long stamp = enter();
    try {
      return store.size();
    } finally {
      exit(stamp);
    }
  }

  @Override
  public BlinkStats stats() {
    return store.stats();
  }

  /** Not gated: a lowered limit evicts, and size eviction is not gated (as for every write that makes room). */
  @Override
  public MemoryLimitControl memoryLimitControl() {
    return new LimitChange(store);
  }

  /** The keyspace's operations ({@code SCAN}, {@code FLUSHDB}...) run under whatever hold their caller has. */
  @Override
  public Keyspace keyspace() {
    return store.keyspace();
  }

  @Override
  public void clear() {
    long stamp = enter();
    try {
      watches.touchIf(key -> store.ttl(key) != null); // as Redis's FLUSHALL: the watched keys that exist
      store.clear();
      watches.flushed();
    } finally {
      exit(stamp);
    }
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
