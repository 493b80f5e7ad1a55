package io.blinkstore;

import io.blinkstore.BlinkSnapshots.LoadReport;
import io.blinkstore.internal.ClockPairing;
import io.blinkstore.internal.ClockPairing;
import io.blinkstore.internal.Deadlines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a snapshot ({@link SnapshotFormat}) in two passes. The <b>verify pass</b> reads the whole file, checks the
 * header, every block's checksum and structure and the trailer, and decides, hottest first, which entries fit the
 * store's memory limit and entry bounds (each live entry that still fits is kept, the rest dropped); nothing is
 * stored if anything is wrong. The <b>store pass</b> reads the blocks again from the last to the first and stores
 * the kept entries coldest first, so that Caffeine's recency order ends as the saved one: hottest most recent.
 */
final class SnapshotReader {
  private final IsolatedStore store;
  private final CaffeineBlinkStore inner;
  private final FileChannel channel;
  private final long size;
  private final SnapshotRoom room;
  private final BitSet kept = new BitSet();
  private long[] blockOffsets = new long[16];
  private int blocks;
  private long entries;
  private long expired;
  private long dropped;
  private Map<String, byte[]> metadata = Map.of();
  private byte[] payload = new byte[SnapshotFormat.BLOCK_TARGET + 1024];

  private SnapshotReader(IsolatedStore store, FileChannel channel) throws IOException {
    this.store = store;
    this.inner = store.unwrap();
    this.channel = channel;
    this.size = channel.size();
    this.room = new SnapshotRoom(inner);
  }

