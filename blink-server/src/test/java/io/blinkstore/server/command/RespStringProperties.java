package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The string commands against a model, a {@link HashMap} of keys to byte strings: any sequence of {@code SET}
 * (plain, {@code NX}, {@code XX}, with {@code GET}), {@code GET}, {@code GETSET}, {@code GETDEL}, {@code APPEND},
 * {@code SETRANGE}, {@code GETRANGE}, {@code STRLEN}, {@code MSETNX}, {@code SETBIT}, {@code GETBIT} and
 * {@code BITCOUNT} on a few keys answers as the model, written from Redis's {@code t_string.c} and
 * {@code bitops.c}, says, and leaves the same values.
 */
class RespStringProperties {
  private static final List<String> KEYS = List.of("a", "b", "c");

  @Property(tries = 400)
  void stringCommandsAnswerAsTheModel(@ForAll("requests") List<List<String>> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(store));
      Map<String, byte[]> model = new HashMap<>();
      for (List<String> request : requests) {
        Result expected = expected(request, model);
        assertEquals(expected, RespTester.run(session, request.toArray(String[]::new)), request::toString);
      }
      for (String key : KEYS) {
        assertEquals(text(model.get(key)), text(store.get(key)), key);
      }
    }
  }

  private static String text(byte[] value) {
    return value == null ? null : new String(value, ISO_8859_1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(ISO_8859_1);
  }

  private static Result bulk(byte[] value) {
    return value == null ? Result.NULL : new Result.Bulk(value);
  }

  /** What Redis answers {@code request} with, given {@code model}, which it updates. */
  private static Result expected(List<String> request, Map<String, byte[]> model) {
    String key = request.get(1);
    byte[] old = model.get(key);
    switch (request.get(0)) {
      case "SET" -> {
        List<String> options = request.subList(3, request.size());
        boolean write = !(options.contains("NX") && old != null) && !(options.contains("XX") && old == null);
        if (write) {
          model.put(key, bytes(request.get(2)));
        }
        return options.contains("GET") ? bulk(old) : write ? Result.OK : Result.NULL;
      }
      case "GET" -> {
        return bulk(old);
      }
      case "GETSET" -> {
        model.put(key, bytes(request.get(2)));
        return bulk(old);
      }
      case "GETDEL" -> {
        model.remove(key);
        return bulk(old);
      }
      case "APPEND" -> {
        byte[] tail = bytes(request.get(2));
        byte[] next = old == null ? tail : Arrays.copyOf(old, old.length + tail.length);
        System.arraycopy(tail, 0, next, next.length - tail.length, tail.length);
        model.put(key, next);
        return new Result.Int(next.length);
      }
      case "SETRANGE" -> {
        int offset = Integer.parseInt(request.get(2));
        byte[] patch = bytes(request.get(3));
        if (patch.length == 0) {
          return new Result.Int(old == null ? 0 : old.length);
        }
        byte[] base = old == null ? new byte[0] : old;
        byte[] next = Arrays.copyOf(base, Math.max(base.length, offset + patch.length));
        System.arraycopy(patch, 0, next, offset, patch.length);
        model.put(key, next);
        return new Result.Int(next.length);
      }
      case "GETRANGE" -> {
        return new Result.Bulk(range(old, Long.parseLong(request.get(2)), Long.parseLong(request.get(3))));
      }
      case "STRLEN" -> {
        return new Result.Int(old == null ? 0 : old.length);
      }
      case "MSETNX" -> {
        for (int i = 1; i < request.size(); i += 2) {
          if (model.containsKey(request.get(i))) {
            return new Result.Int(0);
          }
        }
        for (int i = 1; i < request.size(); i += 2) {
          model.put(request.get(i), bytes(request.get(i + 1)));
        }
        return new Result.Int(1);
      }
      case "SETBIT" -> {
        int offset = Integer.parseInt(request.get(2));
        byte[] next = Arrays.copyOf(old == null ? new byte[0] : old,
            Math.max(old == null ? 0 : old.length, offset / 8 + 1));
        int mask = 0x80 >> (offset % 8);
        int was = (next[offset / 8] & mask) != 0 ? 1 : 0;
        next[offset / 8] = (byte) (request.get(3).equals("1") ? next[offset / 8] | mask : next[offset / 8] & ~mask);
        model.put(key, next);
        return new Result.Int(was);
      }
      case "GETBIT" -> {
        int offset = Integer.parseInt(request.get(2));
        boolean set = old != null && offset / 8 < old.length && (old[offset / 8] & (0x80 >> (offset % 8))) != 0;
        return new Result.Int(set ? 1 : 0);
      }
      case "BITCOUNT" -> {
        long count = 0;
        for (byte b : old == null ? new byte[0] : old) {
          count += Integer.bitCount(b & 0xff);
        }
        return new Result.Int(count);
      }
      default -> throw new AssertionError(request);
    }
  }

  /** {@code GETRANGE}'s bytes of {@code value} from {@code start} to {@code end}, as {@code getrangeCommand}. */
  private static byte[] range(byte[] value, long start, long end) {
    if (value == null || start < 0 && end < 0 && start > end) {
      return new byte[0];
    }
    long length = value.length;
    long from = Math.max(0, start < 0 ? length + start : start);
    long to = Math.min(length - 1, Math.max(0, end < 0 ? length + end : end));
    return from > to ? new byte[0] : Arrays.copyOfRange(value, (int) from, (int) to + 1);
  }

  @Provide
  Arbitrary<List<List<String>>> requests() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<String> value = Arbitraries.strings().withChars("xyz\u0000\u00ff").ofMaxLength(4);
    Arbitrary<String> index = Arbitraries.integers().between(-6, 6).map(String::valueOf);
    Arbitrary<List<String>> setOptions = Arbitraries.of(List.of(), List.of("NX"), List.of("XX"), List.of("GET"),
        List.of("NX", "GET"), List.of("XX", "GET"));
    Arbitrary<List<String>> one = Arbitraries.oneOf(
        Combinators.combine(key, value, setOptions).as((k, v, o) -> concat(List.of("SET", k, v), o)),
        key.map(k -> List.of("GET", k)),
        Combinators.combine(key, value).as((k, v) -> List.of("GETSET", k, v)),
        key.map(k -> List.of("GETDEL", k)),
        Combinators.combine(key, value).as((k, v) -> List.of("APPEND", k, v)),
        Combinators.combine(key, Arbitraries.integers().between(0, 6), value)
            .as((k, o, v) -> List.of("SETRANGE", k, String.valueOf(o), v)),
        Combinators.combine(key, index, index).as((k, s, e) -> List.of("GETRANGE", k, s, e)),
        key.map(k -> List.of("STRLEN", k)),
        Combinators.combine(key, value, key, value).as((k1, v1, k2, v2) -> List.of("MSETNX", k1, v1, k2, v2)),
        Combinators.combine(key, Arbitraries.integers().between(0, 40), Arbitraries.of("0", "1"))
            .as((k, o, b) -> List.of("SETBIT", k, String.valueOf(o), b)),
        Combinators.combine(key, Arbitraries.integers().between(0, 40))
            .as((k, o) -> List.of("GETBIT", k, String.valueOf(o))),
        key.map(k -> List.of("BITCOUNT", k)));
    return one.list().ofMaxSize(40);
  }

  private static List<String> concat(List<String> head, List<String> tail) {
    return Stream.concat(head.stream(), tail.stream()).toList();
  }
}
