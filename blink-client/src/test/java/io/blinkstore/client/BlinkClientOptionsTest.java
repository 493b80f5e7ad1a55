package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlinkClientOptionsTest {

  @Test
  void defaultsAreSafeAndBounded() {
    BlinkClientOptions options = BlinkClientOptions.defaults();
    assertEquals(Duration.ofSeconds(5), options.connectTimeout());
    assertEquals(Duration.ofSeconds(2), options.commandTimeout());
    assertTrue(options.reconnect());
    assertEquals(Duration.ofMillis(50), options.reconnectMinDelay());
    assertEquals(Duration.ofSeconds(5), options.reconnectMaxDelay());
    assertEquals(1024, options.queueCapacity());
    assertEquals(1, options.poolSize());
    assertEquals(1 << 20, options.maxRequestBytes());
    assertEquals(Duration.ofSeconds(2), options.leaseTime());
  }

  @Test
  void everyOptionIsKept() {
    BlinkClientOptions options = BlinkClientOptions.builder()
        .connectTimeout(Duration.ofMillis(10))
        .commandTimeout(Duration.ofMillis(20))
        .reconnect(false)
        .reconnectDelay(Duration.ofMillis(1), Duration.ofMillis(2))
        .queueCapacity(3)
        .poolSize(4)
        .maxRequestBytes(64)
        .leaseTime(Duration.ofMillis(30))
        .build();
    assertEquals(Duration.ofMillis(10), options.connectTimeout());
    assertEquals(Duration.ofMillis(20), options.commandTimeout());
    assertEquals(false, options.reconnect());
    assertEquals(Duration.ofMillis(1), options.reconnectMinDelay());
    assertEquals(Duration.ofMillis(2), options.reconnectMaxDelay());
    assertEquals(3, options.queueCapacity());
    assertEquals(4, options.poolSize());
    assertEquals(64, options.maxRequestBytes());
    assertEquals(Duration.ofMillis(30), options.leaseTime());
  }

  static Stream<Named<Consumer<BlinkClientOptions.Builder>>> badValues() {
    return Stream.of(
        Named.of("connectTimeout 0", b -> b.connectTimeout(Duration.ZERO)),
        Named.of("connectTimeout -1ms", b -> b.connectTimeout(Duration.ofMillis(-1))),
        Named.of("commandTimeout 0", b -> b.commandTimeout(Duration.ZERO)),
        Named.of("reconnectDelay min 0", b -> b.reconnectDelay(Duration.ZERO, Duration.ofSeconds(1))),
        Named.of("reconnectDelay min > max", b -> b.reconnectDelay(Duration.ofSeconds(2), Duration.ofSeconds(1))),
        Named.of("queueCapacity 0", b -> b.queueCapacity(0)),
        Named.of("poolSize 0", b -> b.poolSize(0)),
        Named.of("poolSize 65", b -> b.poolSize(BlinkClientOptions.MAX_POOL_SIZE + 1)),
        Named.of("maxRequestBytes 63", b -> b.maxRequestBytes(BlinkClientOptions.MIN_MAX_REQUEST_BYTES - 1)),
        Named.of("leaseTime 0", b -> b.leaseTime(Duration.ZERO)),
        Named.of("leaseTime 60.001s", b -> b.leaseTime(BlinkClientOptions.MAX_LEASE_TIME.plusMillis(1))));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void aBadValueFailsFastNamingTheOptionAndTheValue(Consumer<BlinkClientOptions.Builder> setter) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> setter.accept(BlinkClientOptions.builder()));
    assertTrue(e.getMessage().matches("(connectTimeout|commandTimeout|reconnectDelay|queueCapacity|poolSize|"
        + "maxRequestBytes|leaseTime).* (was|than) .*"), e.getMessage());
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    BlinkClientOptions options = BlinkClientOptions.builder()
        .poolSize(BlinkClientOptions.MAX_POOL_SIZE)
        .maxRequestBytes(BlinkClientOptions.MIN_MAX_REQUEST_BYTES)
        .queueCapacity(1)
        .reconnectDelay(Duration.ofMillis(7), Duration.ofMillis(7))
        .leaseTime(BlinkClientOptions.MAX_LEASE_TIME)
        .build();
    assertEquals(Duration.ofSeconds(60), options.leaseTime());
    assertEquals(64, options.poolSize());
    assertEquals(64, options.maxRequestBytes());
  }

  @Test
  void nullDurationsAreRejected() {
    assertThrows(NullPointerException.class, () -> BlinkClientOptions.builder().commandTimeout(null));
    assertThrows(NullPointerException.class, () -> BlinkClientOptions.builder().reconnectDelay(null, null));
  }

  static Stream<Named<Consumer<BlinkClientOptions.Builder>>> everySetter() {
    return Stream.of(
        Named.of("connectTimeout", b -> b.connectTimeout(Duration.ofSeconds(1))),
        Named.of("commandTimeout", b -> b.commandTimeout(Duration.ofSeconds(1))),
        Named.of("reconnect", b -> b.reconnect(true)),
        Named.of("reconnectDelay", b -> b.reconnectDelay(Duration.ofSeconds(1), Duration.ofSeconds(1))),
        Named.of("queueCapacity", b -> b.queueCapacity(5)),
        Named.of("poolSize", b -> b.poolSize(2)),
        Named.of("maxRequestBytes", b -> b.maxRequestBytes(100)),
        Named.of("leaseTime", b -> b.leaseTime(Duration.ofSeconds(1))));
  }

  @ParameterizedTest
  @MethodSource("everySetter")
  void eachOptionCanBeSetOnlyOnce(Consumer<BlinkClientOptions.Builder> setter) {
    BlinkClientOptions.Builder builder = BlinkClientOptions.builder();
    setter.accept(builder);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> setter.accept(builder));
    assertTrue(e.getMessage().contains("already set to"), e.getMessage());
  }

  @Test
  void aRejectedValueLeavesTheOptionUnset() {
    BlinkClientOptions.Builder builder = BlinkClientOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> builder.poolSize(0));
    assertEquals(2, builder.poolSize(2).build().poolSize());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 50, 100, Integer.MAX_VALUE})
  void reconnectBackoffDoublesFromTheMinimumAndNeverPassesTheMaximum(int failures) {
    BlinkClientOptions options =
        BlinkClientOptions.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofSeconds(5)).build();
    long expected = Math.min(Duration.ofSeconds(5).toNanos(),
        failures > 20 ? Long.MAX_VALUE : Duration.ofMillis(50).toNanos() << (failures - 1));
    assertEquals(expected, ConnectionSlot.backoffNanos(options, failures));
  }
}
