package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import io.blinkstore.server.BlinkServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BlinkClient#getOrLoad} across clients: the server's fill lease makes one load serve every client, and a
 * client that dies while loading holds the key up only until its lease runs out.
 */
@Timeout(60)
class GetOrLoadIT {
  private static final Duration PATIENT = Duration.ofSeconds(30);

  @TempDir Path dir;

  /** The address of {@code server} in {@code scheme}: blink, redis, blink-socket or redis-socket. */
  private URI uri(String scheme, BlinkServer server) {
    return scheme.endsWith("-socket")
        ? URI.create(scheme + "://" + server.unixPath().toAbsolutePath())
        : URI.create(scheme + "://127.0.0.1:" + server.tcpAddress().getPort());
  }

  /**
   * Calls {@code getOrLoad("hot")} once per entry of {@code callers}, each from its own thread, all at once (each
   * load is held open until every caller has started its call); checks every caller got {@code value} and
   * returns how many loads ran. {@code ttl} null: the call without expiry.
   */
  private static int loadsWhenAllMissAtOnce(List<BlinkClient> callers, Duration ttl, String value)
      throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch allCalling = new CountDownLatch(callers.size());
    BlinkStore.Loader loader = key -> {
      loads.incrementAndGet();
      assertTrue(allCalling.await(30, TimeUnit.SECONDS));
      return value.getBytes(UTF_8);
    };
    List<Callable<byte[]>> tasks = new ArrayList<>();
    for (BlinkClient client : callers) {
      tasks.add(() -> {
        allCalling.countDown();
        return ttl == null ? client.getOrLoad("hot", loader) : client.getOrLoad("hot", ttl, loader);
      });
    }
    for (byte[] got : BlinkStoreContract.runAll(tasks)) {
      assertEquals(value, new String(got, UTF_8));
    }
    return loads.get();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"blink", "redis", "blink-socket", "redis-socket"})
  void fiftyClientsOfOneThreadEachMissingOneKeyAtOnceRunTheLoaderOnce(String scheme) throws Exception {
    // One client per caller, so no caller shares the client's own single-flight with another: only the
    // server's fill lease can keep the loads to one.
    int callers = 50;
    BlinkClientOptions options = Servers.testOptions().leaseTime(PATIENT).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20)) {
      List<BlinkClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < callers; i++) {
          clients.add(BlinkClient.connect(uri(scheme, server), options));
        }
        assertEquals(1, loadsWhenAllMissAtOnce(clients, null, "from the database"),
            "one load for " + callers + " clients");
      } finally {
        clients.forEach(BlinkClient::close);
      }
    }
  }

  @Test
  void fiftyThreadsOfOneClientAndThreadsOfThreeMoreClientsRunTheLoaderOnceAcrossAll() throws Exception {
    int threadsOfFirst = 50;
    int otherClients = 3;
    int threadsOfOthers = 5;
    int callers = threadsOfFirst + otherClients * threadsOfOthers;
    BlinkClientOptions options = Servers.testOptions().leaseTime(PATIENT).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20)) {
      List<BlinkClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i <= otherClients; i++) {
          clients.add(BlinkClient.connect(server.tcpAddress(), options));
        }
        List<BlinkClient> callerClients = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          callerClients.add(
              i < threadsOfFirst ? clients.get(0) : clients.get(1 + (i - threadsOfFirst) % otherClients));
        }
        assertEquals(1, loadsWhenAllMissAtOnce(callerClients, Duration.ofMinutes(5), "from the database"));
        assertEquals("from the database", clients.get(otherClients).getString("hot"));
        assertTrue(clients.get(0).ttl("hot").compareTo(Duration.ofMinutes(5)) <= 0);
      } finally {
        clients.forEach(BlinkClient::close);
      }
    }
  }

  @Test
  void clientsOverRespAndOverTheTextProtocolShareOneLoadThroughTheServersLease() throws Exception {
    int threadsEach = 10;
    BlinkClientOptions options = Servers.testOptions().leaseTime(PATIENT).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20)) {
      URI resp = URI.create("redis://127.0.0.1:" + server.tcpAddress().getPort());
      List<BlinkClient> clients = new ArrayList<>();
      try {
        clients.add(BlinkClient.connect(resp, options));
        clients.add(BlinkClient.connect(resp, options));
        clients.add(BlinkClient.connect(server.tcpAddress(), options));
        List<BlinkClient> callerClients = new ArrayList<>();
        for (BlinkClient client : clients) {
          callerClients.addAll(Collections.nCopies(threadsEach, client));
        }
        assertEquals(1, loadsWhenAllMissAtOnce(callerClients, null, "once"),
            "one load for three clients in two protocols");
      } finally {
        clients.forEach(BlinkClient::close);
      }
    }
  }

  @Test
  void aProcessThatDiesHoldingTheLeaseIsTakenOverWhenTheLeaseRunsOut() throws Exception {
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        BlinkClient client =
            BlinkClient.connect(server.tcpAddress(), Servers.testOptions().leaseTime(PATIENT).build())) {
      String deadToken;
      try (RawConnection dying = new RawConnection(server.tcpAddress())) {
        deadToken = dying.ask("GETL hot 200");
        assertTrue(deadToken.matches("LEASE \\d+"), deadToken);
      } // The "process" dies here, without FILL or RELEASE.
      AtomicInteger loads = new AtomicInteger();
      byte[] value = client.getOrLoad("hot", key -> {
        loads.incrementAndGet();
        return "loaded after the takeover".getBytes(UTF_8);
      });
      assertEquals("loaded after the takeover", new String(value, UTF_8));
      assertEquals(1, loads.get());
      try (RawConnection late = new RawConnection(server.tcpAddress())) {
        assertEquals("ERROR lease expired", late.ask("FILL hot " + deadToken.substring(6) + " 0 eA=="));
      }
      assertEquals("loaded after the takeover", client.getString("hot"));
    }
  }

  @Test
  void aRespProcessThatDiesHoldingTheLeaseIsTakenOverOverRespWhenTheLeaseRunsOut() throws Exception {
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        BlinkClient client = BlinkClient.connect(
            uri("redis", server), Servers.testOptions().leaseTime(PATIENT).build())) {
      long deadToken;
      try (Socket dying = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
        BufferedReader in = new BufferedReader(new InputStreamReader(dying.getInputStream(), UTF_8));
        dying.getOutputStream().write(resp("GETL", "hot", "200"));
        assertEquals("*2", in.readLine());
        assertEquals("$5", in.readLine());
        assertEquals("LEASE", in.readLine());
        String token = in.readLine();
        assertTrue(token.matches(":\\d+"), token);
        deadToken = Long.parseLong(token.substring(1));
      } // The "process" dies here, without FILL or RELEASE.
      AtomicInteger loads = new AtomicInteger();
      byte[] value = client.getOrLoad("hot", key -> {
        loads.incrementAndGet();
        return "loaded after the takeover".getBytes(UTF_8);
      });
      assertEquals("loaded after the takeover", new String(value, UTF_8));
      assertEquals(1, loads.get());
      try (Socket late = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
        BufferedReader in = new BufferedReader(new InputStreamReader(late.getInputStream(), UTF_8));
        late.getOutputStream().write(resp("FILL", "hot", Long.toString(deadToken), "0", "stale"));
        assertEquals("-ERR lease expired", in.readLine());
      }
      assertEquals("loaded after the takeover", client.getString("hot"));
    }
  }

  /** One RESP request: an array of bulk strings. */
  private static byte[] resp(String... words) {
    StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
    for (String word : words) {
      request.append('$').append(word.getBytes(UTF_8).length).append("\r\n").append(word).append("\r\n");
    }
    return request.toString().getBytes(UTF_8);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"blink", "redis"})
  void aLoaderFailureInOneClientIsNotSharedWithAnotherClientsWaiterWhichLoadsItself(String scheme)
      throws Exception {
    // Across clients the failure does not travel: the failing client RELEASEs its lease, and a client waiting
    // for the key is granted the next one and runs its own loader (BlinkClient#getOrLoad says so).
    BlinkClientOptions options = Servers.testOptions().leaseTime(PATIENT).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        BlinkClient failing = BlinkClient.connect(uri(scheme, server), options);
        BlinkClient waiting = BlinkClient.connect(uri(scheme, server), options)) {
      CountDownLatch loading = new CountDownLatch(1);
      CountDownLatch waiterAsked = new CountDownLatch(1);
      IllegalStateException failure = new IllegalStateException("database down");
      CompletableFuture<byte[]> failingCall = CompletableFuture.supplyAsync(() -> failing.getOrLoad("k", key -> {
        loading.countDown();
        assertTrue(waiterAsked.await(30, TimeUnit.SECONDS));
        throw failure;
      }));
      assertTrue(loading.await(30, TimeUnit.SECONDS));
      AtomicInteger waiterLoads = new AtomicInteger();
      CompletableFuture<byte[]> waitingCall = new CompletableFuture<>();
      Thread waiter = new Thread(() -> {
        try {
          waitingCall.complete(waiting.getOrLoad("k", key -> {
            waiterLoads.incrementAndGet();
            return "loaded by the waiter".getBytes(UTF_8);
          }));
        } catch (Throwable e) {
          waitingCall.completeExceptionally(e);
        }
      });
      waiter.start();
      // The failure comes only once the waiter has been told WAIT: it then sleeps, the only timed wait of a call
      // (replies are awaited without a timeout of their own).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (waiter.getState() != Thread.State.TIMED_WAITING) {
        assertTrue(System.nanoTime() < deadline, "the waiter was never told to wait");
        Thread.sleep(1);
      }
      waiterAsked.countDown();
      Exception thrown = assertThrows(Exception.class, failingCall::join);
      assertSame(failure, thrown.getCause());
      assertEquals("loaded by the waiter", new String(waitingCall.get(30, TimeUnit.SECONDS), UTF_8));
      assertEquals(1, waiterLoads.get());
      assertEquals("loaded by the waiter", failing.getString("k"));
    }
  }

  @Test
  void aClientClosedWhileLoadingIsTakenOverWhenItsLeaseRunsOut() throws Exception {
    BlinkClientOptions shortLease = Servers.testOptions().leaseTime(Duration.ofMillis(100)).build();
    // The survivor's own lease must outlast its load and FILL, however slow the machine: only the dying
    // client's lease is meant to run out.
    BlinkClientOptions longLease = Servers.testOptions().leaseTime(PATIENT).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        BlinkClient survivor = BlinkClient.connect(server.tcpAddress(), longLease)) {
      BlinkClient dying = BlinkClient.connect(server.tcpAddress(), shortLease);
      CountDownLatch loading = new CountDownLatch(1);
      CountDownLatch finishDyingLoad = new CountDownLatch(1);
      CompletableFuture<byte[]> dyingCall = CompletableFuture.supplyAsync(() -> dying.getOrLoad("hot", key -> {
        loading.countDown();
        assertTrue(finishDyingLoad.await(30, TimeUnit.SECONDS));
        return "never stored".getBytes(UTF_8);
      }));
      try {
        assertTrue(loading.await(30, TimeUnit.SECONDS));
        dying.close();
        assertArrayEquals("the survivor's".getBytes(UTF_8),
            survivor.getOrLoad("hot", key -> "the survivor's".getBytes(UTF_8)));
      } finally {
        finishDyingLoad.countDown();
      }
      assertThrows(Exception.class, dyingCall::join); // its FILL cannot be sent on a closed client
      assertEquals("the survivor's", survivor.getString("hot"));
    }
  }

  @Test
  void aWaiterWhoseWaitOutlastsTheCommandTimeoutTakesOverAHungHoldersLeaseWhenItRunsOut() throws Exception {
    // Regression: waiting was bounded by the command timeout alone, so with a lease longer than it (the defaults
    // were equal), a waiter that began during a lease failed with a timeout instead of taking over. The command
    // timeout also bounds every command here and the takeover after the lease ends, so it is seconds, not a
    // fraction of one that a loaded machine could overrun; the lease is longer by a margin the bug could not hide.
    BlinkClientOptions options = BlinkClientOptions.builder()
        .commandTimeout(Duration.ofSeconds(5)).leaseTime(Duration.ofSeconds(7)).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        RawConnection hung = new RawConnection(server.tcpAddress());
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), options)) {
      assertTrue(hung.ask("GETL hot 7000").startsWith("LEASE "));
      AtomicInteger loads = new AtomicInteger();
      byte[] value = client.getOrLoad("hot", key -> {
        loads.incrementAndGet();
        return "taken over".getBytes(UTF_8);
      });
      assertEquals("taken over", new String(value, UTF_8));
      assertEquals(1, loads.get());
      assertEquals("taken over", client.getString("hot"));
    }
  }

  @Test
  void waitingForAnotherClientsFillGivesUpAfterTheLeaseTimePlusTheCommandTimeoutWithoutLoading()
      throws Exception {
    // Every GETL while waiting, and the GET after, must be answered within the command timeout: seconds, so that
    // only the wait for the fill, which never comes, can time out.
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        RawConnection holder = new RawConnection(server.tcpAddress());
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), BlinkClientOptions.builder()
            .commandTimeout(Duration.ofSeconds(5)).leaseTime(Duration.ofMillis(200)).build())) {
      assertTrue(holder.ask("GETL hot 60000").startsWith("LEASE "));
      AtomicInteger loads = new AtomicInteger();
      BlinkTimeoutException e = assertThrows(BlinkTimeoutException.class, () -> client.getOrLoad("hot", key -> {
        loads.incrementAndGet();
        return new byte[1];
      }));
      assertTrue(e.command().startsWith("GETL hot"), e.command());
      assertEquals(Duration.ofMillis(5200), e.timeout(), "the lease time plus the command timeout");
      assertEquals(0, loads.get());
      assertNull(client.get("hot"));
    }
  }

  @Test
  void aFailedLoadReleasesTheLeaseSoTheNextCallerLoadsAtOnce() throws Exception {
    BlinkClientOptions longLease = Servers.testOptions().leaseTime(Duration.ofSeconds(60)).build();
    try (BlinkServer server = Servers.start(dir, 1L << 20);
        BlinkClient first = BlinkClient.connect(server.tcpAddress(), longLease);
        BlinkClient second = BlinkClient.connect(server.tcpAddress(), longLease)) {
      IllegalStateException failure = new IllegalStateException("database down");
      assertSame(failure, assertThrows(IllegalStateException.class, () -> first.getOrLoad("k", key -> {
        throw failure;
      })));
      // With the 60-second lease still held, this would time out; released, it loads at once.
      assertArrayEquals(new byte[] {2}, second.getOrLoad("k", key -> new byte[] {2}));
      assertNull(first.getOrLoad("absent", key -> null));
      assertArrayEquals(new byte[] {3}, second.getOrLoad("absent", key -> new byte[] {3}));
    }
  }

  /** A bare text-protocol connection: another process, as far as the server can tell. */
  private static final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    RawConnection(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
      out = socket.getOutputStream();
    }

    String ask(String line) throws IOException {
      out.write((line + "\n").getBytes(UTF_8));
      out.flush();
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
