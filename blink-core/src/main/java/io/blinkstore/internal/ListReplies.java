package io.blinkstore.internal;

import io.blinkstore.BlinkList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the list reads and pops blink-server bounds by a connection's output cap ({@code --max-output-bytes}).
 * What a reply would hold is measured under the list's monitor before anything is copied or popped, so a reply
 * that would pass the cap, and close the connection (losing a pop's elements with it), is refused instead and
 * changes nothing. The in-process store's lists ({@code BlinkStore.list}) are ones.
 */
public interface ListReplies {
  /** What a reply counts for each element beside its bytes: a RESP bulk string's header and line ends, at most. */
  int ELEMENT_OVERHEAD = 16;

  /** A reply of {@link #bytes} (elements' bytes and {@link #ELEMENT_OVERHEAD} each) that would pass the cap. */
  final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long bytes;

    public TooLarge(long bytes, long maxBytes) {
      super("a reply of " + bytes + " bytes would pass " + maxBytes, null, false, false);
      this.bytes = bytes;
    }

    /** What the reply would measure. */
    public long bytes() {
      return bytes;
    }
  }

  /**
   * {@link BlinkList#range}, refused if the reply would pass {@code maxBytes}.
   *
   * @throws TooLarge if it would (nothing copied)
   */
  List<byte[]> range(long start, long stop, long maxBytes);

  /**
   * {@link BlinkList#pop(BlinkList.End, long)}, refused if the reply would pass {@code maxBytes}.
   *
   * @throws TooLarge if it would (nothing popped)
   */
  @Nullable List<byte[]> pop(BlinkList.End end, long count, long maxBytes);
}
