package io.blinkstore.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** How requests are written and replies read: Blink's text protocol, RESP (Redis), or a plain echo. */
enum Protocol {
  /** The Blink Store text protocol: {@code GET key\n}, {@code SET key value\n}. */
  BLINK {
    @Override
    void writeGet(ByteBuffer out, KeyFormat keys, long key) {
      out.put(TEXT_GET);
      keys.write(out, key);
      out.put((byte) '\n');
    }

    @Override
    void writeSet(ByteBuffer out, KeyFormat keys, long key, byte[] value) {
      out.put(TEXT_SET);
      keys.write(out, key);
      out.put((byte) ' ').put(value).put((byte) '\n');
    }

    @Override
    ReplyParser newParser() {
      return new ReplyParser.Lines();
    }
  },

  /** RESP, as redis-cli sends it: arrays of bulk strings. */
  RESP {
    @Override
    void writeGet(ByteBuffer out, KeyFormat keys, long key) {
      out.put(RESP_GET);
      bulk(out, keys, key);
    }

    @Override
    void writeSet(ByteBuffer out, KeyFormat keys, long key, byte[] value) {
      out.put(RESP_SET);
      bulk(out, keys, key);
      out.put((byte) '$').put(ascii(Integer.toString(value.length))).put(CRLF).put(value).put(CRLF);
    }

    private void bulk(ByteBuffer out, KeyFormat keys, long key) {
      out.put((byte) '$').put(ascii(Integer.toString(keys.length()))).put(CRLF);
      keys.write(out, key);
      out.put(CRLF);
    }

    @Override
    ReplyParser newParser() {
      return new ReplyParser.Resp();
    }
  },

  /**
   * A line of value-size bytes that the peer sends back ({@code echo-server}): the round trip of the same tool,
   * transport and payload with no server work, the floor any server's latency sits on.
   */
  ECHO {
    @Override
    void writeGet(ByteBuffer out, KeyFormat keys, long key) {
      keys.write(out, key);
      out.put((byte) '\n');
    }

    @Override
    void writeSet(ByteBuffer out, KeyFormat keys, long key, byte[] value) {
      keys.write(out, key);
      out.put((byte) ' ').put(value).put((byte) '\n');
    }

    @Override
    ReplyParser newParser() {
      return new ReplyParser.Lines();
    }
  };

  private static final byte[] TEXT_GET = ascii("GET ");
  private static final byte[] TEXT_SET = ascii("SET ");
  private static final byte[] RESP_GET = ascii("*2\r\n$3\r\nGET\r\n");
  private static final byte[] RESP_SET = ascii("*3\r\n$3\r\nSET\r\n");
  private static final byte[] CRLF = ascii("\r\n");

  /** The most bytes any request for these keys and this value can take, framing included. */
  static int maxRequestBytes(KeyFormat keys, int valueBytes) {
    return 64 + keys.length() + valueBytes;
  }

  abstract void writeGet(ByteBuffer out, KeyFormat keys, long key);

  abstract void writeSet(ByteBuffer out, KeyFormat keys, long key, byte[] value);

  abstract ReplyParser newParser();

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
