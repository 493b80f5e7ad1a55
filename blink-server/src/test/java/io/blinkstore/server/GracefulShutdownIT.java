package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.TestServers.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Stopping is graceful and idempotent; starting fails fast, with a message naming what could not be bound. */
@Timeout(30)
class GracefulShutdownIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  static List<BlinkServer.Transport> transports() {
    return TestServers.transports();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void closeWhileAClientIsConnectedEndsItsStreamAndRemovesTheSocketFile(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    BlinkServer server = TestServers.start(transport, dir, 1 << 20);
    Path socket = server.unixPath();
    assertTrue(Files.exists(socket), "the socket file exists while serving");
    try (LineClient client = endpoint.connect(server)) {
      assertEquals("OK", client.request("SET k v"));
      server.close();
      client.assertEndOfStream();
    }
    assertFalse(Files.exists(socket), "the socket file is removed by close()");
  }

  /**
   * close() while a client is still taking large replies: whatever it gets must be whole replies, each correct,
   * then the end of stream; never a reply cut in the middle.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void closeWhileAClientTakesLargeRepliesEndsItsStreamOnAReplyBoundary(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    int gets = 40;
    String big = "c".repeat(64 * 1024);
    String value = "VALUE " + Base64.getEncoder().encodeToString(big.getBytes(StandardCharsets.UTF_8));
    BlinkServer server = TestServers.start(transport, dir, 1 << 20);
    Thread closer = new Thread(server::close, "closer");
    try (LineClient client = endpoint.connect(server)) {
      assertEquals("OK", client.request("SET big " + big));
      client.send("GET big\n".repeat(gets));
      assertTrue(value.equals(client.readLine()), "the first reply is whole");
      closer.start();
      int whole = 1;
      for (String reply; (reply = client.readLine()) != null; whole++) {
        String got = reply;
        int n = whole;
        assertTrue(value.equals(got), () -> "reply " + (n + 1) + " is whole: " + LineClient.abbreviate(got));
        assertTrue(n < gets, "no more replies than requests");
      }
    } finally {
      if (closer.getState() == Thread.State.NEW) {
        server.close();
      }
      closer.join(TimeUnit.SECONDS.toMillis(20));
    }
    assertFalse(closer.isAlive(), "close() returned");
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void closeTwiceIsHarmlessRefusesNewConnectionsAndLeavesTheStoreOpen(BlinkServer.Transport transport)
      throws Exception {
    TestServers.assumeAvailable(transport);
    BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
    BlinkServer server = BlinkServer.builder()
        .store(store)
        .tcp(new InetSocketAddress(LOOPBACK, 0))
        .unix(dir.resolve("blink.sock"))
        .transport(transport)
        .build()
        .start();
    InetSocketAddress tcp = server.tcpAddress();
    try (LineClient client = LineClient.tcp(tcp)) {
      assertEquals("OK", client.request("SET kept 1"));
    }
    server.close();
    server.close();
    assertThrows(IOException.class, () -> LineClient.tcp(tcp).close(), "the TCP port no longer accepts");
    assertThrows(IOException.class, () -> LineClient.unix(dir.resolve("blink.sock")).close(),
        "the Unix socket no longer accepts");
    assertEquals("1", store.getString("kept"), "closing the server does not close the store");
    store.close();
  }

  @Test
  void closingAServerThatWasNeverStartedIsHarmless() {
    BlinkServer server = BlinkServer.builder()
        .store(BlinkStore.builder().build())
        .tcp(new InetSocketAddress(LOOPBACK, 0))
        .build();
    server.close();
    server.close();
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void bindingAPortAlreadyInUseFailsFastNamingTheAddress(BlinkServer.Transport transport) throws Exception {
    TestServers.assumeAvailable(transport);
    try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
      BlinkServer server = BlinkServer.builder()
          .store(BlinkStore.builder().build())
          // An IP literal, as users type it, so that the message can be checked for it.
          .tcp(new InetSocketAddress(LOOPBACK.getHostAddress(), taken.getLocalPort()))
          .transport(transport)
          .build();
      BlinkException e = assertThrows(BlinkException.class, server::start);
      String address = LOOPBACK.getHostAddress() + ":" + taken.getLocalPort();
      assertTrue(e.getMessage().contains(address), () -> "message names " + address + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("Address already in use"), () -> "message says why: " + e.getMessage());
      assertOneLine(e);
      server.close();
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void bindingThePortOfAnotherRunningBlinkServerFailsFast(BlinkServer.Transport transport) throws Exception {
    try (BlinkServer first = TestServers.start(transport, dir, 1 << 20);
        LineClient client = LineClient.tcp(first.tcpAddress())) {
      BlinkServer second = BlinkServer.builder()
          .store(BlinkStore.builder().build())
          .tcp(first.tcpAddress())
          .transport(transport)
          .build();
      BlinkException e = assertThrows(BlinkException.class, second::start);
      assertTrue(e.getMessage().contains(String.valueOf(first.tcpAddress().getPort())), e.getMessage());
      assertEquals("OK", client.request("SET still serving"), "the first server is unharmed");
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void startingOnTheSocketPathOfARunningServerFailsAndLeavesItReachable(BlinkServer.Transport transport)
      throws Exception {
    try (BlinkServer first = TestServers.start(transport, dir, 1 << 20)) {
      BlinkServer second = BlinkServer.builder()
          .store(BlinkStore.builder().build())
          .unix(first.unixPath())
          .transport(transport)
          .build();
      try {
        BlinkException e = assertThrows(BlinkException.class, second::start,
            "a live socket is not a stale file: taking it over would cut the running server off");
        assertTrue(e.getMessage().contains(first.unixPath().toString()), e.getMessage());
      } finally {
        second.close();
      }
      try (LineClient client = LineClient.unix(first.unixPath())) {
        assertEquals("OK", client.request("SET still reachable"), "the first server is still reachable by path");
      }
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void bindingAnAddressThisMachineDoesNotHaveFailsFastNamingIt(BlinkServer.Transport transport) {
    TestServers.assumeAvailable(transport);
    BlinkServer server = BlinkServer.builder()
        .store(BlinkStore.builder().build())
        .tcp(new InetSocketAddress("192.0.2.1", 0)) // TEST-NET-1: never assigned to a host
        .transport(transport)
        .build();
    BlinkException e = assertThrows(BlinkException.class, server::start);
    assertTrue(e.getMessage().contains("192.0.2.1"), () -> "message names the address: " + e.getMessage());
    assertOneLine(e);
    server.close();
  }

  static Stream<Arguments> unusableSocketPaths() {
    return Stream.of("/proc/blink.sock", "no/such/dir/blink.sock", "/" + "long/".repeat(30) + "blink.sock")
        .flatMap(path -> transports().stream().map(transport -> Arguments.of(transport, path)));
  }

  @ParameterizedTest(name = "[{0}] {1}")
  @MethodSource("unusableSocketPaths")
  void anUnusableSocketPathFailsFastWithAMessageNamingIt(BlinkServer.Transport transport, String path) {
    TestServers.assumeAvailable(transport);
    Path socket = path.startsWith("/") ? Path.of(path) : dir.resolve(path);
    BlinkException e = failedStartOn(socket, transport);
    assertTrue(e.getMessage().contains(socket.toString()), () -> "message names " + socket + ": " + e.getMessage());
  }

  static Stream<Arguments> transportsAndFilesThatAreNotSockets() {
    return Stream.of("a regular file", "a directory", "a symbolic link", "a FIFO")
        .flatMap(kind -> transports().stream().map(transport -> Arguments.of(transport, kind)));
  }

  /**
   * Regression: whatever file was at the {@code --unix} path was deleted to make room for the socket, so a
   * mistyped path could destroy a user's file. Only a stale socket file may be replaced.
   */
  @ParameterizedTest(name = "[{0}] {1}")
  @MethodSource("transportsAndFilesThatAreNotSockets")
  void aFileThatIsNotASocketAtTheSocketPathFailsTheStartNamingThePathAndIsLeftUntouched(
      BlinkServer.Transport transport, String kind) throws Exception {
    TestServers.assumeAvailable(transport);
    Path socket = dir.resolve("blink.sock");
    Path precious = dir.resolve("precious.txt");
    Files.writeString(precious, "user data");
    switch (kind) {
      case "a regular file" -> Files.copy(precious, socket);
      case "a directory" -> Files.copy(precious, Files.createDirectory(socket).resolve("inside.txt"));
      case "a symbolic link" -> Files.createSymbolicLink(socket, precious);
      default -> assumeTrue(new ProcessBuilder("mkfifo", socket.toString()).start().waitFor() == 0, "mkfifo");
    }
    Object before = Files.readAttributes(socket, "unix:mode,ino", LinkOption.NOFOLLOW_LINKS);
    BlinkException e = failedStartOn(socket, transport);
    assertTrue(e.getMessage().contains(socket + ": " + kind.replace("a FIFO", "a file that is not a socket")),
        e.getMessage());
    assertEquals(before, Files.readAttributes(socket, "unix:mode,ino", LinkOption.NOFOLLOW_LINKS), "the same file");
    assertEquals("user data", Files.readString(precious));
    if (kind.equals("a directory")) {
      assertEquals("user data", Files.readString(socket.resolve("inside.txt")));
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void aFailedStartReleasesTheTcpPortItHadAlreadyBound(BlinkServer.Transport transport) throws Exception {
    TestServers.assumeAvailable(transport);
    int port;
    try (ServerSocket probe = new ServerSocket(0, 50, LOOPBACK)) {
      port = probe.getLocalPort();
    }
    BlinkServer server = BlinkServer.builder()
        .store(BlinkStore.builder().build())
        .tcp(new InetSocketAddress(LOOPBACK, port))
        .unix(dir.resolve("no/such/dir/blink.sock"))
        .transport(transport)
        .build();
    assertThrows(BlinkException.class, server::start);
    try (ServerSocket again = new ServerSocket(port, 50, LOOPBACK)) {
      assertEquals(port, again.getLocalPort(), "the TCP port was released after the Unix socket failed");
    }
  }

  /** Starts a server on Unix socket {@code socket} alone, which must fail in one line; returns why. */
  private static BlinkException failedStartOn(Path socket, BlinkServer.Transport transport) {
    BlinkServer server = BlinkServer.builder()
        .store(BlinkStore.builder().build())
        .unix(socket)
        .transport(transport)
        .build();
    BlinkException e = assertThrows(BlinkException.class, server::start);
    assertOneLine(e);
    server.close();
    return e;
  }

  private static void assertOneLine(BlinkException e) {
    assertFalse(e.getMessage().contains("\n"), () -> "a one-line message: " + e.getMessage());
  }
}
