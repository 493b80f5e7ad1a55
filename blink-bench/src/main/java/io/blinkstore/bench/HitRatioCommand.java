package io.blinkstore.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code blink-bench hit-ratio}: replays a read-through trace — GET a key; on a miss, SET it — whose keys follow
 * Zipf(0.99) from a fixed seed, and reports the fraction of GETs that hit. Same seed, same trace, whatever the
 * server, so two servers with the same memory budget can be compared.
 *
 * <p>To run in seconds rather than minutes, requests go in batches of up to {@code --window} GETs with distinct
 * keys, then the SETs for that batch's misses. Each key still sees exactly the sequential order (its SET comes
 * before its next GET); only the recency order of different keys within one batch shifts, by less than a batch.
 * {@code --window 1} replays strictly one request at a time.
 */
@Command(name = "hit-ratio",
    description = "Replays a fixed-seed Zipf(0.99) read-through trace (GET; on miss SET) and prints the hit ratio.")
final class HitRatioCommand implements Callable<Integer> {
  @Mixin Help help;

  @Mixin Endpoint endpoint = new Endpoint();

  @Option(names = "--protocol", defaultValue = "blink", description = "blink or resp. Default: ${DEFAULT-VALUE}.")
  Protocol protocol;

  @Option(names = {"-r", "--keyspace"}, defaultValue = "200000", description = "Distinct keys. Default: ${DEFAULT-VALUE}.")
  long keySpace;

  @Option(names = {"-n", "--requests"}, defaultValue = "1000000", description = "GETs in the trace. Default: ${DEFAULT-VALUE}.")
  long requests;

  @Option(names = {"-d", "--value-size"}, defaultValue = "100", description = "Value bytes. Default: ${DEFAULT-VALUE}.")
  int valueBytes;

  @Option(names = "--seed", defaultValue = "1", description = "Trace seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--window", defaultValue = "64", description = "Most GETs per batch (1: strictly sequential)."
      + " Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  private long hits;
  private long misses;
  private long errors;

  @Override
  public Integer call() throws IOException {
    if (keySpace < 2 || requests <= 0 || window <= 0 || valueBytes < 0 || protocol == Protocol.ECHO) {
      throw new IllegalArgumentException("need --keyspace >= 2, positive --requests and --window, and a store"
          + " protocol (blink or resp)");
    }
    Workload workload = new Workload(protocol, keySpace, KeyDistribution.ZIPF, valueBytes, 1, 0);
    KeyDistribution.Chooser chooser = KeyDistribution.ZIPF.over(keySpace);
    SplittableRandom random = new SplittableRandom(seed);
    long started = System.nanoTime();
    String firstError;
    try (SocketChannel channel = endpoint.connect()) {
      Batch batch = new Batch(channel, workload, window);
      long done = 0;
      long pending = -1;
      while (done < requests) {
        List<Long> keys = new ArrayList<>();
        Set<Long> distinct = new HashSet<>();
        while (done + keys.size() < requests && keys.size() < window) {
          long key = pending >= 0 ? pending : chooser.next(random);
          pending = -1;
          if (!distinct.add(key)) {
            pending = key;
            break;
          }
          keys.add(key);
        }
        replay(batch, keys);
        done += keys.size();
      }
      firstError = batch.parser.firstError();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double ratio = (double) hits / (hits + misses);
    if (json) {
      System.out.println("{" + Json.field("target", endpoint.toString())
          + "," + Json.field("protocol", protocol.name().toLowerCase(Locale.ROOT))
          + "," + Json.field("key_space", keySpace) + "," + Json.field("requests", requests)
          + "," + Json.field("value_bytes", valueBytes) + "," + Json.field("seed", seed)
          + "," + Json.field("window", window) + "," + Json.field("hits", hits) + "," + Json.field("misses", misses)
          + "," + Json.field("errors", errors) + "," + Json.field("first_error", firstError)
          + "," + Json.field("hit_ratio", ratio) + "," + Json.field("seconds", seconds) + "}");
    } else {
      System.out.printf(Locale.ROOT, "%s %s: Zipf(0.99) read-through over %,d keys, %,d GETs, seed %d:"
              + " hit ratio %.4f (%,d hits, %,d misses, %,d errors) in %.1f s%n", protocol, endpoint, keySpace,
          requests, seed, ratio, hits, misses, errors, seconds);
    }
    return errors > 0 ? 3 : 0;
  }

  private void replay(Batch batch, List<Long> keys) throws IOException {
    List<Reply> replies = batch.send(keys, false);
    List<Long> missed = new ArrayList<>();
    for (int i = 0; i < replies.size(); i++) {
      switch (replies.get(i)) {
        case HIT -> hits++;
        case MISS -> {
          misses++;
          missed.add(keys.get(i));
        }
        default -> errors++;
      }
    }
    if (!missed.isEmpty()) {
      for (Reply reply : batch.send(missed, true)) {
        if (reply != Reply.OK) {
          errors++;
        }
      }
    }
  }

  /** One connection sending a batch of GETs or SETs and reading exactly their replies. */
  private static final class Batch {
    final SocketChannel channel;
    final Workload workload;
    final ReplyParser parser;
    final ByteBuffer out;
    final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    Batch(SocketChannel channel, Workload workload, int window) {
      this.channel = channel;
      this.workload = workload;
      this.parser = workload.protocol.newParser();
      this.out = ByteBuffer.allocate(window * workload.maxRequestBytes());
    }

    List<Reply> send(List<Long> keys, boolean set) throws IOException {
      out.clear();
      for (long key : keys) {
        if (set) {
          workload.protocol.writeSet(out, workload.keys, key, workload.value);
        } else {
          workload.protocol.writeGet(out, workload.keys, key);
        }
      }
      out.flip();
      while (out.hasRemaining()) {
        channel.write(out);
      }
      List<Reply> replies = new ArrayList<>(keys.size());
      while (replies.size() < keys.size()) {
        in.clear();
        if (channel.read(in) < 0) {
          throw new IOException("the server closed the connection during the trace");
        }
        in.flip();
        parser.parse(in, replies::add);
      }
      return replies;
    }
  }
}
