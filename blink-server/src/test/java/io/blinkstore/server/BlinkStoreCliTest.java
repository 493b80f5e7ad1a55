package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line, run in-process: parsing, exit statuses and one-line errors. */
@Timeout(30)
class BlinkStoreCliTest {

  @Test
  void theMemoryLimitsDefaultIsTheStoresOwnInServeAndRun() {
    assumeTrue(System.getenv("BLINK_MEMORY_LIMIT") == null, "BLINK_MEMORY_LIMIT is set: it is the default then");
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(); // as BlinkStoreCli.execute
    assertEquals(BlinkStore.DEFAULT_MEMORY_LIMIT, ByteSize.parse(serve.memoryLimit));
    BlinkStoreCli.Run run = new BlinkStoreCli.Run();
    new CommandLine(run).parseArgs();
    assertEquals(BlinkStore.DEFAULT_MEMORY_LIMIT, ByteSize.parse(run.memoryLimit));
  }

  @Test
  void theProtocolIsAutoOrRespInAnyCaseAndNothingElse() {
    assertFalse(ServeCommand.respOnly("auto"));
    assertTrue(ServeCommand.respOnly("resp"));
    assertTrue(ServeCommand.respOnly("RESP"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServeCommand.respOnly("text"));
    assertEquals("--protocol must be auto or resp, but was text", e.getMessage());
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).parseArgs();
    assertFalse(ServeCommand.respOnly(serve.protocol), "auto by default");
  }

