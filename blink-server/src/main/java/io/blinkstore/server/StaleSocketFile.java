package io.blinkstore.server;

import io.blinkstore.BlinkException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * Clears the way for a Unix socket bind. The original server removes whatever file is at the socket path; a
 * mistyped {@code --unix} would then delete a user's file. So only a socket file that no server answers on is
 * removed: anything else there (a regular file, a directory, a symbolic link, a FIFO) fails the start and is left
 * as it was, and so does the socket of a server still running (taking its path over would cut it off).
 */
final class StaleSocketFile {
  /** The file-type bits of {@code st_mode}, and the value that means a socket ({@code S_IFMT}, {@code S_IFSOCK}). */
  private static final int FILE_TYPE = 0170000;
  private static final int SOCKET = 0140000;

  private StaleSocketFile() {}

  /**
   * Removes a stale socket file at {@code path}, if there is one.
   *
   * @throws BlinkException naming the path if something other than a stale socket is there, or it cannot be
   *     removed
   */
  static void remove(Path path) {
    BasicFileAttributes attributes;
    boolean socket;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      socket = isSocket(path, attributes);
    } catch (NoSuchFileException free) {
      return;
    } catch (IOException e) {
      throw failure(path, "cannot inspect the file there: " + FailureReason.of(e), e);
    }
    if (!socket) {
      throw failure(path, kind(attributes) + " is there; only a stale socket file is replaced, so move it away"
          + " or choose another path", null);
    }
    if (acceptsConnections(path)) {
      throw failure(path, "another server is listening on it", null);
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw failure(path, "cannot remove the old socket file: " + FailureReason.of(e), e);
    }
  }

  /**
   * Whether the file is a socket. Java's basic attributes only say "other" (a socket, a FIFO or a device), so the
   * file type comes from {@code st_mode} where the platform exposes it (Linux, macOS), else "other" stands in.
   */
  private static boolean isSocket(Path path, BasicFileAttributes attributes) throws IOException {
    if (!attributes.isOther()) {
      return false;
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & FILE_TYPE) == SOCKET;
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return true;
    }
  }

  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    if (attributes.isDirectory()) {
      return "a directory";
    }
    return attributes.isSymbolicLink() ? "a symbolic link" : "a file that is not a socket (a FIFO or a device)";
  }

  private static boolean acceptsConnections(Path path) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException refusedOrNotASocket) {
      return false;
    }
  }

  private static BlinkException failure(Path path, String why, @Nullable Throwable cause) {
    return new BlinkException("cannot listen on Unix socket " + path + ": " + why, cause);
  }
}
