package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The RESP key commands against a model, a {@link HashMap} of key bytes to value bytes: any sequence of
 * {@code SET}, {@code GET}, {@code DEL}, {@code EXISTS}, {@code MSET}, {@code MGET} and {@code DBSIZE} answers as
 * the model says, and {@code USAGE} counts the keys and values the model holds as docs/resp.md says. The keys
 * are a few bytes from a small alphabet, so they collide often and mix every kind: keys the text protocol shares
 * (a NUL among them), empty keys, keys with whitespace, invalid UTF-8, keys beginning with U+FDD0 (the escape),
 * and {@code "a b"} with the very name it is escaped to.
 */
class RespStoreProperties {
  /** Bytes of keys: plain, whitespace, NUL, an invalid UTF-8 byte, and the UTF-8 bytes of U+FDD0. */
  private static final List<Byte> KEY_BYTES = List.of((byte) 'a', (byte) 'b', (byte) ' ', (byte) 0, (byte) 0xff,
      (byte) 0xef, (byte) 0xb7, (byte) 0x90);

  /** A key the text protocol cannot carry, and the name docs/resp.md says it is stored under, as a RESP key. */
  private static final byte[] SPACED = "a b".getBytes(UTF_8);
  private static final byte[] SPACED_ESCAPED = "\uFDD0YSBi".getBytes(UTF_8);

  /** One request: its words, and the keys and values it names (for the model). */
  record Request(String word, List<byte[]> keys, List<byte[]> values) {
    byte[][] args() {
      List<byte[]> args = new ArrayList<>();
      args.add(word.getBytes(US_ASCII));
      for (int i = 0; i < keys.size(); i++) {
        args.add(keys.get(i));
        if (i < values.size()) {
          args.add(values.get(i));
        }
      }
      return args.toArray(new byte[0][]);
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(word);
      byte[][] args = args();
      for (int i = 1; i < args.length; i++) {
        text.append(' ').append(HexFormat.of().formatHex(args[i]));
      }
      return text.toString();
    }
  }

  @Property(tries = 300)
  void keyCommandsAnswerAsAMapOfBytes(@ForAll("requests") List<Request> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(store));
      Map<ByteBuffer, byte[]> model = new HashMap<>();
      for (Request request : requests) {
        Result expected = expected(request, model);
        assertEquals(expected, RespTester.copied(session.execute(new RespRequest.Command(request.args()))),
            request::toString);
      }
      long usage = 0;
      for (Map.Entry<ByteBuffer, byte[]> entry : model.entrySet()) {
        usage += storedKeyBytes(entry.getKey().array()) + entry.getValue().length;
      }
      assertEquals(usage, store.usage());
      assertEquals(model.size(), store.size());
    }
  }

  /**
   * The bytes {@code USAGE} counts for a RESP key, as docs/resp.md says: the key's own bytes if it is a key the
   * text protocol can carry (here: non-empty UTF-8 without a space) and does not begin with U+FDD0; else
   * 3 for U+FDD0 and 4 for every 3 bytes of the key (unpadded base64url).
   */
  private static long storedKeyBytes(byte[] key) {
    String text;
    try {
      text = UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException notUtf8) {
      text = null;
    }
    boolean plain = text != null && !text.isEmpty() && text.indexOf(' ') < 0 && text.charAt(0) != '\uFDD0';
    return plain ? key.length : 3 + (4L * key.length + 2) / 3;
  }

  /** What Redis answers {@code request} with, given {@code model}, which it updates. */
  private static Result expected(Request request, Map<ByteBuffer, byte[]> model) {
    List<ByteBuffer> keys = request.keys().stream().map(ByteBuffer::wrap).toList();
    switch (request.word()) {
      case "SET", "MSET" -> {
        for (int i = 0; i < keys.size(); i++) {
          model.put(keys.get(i), request.values().get(i));
        }
        return Result.OK;
      }
      case "GET" -> {
        return new Result.Bulk(model.get(keys.get(0)));
      }
      case "MGET" -> {
        List<Result> values = new ArrayList<>();
        keys.forEach(key -> values.add(new Result.Bulk(model.get(key))));
        return new Result.Array(values);
      }
      case "DEL" -> {
        return new Result.Int(keys.stream().filter(key -> model.remove(key) != null).count());
      }
      case "EXISTS" -> {
        return new Result.Int(keys.stream().filter(model::containsKey).count());
      }
      case "DBSIZE" -> {
        return new Result.Int(model.size());
      }
      default -> throw new AssertionError(request.word());
    }
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<byte[]> key = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(KEY_BYTES).array(byte[].class).ofMaxSize(4)),
        Tuple.of(1, Arbitraries.of(SPACED.clone(), SPACED_ESCAPED.clone())));
    Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(6);
    Arbitrary<Request> one = Arbitraries.oneOf(
        Combinators.combine(key, value).as((k, v) -> new Request("SET", List.of(k), List.of(v))),
        key.map(k -> new Request("GET", List.of(k), List.of())),
        key.list().ofMinSize(1).ofMaxSize(4).map(ks -> new Request("DEL", ks, List.of())),
        key.list().ofMinSize(1).ofMaxSize(4).map(ks -> new Request("EXISTS", ks, List.of())),
        key.list().ofMinSize(1).ofMaxSize(4).flatMap(ks -> value.list().ofSize(ks.size())
            .map(vs -> new Request("MSET", ks, vs))),
        key.list().ofMinSize(1).ofMaxSize(4).map(ks -> new Request("MGET", ks, List.of())),
        Arbitraries.just(new Request("DBSIZE", List.of(), List.of())));
    return one.list().ofMaxSize(40);
  }
}
