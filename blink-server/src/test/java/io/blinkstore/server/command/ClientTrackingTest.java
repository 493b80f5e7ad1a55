package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientTracking}'s orderings, driven step by step: a write that lands between a tracked read's first
 * remembering and its operation (the race the second remembering guards), and a command that throws inside the
 * per-command bracket. The tracker is a RESP3 connection that records its pushes; the keys of a command are its
 * second word ({@code COMMAND GETKEYS} answers so here).
 */
class ClientTrackingTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);
  private final Map<Long, ClientState> clients = new ConcurrentHashMap<>();
  private final CommandTable commands = table();
  private final ClientTracking tracking;
  private final List<String> inbox = new ArrayList<>();
  private final ClientState reader;
  private final ClientState writer;

  /** The commands tracking needs: {@code COMMAND GETKEYS} (every key is the first argument), and {@code CLIENT}. */
  private static CommandTable table() {
    CommandTable commands = new CommandTable();
    commands.addContainer("command", -2);
    commands.addContainer("client", -2); // where the tracking subcommands are declared
    commands.add("command|getkeys", -4, CommandSpec.Keys.NONE,
        (client, args) -> new Result.Array(List.of(new Result.Bulk(args[3]))));
    return commands;
  }

  ClientTrackingTest() {
    ServerCounters counters = new ServerCounters();
    tracking = new ClientTracking(clients, commands, Long.MAX_VALUE, TrackingTable.MIN_BYTES, 1 << 16, null,
        new ServerConfig(() -> 0, null, counters), counters);
    reader = client(TrackingProperties.recording(inbox));
    writer = client(new TestConnection(""));
    dispatcher.dispatch(reader, new byte[][] {bytes("HELLO"), bytes("3")});
    tracking.enable(reader, 0, false, false, false, false, List.of());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private ClientState client(ClientConnection connection) {
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, connection);
    clients.put(client.id(), client);
    return client;
  }

  private static byte[] bytes(String word) {
    return word.getBytes(UTF_8);
  }

  /** A read-only command whose operation runs {@code during} and answers {@code v}. */
  private static CommandSpec read(Runnable during) {
    return new CommandSpec("get", 2, CommandFlag.bits(CommandFlag.READONLY), CommandSpec.Keys.NONE, (client, args) -> {
      during.run();
      return Result.bulk("v");
    }, null);
  }

  /** A write of {@code key} by the writer, as the store's modification signal reports it, as one command. */
  private void write(String key) {
    tracking.dispatch(writer, new byte[][] {bytes("SET"), bytes(key), bytes("w")}, (client, args) -> {
      tracking.modified(key);
      return Result.OK;
    });
  }

  @Test
  void aWriteBetweenRememberingAndReadingLeavesTheKeyTracked() {
    byte[][] get = {bytes("GET"), bytes("k")};
    // The write lands, from another thread, after GET remembered k and before it reads: it invalidates k (the reader
    // then reads the new value), and k must be remembered again, or the next write would leave the reader's copy stale.
    Runnable writeMeanwhile = () -> {
      Thread other = new Thread(() -> write("k"));
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    Result reply = tracking.dispatch(reader, get, (client, args) -> tracking.run(read(writeMeanwhile), client, args));
    assertEquals(List.of("invalidate k"), inbox);
    assertEquals("v", reply instanceof Result.Bulk bulk ? UTF_8.decode(bulk.bytes().duplicate()).toString() : "");
    inbox.clear();
    write("k");
    assertEquals(List.of("invalidate k"), inbox, "the reader's copy of k, read after the first write, is stale");
  }

  @Test
  void aCommandThatThrowsLeavesNothingOfItOnItsThread() {
    tracking.dispatch(reader, new byte[][] {bytes("GET"), bytes("k")},
        (client, args) -> tracking.run(read(() -> { }), client, args));
    IllegalStateException thrown = new IllegalStateException("the operation failed");
    // The reader's own command writes k, which it read, and throws: its invalidation is still sent.
    assertSame(thrown, assertThrows(IllegalStateException.class,
        () -> tracking.dispatch(reader, new byte[][] {bytes("SET"), bytes("k"), bytes("v")}, (client, args) -> {
          tracking.modified("k");
          throw thrown;
        })));
    assertEquals(List.of("invalidate k"), inbox);
    inbox.clear();
    // The next command on this thread is one of its own: what it sends the reader reaches it.
    tracking.dispatch(reader, new byte[][] {bytes("GET"), bytes("j")},
        (client, args) -> tracking.run(read(() -> { }), client, args));
    write("j");
    assertEquals(List.of("invalidate j"), inbox);
  }

  @Test
  void readsPastTheByteBoundDropKeysAndInvalidateThem() {
    int keys = 0;
    String name = "x".repeat(60_000);
    for (; keys < 40; keys++) { // 40 keys of 60,000 bytes: more than the bound of 1 MiB
      tracking.run(read(() -> { }), reader, new byte[][] {bytes("GET"), bytes(name + keys)});
    }
    long kept = tracking.keys();
    assertTrue(kept > 0 && kept <= TrackingTable.MIN_BYTES / 60_000, "keys kept: " + kept);
    assertTrue(new HashSet<>(inbox).size() >= keys - kept, "each key dropped is invalidated: " + inbox.size());
  }

  /**
   * A read whose key the table's byte bound drops as it is remembered (a bound smaller than the key's cost drops
   * every key) is invalidated once: the read's second pass used to remember it again, and the bound dropped it and
   * told the reader a second time.
   */
  @Test
  void aKeyTheByteBoundDropsAsItIsReadIsInvalidatedOnce() {
    ServerCounters counters = new ServerCounters();
    ClientTracking small = new ClientTracking(clients, table(), Long.MAX_VALUE, TrackingTable.KEY_BYTES, 1 << 16,
        null, new ServerConfig(() -> 0, null, counters), counters);
    small.enable(reader, 0, false, false, false, false, List.of());
    small.run(read(() -> { }), reader, new byte[][] {bytes("GET"), bytes("k")});
    assertEquals(List.of("invalidate k"), inbox);
    assertEquals(0, small.keys(), "dropped: the bound holds less than one key");
  }

  @Test
  void aKeyLongerThanAnyStoredKeyIsNotTracked() {
    tracking.run(read(() -> { }), reader, new byte[][] {bytes("GET"), bytes("x".repeat((1 << 16) + 1))});
    assertEquals(0, tracking.keys());
    tracking.run(read(() -> { }), reader, new byte[][] {bytes("GET"), bytes("x".repeat(1 << 16))});
    assertEquals(1, tracking.keys());
  }
}