  static LoadReport load(IsolatedStore store, Path path) throws IOException {
    long start = System.nanoTime();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      SnapshotReader reader = new SnapshotReader(store, channel);
      reader.verify();
      long loaded = reader.store();
      return new LoadReport(loaded, reader.expired, reader.dropped, reader.metadata,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** The verify pass: every byte checked, the kept entries chosen. */
  private void verify() throws IOException {
    if (size < SnapshotFormat.HEADER_BYTES) {
      throw SnapshotFormat.corrupt(size, size == 0 ? "empty file" : "truncated header");
    }
    ByteBuffer header = ByteBuffer.allocate(SnapshotFormat.HEADER_BYTES);
    readFully(header, 0);
    SnapshotFormat.checkHeader(header);
    long offset = SnapshotFormat.HEADER_BYTES;
    long nowMillis = System.currentTimeMillis();
    for (;;) {
      if (offset == size) {
        throw SnapshotFormat.corrupt(offset, "no trailer: the file ends after a whole block (truncated)");
      }
      int length = readBlock(offset);
      SnapshotCursor cursor = new SnapshotCursor(payload, length, offset + SnapshotFormat.BLOCK_HEADER_BYTES);
      byte kind = cursor.kind();
      if (kind == SnapshotFormat.TRAILER) {
        readTrailer(cursor, offset + SnapshotFormat.BLOCK_HEADER_BYTES + length);
        return;
      }
      if (blocks == blockOffsets.length) {
        blockOffsets = Arrays.copyOf(blockOffsets, blocks * 2);
      }
      blockOffsets[blocks++] = offset;
      int count = cursor.entryCount();
      for (int i = 0; i < count; i++) {
        cursor.next();
        cursor.checkKey();
        choose(cursor, nowMillis);
      }
      cursor.expectEnd("more bytes than its " + count + " entries");
      offset += SnapshotFormat.BLOCK_HEADER_BYTES + length;
    }
  }

  /** Keeps the entry the cursor is on if it is live and still fits; counts it otherwise. */
  private void choose(SnapshotCursor entry, long nowMillis) {
    long index = entries++;
    if (entry.deadlineMillis() != SnapshotCursor.NO_DEADLINE && entry.deadlineMillis() <= nowMillis) {
      expired++;
    } else if (room.take(entry.keyLength() + entry.valueBytes(), entry.elements(), entry.type(),
        entry.deadlineMillis() != SnapshotCursor.NO_DEADLINE)) {
      kept.set(Math.toIntExact(index));
    } else {
      dropped++;
    }
  }

  private void readTrailer(SnapshotCursor cursor, long end) throws IOException {
    long savedEntries = cursor.longValue();
    long savedBlocks = cursor.longValue();
    if (savedEntries != entries || savedBlocks != blocks) {
      throw cursor.corrupt("the trailer counts " + savedEntries + " entries in " + savedBlocks
          + " blocks, the file holds " + entries + " in " + blocks);
    }
    int count = cursor.count();
    Map<String, byte[]> named = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      named.put(new String(cursor.bytes(), StandardCharsets.UTF_8), cursor.bytes());
    }
    cursor.expectEndMarker();
    if (end != size) {
      throw SnapshotFormat.corrupt(end, (size - end) + " bytes after the trailer");
    }
    metadata = named;
  }

  /** The store pass, last block first and each block's entries last first. */
  private long store() throws IOException {
    long loaded = 0;
    long index = entries;
    for (int b = blocks - 1; b >= 0; b--) {
      int length = readBlock(blockOffsets[b]);
      SnapshotCursor cursor = new SnapshotCursor(payload, length, blockOffsets[b] + SnapshotFormat.BLOCK_HEADER_BYTES);
      cursor.kind();
      int count = cursor.entryCount();
      int[] starts = new int[count];
      for (int i = 0; i < count; i++) {
        starts[i] = cursor.next();
      }
      index -= count;
      for (int i = count - 1; i >= 0; i--) {
        if (kept.get(Math.toIntExact(index + i))) {
          cursor.seek(starts[i]);
          cursor.next();
          if (put(cursor)) {
            loaded++;
          } else {
            expired++;
          }
        }
      }
    }
    return loaded;
  }

  /** Stores the entry the cursor is on; false if its deadline passed since the verify pass. */
  private boolean put(SnapshotCursor entry) throws IOException {
    long deadline = Deadlines.NEVER;
    if (entry.deadlineMillis() != SnapshotCursor.NO_DEADLINE) {
      ClockPairing clocks = ClockPairing.take(store::now);
      long now = clocks.storeNanos();
      long unixNanos = clocks.unixNanos();
      if (entry.deadlineMillis() <= Math.floorDiv(unixNanos, 1_000_000)) {
        return false;
      }
      deadline = SnapshotFormat.deadline(entry.deadlineMillis(), now, unixNanos);
    }
    String key = entry.key();
    switch (entry.type()) {
      case SnapshotFormat.STRING -> store.setUntil(key, entry.stringValue(), deadline);
      case SnapshotFormat.HASH -> {
        store.delete(key);
        store.hashes().set(key, entry.elementArray(), 0);
      }
      case SnapshotFormat.ZSET -> {
        store.delete(key);
        byte[][] members = entry.elementArray();
        double[] scores = entry.scoreArray();
        store.sortedSets().update(key, true, entry.valueBytes(), members.length, set -> {
          for (int i = 0; i < members.length; i++) {
            set.put(members[i], scores[i]);
          }
          return members.length;
        }, 0, stored -> true);
      }
      case SnapshotFormat.SET -> {
        store.delete(key);
        store.sets().add(key, entry.elementArray(), 0);
      }
      default -> {
        store.delete(key);
        store.list(key).push(BlinkList.End.RIGHT, entry.elementArray());
      }
    }
    if (entry.type() != SnapshotFormat.STRING && deadline != Deadlines.NEVER) {
      store.expireAt(key, deadline, Deadlines.Condition.ALWAYS);
    }
    return true;
  }

  /**
   * Reads the block at {@code offset} into {@link #payload} and checks its checksum; its payload's length.
   *
   * @throws BlinkSnapshots.CorruptSnapshotException if it is cut short or its checksum does not match
   */
  private int readBlock(long offset) throws IOException {
    if (size - offset < SnapshotFormat.BLOCK_HEADER_BYTES) {
      throw SnapshotFormat.corrupt(offset, "truncated block header");
    }
    ByteBuffer frame = ByteBuffer.allocate(SnapshotFormat.BLOCK_HEADER_BYTES);
    readFully(frame, offset);
    int length = frame.getInt(0);
    long left = size - offset - SnapshotFormat.BLOCK_HEADER_BYTES;
    if (length <= 0 || length > left) {
      throw SnapshotFormat.corrupt(offset, "block length " + Integer.toUnsignedString(length)
          + " does not fit the " + left + " bytes left (truncated, or a corrupt length)");
    }
    if (payload.length < length) {
      payload = new byte[Math.max(length, (int) Math.min(payload.length * 2L, Integer.MAX_VALUE - 16))];
    }
    readFully(ByteBuffer.wrap(payload, 0, length), offset + SnapshotFormat.BLOCK_HEADER_BYTES);
    if (frame.getInt(4) != SnapshotFormat.blockCrc(length, payload, 0)) {
      throw SnapshotFormat.corrupt(offset, "block checksum mismatch");
    }
    return length;
  }

  private void readFully(ByteBuffer target, long offset) throws IOException {
    long at = offset;
    while (target.hasRemaining()) {
      int read = channel.read(target, at);
      if (read < 0) {
        throw SnapshotFormat.corrupt(at, "the file ended while it was read (truncated meanwhile)");
      }
      at += read;
    }
  }
}
