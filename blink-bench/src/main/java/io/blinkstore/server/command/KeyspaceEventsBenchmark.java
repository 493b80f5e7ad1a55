package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import java.nio.charset.StandardCharsets;
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
 * What keyspace notifications ({@link KeyspaceEvents}) cost a write: {@code SET k v} through the dispatcher, in
 * process, with {@code notify-keyspace-events} off ({@code ""}: the write's one call reads one volatile field), on for
 * strings with nobody subscribed ({@code $KE}: the channels are built and published to no one), and on with a
 * subscriber of {@code __key*__:*} that drops what it is pushed. It lives in the server's package because the
 * command layer's types are package-private there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyspaceEventsBenchmark {
  @Param({"", "$KE", "$KE subscribed"})
  public String events;

  private BlinkStore store;
  private Dispatcher dispatcher;
  private ClientState writer;
  private final byte[][] set = words("SET", "k", "v");

  @Setup(Level.Trial)
  public void setUp() {
    store = BlinkStore.builder().memoryLimit(64L << 20).build();
    dispatcher = new Dispatcher(store);
    writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    String[] setting = events.split(" ");
    dispatcher.dispatch(writer, words("CONFIG", "SET", "notify-keyspace-events", setting.length == 0 ? "" : setting[0]));
    if (events.endsWith("subscribed")) {
      ClientState subscriber = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { },
          ClientConnection.detached("subscriber"));
      dispatcher.dispatch(subscriber, words("PSUBSCRIBE", "__key*__:*"));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public Result set() {
    return dispatcher.dispatch(writer, set);
  }

  private static byte[][] words(String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(StandardCharsets.UTF_8);
    }
    return args;
  }
}
