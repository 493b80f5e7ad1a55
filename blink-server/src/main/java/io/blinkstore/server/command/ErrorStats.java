package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code INFO}'s {@code total_error_replies} and {@code errorstats}: every error the server answers, counted once
 * under the first word of its line, as Redis 7.0's {@code afterErrorReply} counts it (a word of at most 30
 * characters, else {@code ERR}). An error a command inside a script answered is counted when that command answers
 * it, and not again when the script raises it ({@link Result.Error#counted}).
 *
 * <p>Bounded as Redis 7.2 bounds it: a script's {@code redis.error_reply} can name any word, so past {@value
 * #MAX_KINDS} words the table is emptied, holds {@code ERRORSTATS_DISABLED} alone and adds nothing until {@code
 * CONFIG RESETSTAT}; {@code total_error_replies} keeps counting. Thread-safe, without locks on the counting path
 * of a word already seen.
 */
final class ErrorStats {
  /** The most words the table holds, as Redis 7.2's {@code ERROR_STATS_NUMBER}. */
  static final int MAX_KINDS = 128;
  /** Redis looks for the space ending the word in the first 32 bytes of {@code -WORD ...}. */
  private static final int WORD_END_LIMIT = 31;
  private static final String DISABLED = "ERRORSTATS_DISABLED";
  private static final Logger log = LoggerFactory.getLogger(ErrorStats.class);

  private final LongAdder total = new LongAdder();
  private final LongAdder unexpected = new LongAdder();
  private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
  private volatile boolean disabled;

  /** Counts {@code result} if it is an error not counted yet (any other result is ignored), and returns it. */
  Result count(Result result) {
    if (result instanceof Result.Error error && !error.counted()) {
      countLine(error.line());
    }
    return result;
  }

  /** Counts the errors inside {@code result}'s arrays, maps and sets at any depth, but not {@code result} itself. */
  void countNested(Result result) {
    List<Result> elements = result instanceof Result.Array array ? array.elements()
        : result instanceof Result.Map map ? map.keysAndValues()
        : result instanceof Result.Set set ? set.elements() : List.of();
    for (Result element : elements) {
      count(element);
      countNested(element);
    }
  }

  /** Counts an error whose line (as RESP sends it after {@code -}) is {@code line}. */
  void countLine(String line) {
    total.increment();
    if (disabled) {
      return;
    }
    String kind = kind(line);
    LongAdder count = kinds.get(kind);
    if (count == null) {
      count = add(kind);
      if (count == null) {
        return;
      }
    }
    count.increment();
  }

  private synchronized @Nullable LongAdder add(String kind) {
    if (disabled) {
      return null;
    }
    LongAdder count = kinds.get(kind);
    if (count != null) {
      return count;
    }
    if (kinds.size() >= MAX_KINDS) {
      log.warn("Errorstats stopped adding new errors because the number of errors reached the limit ({}); "
          + "CONFIG RESETSTAT starts counting again", MAX_KINDS);
      kinds.clear();
      LongAdder one = new LongAdder();
      one.increment();
      kinds.put(DISABLED, one);
      disabled = true;
      return null;
    }
    count = new LongAdder();
    kinds.put(kind, count);
    return count;
  }

  /** The word {@code line} is counted under: up to its first space, if that is within Redis's limit. */
  static String kind(String line) {
    int space = line.indexOf(' ');
    return space >= 0 && space < WORD_END_LIMIT ? line.substring(0, space) : "ERR";
  }

  /** {@code CONFIG RESETSTAT}: nothing counted, the table enabled again. */
  synchronized void reset() {
    kinds.clear();
    total.reset();
    unexpected.reset();
    disabled = false;
  }

  /**
   * Counts an error a command of this server's primary answered (its replication stream's, whose replies go
   * nowhere): Redis's {@code unexpected_error_replies}.
   */
  void countUnexpected() {
    unexpected.increment();
  }

  /** The errors answered to the primary since the start or the last reset ({@link #countUnexpected}). */
  long unexpected() {
    return unexpected.sum();
  }

  /** Every error answered since the start or the last reset. */
  long total() {
    return total.sum();
  }

  /** {@code INFO errorstats}'s lines, by word in byte order as Redis's radix tree lists them. */
  List<String> lines() {
    Map<String, Long> sorted = new TreeMap<>();
    kinds.forEach((kind, count) -> sorted.put(kind, count.sum()));
    List<String> lines = new ArrayList<>(sorted.size());
    sorted.forEach((kind, count) -> {
      if (count > 0) {
        lines.add("errorstat_" + kind + ":count=" + count);
      }
    });
    return lines;
  }
}
