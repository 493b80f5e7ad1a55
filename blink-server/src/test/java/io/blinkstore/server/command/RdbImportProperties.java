package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ListReplies;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A replica's reading of its primary's RDB ({@link RdbImport}): any dataset of every type, with expiries, in four
 * databases, written to one server, sent by its full sync, read and loaded into another through {@code RESTORE} as
 * the replica's link loads it, is the same dataset there (the model: the first server's own RDB, read back by
 * {@link RdbFileProperties#read}). And every file that is not one Redis 7.0 would load (a wrong checksum, another
 * magic or version, module data, bytes cut short, bytes after the end, any bytes at all) is refused with
 * {@link DumpFormat.Malformed} or {@link DumpFormat.TooLarge}, nothing else; a checksum of 0 (saved without one) is
 * accepted, and a stream is skipped and counted.
 */
class RdbImportProperties {
  private static final String EMPTY = "REDIS0010\u00ff";

  @Provide
  Arbitrary<List<RdbFileProperties.Entry>> entries() {
    return new RdbFileProperties().entries();
  }

  @Property(tries = 100)
  void aPrimarysDatasetLoadsAsItWas(@ForAll("entries") List<RdbFileProperties.Entry> entries) {
    try (BlinkStore primaryStore = BlinkStore.builder().memoryLimit(8 << 20).build();
        BlinkStore replicaStore = BlinkStore.builder().memoryLimit(8 << 20).build()) {
      Dispatcher primary = new Dispatcher(primaryStore);
      ClientState writer = primary.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      for (RdbFileProperties.Entry entry : entries) {
        RdbFileProperties.call(primary, writer, "SELECT", Integer.toString(entry.db()));
        List<String> write = new ArrayList<>(List.of(switch (entry.type()) {
          case "string" -> "SET";
          case "list" -> "RPUSH";
          case "hash" -> "HSET";
          case "set" -> "SADD";
          default -> "ZADD";
        }, entry.key()));
        List<String> items = entry.items();
        for (int i = 0; i < items.size(); i += entry.type().equals("zset") ? 2 : 1) {
          write.addAll(entry.type().equals("zset") ? List.of(items.get(i + 1), items.get(i)) : List.of(items.get(i)));
        }
        RdbFileProperties.call(primary, writer, write.toArray(String[]::new));
        if (entry.expiry() != 0) {
          RdbFileProperties.call(primary, writer, "PEXPIREAT", entry.key(), Long.toString(entry.expiry()));
        }
      }
      byte[] sent = sync(primary);
      Read read = read(file(sent), Long.MAX_VALUE);
      Dispatcher replica = new Dispatcher(replicaStore);
      ClientState link = replica.signedInClient(RespKeys::of, ClientConnection.NONE);
      for (Entry entry : read.entries()) {
        RdbFileProperties.call(replica, link, "SELECT", Integer.toString(entry.db()));
        Result restored = replica.dispatch(link, new byte[][] {"RESTORE".getBytes(ISO_8859_1), entry.key(),
            Long.toString(entry.unixMillis()).getBytes(ISO_8859_1), entry.payload(), "REPLACE".getBytes(ISO_8859_1),
            "ABSTTL".getBytes(ISO_8859_1)});
        assertEquals(Result.OK, restored);
      }
      assertEquals(RdbFileProperties.read(sent), RdbFileProperties.read(sync(replica)));
    }
  }

  /** A key as {@link RdbImport} gives it. */
  record Entry(int db, byte[] key, byte[] payload, long unixMillis) {}

  /** What {@link RdbImport#read} gave: libraries, keys, and its counts. */
  record Read(List<byte[]> libraries, List<Entry> entries, RdbImport.Counts counts) {}

  /** Reads {@code file} as the replica's link does, keeping what it is given. */
  static Read read(byte[] file, long maxBytes) {
    List<byte[]> libraries = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    RdbImport.Counts counts = RdbImport.read(ByteBuffer.wrap(file), maxBytes, new RdbImport.Sink() {
      @Override
      public void library(byte[] code) {
        libraries.add(code);
      }

      @Override
      public void entry(int db, byte[] key, byte[] payload, long unixMillis) {
        entries.add(new Entry(db, key, payload, unixMillis));
      }
    });
    return new Read(libraries, entries, counts);
  }

