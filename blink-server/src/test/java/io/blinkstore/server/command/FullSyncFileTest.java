package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The full sync's file ({@code FullSyncFile}): many {@code SYNC}s with no write between them build one file and
 * hand each replica the same bytes (1,000 {@code SYNC}s at once hold one file, and the gate once); a write, or the
 * last replica leaving, makes the next one build it afresh; a dataset past the client-memory bound, or a file the
 * heap has no room for, is refused before anything is sent.
 */
class FullSyncFileTest {
  /** A replica's connection that keeps each array handed to it; {@code open} false: it is gone. */
  private static final class Replica extends TestConnection {
    final List<byte[]> streamed = new ArrayList<>();
    boolean open = true;

    Replica() {
      super("127.0.0.1:1");
    }

    @Override
    public boolean stream(byte[] bytes, long maxPendingBytes) {
      if (open) {
        streamed.add(bytes);
      }
      return open;
    }

    /** The RDB file it was sent: the array after the {@code $<length>} line. */
    byte[] file() {
      return streamed.get(1);
    }
  }

  private static Result call(Dispatcher dispatcher, ClientState client, String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(ISO_8859_1);
    }
    return dispatcher.dispatch(client, args);
  }

  private static Replica sync(Dispatcher dispatcher) {
    Replica replica = new Replica();
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, replica);
    assertEquals(Result.OK, call(dispatcher, client, "SYNC"));
    return replica;
  }

  @Test
  void syncsWithNoWriteBetweenShareOneFileAndAWriteMakesTheNextBuildANewOne() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      call(dispatcher, writer, "SET", "before", "1");
      Replica first = sync(dispatcher);
      List<Replica> more = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        more.add(sync(dispatcher));
      }
      for (Replica replica : more) {
        assertSame(first.file(), replica.file(), "each SYNC built a file of its own");
      }
      call(dispatcher, writer, "SET", "after", "2");
      Replica later = sync(dispatcher);
      assertNotSame(first.file(), later.file());
      assertTrue(new String(later.file(), ISO_8859_1).contains("after"));
    }
  }

  @Test
  void afterTheLastReplicaLeftASyncSeesTheWritesMadeWithoutReplicas() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      Replica gone = sync(dispatcher);
      gone.open = false;
      call(dispatcher, writer, "SET", "first", "1"); // finds the replica gone: none is attached any more
      call(dispatcher, writer, "SET", "unseen", "2"); // a write with no replica: not counted
      Replica next = sync(dispatcher);
      assertTrue(new String(next.file(), ISO_8859_1).contains("unseen"), "the old file was sent again");
    }
  }

  @Test
  void aSyncIsRefusedWhenTheHeapHasNoRoomForItsFileAndTheServerGoesOn() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      HeapGuard full = new HeapGuard(0.05); // asked for room, it never has any: a heap near its end
      Dispatcher dispatcher = new Dispatcher(store, new Leases(), java.time.Clock.systemUTC(),
          new ServerCounters(), full, null, 1 << 20, EntrySizeLimits.NONE);
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      call(dispatcher, writer, "SET", "k", "v");
      Replica replica = new Replica();
      ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, replica);
      assertEquals(Result.error("no room in the heap for the full sync's file now (writes are refused near a full heap):"
          + " try again later"), call(dispatcher, client, "SYNC"));
      assertEquals(List.of(), replica.streamed);
      assertEquals(Result.OK, call(dispatcher, writer, "SET", "k", "w"));
    }
  }

  @Test
  void aDatasetPastTheClientMemoryBoundIsRefusedAndNothingIsSent() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      dispatcher.reportSettings(Map.of("maxmemory-clients", "200000"));
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      for (int i = 0; i < 30; i++) {
        call(dispatcher, writer, "SET", "k" + i, "v".repeat(10_000));
      }
      Replica replica = new Replica();
      ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, replica);
      assertEquals(Result.error("the dataset is larger than a full sync's bound (200000 bytes of RDB)"),
          call(dispatcher, client, "SYNC"));
      assertEquals(List.of(), replica.streamed);
    }
  }
}
