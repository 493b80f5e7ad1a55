package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkSnapshots.CorruptSnapshotException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of damage to a snapshot is refused whole, with {@link CorruptSnapshotException} naming where and why,
 * and leaves the store untouched: a flipped byte in the header, in a block's length, CRC or payload, in the trailer;
 * the file cut at every block boundary and inside blocks; wrong magic, a future version, an empty file, zeros.
 */
class SnapshotCorruptionTest {
  @TempDir Path dir;
  private byte[] good;
  /** Where each block starts; the last is the trailer's. */
  private final List<Integer> blocks = new ArrayList<>();

  @BeforeEach
  void saveOne() throws IOException {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      Random random = new Random(7);
      for (int i = 0; i < 2_000; i++) {
        byte[] value = new byte[100];
        random.nextBytes(value);
        if (i % 3 == 0) {
          store.set("key:" + i, value, Duration.ofHours(1));
        } else {
          store.set("key:" + i, value);
        }
      }
      store.hash("hash").set("f", "v".getBytes(UTF_8));
      store.list("list").push(BlinkList.End.LEFT, "e".getBytes(UTF_8));
      Path path = dir.resolve("good");
      BlinkSnapshots.save(store, path, Map.of("databases", new byte[] {0, 1}));
      good = Files.readAllBytes(path);
    }
    ByteBuffer file = ByteBuffer.wrap(good);
    for (int at = SnapshotFormat.HEADER_BYTES; at < good.length; at += SnapshotFormat.BLOCK_HEADER_BYTES + file.getInt(at)) {
      blocks.add(at);
    }
    assertTrue(blocks.size() >= 4, "several entry blocks and the trailer: " + blocks);
  }

  /** Loads {@code bytes} into a fresh store: refused, with {@code reason} in the message, nothing stored. */
  private void refused(byte[] bytes, String reason, String what) throws IOException {
    Path path = dir.resolve("bad");
    Files.write(path, bytes);
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class,
          () -> BlinkSnapshots.load(store, path), what);
      assertTrue(e.getMessage().startsWith("corrupt snapshot at byte ") && e.getMessage().contains(reason),
          () -> what + ": " + e.getMessage());
      assertEquals(0, store.size(), what);
      assertEquals(0, store.usage(), what);
    }
  }

  private byte[] flipped(int at) {
    byte[] bad = good.clone();
    bad[at] ^= 0x20;
    return bad;
  }

  @Test
  void theGoodFileLoads() throws IOException {
    Path path = dir.resolve("copy");
    Files.write(path, good);
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      assertEquals(2_002, BlinkSnapshots.load(store, path).loaded());
    }
  }

  @Test
  void aFlippedHeaderByteIsRefused() throws IOException {
    for (int at = 0; at < SnapshotFormat.MAGIC.length; at++) {
      refused(flipped(at), "wrong magic", "magic byte " + at);
    }
    for (int at = SnapshotFormat.MAGIC.length; at < SnapshotFormat.HEADER_BYTES; at++) {
      refused(flipped(at), "header checksum mismatch", "header byte " + at);
    }
  }

  @Test
  void aFlippedByteInAnyBlocksLengthCrcOrPayloadIsRefused() throws IOException {
    Random random = new Random(19);
    for (int b = 0; b < blocks.size(); b++) {
      int start = blocks.get(b);
      int end = b + 1 < blocks.size() ? blocks.get(b + 1) : good.length;
      for (int at = start; at < start + 4; at++) {
        refused(flipped(at), "block", "length byte " + (at - start) + " of block " + b);
      }
      for (int at = start + 4; at < start + 8; at++) {
        refused(flipped(at), "block checksum mismatch", "CRC byte " + (at - start) + " of block " + b);
      }
      for (int i = 0; i < 20; i++) {
        int at = start + 8 + random.nextInt(end - start - 8);
        refused(flipped(at), "block checksum mismatch", "payload byte " + (at - start) + " of block " + b);
      }
    }
  }

  @Test
  void everyByteOfTheTrailerIsChecked() throws IOException {
    for (int at = blocks.get(blocks.size() - 1) + 8; at < good.length; at++) {
      refused(flipped(at), "block checksum mismatch", "trailer byte " + at);
    }
  }

  @Test
  void aFileCutAtABlockBoundaryOrInsideABlockIsRefused() throws IOException {
    for (int b = 0; b < blocks.size(); b++) {
      int start = blocks.get(b);
      refused(Arrays.copyOf(good, start), b == 0 ? "no trailer" : "no trailer", "cut before block " + b);
      for (int cut : new int[] {start + 1, start + 7, start + 8, start + 9, start + 100}) {
        if (cut < good.length) {
          refused(Arrays.copyOf(good, cut), cut - start < 8 ? "truncated block header" : "does not fit",
              "cut at " + (cut - start) + " into block " + b);
        }
      }
    }
    refused(Arrays.copyOf(good, good.length - 1), "does not fit", "the last byte cut");
    for (int cut = 1; cut < SnapshotFormat.HEADER_BYTES; cut++) {
      refused(Arrays.copyOf(good, cut), "truncated header", "cut at " + cut + " in the header");
    }
  }

  @Test
  void bytesAfterTheTrailerAreRefused() throws IOException {
    refused(Arrays.copyOf(good, good.length + 1), "1 bytes after the trailer", "one byte after the trailer");
  }

  @Test
  void aWrongMagicAFutureVersionAnEmptyAndAZeroFilledFileAreRefused() throws IOException {
    byte[] other = good.clone();
    System.arraycopy("REDIS0011".getBytes(UTF_8), 0, other, 0, 8);
    refused(other, "wrong magic", "an RDB file's magic");
    ByteBuffer future = ByteBuffer.wrap(good.clone());
    future.putShort(SnapshotFormat.MAGIC.length, (short) 2);
    future.putInt(SnapshotFormat.HEADER_BYTES - 4, SnapshotFormat.crc(future.array(), 0, SnapshotFormat.HEADER_BYTES - 4));
    refused(future.array(), "format version 2, this code reads version 1", "version 2");
    refused(new byte[0], "empty file", "an empty file");
    refused(new byte[good.length], "wrong magic", "zeros");
  }

  @Test
  void aBlockWhoseChecksumMatchesButWhoseContentDoesNotParseIsRefused() throws IOException {
    // A writer's bug or a crafted file: an entry count past what the block holds, with a CRC computed over it.
    byte[] bad = good.clone();
    int start = blocks.get(0);
    ByteBuffer file = ByteBuffer.wrap(bad);
    int length = file.getInt(start);
    file.putInt(start + 8 + 1, file.getInt(start + 8 + 1) + 1);
    file.putInt(start + 4, SnapshotFormat.blockCrc(length, Arrays.copyOfRange(bad, start + 8, start + 8 + length), 0));
    refused(bad, "runs past the block's end", "one entry more than the block holds");
  }

  @Test
  void aKeyTheStoreCannotHoldIsRefusedBeforeAnythingIsStored() throws IOException {
    // A crafted file: valid CRCs around a key with a space in it, or bytes that are not UTF-8.
    for (byte replacement : new byte[] {' ', (byte) 0xff}) {
      byte[] bad = good.clone();
      int start = blocks.get(0);
      int entry = start + 8 + 1 + 4;
      int keyLength = entry + 1 + ((bad[entry] & 0x80) != 0 ? 8 : 0);
      bad[keyLength + 1] = replacement;
      int length = ByteBuffer.wrap(bad).getInt(start);
      ByteBuffer.wrap(bad).putInt(start + 4,
          SnapshotFormat.blockCrc(length, Arrays.copyOfRange(bad, start + 8, start + 8 + length), 0));
      refused(bad, "a key the store cannot hold", "key byte " + replacement);
    }
  }
}
