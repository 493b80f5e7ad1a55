package io.blinkstore.server.command;

import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.TypedKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The whole dataset as one Redis 7.0 RDB file (version 10, {@code rdb.c}'s {@code rdbSaveRio}), what a replica's full
 * sync loads: the magic {@code REDIS0010}, aux fields ({@code redis-ver}, {@code redis-bits}, {@code ctime},
 * {@code used-mem}, {@code aof-base}), each function library's code in a {@code FUNCTION2} record (Redis's
 * {@code rdbSaveFunctions}: a replica replaces its libraries with these), then for each database that holds keys
 * {@code SELECTDB} and {@code RESIZEDB}, and each key as {@code [EXPIRETIME_MS <unix ms>] <type> <key> <value>}
 * ({@link RdbObjects}), then {@code EOF} and the CRC-64 of all before it, little-endian. The caller holds the store's gate exclusive, so that the file is the
 * store at one instant.
 *
 * <p><b>Bound.</b> The file is built in memory and refused ({@link TooLarge}) once it would pass the bound given,
 * before a value that would pass it is copied: a full sync never holds more than that bound beside the store.
 */
final class RdbFile {
  /** The dataset does not fit in the bound. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("the dataset's RDB would pass the full sync's bound", null, false, false);
    }
  }

  /** The heap has no room for the file as it grows. */
  static final class NoRoom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoRoom() {
      super("no room in the heap for the full sync's file", null, false, false);
    }
  }

  /** The file's growth between two asks for room in the heap. */
  private static final long ROOM_STEP = 1 << 20;

  private static final int AUX = 0xfa;
  private static final int FUNCTION2 = 0xf5;
  private static final int RESIZEDB = 0xfb;
  private static final int EXPIRETIME_MS = 0xfc;
  private static final int SELECTDB = 0xfe;
  private static final int EOF = 0xff;

  private final Databases databases;
  private final Keyspace keyspace;
  private final TypedKeys types;
  private final StoredValues values;
  private final Deadlines deadlines;
  private final UnixTime time;
  private final Supplier<List<FunctionLibraries.Library>> libraries;

  /** The file of the store's {@code databases}, and of the function {@code libraries} loaded then. */
  RdbFile(Databases databases, Keyspace keyspace, TypedKeys types, StoredValues values, Deadlines deadlines,
      UnixTime time, Supplier<List<FunctionLibraries.Library>> libraries) {
    this.databases = databases;
    this.keyspace = keyspace;
    this.types = types;
    this.values = values;
    this.deadlines = deadlines;
    this.time = time;
    this.libraries = libraries;
  }

  /**
   * The file of every database now, at most {@code maxBytes} long; {@code room} is asked, before the file starts
   * and each time it has grown by {@link #ROOM_STEP}, whether the heap holds that many bytes more: the file is built
   * in memory and copied twice on its way out, so it asks for four times its size to come.
   *
   * @throws TooLarge if it would be longer
   * @throws NoRoom if {@code room} says no: the heap would fill (an OutOfMemoryError) before the file is done
   */
  byte[] write(long maxBytes, LongPredicate room) {
    this.room = room;
    nextRoomCheck = 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    askRoom(out);
    out.writeBytes(("REDIS00" + DumpFormat.RDB_VERSION).getBytes(StandardCharsets.US_ASCII));
    aux(out, "redis-ver", RespServerCommands.REDIS_VERSION);
    aux(out, "redis-bits", "64");
    aux(out, "ctime", Long.toString(time.nowMillis() / 1000));
    aux(out, "used-mem", "0");
    aux(out, "aof-base", "0");
    for (FunctionLibraries.Library library : libraries.get()) {
      out.write(FUNCTION2);
      RdbObjects.writeString(out, library.code());
      if (out.size() > maxBytes) {
        throw new TooLarge();
      }
      askRoom(out);
    }
    for (int db = 0; db < databases.count(); db++) {
      database(out, db, maxBytes);
    }
    out.write(EOF);
    byte[] body = out.toByteArray();
    long crc = Crc64.of(body, 0, body.length);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> 8 * i));
    }
    if (out.size() > maxBytes) {
      throw new TooLarge();
    }
    return out.toByteArray();
  }

  private static void aux(ByteArrayOutputStream out, String name, String value) {
    out.write(AUX);
    RdbObjects.writeString(out, name.getBytes(StandardCharsets.US_ASCII));
    RdbObjects.writeString(out, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** With the gate held exclusive, while a file is written: {@link #write}'s {@code room}. */
  private LongPredicate room = bytes -> true;
  private long nextRoomCheck;

  /** Asks for room once the file has reached the next step: four times the file as it will be at the step after. */
  private void askRoom(ByteArrayOutputStream out) {
    if (out.size() >= nextRoomCheck) {
      nextRoomCheck = out.size() + ROOM_STEP;
      if (!room.test(4 * nextRoomCheck)) {
        throw new NoRoom();
      }
    }
  }

  private void database(ByteArrayOutputStream out, int db, long maxBytes) {
    int namespace = databases.namespace(db);
    List<String> keys = new ArrayList<>();
    long[] keyBytes = {out.size()};
    keyspace.forEachKey(namespace, key -> {
      keyBytes[0] += key.length() + ListReplies.ELEMENT_OVERHEAD;
      if (keyBytes[0] > maxBytes) {
        throw new TooLarge();
      }
      keys.add(key);
      return true;
    });
    if (keys.isEmpty()) {
      return;
    }
    out.write(SELECTDB);
    RdbObjects.writeLength(out, db);
    out.write(RESIZEDB);
    RdbObjects.writeLength(out, keys.size());
    RdbObjects.writeLength(out, keyspace.expiring(namespace));
    for (String key : keys) {
      String storeKey = Namespaces.key(namespace, key);
      String type = types.type(storeKey);
      long deadline = deadlines.deadline(storeKey);
      DumpFormat.Value value;
      try {
        value = type == null ? null : values.read(storeKey, type, maxBytes - out.size());
      } catch (ListReplies.TooLarge e) {
        throw new TooLarge();
      }
      if (value == null || deadline == Deadlines.ABSENT) {
        continue; // expired or evicted since it was listed
      }
      if (deadline != Deadlines.NEVER) {
        out.write(EXPIRETIME_MS);
        long unixMillis = time.unixMillis(deadline);
        for (int i = 0; i < 8; i++) {
          out.write((int) (unixMillis >>> 8 * i));
        }
      }
      RdbObjects.write(out, RespKeys.bytes(key), value);
      if (out.size() > maxBytes) {
        throw new TooLarge();
      }
      askRoom(out);
    }
  }
}
