package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.transport.ProtocolPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The time-to-live and counter words, executed on a pipeline, with their exact replies. */
class TtlCommandsTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  {
    new ProtocolPipeline(store, 1024).install(channel.pipeline());
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    store.close();
  }

  private String ask(String line) {
    channel.writeInbound(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
    StringBuilder text = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return text.toString();
  }

  @Test
  void setexStoresAValueWithATtl() {
    assertEquals("OK\n", ask("SETEX k 100 hello world"));
    assertEquals("VALUE aGVsbG8gd29ybGQ=\n", ask("GET k"));
    assertEquals("TTL 100\n", ask("TTL k"));
    String pttl = ask("PTTL k");
    long millis = Long.parseLong(pttl.substring("PTTL ".length()).trim());
    assertTrue(millis > 0 && millis <= 100_000, pttl);
  }

  @Test
  void psetexStoresAValueWithATtlInMilliseconds() {
    assertEquals("OK\n", ask("PSETEX k 100000 v"));
    assertEquals("TTL 100\n", ask("TTL k"));
  }

  @Test
  void ttlOfAnAbsentKeyIsNotFoundAndOfAPersistentKeyMinusOne() {
    assertEquals("NOT_FOUND\n", ask("TTL k"));
    assertEquals("NOT_FOUND\n", ask("PTTL k"));
    assertEquals("OK\n", ask("SET k v"));
    assertEquals("TTL -1\n", ask("TTL k"));
    assertEquals("PTTL -1\n", ask("PTTL k"));
  }

  @Test
  void expireAnswersOkForAPresentKeyAndNotFoundForAnAbsentOne() {
    assertEquals("NOT_FOUND\n", ask("EXPIRE k 10"));
    assertEquals("OK\n", ask("SET k v"));
    assertEquals("OK\n", ask("EXPIRE k 10"));
    assertEquals("TTL 10\n", ask("TTL k"));
    assertEquals("OK\n", ask("PEXPIRE k 20000"));
    assertEquals("TTL 20\n", ask("TTL k"));
  }

  @Test
  void persistAnswersOkOnlyWhenItRemovedATtl() {
    assertEquals("NOT_FOUND\n", ask("PERSIST k"));
    assertEquals("OK\n", ask("SETEX k 10 v"));
    assertEquals("OK\n", ask("PERSIST k"));
    assertEquals("TTL -1\n", ask("TTL k"));
    assertEquals("NOT_FOUND\n", ask("PERSIST k"));
  }

  @Test
  void plainSetDropsTheTtl() {
    assertEquals("OK\n", ask("SETEX k 10 v"));
    assertEquals("OK\n", ask("SET k w"));
    assertEquals("TTL -1\n", ask("TTL k"));
  }

  @Test
  void countersAnswerIntegerAndStoreDecimalText() {
    assertEquals("INTEGER 1\n", ask("INCR n"));
    assertEquals("INTEGER 11\n", ask("INCRBY n 10"));
    assertEquals("INTEGER 10\n", ask("DECR n"));
    assertEquals("INTEGER -5\n", ask("DECRBY n 15"));
    assertEquals("VALUE LTU=\n", ask("GET n"));
    assertEquals("USAGE 3\n", ask("USAGE"));
  }

  @Test
  void aCounterSetAsTextCountsOn() {
    assertEquals("OK\n", ask("SET n 41"));
    assertEquals("INTEGER 42\n", ask("INCR n"));
  }

  @Test
  void countersKeepTheTtl() {
    assertEquals("OK\n", ask("SETEX n 100 1"));
    assertEquals("INTEGER 2\n", ask("INCR n"));
    assertEquals("TTL 100\n", ask("TTL n"));
  }

  @Test
  void aValueThatIsNotAnIntegerIsRefusedAndKept() {
    assertEquals("OK\n", ask("SET n hello"));
    assertEquals("ERROR value is not an integer or out of range\n", ask("INCR n"));
    assertEquals("ERROR value is not an integer or out of range\n", ask("DECRBY n 1"));
    assertEquals("VALUE aGVsbG8=\n", ask("GET n"));
  }

  @Test
  void overflowIsRefusedAndTheValueKept() {
    assertEquals("OK\n", ask("SET n 9223372036854775807"));
    assertEquals("ERROR increment or decrement would overflow\n", ask("INCR n"));
    assertEquals("OK\n", ask("SET m -9223372036854775808"));
    assertEquals("ERROR increment or decrement would overflow\n", ask("DECR m"));
    assertEquals("ERROR increment or decrement would overflow\n", ask("INCRBY m -1"));
    assertEquals("INTEGER -1\n", ask("INCRBY m 9223372036854775807"));
  }

  @Test
  void aCounterThatCannotFitIsACapacityError() {
    try (BlinkStore tiny = BlinkStore.builder().memoryLimit(20).build()) {
      EmbeddedChannel small = new EmbeddedChannel();
      new ProtocolPipeline(tiny, 1024).install(small.pipeline());
      small.writeInbound(Unpooled.copiedBuffer("INCR k\n", StandardCharsets.UTF_8));
      ByteBuf reply = small.readOutbound();
      assertEquals("ERROR storage is at capacity and eviction failed\n", reply.toString(StandardCharsets.UTF_8));
      reply.release();
      small.finishAndReleaseAll();
    }
  }

  @Test
  void statsHasTheExpirationCountAfterTheEvictions() {
    assertTrue(ask("STATS").matches("STATS keys=0 .* evictions=0 expirations=0( .*)? expiring=0 evicted_clients=0\n"));
  }

  @Test
  void statsCountsTheEntriesThatHaveATimeToLive() {
    ask("SETEX a 100 x");
    ask("SET b y");
    ask("PSETEX c 100000 z");
    assertTrue(ask("STATS").matches("STATS keys=3 .* expirations=0( .*)? expiring=2 evicted_clients=0\n"));
    ask("PERSIST a");
    assertTrue(ask("STATS").matches("STATS keys=3 .* expirations=0( .*)? expiring=1 evicted_clients=0\n"));
  }

  @Test
  void originalWordsAnswerAsBefore() {
    assertEquals("OK\n", ask("SET TTL k"));
    assertEquals("VALUE aw==\n", ask("GET TTL"));
    assertEquals("NOT_FOUND\n", ask("GET INCR k"));
  }

  @Test
  void redisStyleSetOptionsAreAnOriginalSetsValueTextNotATimeToLive() {
    // The original stores the rest of the line as the value: these SETs must neither expire nor be refused.
    for (String rest : new String[] {"v EX 10", "v PX 5", "v NX", "v EX 10 NX KEEPTTL"}) {
      assertEquals("OK\n", ask("SET k " + rest));
      assertEquals("VALUE " + base64(rest) + "\n", ask("GET k"));
      assertEquals("TTL -1\n", ask("TTL k"));
    }
    assertEquals("OK\n", ask("SET k v"));
    assertEquals("NOT_FOUND\n", ask("GET k EX 10"));
    assertEquals("NOT_FOUND\n", ask("DELETE k PX 5"));
    assertEquals("VALUE dg==\n", ask("GET k"));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