  @Test
  void parsesIpv4AndBracketedIpv6AndHostNames() throws IOException {
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8765),
        BlinkStoreCli.parseTcp("127.0.0.1:8765"));
    assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 8765), BlinkStoreCli.parseTcp("[::1]:8765"));
    assertEquals(0, BlinkStoreCli.parseTcp("localhost:0").getPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"8765", ":8765", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
      "127.0.0.1:http", "::1:8765", "[::1]", "no-such-host.invalid:8765"})
  void rejectsBadTcpAddressesNamingThem(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlinkStoreCli.parseTcp(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  /**
   * The warning at start for a small heap: never for the heap the launcher gives (it warned "heap (112 MiB) is
   * small ... give it at least 112 MiB" for a 64 MiB limit, and for every limit from about 20 to 75 MiB), even as
   * the JVM reports it under the serial collector (a survivor space less); for half of it, always.
   */
  @Test
  void theLaunchersHeapIsNeverSmallForItsLimit() {
    long mib = 1 << 20;
    for (long limit : new long[] {1 * mib, 10 * mib, 20 * mib, 32 * mib, 64 * mib, 75 * mib, 512 * mib, 4096 * mib}) {
      long heap = JvmSizing.heap(limit);
      assertFalse(JvmSizing.heapSmallFor(heap, limit), limit + " bytes with the launcher's " + heap);
      assertFalse(JvmSizing.heapSmallFor(heap - heap / 32, limit), limit + " bytes, less a survivor space");
      assertTrue(JvmSizing.heapSmallFor(heap / 2, limit), limit + " bytes with half the launcher's heap");
    }
  }

  @Test
  void heapCapacityIsSeventyPercentOfTheBudgetsHeap() {
    long mib = 1 << 20;
    // 10 MiB: a budget of 84 MiB, 16 MiB of it direct memory and 96 MiB the JVM's own, leave nothing: the floor.
    assertEquals(24 * mib, JvmSizing.heap(10 * mib));
    // 64 MiB: 192 - 16 - 96 = 80 MiB does not hold the limit and 1,024 entries in 70%; 92 MiB does.
    assertEquals(92 * mib, JvmSizing.heap(64 * mib));
    // 128 MiB: 320 - 16 - 96 = 208 MiB, more than the 183 MiB that hold it.
    assertEquals(208 * mib, JvmSizing.heap(128 * mib));
    assertEquals((long) (24 * mib * 0.7), JvmSizing.heapCapacity(416 * mib, 10 * mib, false),
        "java -jar: the budget's heap, not the JVM's larger one");
    assertEquals((long) (20 * mib * 0.7), JvmSizing.heapCapacity(20 * mib, 10 * mib, false),
        "the JVM's heap where it is smaller");
    assertEquals(928 * mib, JvmSizing.heap(512 * mib));
    assertEquals((long) (928 * mib * 0.7), JvmSizing.heapCapacity(Long.MAX_VALUE, 512 * mib, false));
    assertEquals((long) (416 * mib * 0.7), JvmSizing.heapCapacity(416 * mib, 10 * mib, true),
        "the launcher: the heap it gave, BLINK_HEAP's where the user chose a larger one");
  }

  /**
   * What issue 17's fourth round is for: a larger limit never holds fewer entries of any one size, tiny or large,
   * than a smaller one (the third round's fixed count gave 1,310 at 32 MiB against 44,564 at 10 MiB), and entries
   * of 10-byte keys and 100-byte values fill the heap capacity or the limit, whichever binds first.
   */
  @Test
  void aLargerLimitNeverHoldsFewerEntriesOfAnySize() {
    long mib = 1 << 20;
    int perEntry = JvmSizing.ENTRY_BYTES + 80; // the worst case: every entry with a time to live
    for (long entryBytes : new long[] {2, 110, 1024, 65536}) {
      long before = 0;
      for (long limit = mib; limit <= 4096 * mib; limit += limit < 128 * mib ? mib : limit / 7) {
        long heap = JvmSizing.heap(limit);
        long fit = Math.min(limit / entryBytes, JvmSizing.heapCapacity(heap, limit, true) / (entryBytes + perEntry));
        assertTrue(fit >= before, limit + " bytes hold " + fit + " entries of " + entryBytes + ", less than " + before);
        before = fit;
      }
    }
  }

  /**
   * Issue 17's budget as a formula: the heap the launcher gives a limit always holds it (the server never refuses
   * its own sizing), and from an 85 MiB limit the heap, direct memory and the JVM's own memory, as measured at its
   * peak (96 MiB), fit in 2 x limit + 64 MiB; below it the heap that holds the limit does not leave that room (from
   * 64 MiB the process fits by measurement: Serial's and the shallower inlining's smaller JVM, docs/BENCHMARKS.md).
   */
  @Test
  void theBudgetsHeapHoldsItsLimitAndFromEightyFiveMibLeavesTheJvmItsOwn() {
    long mib = 1 << 20;
    for (long limit = mib; limit <= 8192 * mib; limit += limit < 128 * mib ? mib : limit / 7) {
      long heap = JvmSizing.heap(limit);
      JvmSizing.requireHeapHolds(heap, limit);
      long process = heap + JvmSizing.directMemory(limit) + JvmSizing.JVM_OWN;
      assertEquals(limit >= 85 * mib, process <= JvmSizing.budget(limit),
          limit + " bytes: heap " + heap + ", process " + process + ", budget " + JvmSizing.budget(limit));
    }
  }

  @Test
  void nonPositiveMaxEntriesIsRefused() {
    Result result = run("serve", "--tcp", "127.0.0.1:0", "--max-entries", "0");
    assertEquals(1, result.status);
    assertOneLine(result.err, "--max-entries must be positive");
  }

  @Test
  void aHeapThatCannotHoldTheLimitIsRefusedWithTheHeapNeeded() {
    Result result = run("serve", "--tcp", "127.0.0.1:0", "--memory-limit", "1TiB");
    assertEquals(1, result.status);
    assertOneLine(result.err, "cannot hold a memory limit of 1099511627776 bytes");
    assertTrue(result.err.contains("give it at least 1"), result.err);
  }

  @Test
  void theHeapCheckLeavesRoomForAThousandEntriesBesideTheLimit() {
    long mib = 1 << 20;
    long room = JvmSizing.MIN_ENTRIES * JvmSizing.HEAP_BYTES_PER_ENTRY;
    JvmSizing.requireHeapHolds(100 * mib, 70 * mib - room);
    assertThrows(IllegalArgumentException.class, () -> JvmSizing.requireHeapHolds(100 * mib, 70 * mib - room + 1));
    assertThrows(IllegalArgumentException.class, () -> JvmSizing.requireHeapHolds(100 * mib, 71 * mib));
  }

  @Test
  void badLimitOptionsAreRefused() {
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--log-level", "loud").err, "bad --log-level 'loud'");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--heap-threshold", "0").err, "--heap-threshold must be");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--max-connections", "0").err, "--max-connections must be");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--max-key-bytes", "0").err, "--max-key-bytes must be");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--max-value-bytes", "3GiB").err,
        "--max-value-bytes must be");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--idle-timeout", "-1").err, "must not be negative");
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--auth-timeout", "-1").err,
        "--idle-timeout, --request-timeout and --auth-timeout must not be negative");
    assertOneLine(run("serve", "--unix", "x.sock", "--unix-mode", "rw").err, "bad --unix-mode 'rw'");
  }

  @Test
  void aMaxClientMemoryBelowRedissFloorIsRefused() {
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--max-client-memory", "64KiB").err,
        "--max-client-memory must be at least 131072 bytes (128 KiB), but was 64KiB");
  }

  @Test
  void aMaxClientMemoryThatLeavesTheStoreNoRoomInTheHeapIsRefused() {
    assertOneLine(run("serve", "--tcp", "127.0.0.1:0", "--max-client-memory", "100000GiB").err,
        "--max-client-memory 107374182400000 bytes leaves the store no room: the JVM heap (");
  }

  @Test
  void clientMemoryIsHeldToTheHeapGuardsShareLessTheStoresAtTheLimitAndOnePast() {
    long heap = 92 * JvmSizing.MIB;
    long store = JvmSizing.heapCapacity(heap, 64 << 20, true); // the launcher's heap for --memory-limit 64MB
    long room = (long) (heap * 0.9) - store; // 18.4 MiB: the guard's 90% less the store's 70%
    JvmSizing.requireClientMemoryFits(heap, store, 0.9, room, 8 * JvmSizing.MIB);
    IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
        () -> JvmSizing.requireClientMemoryFits(heap, store, 0.9, room + 1, 8 * JvmSizing.MIB));
    assertEquals("--max-client-memory " + (room + 1) + " bytes leaves the store no room: the JVM heap (92 MiB)"
        + " holds at most " + room + " bytes of client memory beside the store's 64 MiB within 90% of it"
        + " (--heap-threshold); give it at least 93 MiB (-Xmx, BLINK_HEAP with bin/blink-store), or lower"
        + " --max-client-memory", past.getMessage());
    JvmSizing.requireClientMemoryFits(heap, store, 0.5, 8 * JvmSizing.MIB, 8 * JvmSizing.MIB); // the default: kept
  }

  @Test
  void theAuthTokenComesFromTheFileFirstThenTheEnvironment(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\nignored\n");
    assertEquals("from-file", BlinkStoreCli.authToken(file, "from-env"));
    assertEquals("from-env", BlinkStoreCli.authToken(null, "from-env"));
    assertEquals(null, BlinkStoreCli.authToken(null, null));
    Files.writeString(file, "\n");
    assertThrows(IllegalArgumentException.class, () -> BlinkStoreCli.authToken(file, null));
    assertThrows(IllegalArgumentException.class, () -> BlinkStoreCli.authToken(dir.resolve("missing"), null));
  }

  @Test
  void theNettyLevelKeptForVerboseLogLevelsIsTheOneSimpleloggerPropertiesSets() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = BlinkStoreCli.class.getResourceAsStream("/simplelogger.properties")) {
      properties.load(in);
    }
    assertEquals(BlinkStoreCli.NETTY_LEVEL, properties.getProperty("org.slf4j.simpleLogger.log.io.netty"));
  }

  /**
   * Regression: the token was kept as read, so a trailing blank or CR in the file, or the newline of
   * {@code BLINK_AUTH_TOKEN=$(cat file)} made it a token the text protocol (which trims AUTH's argument) never
   * matched.
   */
  @Test
  void whitespaceAroundTheAuthTokenIsDroppedWhereverItComesFromAndWhitespaceInsideIsKept(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "  s3cret token \r\n");
    assertEquals("s3cret token", BlinkStoreCli.authToken(file, null));
    assertEquals("s3cret", BlinkStoreCli.authToken(null, "s3cret\n"));
    assertEquals("s3cret", BlinkStoreCli.authToken(null, "\u00a0\ts3cret\r\n"));
  }

  @Test
  void anEmptyAuthTokenOrOneHoldingALineBreakIsRefusedNamingWhereItCameFrom(@TempDir Path dir) throws Exception {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlinkStoreCli.authToken(null, "first\nsecond"));
    assertEquals("BLINK_AUTH_TOKEN: the auth token must not contain a line break: a text-protocol request ends at"
        + " the first, so it could never be sent", e.getMessage());
    Path file = dir.resolve("token");
    Files.writeString(file, " \t\n");
    e = assertThrows(IllegalArgumentException.class, () -> BlinkStoreCli.authToken(file, "from-env"));
    assertEquals("--auth-token-file " + file + ": the auth token must not be empty", e.getMessage());
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Result result = run("--version");
    assertEquals(0, result.status);
    assertTrue(result.out.startsWith("blink-store "), result.out);
    assertTrue(!result.out.contains("unknown"), "version resource is filtered: " + result.out);
  }

  @Test
  void serveHelpListsTheOriginalFlags() {
    Result result = run("serve", "--help");
    assertEquals(0, result.status);
    for (String flag : new String[] {"--tcp", "--unix", "--memory-limit", "--max-line-bytes", "--transport"}) {
      assertTrue(result.out.contains(flag), flag + " in " + result.out);
    }
  }

  /** Regression: an unescaped '%' in an option's description made picocli print three warnings on --help. */
  @Test
  void serveHelpFormatsEveryDescriptionWithoutWarnings() {
    Result result = run("serve", "--help");
    assertEquals("", result.err);
    assertTrue(result.out.replaceAll("\\s+", " ").contains("(70% of the heap"), result.out);
  }

  @Test
  void noSubcommandPrintsUsageAndExitsWithUsageStatus() {
    Result result = run();
    assertEquals(2, result.status);
    assertTrue(result.err.contains("serve"), result.err);
  }

  @Test
  void badMemoryLimitIsOneLineAndStatusOne() {
    Result result = run("serve", "--tcp", "127.0.0.1:0", "--memory-limit", "12XB");
    assertEquals(1, result.status);
    assertOneLine(result.err, "'12XB' is not a size");
  }

  @Test
  void zeroMemoryLimitIsRefused() {
    Result result = run("serve", "--tcp", "127.0.0.1:0", "--memory-limit", "0");
    assertEquals(1, result.status);
    assertOneLine(result.err, "--memory-limit must be positive");
  }

  @Test
  void badAddressIsOneLineAndStatusOne() {
    Result result = run("serve", "--tcp", "127.0.0.1:99999");
    assertEquals(1, result.status);
    assertOneLine(result.err, "port must be a number from 0 to 65535");
  }

  @Test
  void unknownOptionIsOneLineAndUsageStatus() {
    Result result = run("serve", "--bogus");
    assertEquals(2, result.status);
    assertOneLine(result.err, "--bogus");
  }

  @Test
  void portInUseFailsFastWithOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result result = run("serve", "--tcp", "127.0.0.1:" + taken.getLocalPort(), "--transport", "nio");
      assertEquals(1, result.status);
      assertOneLine(result.err, "cannot listen on TCP 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void unwritableSocketPathFailsFastWithOneLine() {
    Result result = run("serve", "--unix", "/nonexistent-dir/blink.sock");
    assertEquals(1, result.status);
    assertOneLine(result.err, "cannot listen on Unix socket /nonexistent-dir/blink.sock");
  }

  private static void assertOneLine(String err, String expected) {
    assertTrue(err.contains(expected), err);
    assertEquals(1, err.strip().lines().count(), "one line: " + err);
    assertTrue(err.startsWith("blink-store: "), err);
  }

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    try {
      int status = BlinkStoreCli.execute(args);
      return new Result(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
