package io.blinkstore.server.command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and when the server saves its snapshot: {@code path}; a save every {@code interval} if anything was written
 * since the last one (Redis's {@code save 300 1}); a save once {@code writes} writes were made since the last one,
 * at most one a minute (Redis's {@code save 60 10000}), 0 for none; and, if {@code refuseCorrupt}, no start from a
 * file that cannot be loaded (else it is renamed aside and the server starts empty).
 *
 * @throws IllegalArgumentException if {@code interval} is not positive or {@code writes} is negative
 */
public record SnapshotSettings(Path path, Duration interval, long writes, boolean refuseCorrupt) {
  /** A save every five minutes when anything was written. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  /** A save once this many writes were made, at most one a minute. */
  public static final long DEFAULT_WRITES = 10_000;

  /** The write-count trigger saves at most once in this long, as Redis's {@code save 60 10000}. */
  public static final Duration WRITES_MIN_INTERVAL = Duration.ofMinutes(1);

  public SnapshotSettings {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the snapshot interval must be positive, but was " + interval);
    }
    if (writes < 0) {
      throw new IllegalArgumentException("the snapshot write count must not be negative, but was " + writes);
    }
  }

  /** Redis's {@code save} setting that means the same: {@code "300 1 60 10000"}. */
  String redisSave() {
    String save = interval.toSeconds() + " 1";
    return writes == 0 ? save : save + " " + WRITES_MIN_INTERVAL.toSeconds() + " " + writes;
  }
}
