package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DUMP} and {@code RESTORE} against a real {@code redis-server} (started here on a Unix socket): every
 * payload Redis 7.0 dumps for a string (plain, integer, LZF-compressed, large), a hash (listpack and table), a
 * list (one node, many, LZF-compressed nodes), a set (intset, table) and a sorted set (listpack, skiplist) restores
 * here to the same value, and ours restores on Redis to the same value, and a string's payload is Redis's byte for
 * byte; payloads in the encodings Redis 7.0 no longer writes but reads (a ziplist hash and list, a quicklist of
 * ziplists, a zipmap), built here, restore to the same value on both; and {@code RESTORE}'s replies and errors
 * (options, {@code BUSYKEY}, TTLs, a wrong checksum or version, bad data, {@code ABSTTL} past) are Redis's byte for
 * byte, in RESP2 and RESP3. Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class DumpParityIT {
  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  /** One connection, requests of ISO-8859-1 strings (one byte each), replies as raw bytes. */
  private static final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;

    Connection(Path socket) throws IOException {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    String call(String... args) throws IOException {
      ByteBuffer request = ByteBuffer.wrap(RawRespClient.encode(List.of(args)));
      while (request.hasRemaining()) {
        channel.write(request);
      }
      return new String(RawRespClient.readReply(in), ISO_8859_1);
    }

    /** The bulk string of a {@code $n} reply. */
    String bulk(String... args) throws IOException {
      String reply = call(args);
      return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static String repeat(char c, int times) {
    return String.valueOf(c).repeat(times);
  }

  /** Keys made on Redis with each encoding its DUMP writes, and the command that reads each back. */
  private static List<String[]> setUp(Connection redis) throws IOException {
    List<String[]> reads = new ArrayList<>();
    String[][] strings = {{"s:plain", "hello"}, {"s:int8", "-7"}, {"s:int16", "1000"}, {"s:int32", "-100000"},
        {"s:long", "4294967296"}, {"s:lzf", repeat('a', 200)}, {"s:big", "x".repeat(3000) + "y".repeat(3000)},
        {"s:empty", ""}, {"s:binary", "\u0000\u00ff\r\n"}};
    for (String[] string : strings) {
      redis.call("SET", string[0], string[1]);
      reads.add(new String[] {"GET", string[0]});
    }
    redis.call("HSET", "h:small", "f", "1", "g", "-200", "h", "text");
    List<String> wide = new ArrayList<>(List.of("HSET", "h:wide"));
    for (int i = 0; i < 300; i++) {
      wide.addAll(List.of("f" + i, Integer.toString(i * 7919)));
    }
    redis.call(wide.toArray(String[]::new));
    redis.call("HSET", "h:longvalue", "f", repeat('v', 100));
    for (String hash : List.of("h:small", "h:wide", "h:longvalue")) {
      reads.add(new String[] {"HGETALL", hash});
    }
    redis.call("RPUSH", "l:small", "a", "12", "-3", "4294967296", "");
    List<String> many = new ArrayList<>(List.of("RPUSH", "l:many"));
    for (int i = 0; i < 2000; i++) {
      many.add(i % 3 == 0 ? Integer.toString(i) : "element-" + i);
    }
    redis.call(many.toArray(String[]::new));
    redis.call("CONFIG", "SET", "list-max-listpack-size", "4");
    redis.call("CONFIG", "SET", "list-compress-depth", "1");
    List<String> packed = new ArrayList<>(List.of("RPUSH", "l:compressed"));
    for (int i = 0; i < 40; i++) {
      packed.add(repeat((char) ('a' + i % 26), 60));
    }
    redis.call(packed.toArray(String[]::new));
    for (String list : List.of("l:small", "l:many", "l:compressed")) {
      reads.add(new String[] {"LRANGE", list, "0", "-1"});
    }
    redis.call("SADD", "set:ints", "3", "-2", "70000", "5000000000");
    redis.call("SADD", "set:small", "3", "-2", "-300");
    redis.call("SADD", "set:strings", "a", "", "\u0000\r\n", repeat('m', 100));
    List<String> bigSet = new ArrayList<>(List.of("SADD", "set:big"));
    for (int i = 0; i < 700; i++) {
      bigSet.add(Integer.toString(i * 31));
    }
    redis.call(bigSet.toArray(String[]::new));
    for (String set : List.of("set:ints", "set:small", "set:strings", "set:big")) {
      reads.add(new String[] {"SMEMBERS", set});
    }
    redis.call("ZADD", "z:small", "1.5", "a", "-inf", "b", "0", "c", "3e100", "d");
    List<String> bigZset = new ArrayList<>(List.of("ZADD", "z:big"));
    for (int i = 0; i < 300; i++) {
      bigZset.addAll(List.of(Double.toString(i / 7.0), "member-" + i));
    }
    redis.call(bigZset.toArray(String[]::new));
    for (String zset : List.of("z:small", "z:big")) {
      reads.add(new String[] {"ZRANGE", zset, "0", "-1", "WITHSCORES"});
    }
    return reads;
  }

  /** A read's reply, a hash's pairs and a set's members sorted (the two servers keep them in different orders). */
  private static String read(Connection connection, String[] read, String key) throws IOException {
    String[] command = read.clone();
    command[1] = key;
    String reply = connection.call(command);
    if (read[0].equals("SMEMBERS")) {
      List<String> members = new ArrayList<>(Arrays.asList(reply.split("\r\n", -1)));
      members.sort(null);
      return members.toString();
    }
    if (!read[0].equals("HGETALL")) {
      return reply;
    }
    String[] lines = reply.split("\r\n");
    List<String> pairs = new ArrayList<>();
    for (int i = 1; i + 3 < lines.length + 1; i += 4) {
      pairs.add(lines[i + 1] + "=" + lines[i + 3]);
    }
    pairs.sort(null);
    return pairs.toString();
  }

  @Test
  void redissPayloadsRestoreHereAndOursOnRedisToTheSameValues() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20);
        Connection ours = new Connection(server.unixPath());
        Connection theirs = new Connection(redis.socket())) {
      for (String[] read : setUp(theirs)) {
        String key = read[1];
        String payload = theirs.bulk("DUMP", key);
        assertEquals("+OK\r\n", ours.call("RESTORE", key, "0", payload), key);
        assertEquals(read(theirs, read, key), read(ours, read, key), key);
        String back = ours.bulk("DUMP", key);
        assertEquals("+OK\r\n", theirs.call("RESTORE", "back:" + key, "0", back), key);
        assertEquals(read(theirs, read, key), read(theirs, read, "back:" + key), key);
      }
    }
  }

  /**
   * A string's {@code DUMP} payload, and {@code FUNCTION DUMP}'s of one library, are Redis's byte for byte: integers
   * of 8, 16 and 32 bits in their encodings (and what only looks like one as it is), strings past 20 bytes
   * LZF-compressed where that saves 4 bytes or more, with the same matches, and the others as they are.
   */
  @Test
  void stringsAndALibraryDumpToRedissBytes() throws Exception {
    String text = "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
        + "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
        + "it was the season of Darkness, it was the spring of hope, it was the winter of despair.";
    List<String> values = List.of("hello", "", "0", "-7", "127", "-128", "128", "1000", "-32768", "32768", "-100000",
        "2147483647", "-2147483648", "2147483648", "4294967296", "12345678901", "-9223372036854775808", "007", "-0",
        "+5", " 5", "1e3", repeat('a', 20), repeat('a', 21), repeat('a', 24), repeat('a', 200), "ab".repeat(40),
        "abcdefghijklmnopqrstuvwxyz0123456789", "x".repeat(3000) + "y".repeat(3000), text, text.repeat(30),
        repeat('q', 70000), "\u0000\u00ff\r\n".repeat(10));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20);
        Connection ours = new Connection(server.unixPath());
        Connection theirs = new Connection(redis.socket())) {
      for (int i = 0; i < values.size(); i++) {
        String value = values.get(i);
        assertEquals(theirs.call("SET", "k" + i, value), ours.call("SET", "k" + i, value));
        assertEquals(theirs.call("DUMP", "k" + i), ours.call("DUMP", "k" + i), value);
      }
      String library = "#!lua name=dumped\n-- " + text + "\nredis.register_function('f', function() return 1 end)";
      assertEquals(theirs.call("FUNCTION", "LOAD", library), ours.call("FUNCTION", "LOAD", library));
      assertEquals(theirs.call("FUNCTION", "DUMP"), ours.call("FUNCTION", "DUMP"));
    }
  }

  @Test
  void encodingsRedisReadsButNoLongerWritesRestoreToTheSameValues() throws Exception {
    byte[] ziplist = ziplist(List.of("f", "1", "g", "-128", "h", repeat('z', 70), "i", "70000", "j", "5000000000"),
        List.of(false, true, false, true, false, false, false, true, false, true));
    byte[] zipmap = zipmap(List.of("a", "1", "bb", repeat('v', 300)));
    String[][] payloads = {
        {"HGETALL", payload(13, string(ziplist))},
        {"LRANGE", payload(10, string(ziplist))},
        {"LRANGE", payload(14, concat(new byte[] {2}, string(ziplist), string(ziplist)))},
        {"HGETALL", payload(9, string(zipmap))}};
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20);
        Connection ours = new Connection(server.unixPath());
        Connection theirs = new Connection(redis.socket())) {
      for (int i = 0; i < payloads.length; i++) {
        String key = "k" + i;
        String[] read = payloads[i][0].equals("LRANGE") ? new String[] {"LRANGE", key, "0", "-1"}
            : new String[] {"HGETALL", key};
        assertEquals("+OK\r\n", theirs.call("RESTORE", key, "0", payloads[i][1]), key);
        assertEquals("+OK\r\n", ours.call("RESTORE", key, "0", payloads[i][1]), key);
        assertEquals(read(theirs, read, key), read(ours, read, key), key);
      }
    }
  }

  @Test
  void restoreRepliesAndErrorsMatchRedisByteForByte() throws Exception {
    assertRestoreRepliesMatch(false);
  }

  @Test
  void restoreRepliesAndErrorsInRespThreeMatchRedisByteForByte() throws Exception {
    assertRestoreRepliesMatch(true);
  }

  private void assertRestoreRepliesMatch(boolean resp3) throws Exception {
    String good = payload(0, string("v".getBytes(ISO_8859_1)));
    byte[] wrong = good.getBytes(ISO_8859_1);
    wrong[2] ^= 1;
    String badData = payload(0, new byte[] {(byte) 0x80, 0, 0, 1});
    String version11 = withFooter(new byte[] {0, 1, 'v'}, 11);
    List<List<String>> requests = new ArrayList<>();
    if (resp3) {
      requests.add(List.of("HELLO", "3"));
    }
    requests.addAll(List.of(
        List.of("DUMP", "none"),
        List.of("RESTORE", "k", "0", good),
        List.of("GET", "k"),
        List.of("RESTORE", "k", "0", good),
        List.of("RESTORE", "k", "0", good, "REPLACE"),
        List.of("RESTORE", "k", "0", "garbage"),
        List.of("RESTORE", "k2", "0", new String(wrong, ISO_8859_1)),
        List.of("RESTORE", "k2", "0", version11),
        List.of("RESTORE", "k2", "0", badData),
        List.of("RESTORE", "k2", "-1", good),
        List.of("RESTORE", "k2", "x", good),
        List.of("RESTORE", "k2", "100000", good),
        List.of("TTL", "k2"),
        List.of("RESTORE", "k2", "1", good, "ABSTTL", "REPLACE"),
        List.of("EXISTS", "k2"),
        List.of("RESTORE", "k3", "0", good, "IDLETIME", "10", "REPLACE"),
        List.of("RESTORE", "k3", "0", good, "FREQ", "100", "REPLACE"),
        List.of("RESTORE", "k3", "0", good, "IDLETIME", "-1"),
        List.of("RESTORE", "k3", "0", good, "FREQ", "256"),
        List.of("RESTORE", "k3", "0", good, "FREQ", "x"),
        List.of("RESTORE", "k3", "0", good, "IDLETIME", "1", "FREQ", "1"),
        List.of("RESTORE", "k3", "0", good, "FREQ"),
        List.of("RESTORE", "k3", "0", good, "BOGUS"),
        List.of("RESTORE", "k", "x", "garbage", "BOGUS"),
        List.of("RESTORE", "k", "0"),
        List.of("SET", "str", "x"),
        List.of("RESTORE", "str", "0", good),
        List.of("MULTI"),
        List.of("RESTORE", "m", "0", good),
        List.of("RESTORE", "m", "0", good),
        List.of("EXEC"),
        List.of("DBSIZE")));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        RawRespClient ours = RawRespClient.unix(server.unixPath());
        RawRespClient theirs = RawRespClient.unix(redis.socket())) {
      List<String> expected = theirs.exchange(requests);
      List<String> actual = ours.exchange(requests);
      for (int i = resp3 ? 1 : 0; i < requests.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), RawRespClient.escape(String.join(" ", requests.get(i))));
      }
    }
  }

  /** A payload of {@code type} and {@code body}, with Redis's footer. */
  private static String payload(int type, byte[] body) {
    return withFooter(concat(new byte[] {(byte) type}, body), 10);
  }

  private static String withFooter(byte[] body, int version) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body);
    out.write(version);
    out.write(0);
    byte[] head = out.toByteArray();
    long crc = crc64(head);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> 8 * i));
    }
    return new String(out.toByteArray(), ISO_8859_1);
  }

  /** Redis's CRC-64 (Jones, reflected), bit by bit: an independent check of the server's table. */
  private static long crc64(byte[] data) {
    long poly = Long.reverse(0xad93d23594c935a9L);
    long crc = 0;
    for (byte b : data) {
      crc ^= b & 0xff;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? crc >>> 1 ^ poly : crc >>> 1;
      }
    }
    return crc;
  }

  /** An RDB string: its length (6 or 14 bits), then its bytes. */
  private static byte[] string(byte[] bytes) {
    byte[] length = bytes.length < 64 ? new byte[] {(byte) bytes.length}
        : new byte[] {(byte) (0x40 | bytes.length >> 8), (byte) bytes.length};
    return concat(length, bytes);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Arrays.stream(parts).forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** A valid ziplist of {@code entries}, the integer ones in the smallest integer encoding Redis would use. */
  private static byte[] ziplist(List<String> entries, List<Boolean> integers) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int previous = 0;
    int tail = 10;
    for (int i = 0; i < entries.size(); i++) {
      tail = 10 + body.size();
      byte[] entry = concat(previous < 254 ? new byte[] {(byte) previous}
          : new byte[] {(byte) 254, (byte) previous, (byte) (previous >> 8), 0, 0},
          integers.get(i) ? ziplistInteger(Long.parseLong(entries.get(i))) : ziplistString(entries.get(i)));
      body.writeBytes(entry);
      previous = entry.length;
    }
    int total = 10 + body.size() + 1;
    return concat(littleEndian(total, 4), littleEndian(tail, 4), littleEndian(entries.size(), 2),
        body.toByteArray(), new byte[] {(byte) 0xff});
  }

  private static byte[] ziplistString(String text) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    byte[] header = bytes.length < 64 ? new byte[] {(byte) bytes.length}
        : new byte[] {(byte) (0x40 | bytes.length >> 8), (byte) bytes.length};
    return concat(header, bytes);
  }

  private static byte[] ziplistInteger(long value) {
    if (value >= 0 && value <= 12) {
      return new byte[] {(byte) (0xf1 + value)};
    }
    if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
      return new byte[] {(byte) 0xfe, (byte) value};
    }
    if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
      return concat(new byte[] {(byte) 0xc0}, littleEndian(value, 2));
    }
    if (value >= -(1 << 23) && value < 1 << 23) {
      return concat(new byte[] {(byte) 0xf0}, littleEndian(value, 3));
    }
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      return concat(new byte[] {(byte) 0xd0}, littleEndian(value, 4));
    }
    return concat(new byte[] {(byte) 0xe0}, littleEndian(value, 8));
  }

  /** A zipmap of field/value pairs, each value with one free byte after it. */
  private static byte[] zipmap(List<String> pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(pairs.size() / 2);
    for (int i = 0; i < pairs.size(); i += 2) {
      byte[] field = pairs.get(i).getBytes(ISO_8859_1);
      byte[] value = pairs.get(i + 1).getBytes(ISO_8859_1);
      out.writeBytes(zipmapLength(field.length));
      out.writeBytes(field);
      out.writeBytes(zipmapLength(value.length));
      out.write(1);
      out.writeBytes(value);
      out.write(0);
    }
    out.write(0xff);
    return out.toByteArray();
  }

  private static byte[] zipmapLength(int length) {
    return length < 254 ? new byte[] {(byte) length} : concat(new byte[] {(byte) 254}, littleEndian(length, 4));
  }

  private static byte[] littleEndian(long value, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (value >>> 8 * i);
    }
    return bytes;
  }
}
