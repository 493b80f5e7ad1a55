package io.blinkstore;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;

/**
 * The in-process store's {@link BlinkStore.StoredValue}: the entry's packed array and the lock of its key's stripe,
 * so that {@link #copyTo} copies the value bytes straight out of the array, once, whole even while a write of the
 * same length overwrites them in place ({@link ValueLocks}). Its length is the array's, which never changes; an
 * array of a value of {@link BlinkStore.StoredValue#IMMUTABLE_LENGTH} or more is never written in place
 * ({@link Overwrite}), so its parts, copied at different times, are of one write.
 */
final class StoredBytes implements BlinkStore.StoredValue {
  private final StampedLock lock;
  private final byte[] packed;
  private final int offset;

  StoredBytes(StampedLock lock, byte[] packed) {
    this.lock = lock;
    this.packed = packed;
    this.offset = Key.valueOffset(packed);
  }

  @Override
  public int length() {
    return packed.length - offset;
  }

  @Override
  public void copyTo(ByteBuffer target, int index, int from, int length) {
    Objects.checkFromIndexSize(from, length, length());
    ValueLocks.read(lock, packed, offset + from, length, (bytes, at, count) -> target.put(index, bytes, at, count));
  }

  @Override
  public String toString() {
    return "StoredValue[" + length() + " bytes]";
  }
}
