package io.blinkstore.server.command;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a primary's RDB ({@link ReceivedRdb}) into the store, as the primary's client, as Redis 7.0's replica loads
 * it ({@code readSyncBulkPayload}, {@code rdbLoad}): the file is checked through first ({@link RdbImport#CHECK}: a
 * file this server cannot read leaves its data as it was), then every database and every function library is
 * emptied ({@code FLUSHALL}, {@code FUNCTION FLUSH}: Redis's {@code emptyData}), then the file's libraries are loaded
 * ({@code FUNCTION LOAD}, through {@link FunctionLoader}: one that fails fails the sync, as in Redis's
 * {@code rdbFunctionLoad}) and its keys, one {@code RESTORE} per key, entry by entry: nothing of the file is held in
 * the heap but the entry at hand. The keys and libraries loaded publish no keyspace event (the client's
 * {@link ClientState#announcing}), as {@code rdbLoad} publishes none.
 *
 * <p><b>Heap.</b> A dataset the heap cannot hold is refused, never loaded into an {@code OutOfMemoryError}: before
 * loading, the heap must have room ({@link HeapGuard#roomFor}) for the bytes the check counted (the keys' and
 * values' bytes, with {@link io.blinkstore.internal.ListReplies#ELEMENT_OVERHEAD} each), and again for each
 * {@link #ROOM_STEP} loaded; a {@code RESTORE} refused {@code -OOM} (the heap guard, the store's limit under
 * {@code noeviction}) stops the load too. Then the store is emptied again and the sync fails with one log line;
 * the link tries again a second later, as Redis's does after a failed load.
 */
final class FullSyncLoad {
  private static final Logger log = LoggerFactory.getLogger(FullSyncLoad.class);

  /** The bytes loaded between two asks for room in the heap. */
  static final long ROOM_STEP = 1 << 20;
  private static final int MAX_LOGGED_ERRORS = 10;

  /** The load was stopped: the heap or the store is full, or the server no longer follows this primary. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  private final ClientState client;
  private final BiFunction<ClientState, byte[][], Result> dispatch;
  private final HeapGuard heap;
  private final BooleanSupplier current;
  private final String primary;
  private final Runnable loadingStarts;

  /**
   * A load run by {@code client} through {@code dispatch}, held to {@code heap}, for as long as {@code current}
   * (the link's session) holds; {@code primary} names the primary in log lines; {@code loadingStarts} runs once
   * the file is checked, as the store is emptied (other clients get {@code -LOADING} from then on).
   */
  FullSyncLoad(ClientState client, BiFunction<ClientState, byte[][], Result> dispatch, HeapGuard heap,
      BooleanSupplier current, String primary, Runnable loadingStarts) {
    this.client = client;
    this.dispatch = dispatch;
    this.heap = heap;
    this.current = current;
    this.primary = primary;
    this.loadingStarts = loadingStarts;
  }

  /**
   * Replaces the store's keys and libraries with {@code rdb}'s, whose strings may count up to {@code bound} bytes.
   *
   * @return what was loaded, or null if the session ended first
   * @throws ReplicationInput.Refused if the file cannot be read, or does not fit in the store or the heap
   */
  RdbImport.@Nullable Counts load(ByteBuffer rdb, long bound) throws ReplicationInput.Refused {
    RdbImport.Counts counts;
    try {
      counts = RdbImport.read(rdb, bound, RdbImport.CHECK);
    } catch (DumpFormat.Malformed e) {
      throw new ReplicationInput.Refused("the primary's RDB cannot be loaded: " + e.getMessage());
    } catch (DumpFormat.TooLarge e) {
      throw new ReplicationInput.Refused("the primary's dataset passes this server's memory limit (" + bound
          + " bytes)");
    }
    loadingStarts.run();
    empty();
    if (!heap.roomFor(counts.bytes())) {
      throw new ReplicationInput.Refused("the primary's dataset (" + counts.keys() + " keys, " + counts.bytes()
          + " bytes of keys and values in an RDB of " + rdb.limit() + " bytes) does not fit in this server's heap ("
          + heapFigures() + "): not loaded");
    }
    Loader loader = new Loader();
    client.announcing(false); // Redis's rdbLoad publishes no keyspace event; the stream's commands do again
    try {
      RdbImport.read(rdb, bound, loader);
    } catch (Stopped e) {
      if (!current.getAsBoolean()) {
        return null;
      }
      empty();
      throw new ReplicationInput.Refused(e.getMessage() + " after " + loader.keys + " of " + counts.keys()
          + " keys: the dataset is emptied again");
    } finally {
      client.announcing(true);
    }
    run("SELECT", "0");
    return counts;
  }

  /** Redis's {@code emptyData}: every database's keys and every function library. */
  private void empty() {
    run("FLUSHALL");
    run("FUNCTION", "FLUSH");
  }

  private static String heapFigures() {
    Runtime runtime = Runtime.getRuntime();
    return ((runtime.totalMemory() - runtime.freeMemory()) >> 20) + " MiB of " + (runtime.maxMemory() >> 20)
        + " MiB in use";
  }

  /** Runs {@code words} as the primary's client; an error is logged (the sync goes on, as Redis's load would). */
  private void run(String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = ascii(words[i]);
    }
    if (dispatch.apply(client, args) instanceof Result.Error error) {
      log.warn("{} on loading the primary's dataset failed: {}", words[0], error.line());
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The second reading: each library and key loaded as it is read. */
  private final class Loader implements RdbImport.Sink {
    private int db = -1;
    private boolean selected;
    private long keys;
    private long failed;
    private long loadedBytes;
    private long nextRoomCheck = ROOM_STEP;

    @Override
    public void library(byte[] code) {
      if (dispatch.apply(client, new byte[][] {ascii("FUNCTION"), ascii("LOAD"), code})
          instanceof Result.Error error) {
        throw new Stopped("a function library of the primary's RDB was not loaded (" + error.line() + ")");
      }
    }

    @Override
    public void entry(int db, byte[] key, byte[] payload, long unixMillis) {
      if (!current.getAsBoolean()) {
        throw new Stopped("the server no longer follows " + primary);
      }
      loadedBytes += key.length + payload.length;
      if (loadedBytes >= nextRoomCheck) {
        nextRoomCheck = loadedBytes + ROOM_STEP;
        if (!heap.roomFor(ROOM_STEP)) {
          throw new Stopped("the heap filled (" + heapFigures() + ") while the primary's dataset loaded");
        }
      }
      if (db != this.db) {
        this.db = db;
        selected = !(dispatch.apply(client, new byte[][] {ascii("SELECT"), ascii(Integer.toString(db))})
            instanceof Result.Error);
      }
      Result restored = !selected ? null : dispatch.apply(client, new byte[][] {ascii("RESTORE"), key,
          ascii(Long.toString(unixMillis)), payload, ascii("REPLACE"), ascii("ABSTTL")});
      if (restored instanceof Result.Error error && error.kind() == ErrorKind.OOM) {
        throw new Stopped("the heap or the store's memory limit refused a key (" + error.line() + ")");
      }
      if (restored == null || restored instanceof Result.Error) {
        if (failed++ < MAX_LOGGED_ERRORS) {
          log.warn("a key of database {} from {} was not loaded: {}", db, primary,
              restored instanceof Result.Error error ? error.line() : "no such database here");
        }
        return;
      }
      keys++;
    }
  }
}
