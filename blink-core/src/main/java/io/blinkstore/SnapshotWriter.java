package io.blinkstore;

import io.blinkstore.BlinkSnapshots.SaveReport;
import io.blinkstore.internal.ClockPairing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;

/**
 * Writes one snapshot of a {@link CaffeineBlinkStore} ({@link SnapshotFormat}) in two phases. <b>Phase 1</b> lists
 * the entry objects ({@link Key}: each keeps its identity while its key is present) hottest first, through
 * Caffeine's {@code hottest}, which holds Caffeine's eviction lock while it runs: nothing but the references is
 * collected, into one array. <b>Phase 2</b> walks that array without any lock of Caffeine's: each entry, value and
 * deadline, is copied as one instant left it ({@link #append}), straight into the current block, and left out if its
 * key no longer maps to that object (deleted or replaced since phase 1: after the snapshot). The file is written beside
 * {@code path}, forced, moved over {@code path} atomically and the directory forced; a failure deletes it.
 */
final class SnapshotWriter {
  /** Where the blocks go; tests put a failing one in its place (a full disk). */
  @FunctionalInterface
  interface Output {
    void write(FileChannel channel, ByteBuffer bytes) throws IOException;
  }

  static final Output FILE = (channel, bytes) -> {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  };

  /** What {@link #copy} found: the entry written, left out, or changed by a write during the copy. */
  private static final int WRITTEN = 1;
  private static final int LEFT_OUT = 0;
  private static final int CHANGED = -1;
  /** Optimistic copies of an entry before it is copied under its key's lock in the map. */
  private static final int OPTIMISTIC_TRIES = 4;

  /** What a reference in an array costs: 4 bytes with compressed references (heaps under 32 GiB), else 8. */
  private static final int REFERENCE_BYTES = compressedReferences() ? 4 : 8;

  private final CaffeineBlinkStore store;
  private final Output output;
  private byte[] block = new byte[SnapshotFormat.BLOCK_TARGET + 1024];
  private int at;
  private int blockEntries;
  private long entries;
  private long blocks;
  private long fileBytes;
  private long lockNanos;
  private int mostBlockBytes;

  SnapshotWriter(CaffeineBlinkStore store, Output output) {
    this.store = store;
    this.output = output;
  }

  /** How long phase 1 held Caffeine's eviction lock, for the measurement (docs/BENCHMARKS.md). */
  long lockNanos() {
    return lockNanos;
  }

