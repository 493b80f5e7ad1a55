package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplTest {
  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void close() {
    store.close();
  }

  private String run(Repl repl, String input) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    repl.run(new BufferedReader(new StringReader(input)), out);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void answersTheExampleSessionAndStopsAtQuit() {
    String input = "get mykey\nset mykey hello\nGET mykey\nset counter 42\nusage\ndelete mykey\nget mykey\n"
        + "Quit\nget counter\n";
    assertEquals("NOT_FOUND\nOK\nVALUE aGVsbG8=\nOK\nUSAGE 19\nOK\nNOT_FOUND\n", run(new Repl(store), input));
    assertEquals("42", store.getString("counter"));
  }

  @Test
  void answersErrorsAndExtensionsLikeTheServer() {
    String input = "nope\nGET\nset k \nget k\ndel k\nstats\n";
    String output = run(new Repl(store), input);
    assertTrue(output.matches("ERROR unknown command\nERROR GET requires key\nOK\nVALUE \nOK\n"
        + "STATS keys=0 usage=0 limit=10485760 hits=1 misses=0 evictions=0 expirations=0"
        + " uptime_seconds=\\d+ connections=0 total_connections=0 commands=6 hit_ratio=1\\.0000 expiring=0"
        + " evicted_clients=0\n"), output);
  }

  @Test
  void stopsAtEndOfInputAndAnswersALastLineWithoutNewline() {
    assertEquals("OK\nVALUE MQ==\n", run(new Repl(store), "set a 1\r\nget a"));
  }

  @Test
  void aLoneCarriageReturnDoesNotEndALine() {
    assertEquals("NOT_FOUND\n", run(new Repl(store), "get a\rget b\n"));
  }

  @Test
  void promptsBeforeEachLineOnlyWhenInteractive() {
    assertEquals("> OK\n> USAGE 2\n> ", run(new Repl(store, true), "set a 1\nusage\nquit\n"));
    assertEquals("> OK\n> \n", run(new Repl(store, true), "set b 2\n"));
  }
}
