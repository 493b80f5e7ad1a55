package io.blinkstore.server.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The text protocol's codec on its own: {@link TextProtocolDecoder} turning one request line into a
 * {@link Command}, and {@link ReplyEncoder} writing one {@link Reply}. It lives in the server's package because
 * both classes are package-private there. The decoder is called directly ({@code ctx} is unused by the
 * {@code decode} of a decoder without an authenticator), so the figures hold no pipeline overhead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmark {
  @Param({"100", "4096"})
  public int valueBytes;

  private TextProtocolDecoder decoder;
  private final List<Object> decoded = new ArrayList<>(1);
  private ByteBuf getLine;
  private ByteBuf setLine;
  private ByteBuf out;
  private Reply.Value valueReply;

  @Setup(Level.Trial)
  public void setUp() {
    decoder = new TextProtocolDecoder(1 << 20);
    char[] value = new char[valueBytes];
    Arrays.fill(value, 'x');
    getLine = line("GET key:000000000042\n");
    setLine = line("SET key:000000000042 " + new String(value) + "\n");
    byte[] bytes = new byte[valueBytes];
    Arrays.fill(bytes, (byte) 'x');
    valueReply = new Reply.Value(bytes);
    out = Unpooled.directBuffer(2 * valueBytes + 64);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    getLine.release();
    setLine.release();
    out.release();
  }

  private static ByteBuf line(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  @Benchmark
  public Object decodeGet() {
    return decodeOne(getLine);
  }

  @Benchmark
  public Object decodeSet() {
    return decodeOne(setLine);
  }

  @SuppressWarnings("NullAway") // a decoder without an authenticator never reads its ctx, so none is made
  private Object decodeOne(ByteBuf line) {
    line.readerIndex(0);
    decoded.clear();
    decoder.decode(null, line, decoded);
    return decoded.get(0);
  }

  @Benchmark
  public int encodeValue() {
    out.clear();
    ReplyEncoder.write(valueReply, out);
    return out.writerIndex();
  }

  @Benchmark
  public int encodeOk() {
    out.clear();
    ReplyEncoder.write(Reply.Status.OK, out);
    return out.writerIndex();
  }
}
