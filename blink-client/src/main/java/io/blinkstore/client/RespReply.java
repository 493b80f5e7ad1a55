package io.blinkstore.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One RESP2 reply, as {@link RespReader} cuts it from the stream. */
sealed interface RespReply {
  /** {@code +text}. */
  record Simple(String text) implements RespReply {}

  /** {@code -message}, such as {@code ERR unknown command ...} or {@code OOM command not allowed ...}. */
  record Error(String message) implements RespReply {}

  /** {@code :value}. */
  record Int(long value) implements RespReply {}

  /** {@code $n} and its bytes; {@code bytes} is null for the nil reply {@code $-1}. */
  record Bulk(byte @Nullable [] bytes) implements RespReply {}

  /** {@code *n} and its elements; {@code items} is null for the nil array {@code *-1}. */
  record Array(@Nullable List<RespReply> items) implements RespReply {}
}
