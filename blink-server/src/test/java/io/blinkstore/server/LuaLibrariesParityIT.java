package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.command.LuaScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * The script libraries ({@code cjson}, {@code cmsgpack}, {@code bit}, {@code struct}) and the Lua 5.1 functions of
 * {@code LuaLibraries} against a real {@code redis-server}, byte for byte: each script returns a string, run once by
 * {@code EVAL} on redis-server and once in a luaj sandbox built as the scripting engine builds it. The fixed scripts
 * ({@code lua-library-scripts.txt}, one a line) cover every encoding width, escape, option and error message; the
 * properties feed random nested values through encode/decode and pack/unpack, and random bytes to both decoders.
 * Objects and maps have one key each: with several, luaj's table order differs from Lua 5.1's (docs/resp.md).
 * Skipped where redis-server is not installed.
 */
class LuaLibrariesParityIT {
  /**
   * Put before each fixed script: {@code fails(f)} is the message of the error {@code f} raises, without the
   * position of the script line that called the failing function. That position is the engine's to write (luaj
   * writes {@code @user_script:1 }, Redis {@code user_script:1: }); a library function's own message is compared.
   */
  private static final String PRELUDE = "local function fails(f) local ok, e = pcall(f)"
      + " return (string.gsub(tostring(e), '^@?user_script:%d+:? ', '')) end ";

  private static @Nullable Path dir;
  private static @Nullable RedisServerProcess redis;

  @BeforeContainer
  static void startRedis() throws IOException {
    if (RedisServerProcess.installed()) {
      dir = Files.createTempDirectory("blink-lua-parity");
      redis = RedisServerProcess.startOnUnixSocket(dir, dir.resolve("redis.sock"));
    }
  }

  @AfterContainer
  static void stopRedis() throws IOException {
    if (redis != null) {
      redis.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Example
  void everyFixedScriptReturnsTheBytesRedisReturns() throws IOException {
    List<String> mismatches = new ArrayList<>();
    List<String> scripts = fixedScripts();
    for (String line : scripts) {
      String script = PRELUDE + line;
      String theirs = redisEval(script);
      String ours = luajEval(script);
      if (!theirs.equals(ours)) {
        mismatches.add(line + "\n  redis: " + printable(theirs) + "\n  ours:  " + printable(ours));
      }
    }
    assertEquals("", String.join("\n", mismatches), mismatches.size() + " of " + scripts.size() + " differ");
  }

  @Property(tries = 300)
  void randomValuesEncodeDecodePackAndUnpackAsRedis(@ForAll("values") String value) throws IOException {
    // cjson.null packs as nil, so an array holding it comes back from unpack with holes: a map of several keys
    String repacked = value.contains("cjson.null") ? "''" : "cmsgpack.pack(cmsgpack.unpack(m))";
    String script = "local v = " + value + " local j = cjson.encode(v) local m = cmsgpack.pack(v)"
        + " return j .. '|' .. cjson.encode(cjson.decode(j)) .. '|' .. m .. '|' .. " + repacked;
    assertEquals(redisEval(script), luajEval(script), script);
  }

  @Property(tries = 300)
  void randomBytesDecodeOrFailAsRedis(@ForAll("jsonish") String json, @ForAll("bytes") String msgpack)
      throws IOException {
    String script = "local ok, r = pcall(cjson.decode, " + luaString(json) + ")"
        + " if ok then ok, r = pcall(cjson.encode, r) end"
        + " local unpacked, e = pcall(cmsgpack.unpack, " + luaString(msgpack) + ")"
        + " local count = select('#', pcall(cmsgpack.unpack, " + luaString(msgpack) + "))"
        + " return tostring(ok) .. ':' .. tostring(r) .. '|' .. tostring(unpacked) .. ':'"
        + " .. (unpacked and count or e)";
    assertEquals(redisEval(script), luajEval(script), script);
  }

  @Provide
  Arbitrary<String> values() {
    return value(4);
  }

  private static Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.longs().between(-(1L << 53), 1L << 53).map(n -> "(" + n + ")"),
        Arbitraries.integers().between(-70000, 70000).map(n -> "(" + n + ")"),
        Arbitraries.doubles().filter(Double::isFinite).map(d -> "(" + d + ")"),
        Arbitraries.of("0.1", "(1/3)", "1e15", "(2^53)", "(2^63)", "(-2^63)", "1e300", "5e-324", "(-0.5)", "(2^31)"),
        Arbitraries.of("true", "false", "cjson.null"),
        Arbitraries.bytes().list().ofMaxSize(300).map(LuaLibrariesParityIT::luaBytes));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> element = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<String> array = element.list().ofMaxSize(20).map(items -> "{" + String.join(", ", items) + "}");
    Arbitrary<String> object = Arbitraries.strings().ofMaxLength(10).ascii().filter(k -> !k.isEmpty())
        .flatMap(key -> element.map(v -> "{[" + luaString(key) + "] = " + v + "}"));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(1, object));
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings().withChars("[]{}:,\"\\/ 0123456789.eE+-truefalsnulxIiNa\u00e9\n")
        .ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> bytes() {
    return Arbitraries.bytes().list().ofMaxSize(20)
        .map(list -> list.stream().map(b -> String.valueOf((char) (b & 0xff))).collect(Collectors.joining()));
  }

  private static String luaBytes(List<Byte> bytes) {
    return luaString(bytes.stream().map(b -> String.valueOf((char) (b & 0xff))).collect(Collectors.joining()));
  }

  /** A Lua string literal of Latin-1 text (one char a byte), every byte a decimal escape: plain ASCII either way. */
  static String luaString(String latin1) {
    StringBuilder literal = new StringBuilder("\"");
    for (char c : latin1.toCharArray()) {
      literal.append('\\').append((int) c);
    }
    return literal.append('"').toString();
  }

  private static List<String> fixedScripts() throws IOException {
    try (InputStream in = Objects.requireNonNull(
        LuaLibrariesParityIT.class.getResourceAsStream("lua-library-scripts.txt"))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines()
          .filter(line -> !line.isBlank()).toList();
    }
  }

  private static String luajEval(String script) {
    try {
      return LuaScripts.runToString(script);
    } catch (RuntimeException e) {
      return "ERROR " + e;
    }
  }

  /** {@code EVAL script 0} on redis-server: the bulk string's bytes (Latin-1), or the error line. */
  private static String redisEval(String script) throws IOException {
    Assume.that(redis != null);
    byte[] body = script.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*3\r\n$4\r\nEVAL\r\n$" + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(body);
    request.writeBytes("\r\n$1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
    try (SocketChannel channel = SocketChannel.open(
        UnixDomainSocketAddress.of(Objects.requireNonNull(dir).resolve("redis.sock")))) {
      channel.write(ByteBuffer.wrap(request.toByteArray()));
      InputStream in = Channels.newInputStream(channel);
      String header = line(in);
      if (!header.startsWith("$")) {
        return "ERROR " + header;
      }
      int length = Integer.parseInt(header.substring(1));
      byte[] value = length < 0 ? new byte[0] : in.readNBytes(length);
      return new String(value, StandardCharsets.ISO_8859_1);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new UncheckedIOException(new IOException("redis-server closed the connection"));
      }
      line.append((char) c);
    }
    in.read();
    return line.toString();
  }

  private static String printable(String latin1) {
    StringBuilder out = new StringBuilder();
    for (char c : latin1.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }
}