  SaveReport save(Path path, Map<String, byte[]> metadata) throws IOException {
    long start = System.nanoTime();
    store.ensureOpen();
    Path target = path.toAbsolutePath();
    Path directory = Objects.requireNonNull(target.getParent(), "an absolute path has a parent");
    Path temporary = directory.resolve(target.getFileName() + ".tmp-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    Key[] hottest = hottest();
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        write(channel, SnapshotFormat.header(System.currentTimeMillis()));
        startBlock(SnapshotFormat.ENTRIES);
        ClockPairing clocks = ClockPairing.take(store::now); // the deadlines' Unix times, from one pairing
        long now = clocks.storeNanos();
        long unixNanos = clocks.unixNanos();
        for (int i = 0; i < hottest.length && hottest[i] != null; i++) {
          append(hottest[i], now, unixNanos);
          hottest[i] = null; // the walk's own array no longer keeps a deleted entry reachable
          closeIfFull(channel);
        }
        if (blockEntries > 0) {
          endBlock(channel);
        }
        writeTrailer(channel, metadata);
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    forceDirectory(directory);
    long extraHeap = 16L + (long) hottest.length * REFERENCE_BYTES + 16L + mostBlockBytes;
    return new SaveReport(entries, fileBytes, extraHeap, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Phase 1: the entry objects, hottest first, under Caffeine's eviction lock; {@code null} past the last. */
  private Key[] hottest() {
    long start = System.nanoTime();
    Key[] listed = store.policy.eviction().orElseThrow().hottest(stream -> {
      Key[][] keys = {new Key[store.map.size() + 16]};
      int[] count = {0};
      stream.forEach(entry -> {
        if (count[0] == keys[0].length) {
          keys[0] = Arrays.copyOf(keys[0], count[0] + (count[0] >> 1) + 16);
        }
        keys[0][count[0]++] = entry.getValue();
      });
      return keys[0];
    });
    lockNanos = System.nanoTime() - start;
    return listed;
  }

  /**
   * Phase 2 for one entry: appended whole, its value and its deadline as one instant left them, or left out if it
   * has left the map, expired or been emptied. A few optimistic copies are tried (a write to the key during one
   * makes it run again); if writes keep coming, the copy is made under the key's lock in the map, which every
   * writer of the key takes (Caffeine counts that as a read of the entry).
   */
  private void append(Key key, long now, long unixNanos) {
    int mark = at;
    int outcome = CHANGED;
    for (int tries = 0; outcome == CHANGED && tries < OPTIMISTIC_TRIES; tries++) {
      at = mark;
      outcome = copy(key, now, unixNanos, false);
    }
    if (outcome == CHANGED) {
      at = mark;
      int[] locked = {LEFT_OUT};
      store.map.computeIfPresent(key, (same, stored) -> {
        if (stored == key) {
          locked[0] = copy(key, now, unixNanos, true);
        }
        return stored;
      });
      outcome = locked[0];
    }
    if (outcome != WRITTEN || store.policy.getIfPresentQuietly(key) != key) {
      at = mark; // gone, expired or emptied, or deleted or replaced since phase 1: after the snapshot
      return;
    }
    entries++;
    blockEntries++;
  }

  /**
   * One copy of an entry into the block from {@link #at}: {@link #WRITTEN}, {@link #LEFT_OUT} (expired, or a hash
   * or list its last element has just left, whose key is leaving the map), or {@link #CHANGED} if a write to the
   * key came during the copy (its ref swapped: another deadline or another array; or a string overwritten in
   * place, which its stripe of {@link ValueLocks} shows). {@code locked}: the caller holds the key's lock in the
   * map, so no write to it can come.
   */
  private int copy(Key key, long now, long unixNanos, boolean locked) {
    StampedLock stripe = store.locks.of(key.text());
    long stamp = locked ? 0 : stripe.tryOptimisticRead(); // before the ref: an overwrite in place after it shows
    Object ref = key.ref;
    long deadline = ref instanceof Expiring holder ? holder.deadline : Long.MAX_VALUE;
    if (deadline <= now) {
      return LEFT_OUT;
    }
    TypedValue typed = Key.typed(ref);
    int type = typed == null ? SnapshotFormat.STRING : typed instanceof HashValue ? SnapshotFormat.HASH
        : typed instanceof ZSetValue ? SnapshotFormat.ZSET
        : typed instanceof SetValue ? SnapshotFormat.SET : SnapshotFormat.LIST;
    byte[] packed = Key.packed(ref);
    int keyBytes = Key.keyLength(packed);
    int keyStart = Key.varintLength(keyBytes);
    ensure(1 + 8 + 5 + keyBytes + 5);
    block[at++] = (byte) (deadline == Long.MAX_VALUE ? type : type | SnapshotFormat.HAS_DEADLINE);
    if (deadline != Long.MAX_VALUE) {
      putLong(SnapshotFormat.unixMillis(deadline, now, unixNanos));
    }
    bytes(packed, keyStart, keyBytes);
    if (typed == null) {
      int valueBytes = packed.length - keyStart - keyBytes;
      ensure(5 + valueBytes);
      bytes(packed, keyStart + keyBytes, valueBytes); // torn if overwritten meanwhile: then thrown away below
      return key.ref == ref && (locked || stamp != 0 && stripe.validate(stamp)) ? WRITTEN : CHANGED;
    }
    synchronized (typed) { // its writers change it under its monitor; its ref (a deadline) only outside it
      if (typed.elements() == 0) {
        return LEFT_OUT;
      }
      if (typed instanceof HashValue hash) {
        hashValue(hash);
      } else if (typed instanceof ZSetValue zset) {
        zsetValue(zset);
      } else if (typed instanceof SetValue set) {
        setValue(set);
      } else {
        listValue((ListValue) typed);
      }
      return key.ref == ref ? WRITTEN : CHANGED;
    }
  }

  private void hashValue(HashValue hash) {
    ensure(5);
    varint((int) hash.elements());
    for (byte[] entry : hash.slots()) {
      if (entry != null) {
        int fieldStart = HashEntries.fieldStart(entry);
        int valueStart = HashEntries.valueStart(entry);
        ensure(10 + entry.length);
        bytes(entry, fieldStart, valueStart - fieldStart);
        bytes(entry, valueStart, entry.length - valueStart);
      }
    }
  }

  private void zsetValue(ZSetValue zset) {
    ensure(5);
    varint((int) zset.size());
    zset.walk(0, false, (member, score) -> {
      ensure(5 + member.length + 8);
      bytes(member, 0, member.length);
      putLong(Double.doubleToRawLongBits(score));
      return true;
    });
  }

  private void setValue(SetValue set) {
    ensure(5);
    varint((int) set.elements());
    set.forEach(member -> {
      ensure(5 + member.length);
      bytes(member, 0, member.length);
    });
  }

  private void listValue(ListValue list) {
    int size = list.size();
    ensure(5);
    varint(size);
    for (int i = 0; i < size; i++) {
      byte[] element = Objects.requireNonNull(list.get(i));
      ensure(5 + element.length);
      bytes(element, 0, element.length);
    }
  }

  /** Closes the block once it has reached its target size. */
  private void closeIfFull(FileChannel channel) throws IOException {
    if (at - SnapshotFormat.BLOCK_HEADER_BYTES >= SnapshotFormat.BLOCK_TARGET) {
      endBlock(channel);
      startBlock(SnapshotFormat.ENTRIES);
    }
  }

  private void startBlock(byte kind) {
    at = SnapshotFormat.BLOCK_HEADER_BYTES;
    block[at++] = kind;
    at += 4; // the block's entry count, written when it ends
    blockEntries = 0;
  }

  private void endBlock(FileChannel channel) throws IOException {
    ByteBuffer.wrap(block).putInt(SnapshotFormat.BLOCK_HEADER_BYTES + 1, blockEntries);
    frame(channel);
    blocks++;
  }

  /** Writes the block built in {@link #block}, its length and CRC put in front of its payload. */
  private void frame(FileChannel channel) throws IOException {
    ByteBuffer framed = ByteBuffer.wrap(block, 0, at);
    int length = at - SnapshotFormat.BLOCK_HEADER_BYTES;
    framed.putInt(0, length);
    framed.putInt(4, SnapshotFormat.blockCrc(length, block, SnapshotFormat.BLOCK_HEADER_BYTES));
    mostBlockBytes = Math.max(mostBlockBytes, block.length);
    write(channel, framed);
  }

  private void writeTrailer(FileChannel channel, Map<String, byte[]> metadata) throws IOException {
    at = SnapshotFormat.BLOCK_HEADER_BYTES;
    ensure(1 + 16 + 5);
    block[at++] = SnapshotFormat.TRAILER;
    putLong(entries);
    putLong(blocks);
    varint(metadata.size());
    for (Map.Entry<String, byte[]> named : metadata.entrySet()) {
      byte[] name = named.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = named.getValue();
      ensure(10 + name.length + value.length);
      bytes(name, 0, name.length);
      bytes(value, 0, value.length);
    }
    ensure(SnapshotFormat.END.length);
    System.arraycopy(SnapshotFormat.END, 0, block, at, SnapshotFormat.END.length);
    at += SnapshotFormat.END.length;
    frame(channel);
  }

  private void write(FileChannel channel, ByteBuffer bytes) throws IOException {
    fileBytes += bytes.remaining();
    output.write(channel, bytes);
  }

  private void ensure(int more) {
    if (at + more > block.length) {
      block = Arrays.copyOf(block, Math.max(block.length * 2, at + more));
    }
  }

  private void bytes(byte[] source, int offset, int length) {
    varint(length);
    System.arraycopy(source, offset, block, at, length);
    at += length;
  }

  private void varint(int value) {
    while ((value & ~0x7f) != 0) {
      block[at++] = (byte) (value & 0x7f | 0x80);
      value >>>= 7;
    }
    block[at++] = (byte) value;
  }

  private void putLong(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      block[at++] = (byte) (value >>> shift);
    }
  }

  /** Forces the directory's entry of the renamed file to the device (Linux and macOS open a directory to read). */
  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** HotSpot compresses references by default below a 32 GiB heap. */
  private static boolean compressedReferences() {
    return Runtime.getRuntime().maxMemory() < (32L << 30);
  }
}
