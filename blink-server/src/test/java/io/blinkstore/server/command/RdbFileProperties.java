package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The RDB file of a full sync ({@link RdbFile}), read back with our own {@link RdbReader} and {@link DumpFormat}:
 * any keys of every type (strings, lists, hashes, sets of integers or strings, sorted sets), some with an expiry, in
 * any of four databases, come back as written — each database's keys with their values and their Unix-millisecond
 * expiries — after Redis 7.0's header, and the CRC-64 at the end is that of every byte before it. (That a real
 * redis-server loads it: {@code ReplicationIT}.)
 */
class RdbFileProperties {
  private static final long FAR = 4_000_000_000_000L; // a Unix time in milliseconds, in the year 2096

  /** One key: its database, name, type, members (a hash's or zset's in pairs) and expiry (0: none). */
  record Entry(int db, String key, String type, List<String> items, long expiry) {}

  @Provide
  Arbitrary<List<Entry>> entries() {
    Arbitrary<String> text = Arbitraries.strings().withChars("ab7-\u0000\u00ff").ofMinLength(0).ofMaxLength(6);
    Arbitrary<String> member = Arbitraries.oneOf(text.filter(s -> !s.isEmpty()),
        Arbitraries.integers().between(-70000, 70000).map(String::valueOf));
    Arbitrary<String> score = Arbitraries.oneOf(Arbitraries.integers().between(-5, 5).map(String::valueOf),
        Arbitraries.of("1.5", "-inf", "+inf", "3e100", "-0.25"));
    Arbitrary<Entry> entry = Arbitraries.integers().between(0, 3).flatMap(db ->
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(4).flatMap(key ->
            Arbitraries.of(0L, FAR + db).flatMap(expiry -> Arbitraries.oneOf(
                text.map(v -> new Entry(db, key, "string", List.of(v), expiry)),
                text.list().ofMinSize(1).ofMaxSize(5).map(l -> new Entry(db, key, "list", l, expiry)),
                member.list().ofMinSize(1).ofMaxSize(5).uniqueElements()
                    .flatMap(fields -> text.list().ofSize(fields.size()).map(values ->
                        new Entry(db, key, "hash", pairs(fields, values), expiry))),
                member.list().ofMinSize(1).ofMaxSize(6).uniqueElements()
                    .map(l -> new Entry(db, key, "set", l, expiry)),
                member.list().ofMinSize(1).ofMaxSize(5).uniqueElements()
                    .flatMap(members -> score.list().ofSize(members.size()).map(scores ->
                        new Entry(db, key, "zset", pairs(members, scores), expiry)))))));
    return entry.list().ofMaxSize(12).uniqueElements(e -> e.db() + ":" + e.key());
  }

