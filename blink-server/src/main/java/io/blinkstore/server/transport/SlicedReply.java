package io.blinkstore.server.transport;

import io.blinkstore.BlinkStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;

/**
 * A reply that carries one large value, written by {@link ReplySlicer} in slices of the value's bytes as the client
 * takes them, instead of in one buffer of its whole size: the replies waiting for the client stay within a few
 * slices, and so does the direct memory the reply takes, whatever the value's size. The value is not copied whole
 * first: each slice is copied from it when its turn comes, so the value (a stored array, which a write of the key
 * replaces but never changes: {@link BlinkStore.StoredValue#IMMUTABLE_LENGTH}) is held until the last slice.
 *
 * <p>A codec makes one of a reply whose value is at least {@link #LEAST_VALUE_BYTES} long: its bytes before the
 * value ({@code $<length>\r\n}, {@code VALUE }), the value, written as it is or in base64, and its bytes after it.
 * Below that size a reply is one buffer, as before: the path of the small replies gains no work.
 */
public final class SlicedReply {
  /**
   * The least value sent in slices, 1 MiB: {@link BlinkStore.StoredValue#IMMUTABLE_LENGTH}, the least length of a
   * stored value whose slices, copied at different times, are all of one write.
   */
  public static final int LEAST_VALUE_BYTES = BlinkStore.StoredValue.IMMUTABLE_LENGTH;

  /** The value bytes of one slice written as they are. */
  static final int SLICE_BYTES = 64 << 10;

  /** The value bytes of one slice written in base64: a multiple of 3, so that the slices' texts join up. */
  static final int BASE64_SLICE_BYTES = 48 << 10;

  private final byte[] head;
  private final BlinkStore.StoredValue value;
  private final boolean base64;
  private final byte[] tail;
  /** The value's first byte not sliced yet. */
  private int next;
  /** Whether the first slice, with the head, has been taken. */
  private boolean started;

  private SlicedReply(byte[] head, BlinkStore.StoredValue value, boolean base64, byte[] tail) {
    this.head = head;
    this.value = value;
    this.base64 = base64;
    this.tail = tail;
  }

  /** The reply of {@code head}, {@code value}'s bytes as they are, and {@code tail}. */
  public static SlicedReply of(byte[] head, BlinkStore.StoredValue value, byte[] tail) {
    return new SlicedReply(head, value, false, tail);
  }

  /** The reply of {@code head}, {@code value}'s bytes in standard, padded base64, and {@code tail}. */
  public static SlicedReply base64(byte[] head, BlinkStore.StoredValue value, byte[] tail) {
    return new SlicedReply(head, value, true, tail);
  }

  /** The bytes between {@code bytes}' position and limit, which must not change, as a value to slice. */
  public static BlinkStore.StoredValue bytes(ByteBuffer bytes) {
    ByteBuffer view = bytes.duplicate();
    return new BlinkStore.StoredValue() {
      @Override
      public int length() {
        return view.remaining();
      }

      @Override
      public void copyTo(ByteBuffer target, int index, int from, int length) {
        Objects.checkFromIndexSize(from, length, view.remaining());
        target.put(index, view, view.position() + from, length);
      }
    };
  }

  /** The value's bytes not sliced yet (the reply's last slice takes the last of them). */
  int remaining() {
    return value.length() - next;
  }

  /** Whether every slice has been taken. */
  boolean done() {
    return started && next == value.length();
  }

  /**
   * The next slice, in a buffer of {@code alloc}'s: the head with the first, the tail with the last.
   *
   * @throws IllegalStateException if every slice has been taken
   */
  ByteBuf next(ByteBufAllocator alloc) {
    if (done()) {
      throw new IllegalStateException("every slice has been taken");
    }
    int length = value.length();
    int from = next;
    int count = Math.min(base64 ? BASE64_SLICE_BYTES : SLICE_BYTES, length - from);
    boolean first = !started;
    boolean last = from + count == length;
    int encoded = base64 ? (count + 2) / 3 * 4 : count;
    ByteBuf slice = alloc.ioBuffer((first ? head.length : 0) + encoded + (last ? tail.length : 0));
    try {
      if (first) {
        slice.writeBytes(head);
      }
      if (base64) {
        byte[] bytes = new byte[count];
        value.copyTo(ByteBuffer.wrap(bytes), 0, from, count);
        slice.writeBytes(Base64.getEncoder().encode(bytes));
      } else {
        value.copyTo(slice.nioBuffer(slice.writerIndex(), count), 0, from, count);
        slice.writerIndex(slice.writerIndex() + count);
      }
      if (last) {
        slice.writeBytes(tail);
      }
    } catch (RuntimeException | Error e) {
      slice.release();
      throw e;
    }
    started = true;
    next = from + count;
    return slice;
  }

  @Override
  public String toString() {
    return "SlicedReply[" + value.length() + " bytes" + (base64 ? " in base64" : "") + ", " + remaining() + " left]";
  }
}
