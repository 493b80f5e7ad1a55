package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level} as the server applies it, in a forked JVM (slf4j-simple reads its settings once per
 * process): Blink Store's loggers take the level as given; Netty's take it as a ceiling, staying at warn when a
 * more verbose level is asked.
 */
@Timeout(60)
class LogLevelIT {
  private static final List<String> MESSAGES =
      List.of("netty debug", "netty warn", "netty error", "blink debug", "blink warn", "blink error");

  @TempDir Path dir;

  /** Regression for error and off: simplelogger.properties pinned Netty at warn whatever --log-level said. */
  @ParameterizedTest(name = "--log-level {0}")
  @CsvSource(delimiter = '|', value = {
    "trace | netty warn, netty error, blink debug, blink warn, blink error",
    "info  | netty warn, netty error, blink warn, blink error",
    "warn  | netty warn, netty error, blink warn, blink error",
    "error | netty error, blink error",
    "off   | ''",
  })
  void theLogLevelIsAlsoTheCeilingForNettyWhichStaysAtWarnWhenMoreVerbose(String level, String shown)
      throws Exception {
    Path log = dir.resolve("stderr");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), Child.class.getName(), level)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertTrue(child.waitFor(50, TimeUnit.SECONDS), "the child finished");
    String output = Files.readString(log);
    assertEquals(0, child.exitValue(), output);
    List<String> expected = shown.isEmpty() ? List.of() : Arrays.asList(shown.split(",\\s*"));
    List<String> printed = MESSAGES.stream().filter(output::contains).toList();
    assertEquals(expected, printed, output);
  }

  /** The forked JVM: applies the level as {@code serve} does, then logs at three levels through each side. */
  public static final class Child {
    public static void main(String[] args) {
      BlinkStoreCli.setLogLevel(args[0]);
      InternalLogger netty = InternalLoggerFactory.getInstance("io.netty.channel.DefaultChannelPipeline");
      org.slf4j.Logger blink = LoggerFactory.getLogger(BlinkServer.class);
      netty.debug("netty debug");
      netty.warn("netty warn");
      netty.error("netty error");
      blink.debug("blink debug");
      blink.warn("blink warn");
      blink.error("blink error");
    }
  }
}