  private static List<String> pairs(List<String> first, List<String> second) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      pairs.add(first.get(i));
      pairs.add(second.get(i));
    }
    return pairs;
  }

  @Property(tries = 100)
  void theFileReadsBackAsWritten(@ForAll("entries") List<Entry> entries) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      Map<String, String> expected = new TreeMap<>();
      for (Entry entry : entries) {
        call(dispatcher, writer, "SELECT", Integer.toString(entry.db()));
        List<String> write = new ArrayList<>(List.of(switch (entry.type()) {
          case "string" -> "SET";
          case "list" -> "RPUSH";
          case "hash" -> "HSET";
          case "set" -> "SADD";
          default -> "ZADD";
        }, entry.key()));
        List<String> items = entry.items();
        if (entry.type().equals("zset")) {
          for (int i = 0; i < items.size(); i += 2) {
            write.addAll(List.of(items.get(i + 1), items.get(i)));
          }
        } else {
          write.addAll(items);
        }
        call(dispatcher, writer, write.toArray(String[]::new));
        if (entry.expiry() != 0) {
          call(dispatcher, writer, "PEXPIREAT", entry.key(), Long.toString(entry.expiry()));
        }
        expected.put(entry.db() + ":" + entry.key(), describe(entry.type(), items, entry.expiry()));
      }
      Captured replica = new Captured();
      ClientState syncing = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, replica);
      call(dispatcher, syncing, "SYNC");
      assertEquals(expected, read(replica.bytes()));
    }
  }

  static void call(Dispatcher dispatcher, ClientState client, String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(ISO_8859_1);
    }
    Result result = dispatcher.dispatch(client, args);
    if (result instanceof Result.Error error) {
      throw new AssertionError(String.join(" ", words) + ": " + error.message());
    }
  }

  /** A value as the comparison sees it: lists in order, hashes, sets and sorted sets sorted. */
  private static String describe(String type, List<String> items, long expiry) {
    Object value = switch (type) {
      case "string", "list" -> items;
      case "set" -> new TreeSet<>(items);
      default -> {
        Map<String, String> pairs = new TreeMap<>();
        for (int i = 0; i < items.size(); i += 2) {
          String second = items.get(i + 1);
          pairs.put(items.get(i), type.equals("zset") ? Double.toString(Scores.score(second.getBytes(ISO_8859_1)))
              : second);
        }
        yield pairs;
      }
    };
    return type + " " + value + " expires " + expiry;
  }

  /** The entries of the RDB bulk {@code $n\r\n<file>}, checking its header and CRC. */
  static Map<String, String> read(byte[] bulk) {
    String head = new String(bulk, 0, Math.min(bulk.length, 20), ISO_8859_1);
    int start = head.indexOf("\r\n") + 2;
    assertEquals(bulk.length - start, Integer.parseInt(head.substring(1, start - 2)));
    byte[] file = java.util.Arrays.copyOfRange(bulk, start, bulk.length);
    assertEquals("REDIS0010", new String(file, 0, 9, ISO_8859_1));
    assertEquals(Crc64.of(file, 0, file.length - 8), DumpFormat.littleEndian(file, file.length - 8, 8));
    RdbReader reader = new RdbReader(file, 9, file.length - 8, Long.MAX_VALUE);
    Map<String, String> entries = new TreeMap<>();
    long db = -1;
    long expiry = 0;
    for (int op = reader.u8(); op != 0xff; op = reader.u8()) {
      switch (op) {
        case 0xfa -> {
          reader.string();
          reader.string();
        }
        case 0xfe -> db = reader.length();
        case 0xfb -> {
          reader.length();
          reader.length();
        }
        case 0xfc -> expiry = Double.doubleToRawLongBits(reader.binaryDouble());
        default -> {
          String key = new String(reader.string(), ISO_8859_1);
          entries.put(db + ":" + key, describe(DumpFormat.object(op, reader), expiry));
          expiry = 0;
        }
      }
    }
    return entries;
  }

  private static String describe(DumpFormat.Value value, long expiry) {
    List<String> items = new ArrayList<>();
    String type;
    if (value instanceof DumpFormat.Text text) {
      type = "string";
      items.add(new String(text.value(), ISO_8859_1));
    } else if (value instanceof DumpFormat.Items list) {
      type = "list";
      list.elements().forEach(e -> items.add(new String(e, ISO_8859_1)));
    } else if (value instanceof DumpFormat.Hash hash) {
      type = "hash";
      hash.fieldsAndValues().forEach(e -> items.add(new String(e, ISO_8859_1)));
    } else if (value instanceof DumpFormat.Members set) {
      type = "set";
      set.members().forEach(e -> items.add(new String(e, ISO_8859_1)));
    } else {
      DumpFormat.Scored zset = (DumpFormat.Scored) value;
      type = "zset";
      for (int i = 0; i < zset.scores().length; i++) {
        items.add(new String(zset.members().get(i), ISO_8859_1));
        items.add(Double.toString(zset.scores()[i]));
      }
    }
    return describe(type, items, expiry);
  }

  /** A connection that keeps what the stream sends it. */
  static final class Captured extends TestConnection {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Captured() {
      super("127.0.0.1:1");
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    @Override
    public boolean stream(byte[] bytes, long maxPendingBytes) {
      out.writeBytes(bytes);
      return true;
    }

    @Override
    public String address() {
      return "127.0.0.1:1";
    }

    @Override
    public String localAddress() {
      return "127.0.0.1:2";
    }
  }
}
