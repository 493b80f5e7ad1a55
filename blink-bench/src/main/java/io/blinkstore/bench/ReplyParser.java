package io.blinkstore.bench;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Parses a stream of replies incrementally: bytes may arrive split anywhere, and a reply is never held whole
 * (a 4 KiB value is skipped, not buffered). One instance per connection; not thread-safe. The text of the first
 * error reply is kept, so a run against a server that refuses a command can say why.
 */
abstract class ReplyParser {
  private static final int ERROR_TEXT_LIMIT = 200;

  private @Nullable StringBuilder errorText;
  private @Nullable String firstError;

  /** Consumes every byte of {@code in} (read mode), reporting each reply completed to {@code sink}. */
  abstract void parse(ByteBuffer in, Reply.Sink sink);

  /** The first error reply seen, without its line ending, or {@code null}. */
  final @Nullable String firstError() {
    return firstError;
  }

  final void startErrorText() {
    if (firstError == null && errorText == null) {
      errorText = new StringBuilder();
    }
  }

  final void errorByte(byte b) {
    if (errorText != null && b != '\r' && errorText.length() < ERROR_TEXT_LIMIT) {
      errorText.append((char) (b & 0xff));
    }
  }

  final void endErrorText() {
    if (errorText != null) {
      firstError = errorText.toString();
      errorText = null;
    }
  }

  /** Replies of the Blink text protocol (and echoed lines): one line each, classified by its first byte. */
  static final class Lines extends ReplyParser {
    private boolean inLine;
    /** The reply whose line is being read; set at its first byte. */
    private Reply kind = Reply.OTHER;

    @Override
    void parse(ByteBuffer in, Reply.Sink sink) {
      while (in.hasRemaining()) {
        if (!inLine) {
          kind = classify(in.get(in.position()));
          inLine = true;
          if (kind == Reply.ERROR) {
            startErrorText();
          }
        }
        if (skipToNewline(in)) {
          inLine = false;
          if (kind == Reply.ERROR) {
            endErrorText();
          }
          sink.accept(kind);
        }
      }
    }

    private boolean skipToNewline(ByteBuffer in) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          return true;
        }
        if (kind == Reply.ERROR) {
          errorByte(b);
        }
      }
      return false;
    }

    private static Reply classify(byte first) {
      return switch (first) {
        case 'V' -> Reply.HIT;
        case 'N' -> Reply.MISS;
        case 'O' -> Reply.OK;
        case 'E' -> Reply.ERROR;
        default -> Reply.OTHER;
      };
    }
  }

  /** RESP2/RESP3 replies to GET and SET: simple strings, errors, integers, bulk strings, nulls. */
  static final class Resp extends ReplyParser {
    private static final int TYPE = 0;
    private static final int HEADER = 1;
    private static final int BULK = 2;

    private int state = TYPE;
    private byte type;
    private long number;
    private boolean negative;
    private long bulkRemaining;

    @Override
    void parse(ByteBuffer in, Reply.Sink sink) {
      while (in.hasRemaining()) {
        switch (state) {
          case TYPE -> startReply(in.get());
          case HEADER -> header(in, sink);
          default -> bulk(in, sink);
        }
      }
    }

    private void startReply(byte b) {
      if (b == '\r' || b == '\n') {
        return;
      }
      type = b;
      number = 0;
      negative = false;
      state = HEADER;
      if (type == '-') {
        startErrorText();
      }
    }

    private void header(ByteBuffer in, Reply.Sink sink) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') {
          endHeader(sink);
          return;
        }
        if (type == '-') {
          errorByte(b);
        } else if (b == '-') {
          negative = true;
        } else if (b >= '0' && b <= '9') {
          number = number * 10 + (b - '0');
        }
      }
    }

    private void endHeader(Reply.Sink sink) {
      state = TYPE;
      switch (type) {
        case '+' -> sink.accept(Reply.OK);
        case '-' -> {
          endErrorText();
          sink.accept(Reply.ERROR);
        }
        case '_' -> sink.accept(Reply.MISS);
        case '$' -> {
          if (negative) {
            sink.accept(Reply.MISS);
          } else {
            bulkRemaining = number + 2;
            state = BULK;
          }
        }
        default -> sink.accept(Reply.OTHER);
      }
    }

    private void bulk(ByteBuffer in, Reply.Sink sink) {
      int skip = (int) Math.min(bulkRemaining, in.remaining());
      in.position(in.position() + skip);
      bulkRemaining -= skip;
      if (bulkRemaining == 0) {
        state = TYPE;
        sink.accept(Reply.HIT);
      }
    }
  }
}
