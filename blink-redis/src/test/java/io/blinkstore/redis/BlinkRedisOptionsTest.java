package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlinkRedisOptionsTest {
  @TempDir Path dir;

  @Test
  void defaultsAreBoundedAndSafe() {
    BlinkRedisOptions options = BlinkRedisOptions.defaults();
    assertEquals(Duration.ofSeconds(5), options.connectTimeout());
    assertEquals(Duration.ofSeconds(2), options.commandTimeout());
    assertEquals(Duration.ofSeconds(5), options.topologyRefreshPeriod());
    assertEquals(1024, options.queueCapacity());
    assertEquals(Duration.ofSeconds(2), options.leaseTime());
    assertFalse(options.hasTlsOptions());
  }

  @Test
  void badValuesFailNamingThem() {
    BlinkRedisOptions.Builder builder = BlinkRedisOptions.builder();
    assertEquals("commandTimeout must be positive, but was PT0S",
        assertThrows(IllegalArgumentException.class, () -> builder.commandTimeout(Duration.ZERO)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.connectTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.topologyRefreshPeriod(Duration.ofMillis(99)));
    assertThrows(IllegalArgumentException.class, () -> builder.queueCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> builder.leaseTime(Duration.ofSeconds(61)));
    assertThrows(IllegalArgumentException.class, () -> builder.trustedCertificates(dir.resolve("missing.pem")));
    assertThrows(NullPointerException.class, () -> builder.commandTimeout(null));
  }

  /** A refused value leaves nothing behind: the builder neither builds with it nor counts the option as set. */
  @Test
  void aRefusedValueIsNotKept() {
    BlinkRedisOptions.Builder builder = BlinkRedisOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> builder.topologyRefreshPeriod(Duration.ofMillis(99)));
    assertThrows(IllegalArgumentException.class, () -> builder.leaseTime(Duration.ofSeconds(61)));
    assertThrows(IllegalArgumentException.class, () -> builder.queueCapacity(-1));
    BlinkRedisOptions options = builder.build();
    assertEquals(BlinkRedisOptions.DEFAULT_TOPOLOGY_REFRESH_PERIOD, options.topologyRefreshPeriod());
    assertEquals(BlinkRedisOptions.DEFAULT_LEASE_TIME, options.leaseTime());
    assertEquals(Duration.ofSeconds(60), builder.leaseTime(Duration.ofSeconds(60)).build().leaseTime());
  }

  @Test
  void eachOptionIsSetOnce() throws Exception {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "");
    BlinkRedisOptions.Builder builder = BlinkRedisOptions.builder()
        .commandTimeout(Duration.ofSeconds(1)).queueCapacity(8).trustedCertificates(pem);
    assertEquals("commandTimeout was already set to PT1S",
        assertThrows(IllegalStateException.class, () -> builder.commandTimeout(Duration.ofSeconds(3))).getMessage());
    assertThrows(IllegalStateException.class, () -> builder.queueCapacity(9));
    assertThrows(IllegalStateException.class, () -> builder.trustStore(pem, new char[0]));
    assertEquals(8, builder.build().queueCapacity());
  }
}
