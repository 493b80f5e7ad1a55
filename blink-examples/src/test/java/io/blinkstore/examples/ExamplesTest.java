package io.blinkstore.examples;

import static io.blinkstore.examples.WorkerProcesses.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The examples run as documented (bin/blink-example runs the same main methods) and print what they promise. */
@Timeout(120)
class ExamplesTest {

  /** A main method, as the examples declare them. */
  @FunctionalInterface
  interface Main {
    void run(String[] args) throws Exception;
  }

  @Test
  void embeddedExampleServesMostRequestsFromTheCacheWithinItsLimit() throws Exception {
    String out = run(EmbeddedExample::main);
    long computed = number(out, "requests: 20000, computed: (\\d+)");
    assertTrue(computed > 0 && computed < 20_000 / 2, out);
    long hits = number(out, "cache: hits=(\\d+)");
    long misses = number(out, "misses=(\\d+)");
    assertEquals(20_000, hits + misses, out);
    assertEquals(computed, misses, "one computation per miss: " + out);
    assertTrue(number(out, "evictions=(\\d+)") > 0, "the limit was reached: " + out);
    long usage = number(out, "usage: (\\d+) of 262144 bytes");
    assertTrue(usage > 0 && usage <= 262_144, out);
    assertTrue(out.contains("refused: entry of 262148 bytes (key + value) exceeds the memory limit"), out);
    assertTrue(out.contains("report 0 starts: report 0: 168 primes up to 1000"), out);
  }

  @Test
  void sidecarExampleSharesOneCacheBetweenJavaPythonAndBashWorkerProcesses() throws Exception {
    String out = run(SidecarExample::main);
    int workers = 2 + (onPath("python3") ? 1 : 0) + (onPath("nc") && onPath("base64") ? 1 : 0);
    assertTrue(out.contains("started " + workers + " worker processes at once"), out);
    if (onPath("python3") && onPath("nc")) {
      assertTrue(out.contains("java-1, java-2, python, bash"), out);
    }
    long usage = number(out, "the one sidecar holds (\\d+) bytes \\(USAGE\\)");
    long rows = 0;
    for (int id = 0; id < Products.COUNT; id++) {
      rows += Products.key(id).length() + Products.row(id).length();
    }
    String notice = group(out, "wrote notice (\\S+);");
    assertEquals(rows + "notice".length() + notice.length(), usage, "every row once, and the notice: " + out);
    assertTrue(out.contains("memory: " + workers + " private caches would hold " + workers + " x " + usage + " = "
        + workers * usage + " bytes"), out);
    assertTrue(out.contains("consistency: java-1 wrote notice " + notice + "; right after, each of the "
        + (workers - 1) + " other workers read it once, no retry: every one got exactly that"), out);
    assertTrue(out.matches("(?s).*\n  java-1 +300 lookups, [^\n]*, wrote notice " + notice + "\n.*"), out);
    for (String reader : List.of("java-2", "python", "bash").subList(0, workers - 2)) {
      assertTrue(out.matches("(?s).*\n  " + reader + " +300 lookups, [^\n]*, read notice " + notice + "\n.*"), out);
    }
    long lookups = number(out, "database calls: \\d+ for (\\d+) lookups");
    long calls = number(out, "database calls: (\\d+) for");
    assertEquals(workers * (long) Products.COUNT, lookups, out);
    assertTrue(calls >= Products.COUNT && calls < lookups, "each row fetched at least once, not by everyone: " + out);
    assertTrue(out.contains("private caches would make " + lookups + ": " + (lookups - calls) + " saved"), out);
    long hits = lookups - calls;
    assertTrue(out.contains("cache hits matching the database row byte for byte: " + hits + " of " + hits), out);
  }

