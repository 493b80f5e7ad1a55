package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica's link ({@link PrimaryLink}) against a test socket playing a primary that answers every {@code PSYNC}
 * with a full sync of an empty RDB, the link's commands going through a dispatch that misbehaves on purpose: an
 * {@link Error} thrown in the link's thread (a stack overflow) ends that session only, and the link connects again
 * (it had ended the thread, and a {@code REPLICAOF} answered {@code +OK} never connected); and a
 * {@code REPLICAOF NO ONE} that comes as the sync's last command runs is not undone by the sync's end (the link
 * adopted the old primary's offset and id after it); and the first failure after each good sync is logged at WARN.
 * The conditions are polled within the test's timeout.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrimaryLinkTest {
  private static final String REPLID = "0123456789abcdef0123456789abcdef01234567";
  private static final long PRIMARY_OFFSET = 12345;
  private static final String EMPTY_RDB = "REDIS0010\u00ff" + "\0".repeat(8);
  private static final String FULL_SYNC = "+FULLRESYNC " + REPLID + " " + PRIMARY_OFFSET + "\r\n$"
      + EMPTY_RDB.length() + "\r\n" + EMPTY_RDB;

  @Test
  void anErrorInTheLinksThreadEndsOnlyItsSessionAndTheLinkConnectsAgain() throws Exception {
    try (BlinkStore store = BlinkStore.builder().build(); FakePrimary primary = new FakePrimary()) {
      Dispatcher dispatcher = new Dispatcher(store);
      AtomicBoolean thrown = new AtomicBoolean();
      Replication replication = replication(store);
      PrimaryLink link = link(dispatcher, replication, (client, args) -> {
        if (thrown.compareAndSet(false, true)) {
          throw new StackOverflowError("thrown by the test in the link's thread");
        }
        return dispatcher.dispatch(client, args);
      }, client -> { });
      link.follow(new ReplicaRole.Target("127.0.0.1", primary.port()));
      while (link.state() != ReplicaRole.State.CONNECTED) {
        Thread.sleep(10);
      }
      assertTrue(thrown.get());
      assertEquals(2, primary.connections.get(), "the session that failed, then the one that synced");
      link.stop();
      replication.close();
    }
  }

  /**
   * A primary that syncs, drops the link, syncs again, drops it again and then closes every connection at once: the
   * link's first failure after each good sync is logged at WARN (the counter was reset only by a change of primary,
   * so a link that had failed once and synced since logged its later failures at DEBUG only).
   */
  @Test
  void theFirstFailureAfterEachGoodSyncIsLoggedAtWarn() throws Exception {
    try (BlinkStore store = BlinkStore.builder().build(); FakePrimary primary = new FakePrimary()) {
      Dispatcher dispatcher = new Dispatcher(store);
      Replication replication = replication(store);
      PrimaryLink link = link(dispatcher, replication, dispatcher::dispatch, client -> { });
      link.follow(new ReplicaRole.Target("127.0.0.1", primary.port()));
      awaitSynced(link, primary, 1);
      primary.dropAll();
      awaitSynced(link, primary, 2);
      primary.refuseFromNowOn();
      primary.dropAll();
      while (primary.connections.get() < 4) { // the second drop's failure, then two refused: all counted by then
        Thread.sleep(10);
      }
      assertEquals(2, link.failuresLogged(), "each drop after a good sync, and not the refusals after it");
      link.stop();
      replication.close();
    }
  }

  private static void awaitSynced(PrimaryLink link, FakePrimary primary, int connections) throws Exception {
    while (primary.connections.get() < connections || link.state() != ReplicaRole.State.CONNECTED) {
      Thread.sleep(10);
    }
  }

  @Test
  void replicaofNoOneAsTheSyncEndsIsNotUndoneByIt() throws Exception {
    try (BlinkStore store = BlinkStore.builder().build(); FakePrimary primary = new FakePrimary()) {
      Dispatcher dispatcher = new Dispatcher(store);
      Replication replication = replication(store);
      PrimaryLink[] link = new PrimaryLink[1];
      CountDownLatch sessionEnded = new CountDownLatch(1);
      link[0] = link(dispatcher, replication, (client, args) -> {
        Result result = dispatcher.dispatch(client, args);
        if (Arguments.lowerCase(args[0]).equals("select")) { // the load's last command: REPLICAOF NO ONE comes
          link[0].stop();
          replication.shift();
        }
        return result;
      }, client -> sessionEnded.countDown());
      link[0].follow(new ReplicaRole.Target("127.0.0.1", primary.port()));
      sessionEnded.await();
      assertEquals(0, replication.offset(), "a primary again: its own offset, not its old primary's");
      assertEquals(ReplicaRole.State.NONE, link[0].state());
      replication.close();
    }
  }

  private static Replication replication(BlinkStore store) {
    LeaseInvalidatingStore deadlines = new LeaseInvalidatingStore(store, new Leases());
    return new Replication(null, new Propagation(deadlines, new UnixTime(deadlines, Clock.systemUTC())),
        new ServerConfig(() -> 64L << 20, null, new ServerCounters()), new BlockedClients(null, Runnable::run),
        null, HeapGuard.NONE);
  }

  private static PrimaryLink link(Dispatcher dispatcher, Replication replication,
      BiFunction<ClientState, byte[][], Result> dispatch, Consumer<ClientState> closed) {
    return new PrimaryLink(() -> dispatcher.signedInClient(RespKeys::of, ClientConnection.NONE), dispatch, closed, replication,
        () -> 6379, () -> 64L << 20, () -> 60, HeapGuard.NONE, new ErrorStats());
  }

  /** A primary that answers the handshake, then every {@code PSYNC} with {@link #FULL_SYNC}, and reads on. */
  private static final class FakePrimary implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private volatile boolean refusing;

    FakePrimary() throws IOException {
      Thread accepting = new Thread(this::accept, "fake-primary");
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          connections.incrementAndGet();
          if (refusing) {
            connection.close();
            continue;
          }
          open.add(connection);
          Thread serving = new Thread(() -> serve(connection), "fake-primary-connection");
          serving.setDaemon(true);
          serving.start();
        } catch (IOException e) {
          return; // closed: the test is over
        }
      }
    }

    private static void serve(Socket connection) {
      try {
        DataInputStream in = new DataInputStream(new BufferedInputStream(connection.getInputStream()));
        OutputStream out = connection.getOutputStream();
        boolean synced = false;
        while (true) {
          String name = command(in);
          if (!synced) { // after the sync, the link's REPLCONF ACKs get no reply, as from a primary
            out.write((name.equals("PING") ? "+PONG\r\n" : name.equals("PSYNC") ? FULL_SYNC : "+OK\r\n")
                .getBytes(ISO_8859_1));
            out.flush();
            synced = name.equals("PSYNC");
          }
        }
      } catch (IOException e) {
        // the link closed this connection
      }
    }

    /** Reads one command, returns its name in upper case. */
    private static String command(DataInputStream in) throws IOException {
      int count = Integer.parseInt(line(in).substring(1));
      String name = "";
      for (int i = 0; i < count; i++) {
        byte[] arg = new byte[Integer.parseInt(line(in).substring(1))];
        in.readFully(arg);
        line(in);
        if (i == 0) {
          name = new String(arg, ISO_8859_1).toUpperCase(java.util.Locale.ROOT);
        }
      }
      return name;
    }

    private static String line(DataInputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("closed");
        }
        line.append((char) b);
      }
      return line.toString().strip();
    }

    /** Closes every connection open now: the link sees its primary go. */
    void dropAll() throws IOException {
      for (Socket connection : open) {
        connection.close();
      }
      open.clear();
    }

    /** Closes every connection from now on as soon as it is accepted. */
    void refuseFromNowOn() {
      refusing = true;
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket connection : open) {
        connection.close();
      }
    }
  }
}
