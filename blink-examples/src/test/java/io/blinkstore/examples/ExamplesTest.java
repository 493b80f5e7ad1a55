package io.blinkstore.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples run as documented and print what their comments promise. */
@Timeout(60)
class ExamplesTest {

  @Test
  void embeddedExampleStaysWithinItsLimitAndRefusesTheHugeEntry() {
    String out = run(() -> EmbeddedExample.main(new String[0]));
    assertTrue(out.contains("greeting = hello"), out);
    assertTrue(out.contains("usage    = 13 bytes"), out);
    assertTrue(out.contains("refused: entry of 2097156 bytes"), out);
    long usage = Long.parseLong(out.replaceAll("(?s).*after 4000 x 1 KiB: usage = (\\d+) of.*", "$1"));
    assertTrue(usage > 0 && usage <= 1024 * 1024, out);
    assertTrue(out.contains("deleted greeting: true"), out);
    assertTrue(out.contains("greeting = null"), out);
  }

  @Test
  void sidecarExampleTalksTheProtocolOverARealSocket() {
    String out = run(() -> {
      try {
        SidecarExample.main(new String[0]);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertTrue(out.contains("> GET mykey\n< VALUE aGVsbG8="), out);
    assertTrue(out.contains("> USAGE\n< USAGE 19"), out);
    assertTrue(out.contains("> DELETE mykey\n< OK"), out);
    assertTrue(out.contains("counter = 42"), out);
  }

  @Test
  void stampedeExampleQueriesTheDatabaseOnceWithALease() {
    String out = run(() -> {
      try {
        StampedeExample.main(new String[0]);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(out.contains("with a lease:    50 workers, 1 database query"), out);
    assertTrue(out.matches("(?s).*without a lease: 50 workers, [1-9][0-9]* database queries.*"), out);
  }

  private static String run(Runnable main) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