  private static byte[] sync(Dispatcher dispatcher) {
    RdbFileProperties.Captured captured = new RdbFileProperties.Captured();
    ClientState syncing = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, captured);
    RdbFileProperties.call(dispatcher, syncing, "SYNC");
    return captured.bytes();
  }

  /** The file of a {@code $n\r\n<file>} bulk. */
  private static byte[] file(byte[] bulk) {
    int start = new String(bulk, 0, Math.min(bulk.length, 20), ISO_8859_1).indexOf("\r\n") + 2;
    return Arrays.copyOfRange(bulk, start, bulk.length);
  }

  /** {@code body} with a CRC-64 of it, or 0, after it. */
  private static byte[] withChecksum(String body, boolean checksum) {
    byte[] bytes = body.getBytes(ISO_8859_1);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(bytes);
    long crc = checksum ? Crc64.of(bytes, 0, bytes.length) : 0;
    for (int i = 0; i < 8; i++) {
      file.write((int) (crc >>> 8 * i));
    }
    return file.toByteArray();
  }

  @Example
  void aFileSavedWithoutAChecksumIsAccepted() {
    String body = "REDIS0010\u00fe\u0002\u0000\u0001k\u0001v\u00ff";
    Read read = read(withChecksum(body, false), 1 << 20);
    assertEquals(1, read.entries().size());
    assertEquals(2, read.entries().get(0).db());
    assertEquals("k", new String(read.entries().get(0).key(), ISO_8859_1));
    assertEquals(new RdbImport.Counts(1, 0, 0, 2 + 2 * ListReplies.ELEMENT_OVERHEAD), read.counts(),
        "the key's and the value's bytes are counted, each with its overhead");
  }

  @Example
  void aWrongChecksumAMagicOrAVersionNotRedisesModuleDataAndBytesCutShortAreRefused() {
    String key = "\u00fa\u0001a\u0001b\u0000\u0001k\u0001v";
    byte[] good = withChecksum("REDIS0010" + key + "\u00ff", true);
    read(good, 1 << 20);
    byte[] wrongCrc = good.clone();
    wrongCrc[wrongCrc.length - 1] ^= 1;
    for (byte[] bad : List.of(wrongCrc, withChecksum("RADIS0010" + key + "\u00ff", true),
        withChecksum("REDIS0011" + key + "\u00ff", true), withChecksum("REDIS0010\u00f7\u0001\u0002\u0003\u00ff", true),
        withChecksum("REDIS0010" + key, true), withChecksum("REDIS0010" + key + "\u00ffx", true),
        withChecksum("REDIS0010\u0006\u0001k\u00ff", true), Arrays.copyOf(good, 12))) {
      assertThrows(DumpFormat.Malformed.class, () -> read(bad, 1 << 20), new String(bad, ISO_8859_1));
    }
  }

  @Example
  void aStreamIsSkippedAndCountedAsDropped() {
    // type 15, key "s": one listpack (its master key and listpack strings), length 1, last id 1-0, no groups.
    String stream = "\u000f\u0001s\u0001\u0002id\u0002lp\u0001\u0001\u0000\u0000";
    Read read = read(withChecksum(EMPTY.substring(0, 9) + stream + "\u0000\u0001k\u0001v\u00ff", true), 1 << 20);
    assertEquals(1, read.counts().dropped());
    assertEquals(1, read.entries().size());
  }

  @Example
  void valuesPastTheBoundAreRefusedWhileRead() {
    byte[] file = withChecksum("REDIS0010\u0000\u0001k\u0010" + "v".repeat(16) + "\u00ff", true);
    assertThrows(DumpFormat.TooLarge.class, () -> read(file, 8));
  }

  /**
   * A file's function libraries ({@code FUNCTION2}, and the release candidates' record with the name and engine
   * apart) are given as {@code FUNCTION LOAD}'s code, in order, before its keys, as Redis's {@code rdbFunctionLoad}
   * reads them.
   */
  @Example
  void functionLibrariesAreGivenAsTheirCodeInOrder() {
    String first = "#!lua name=one\nreturn 1";
    String body = "\u00f5" + (char) first.length() + first
        + "\u00f6\u0003two\u0003lua\u0000\u0006return"
        + "\u0000\u0001k\u0001v\u00ff";
    Read read = read(withChecksum("REDIS0010" + body, true), 1 << 20);
    assertEquals(List.of(first, "#!lua name=two\nreturn"),
        read.libraries().stream().map(code -> new String(code, ISO_8859_1)).toList());
    assertEquals(2, read.counts().libraries());
    assertEquals(1, read.entries().size());
  }

  /** A file read from memory mapped outside the heap, as the link reads the file it wrote, gives the same. */
  @Example
  void aFileOutsideTheHeapReadsAsOneInAnArray() {
    byte[] file = withChecksum("REDIS0010\u00fc\u0010\u0027\u0000\u0000\u0000\u0000\u0000\u0000"
        + "\u0000\u0001k\u0003abc\u00ff", true);
    ByteBuffer direct = ByteBuffer.allocateDirect(file.length).put(file).flip();
    List<Entry> entries = new ArrayList<>();
    RdbImport.read(direct, 1 << 20, new RdbImport.Sink() {
      @Override
      public void library(byte[] code) {}

      @Override
      public void entry(int db, byte[] key, byte[] payload, long unixMillis) {
        entries.add(new Entry(db, key, payload, unixMillis));
      }
    });
    Entry fromArray = read(file, 1 << 20).entries().get(0);
    assertEquals(1, entries.size());
    assertEquals(10000, entries.get(0).unixMillis());
    assertArrayEquals(fromArray.payload(), entries.get(0).payload());
    assertArrayEquals(fromArray.key(), entries.get(0).key());
  }

  @Property(tries = 500)
  void anyBytesAreReadOrRefusedAsMalformedOrTooLarge(@ForAll byte[] tail) {
    byte[] file = withChecksum("REDIS0010" + new String(tail, ISO_8859_1), tail.length % 2 == 0);
    try {
      read(file, 1 << 16);
    } catch (DumpFormat.Malformed | DumpFormat.TooLarge expected) {
      // refused, as it should be: anything else fails the property
    }
  }
}
