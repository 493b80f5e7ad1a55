package io.blinkstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Lets a writer overwrite a stored value in place while readers copy it without a lock: a sequence lock per stripe
 * of keys, Java's {@link StampedLock}. An overwrite that keeps the value's length writes into the entry's packed
 * array instead of allocating a new one ({@link CaffeineBlinkStore}), so that a cache's churn of overwrites leaves
 * no old-generation garbage behind; readers must then never see half of one value and half of another.
 *
 * <p><b>Writers</b> already hold the key's lock in the map (they run inside {@code compute}); each overwrite also
 * takes its stripe's write lock for the copy alone. <b>Readers</b> take a stamp ({@link StampedLock#tryOptimisticRead},
 * a volatile read of the lock's state), copy, and keep the copy only if {@link StampedLock#validate} finds the state
 * unchanged; otherwise they copy again. After {@link #OPTIMISTIC_TRIES} failures a reader takes the stripe's read
 * lock, so a stream of writes can slow a reader but never starve it.
 *
 * <p><b>Why a copy that validates is whole</b>, in the Java memory model: acquiring the write lock is a CAS on the
 * state (a volatile read and write) followed by a store-store fence ({@code StampedLock.tryWriteLock}), so none of
 * the writer's stores into the array can become visible before the state says "writing"; releasing it is a release
 * store of the next state, after every store into the array. The reader's stamp is an acquire read of the state, so
 * its copy's loads come after it; {@code validate} issues an acquire fence before reading the state again, so the
 * copy's loads come before that second read. If both reads find the same even state, no write lock was taken in
 * between, so every byte copied was written before the first read (a writer that released before the stamp: its
 * stores happen-before the copy) and none after it. A racing copy may read torn bytes, but it is thrown away before
 * anyone uses it: the copier must only copy (never act on what it reads), which every caller here does.
 *
 * <p><b>Why stripes</b>, not a sequence number in each entry: a 4-byte field in {@link Key} takes it from 16 to 24
 * bytes on Java 17 (8 bytes per entry, 3.5% of an entry of 10 + 100 bytes), and there is no spare byte in the
 * packed array for a 10-byte key and a 100-byte value. Stripes cost {@link #STRIPES} small objects per store; the
 * price is that a reader also retries when a write to another key of its stripe overlaps its copy, which at 64
 * stripes is rare and costs one more copy. Readers and writers of one key always find the same stripe: it is
 * chosen by the key's {@code String} hash, and a key has one {@code String} form.
 */
final class ValueLocks {
  /** The number of stripes, a power of two. */
  static final int STRIPES = 64;

  /** Optimistic copies a reader makes before it takes its stripe's read lock. */
  static final int OPTIMISTIC_TRIES = 4;

  private final StampedLock[] stripes = new StampedLock[STRIPES];

  ValueLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new StampedLock();
    }
  }

  /** Copies some bytes of a packed array; called again when a racing write made its result useless. */
  @FunctionalInterface
  interface Copier<T> {
    T copy(byte[] packed, int offset, int length);
  }

  /** Copies a stored value out: what {@code get} returns. */
  static final Copier<byte[]> COPY =
      (packed, offset, length) -> Arrays.copyOfRange(packed, offset, offset + length);

  /** Decodes a stored value: what {@code getString} returns. */
  static final Copier<String> DECODE =
      (packed, offset, length) -> new String(packed, offset, length, StandardCharsets.UTF_8);

  /** The lock of the stripe of {@code key}. */
  StampedLock of(String key) {
    int h = key.hashCode();
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }

  /**
   * Overwrites the value bytes of {@code packed}, the stored array of {@code key}, with {@code value}, which must be
   * exactly as long. The caller holds the key's lock in the map, so writers of one key never race each other here.
   */
  void overwrite(String key, byte[] packed, byte[] value) {
    int offset = packed.length - value.length;
    StampedLock lock = of(key);
    long stamp = lock.writeLock();
    try {
      System.arraycopy(value, 0, packed, offset, value.length);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Overwrites as {@link #overwrite(String, byte[], byte[])} does and gives {@code entry} the ref {@code next} (the
   * same array with another deadline, or none) under the same write lock, so that a copier that takes its stamp
   * before it reads the ref and validates it after the copy sees both or neither: a snapshot never pairs one
   * write's bytes with another's deadline ({@link SnapshotWriter}).
   */
  void overwrite(String key, byte[] packed, byte[] value, Key entry, Object next) {
    int offset = packed.length - value.length;
    StampedLock lock = of(key);
    long stamp = lock.writeLock();
    try {
      System.arraycopy(value, 0, packed, offset, value.length);
      entry.ref = next;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** The value bytes of {@code packed}, the stored array of {@code key}, copied whole by {@code copier}. */
  <T> T read(String key, byte[] packed, Copier<T> copier) {
    int offset = Key.valueOffset(packed);
    return read(of(key), packed, offset, packed.length - offset, copier);
  }

  /** Copies {@code length} bytes of {@code packed} from {@code offset} with {@code copier}, whole, under {@code lock}. */
  static <T> T read(StampedLock lock, byte[] packed, int offset, int length, Copier<T> copier) {
    for (int tries = 0; tries < OPTIMISTIC_TRIES; tries++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp != 0) {
        T copy = copier.copy(packed, offset, length);
        if (lock.validate(stamp)) {
          return copy;
        }
      }
      Thread.onSpinWait();
    }
    long stamp = lock.readLock();
    try {
      return copier.copy(packed, offset, length);
    } finally {
      lock.unlockRead(stamp);
    }
  }
}
