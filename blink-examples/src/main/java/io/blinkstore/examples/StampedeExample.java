package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cache stampede, and the fill lease that absorbs it: 50 workers, each on its own connection, miss the same
 * key at once. With plain {@code GET}/{@code SET}, every worker that misses queries the database; with
 * {@code GETL}/{@code FILL}, one worker holds the lease and queries it, and the others wait for its value.
 * First the workers are threads of this JVM; then they are 50 separate processes sharing the same server
 * ({@link StampedeProcesses}): Java ones on the client SDK, Python and bash + {@code nc} ones on the text protocol.
 */
public final class StampedeExample {
  private static final int WORKERS = 50;
  /** How long the simulated database query takes. */
  static final long QUERY_MILLIS = 100;
  /** How long a worker's fill lease lasts: far longer than the query, so it never runs out mid-query. */
  static final long LEASE_MILLIS = 5000;
  /** What the database holds for every key read here. */
  static final String DATABASE_ROW = "quarterly-report";

  private StampedeExample() {}

  public static void main(String[] args) throws Exception {
    try (BlinkStore store = BlinkStore.builder().build();
        BlinkServer server = BlinkServer.builder()
            .store(store)
            .tcp(new InetSocketAddress("127.0.0.1", 0))
            .build()
            .start()) {
      InetSocketAddress address = Objects.requireNonNull(server.tcpAddress(), "served over TCP");
      System.out.println(WORKERS + " threads in one JVM, each on its own connection, released at once:");
      int plain = stampede(address, "report:plain", StampedeExample::getThenSet);
      System.out.println("without a lease: " + WORKERS + " workers, " + queries(plain));
      int leased = stampede(address, "report:leased", StampedeExample::getWithLease);
      System.out.println("with a lease:    " + WORKERS + " workers, " + queries(leased));
      StampedeProcesses.run(address.getPort());
    }
  }

  /** "1 database query", "50 database queries": the count as printed, whatever it turned out to be. */
  static String queries(int count) {
    return count + (count == 1 ? " database query" : " database queries");
  }

  /** One worker's way to read the key, loading it from {@code database} on a miss. */
  private interface Read {
    String read(Connection connection, String key, Database database) throws Exception;
  }

  /** Runs {@link #WORKERS} workers reading {@code key} at once; returns how often the database was queried. */
  private static int stampede(InetSocketAddress address, String key, Read read) throws Exception {
    Database database = new Database();
    CyclicBarrier start = new CyclicBarrier(WORKERS);
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<String>> reads = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        reads.add(pool.submit(() -> {
          try (Connection connection = new Connection(address)) {
            start.await(10, TimeUnit.SECONDS);
            return read.read(connection, key, database);
          }
        }));
      }
      for (Future<String> value : reads) {
        if (!value.get(30, TimeUnit.SECONDS).equals(DATABASE_ROW)) {
          throw new IllegalStateException("a worker read " + value.get());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return database.queries.get();
  }

  /** The usual cache-aside read: on a miss, query and set. */
  private static String getThenSet(Connection connection, String key, Database database) throws Exception {
    String reply = connection.request("GET " + key);
    if (reply.startsWith("VALUE ")) {
      return decode(reply.substring("VALUE ".length()));
    }
    String value = database.query();
    connection.request("SET " + key + " " + value);
    return value;
  }

  /** The leased read: the lease holder queries and fills; the others ask again when told to wait. */
  private static String getWithLease(Connection connection, String key, Database database) throws Exception {
    for (;;) {
      String reply = connection.request("GETL " + key + " " + LEASE_MILLIS);
      if (reply.startsWith("VALUE ")) {
        return decode(reply.substring("VALUE ".length()));
      }
      if (reply.startsWith("LEASE ")) {
        String token = reply.substring("LEASE ".length());
        String value = database.query();
        String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        connection.request("FILL " + key + " " + token + " 60000 " + encoded);
        return value;
      }
      Thread.sleep(Long.parseLong(reply.substring("WAIT ".length())));
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** A slow database that counts its queries. */
  private static final class Database {
    final AtomicInteger queries = new AtomicInteger();

    String query() throws InterruptedException {
      queries.incrementAndGet();
      Thread.sleep(QUERY_MILLIS);
      return DATABASE_ROW;
    }
  }

  /** One worker's connection: a request line out, a reply line back. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    Connection(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      out = socket.getOutputStream();
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    String request(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String reply = in.readLine();
      if (reply == null) {
        throw new UncheckedIOException(new IOException("the server closed the connection"));
      }
      return reply;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
