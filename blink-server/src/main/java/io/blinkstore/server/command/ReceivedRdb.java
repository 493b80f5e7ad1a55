package io.blinkstore.server.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The RDB file of a full sync as a replica receives it ({@link ReplicationInput#payload}): written to a temporary
 * file as it comes, then mapped into memory to be read ({@link RdbImport}), as Redis writes it to a
 * {@code temp-<time>.<pid>.rdb} before it loads it. So the file is never in the heap, which holds only the entry being
 * loaded and the dataset itself: a heap that holds the dataset holds its sync. The file is in the JVM's temporary
 * folder ({@code java.io.tmpdir}), opened to be deleted when closed, which on Unix the JDK does at once (the file
 * is then read through its channel and mapping only), so that a server stopped in the middle of a sync leaves
 * nothing behind.
 */
final class ReceivedRdb implements AutoCloseable {
  private final FileChannel channel;
  private long size;

  private ReceivedRdb(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * An empty file with room on its disk for {@code bytes} (the length the primary announced; 0 when unknown).
   *
   * @throws ReplicationInput.Refused if its disk has less room than that
   */
  static ReceivedRdb create(long bytes) throws IOException {
    Path path = Files.createTempFile("blink-sync-", ".rdb");
    try {
      long room = Files.getFileStore(path).getUsableSpace();
      if (room < bytes) {
        throw new ReplicationInput.Refused("the primary's RDB of " + bytes + " bytes does not fit in the "
            + room + " bytes free on the disk of " + path.getParent());
      }
      // On Unix the JDK unlinks a file opened DELETE_ON_CLOSE at once: the channel (and its mapping) is all of it.
      return new ReceivedRdb(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
          StandardOpenOption.DELETE_ON_CLOSE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /** Appends {@code bytes[0, length)}. */
  void write(byte[] bytes, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
    while (buffer.hasRemaining()) {
      size += channel.write(buffer);
    }
  }

  /** How many bytes were written. */
  long size() {
    return size;
  }

  /** Drops what was written past its first {@code length} bytes (a diskless sync's end mark). */
  void truncate(long length) throws IOException {
    channel.truncate(length);
    size = Math.min(size, length);
  }

  /**
   * The bytes written, mapped into memory (read-only, outside the heap).
   *
   * @throws IllegalStateException if they are more than an array's length (the caller's bound is less)
   */
  ByteBuffer bytes() throws IOException {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("a file of " + size + " bytes is longer than an array");
    }
    return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
