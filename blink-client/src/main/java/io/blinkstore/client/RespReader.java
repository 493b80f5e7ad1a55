package io.blinkstore.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Cuts RESP2 replies from the stream. Every size is checked as soon as its header arrives, before anything is
 * buffered for it: a reply whose bulk strings add up to more than the longest legitimate reply (plus 64 KiB for
 * the headers of an array), an array of more than
 * {@value #MAX_ARRAY_LENGTH} elements or nested deeper than {@value #MAX_DEPTH}, or a line longer than the
 * longest reply, is refused. So the buffer never holds more than one legitimate reply and one read.
 */
final class RespReader implements ReplyReader<RespReply> {
  /** The most elements of an array reply: no command this client sends is answered with more. */
  static final int MAX_ARRAY_LENGTH = 1024;
  /** The deepest nesting of arrays. */
  static final int MAX_DEPTH = 4;
  /** What the headers and short elements of an array may add to the longest reply. */
  private static final int ARRAY_OVERHEAD_BYTES = 64 * 1024;
  /** The longest {@code $n} or {@code *n} header, as Redis bounds its own. */
  private static final int MAX_HEADER_BYTES = 32;

  private final LongSupplier longestReply;
  private byte[] buffer = new byte[1024];
  private int start;
  private int end;
  private int position;

  RespReader(LongSupplier longestReply) {
    this.longestReply = longestReply;
  }

  @Override
  public void split(ByteBuffer input, Consumer<RespReply> onReply) {
    append(input);
    while (start < end) {
      position = start;
      RespReply reply = parse(0);
      if (reply == null) {
        return; // incomplete: wait for more bytes
      }
      start = position;
      onReply.accept(reply);
    }
  }

  private void append(ByteBuffer input) {
    int length = input.remaining();
    if (start > 0 && end + length > buffer.length) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end + length > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(end + length, buffer.length * 2));
    }
    input.get(buffer, end, length);
    end += length;
    if (start == end) {
      start = 0;
      end = 0;
    }
  }

  /** Parses one reply at {@link #position} and moves past it; returns null if it is not complete yet. */
  private @Nullable RespReply parse(int depth) {
    if (position == end) {
      return null;
    }
    byte type = buffer[position];
    if (type != '+' && type != '-' && type != ':' && type != '$' && type != '*') {
      // Known at the first byte: a server that is no RESP server (a text-protocol reply ends in a bare \n, for
      // which a RESP reader would wait until its command timed out).
      throw new MalformedReplyException("received a RESP reply starting with byte " + (type & 0xFF));
    }
    boolean header = type == '$' || type == '*';
    int lineEnd = lineEnd(position + 1, header ? MAX_HEADER_BYTES : longestReply.getAsLong());
    if (lineEnd < 0) {
      return null;
    }
    String line = new String(buffer, position + 1, lineEnd - position - 1, StandardCharsets.UTF_8);
    int next = lineEnd + 2;
    return switch (type) {
      case '+' -> at(next, new RespReply.Simple(line));
      case '-' -> at(next, new RespReply.Error(line));
      case ':' -> at(next, new RespReply.Int(number(line)));
      case '$' -> bulk(number(line), next);
      case '*' -> array(number(line), next, depth);
      default -> throw new AssertionError("a type byte checked above: " + type);
    };
  }

  private RespReply at(int next, RespReply reply) {
    position = next;
    return reply;
  }

  private @Nullable RespReply bulk(long length, int next) {
    if (length == -1) {
      return at(next, new RespReply.Bulk(null));
    }
    long longest = longestReply.getAsLong();
    // The whole reply so far, this string included: an array of many long strings is refused too.
    if (length < 0 || next - start + length > longest + ARRAY_OVERHEAD_BYTES) {
      throw new MalformedReplyException(
          "received a RESP bulk string of " + length + " bytes; no legitimate reply is longer than " + longest);
    }
    if (end - next < length + 2) {
      return null;
    }
    int stop = next + (int) length;
    if (buffer[stop] != '\r' || buffer[stop + 1] != '\n') {
      throw new MalformedReplyException("received a RESP bulk string not followed by CRLF");
    }
    return at(stop + 2, new RespReply.Bulk(Arrays.copyOfRange(buffer, next, stop)));
  }

  private @Nullable RespReply array(long length, int next, int depth) {
    if (length == -1) {
      return at(next, new RespReply.Array(null));
    }
    if (length < 0 || length > MAX_ARRAY_LENGTH || depth >= MAX_DEPTH) {
      throw new MalformedReplyException("received a RESP array of " + length + " elements at depth " + depth
          + "; at most " + MAX_ARRAY_LENGTH + " elements and " + MAX_DEPTH + " levels are accepted");
    }
    position = next;
    List<RespReply> items = new ArrayList<>((int) length);
    for (long i = 0; i < length; i++) {
      RespReply item = parse(depth + 1);
      if (item == null) {
        return null;
      }
      items.add(item);
    }
    return new RespReply.Array(items);
  }

  /** Where the CRLF ending the line from {@code from} is; -1 if it has not arrived (and may still). */
  private int lineEnd(int from, long longest) {
    for (int i = from; i + 1 < end; i++) {
      if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
        return i;
      }
      if (i - from >= longest) {
        break;
      }
    }
    if (end - from > longest) {
      throw new MalformedReplyException("received a RESP line longer than " + longest + " bytes");
    }
    return -1;
  }

  private static long number(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new MalformedReplyException("received a RESP number that is not one: " + text);
    }
  }
}
