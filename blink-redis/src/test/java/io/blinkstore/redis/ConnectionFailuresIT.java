package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.client.BlinkConnectionException;
import io.blinkstore.client.BlinkQueueFullException;
import io.blinkstore.client.BlinkTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a store does when its server stops answering ({@link RedisProcess#stop()}, SIGSTOP: sockets open, nothing
 * answered) or its connection drops with a command in flight ({@link Relay}): every wait is bounded by the
 * options, and a command that may have run is never sent twice.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConnectionFailuresIT {
  @TempDir static Path dir;
  private static RedisProcess redis;
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.startWithAclUser(dir, RedisProcess.freePort());
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void resumeRedis() throws Exception {
    redis.resume();
    callers.shutdownNow();
    TestRedis.emptyWithZeroedCounters(redis);
  }

  private static BlinkRedis connect(int port, BlinkRedisOptions.Builder options) {
    return BlinkRedis.connect(TestRedis.aclUserAddress("redis", port), options.build());
  }

  @Test
  void aCallToAServerThatStoppedAnsweringFailsWithBlinkTimeoutExceptionAndTheStoreServesOnceItAnswers()
      throws Exception {
    try (BlinkRedis store = connect(redis.port(), BlinkRedisOptions.builder().commandTimeout(Duration.ofMillis(500)))) {
      store.set("kept", "yes");
      redis.stop();
      BlinkTimeoutException e = assertThrows(BlinkTimeoutException.class, () -> store.get("kept"));
      assertTrue(e.getMessage().contains("GET kept"), e.getMessage());
      redis.resume();
      assertEquals("yes", store.getString("kept"));
    }
  }

  /**
   * With {@code queueCapacity} commands waiting on a server that does not answer, one more fails at once instead of
   * queuing: of five callers, three get {@link BlinkQueueFullException} while the server is stopped, and the two
   * queued are answered once it runs again.
   */
  @Test
  void callsBeyondTheQueueCapacityFailAtOnceWithBlinkQueueFullException() throws Exception {
    try (BlinkRedis store = connect(redis.port(),
        BlinkRedisOptions.builder().queueCapacity(2).commandTimeout(Duration.ofSeconds(60)))) {
      store.set("queued", "yes");
      redis.stop();
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> store.getString("queued"), callers));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (calls.stream().filter(CompletableFuture::isCompletedExceptionally).count() < 3) {
        assertTrue(System.nanoTime() - deadline < 0, "three calls should have been refused: " + calls);
        TimeUnit.MILLISECONDS.sleep(5);
      }
      redis.resume();
      int answered = 0;
      for (CompletableFuture<String> call : calls) {
        try {
          assertEquals("yes", call.get(30, TimeUnit.SECONDS));
          answered++;
        } catch (ExecutionException refused) {
          assertInstanceOf(BlinkQueueFullException.class, refused.getCause());
        }
      }
      assertEquals(2, answered, "calls answered");
    }
  }

  /**
   * Logging in waits for the server's answer to {@code HELLO} for the command timeout at most: a server that accepts
   * connections but answers nothing makes {@code connect} fail, not hang.
   */
  @Test
  void connectingToAServerThatAnswersNothingFailsWithBlinkConnectionException() throws Exception {
    redis.stop();
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> connect(redis.port(),
        BlinkRedisOptions.builder().connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(500))));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  /**
   * An {@code INCRBY} that reached the server, whose connection drops before the reply comes back, fails with
   * {@link BlinkConnectionException} and is not sent again on the new connection (Lettuce's default would replay
   * it there, and the counter would count it twice).
   */
  @Test
  void aCommandInFlightWhenItsConnectionDropsFailsAndIsNeverSentTwice() throws Exception {
    try (Relay relay = Relay.to(redis.port());
        BlinkRedis store = connect(relay.port(), BlinkRedisOptions.builder().commandTimeout(Duration.ofSeconds(30)))) {
      store.set("counter", "10");
      relay.holdReplies();
      CompletableFuture<Long> increment = CompletableFuture.supplyAsync(() -> store.incrementBy("counter", 1), callers);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!redis.command("GET", "counter").equals("11")) {
        assertTrue(System.nanoTime() - deadline < 0, "the INCRBY did not reach the server");
        TimeUnit.MILLISECONDS.sleep(5);
      }
      relay.dropConnections();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> increment.get(30, TimeUnit.SECONDS));
      assertInstanceOf(BlinkConnectionException.class, failed.getCause());
      assertEquals(11, store.incrementBy("counter", 0), "the counter after the store reconnected");
      assertEquals("11", redis.command("GET", "counter"));
    }
  }
}