  /**
   * A worker that hangs fails the sidecar example at its timeout and is stopped. The example once read each
   * worker's output pipe to its end before waiting with a timeout, so a hung worker held it up for ever (and
   * the read, deaf to interrupts, held this test: hence the timeout on a thread of its own). Closing the
   * workers kills it.
   *
   * <p>The worker is up before the 2 s under test start: compiling and starting it can take longer than that on
   * a loaded machine, and its summary line would then be missing instead of its answer. It prints a line to say
   * it is up and its summary line in one write, so once the first has come the second is there too. Then it
   * answers nothing and never exits: both waits under test fail, neither may hang.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHungSidecarWorkerFailsTheExampleAtItsTimeoutAndIsStopped(@TempDir Path dir) throws Exception {
    Path source = Files.writeString(dir.resolve("Hung.java"), """
        class Hung {
          public static void main(String[] args) {
            System.out.print("started\\nworker=hung lookups=300 db_calls=0 verified=300\\n");
            System.out.flush();
            ProcessHandle.current().parent().orElseThrow().onExit().join();
          }
        }
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      workers.start("hung", List.of(java, source.toString()));
      assertEquals(Map.of("hung", "started"), workers.nextLineOfEach("started line", Duration.ofSeconds(30)));
      assertEquals(List.of(new SidecarExample.Summary("hung", 300, 0, 300)),
          SidecarExample.summaries(workers, Duration.ofSeconds(2)));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> SidecarExample.shareNotice(workers, "n", Duration.ofSeconds(2)));
      assertEquals("worker hung printed no reply to 'write' within 2 s", e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> workers.finish(Duration.ofSeconds(2)));
      assertEquals("worker hung did not exit within 2 s of its input ending", e.getMessage());
    }
  }

  @Test
  void clientExampleShowsEveryStyleAndTypedErrors() throws Exception {
    String out = run(ClientExample::main);
    assertTrue(out.contains("in-process: hello, ada, usage 22"), out);
    assertTrue(out.contains("remote:     hello, ada, usage 22"), out);
    assertTrue(out.contains("over RESP:  hello, ada, usage 22"), out);
    assertTrue(out.contains("sync: 5 bytes back, size 2"), out);
    // PTTL rounds up to the millisecond: 30 minutes if the set and the ttl were less than 1 ms apart on the server
    // (common once the code is warm), 29 if more.
    assertTrue(out.matches("(?s).*ttl: session:7 has (29|30) minutes left; views:home = 1.*"), out);
    assertTrue(out.contains("async: user:42 = Grace"), out);
    assertTrue(out.matches("(?s).*pipelined: 2000 SETs in \\d+ ms; item:1999 = value 1999.*"), out);
    assertTrue(out.contains("refused before sending: invalid key"), out);
    assertTrue(out.contains("the server refused: entry of 524292 bytes (key + value) exceeds the memory limit"),
        out);
    assertTrue(out.contains("server gone: BlinkConnectionException for GET user:42"), out);
  }

  @Test
  void scaleOutExampleRunsTheSidecarWorkersOnALocalCluster() throws Exception {
    assumeTrue(LocalCluster.installed(), "redis-server and redis-cli are not installed");
    String out = run(ScaleOutExample::main);
    assertTrue(out.contains("cluster: local, 3 primaries, redis-cluster://127.0.0.1:"), out);
    assertSharedOnTheCluster(out);
  }

  /** Given a cluster's address, the example starts none, and each run starts from a cold cache: it deletes its keys. */
  @Test
  void scaleOutExampleUsesTheClusterItIsGivenAndStartsColdEachTime() throws Exception {
    assumeTrue(LocalCluster.installed(), "redis-server and redis-cli are not installed");
    try (LocalCluster cluster = LocalCluster.start()) {
      for (int run = 0; run < 2; run++) {
        String out = run(args -> ScaleOutExample.main(new String[] {cluster.address(), "2"}));
        assertTrue(out.contains("cluster: " + cluster.address() + "\n"), out);
        assertSharedOnTheCluster(out);
      }
    }
  }

  private static void assertSharedOnTheCluster(String out) {
    int workers = out.contains("java-3") ? 3 : 2;
    assertTrue(out.contains("started " + workers + " worker processes at once"), out);
    String notice = group(out, "wrote notice (\\S+);");
    assertTrue(out.contains("consistency: java-1 wrote notice " + notice + "; right after, each of the "
        + (workers - 1) + " other workers read it once, no retry: every one got exactly that"), out);
    long lookups = number(out, "database calls: \\d+ for (\\d+) lookups");
    long calls = number(out, "database calls: (\\d+) for");
    assertEquals(workers * (long) Products.COUNT, lookups, out);
    assertTrue(calls >= Products.COUNT && calls < lookups, "each row fetched at least once, not by everyone: " + out);
    long hits = lookups - calls;
    assertTrue(out.contains("cache hits matching the database row byte for byte: " + hits + " of " + hits), out);
    assertTrue(out.contains("the cluster now holds " + (Products.COUNT + 1) + " keys"), out);
  }

  private static long number(String out, String regex) {
    return Long.parseLong(group(out, regex));
  }

  /** The first group of the first match of {@code regex} in {@code out}. */
  private static String group(String out, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(out);
    assertTrue(matcher.find(), () -> "no match for " + regex + " in:\n" + out);
    return matcher.group(1);
  }

  @Test
  void stampedeExampleQueriesTheDatabaseOnceWithALeaseAcrossThreadsAndProcesses() throws Exception {
    String out = run(StampedeExample::main);
    assertTrue(out.contains("with a lease:    50 workers, 1 database query\n"), out);
    assertTrue(out.matches("(?s).*without a lease: 50 workers, [1-9][0-9]* database quer(y|ies)\n.*"), out);

    boolean python = onPath("python3");
    boolean bash = onPath("nc");
    int processes = StampedeProcesses.JAVA_WORKERS + (python ? StampedeProcesses.PYTHON_WORKERS : 0)
        + (bash ? StampedeProcesses.BASH_WORKERS : 0);
    if (python && bash) {
      assertTrue(out.contains("50 processes (2 java, 40 python, 8 bash), each on its own connection, released at"
          + " once:"), out);
    }
    assertTrue(out.matches("(?s).*with a lease:    " + processes + " processes, 1 database query \\(by \\S+\\);"
        + " every one read quarterly-report.*"), out);
    assertTrue(out.matches("(?s).*without a lease: " + processes + " processes, [1-9][0-9]* database quer(y|ies)"
        + "( \\(by \\S+\\))?; every one read quarterly-report.*"), out);
  }

  private static String run(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      main.run(new String[0]);
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
