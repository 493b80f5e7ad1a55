package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A RESP command table over a small store, for unit tests: runs commands as one connection would and builds the
 * expected replies. The wall clock ({@code EXAT}/{@code PXAT}) is fixed at {@link #NOW_SECONDS}. As a field with
 * {@code @RegisterExtension}, it closes its store after each test.
 */
public final class RespTester implements AutoCloseable, AfterEachCallback {
  /** The memory limit of the store. */
  static final long MEMORY_LIMIT = 1024;

  /** The wall clock's Unix time, in seconds. */
  static final long NOW_SECONDS = 1_800_000_000;

  final BlinkStore store = BlinkStore.builder().memoryLimit(MEMORY_LIMIT).build();
  final ServerCounters counters = new ServerCounters();
  final Leases leases;
  final Dispatcher commands;
  final RespSession session;

  /** A tester whose lease table has the default size. */
  public RespTester() {
    this(Leases.DEFAULT_TABLE_BYTES);
  }

  /** A tester whose lease table holds {@code leaseTableBytes}. */
  public RespTester(long leaseTableBytes) {
    this(leaseTableBytes, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);
  }

  /** A tester whose lease table holds {@code leaseTableBytes}, and whose output cap is {@code maxReplyBytes}. */
  public RespTester(long leaseTableBytes, long maxReplyBytes) {
    this(leaseTableBytes, maxReplyBytes, HeapGuard.NONE);
  }

  /** A tester whose writes {@code heapGuard} allows or refuses. */
  RespTester(HeapGuard heapGuard) {
    this(Leases.DEFAULT_TABLE_BYTES, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, heapGuard);
  }

  private RespTester(long leaseTableBytes, long maxReplyBytes, HeapGuard heapGuard) {
    leases = new Leases(leaseTableBytes, System::nanoTime);
    commands = new Dispatcher(store, leases, Clock.fixed(Instant.ofEpochSecond(NOW_SECONDS), ZoneOffset.UTC),
        counters, heapGuard, null, maxReplyBytes, EntrySizeLimits.NONE);
    session = new RespSession(commands);
  }

  /** Runs {@code args} (ISO-8859-1, one byte a char) on {@link #session}. */
  Result run(String... args) {
    return run(session, args);
  }

  /** Asks for {@code key} with {@code GETL} and returns the lease token it must be granted. */
  String lease(String key) {
    Result.Array reply = (Result.Array) run("GETL", key, "5000");
    assertEquals(bulk("LEASE"), reply.elements().get(0));
    return Long.toString(((Result.Int) reply.elements().get(1)).value());
  }

  /** Runs {@code args} on {@code session}. */
  static Result run(RespSession session, String... args) {
    return copied(session.execute(new RespRequest.Command(toBytes(args))));
  }

  /**
   * The result as a client receives it: a stored value, which the encoder copies from the store, becomes the bulk
   * string of its bytes (also inside arrays), so that tests compare results by content.
   */
  static Result copied(Result result) {
    if (result instanceof Result.Stored stored) {
      return new Result.Bulk(stored.copy());
    }
    if (result instanceof Result.Array array) {
      return new Result.Array(array.elements().stream().map(RespTester::copied).toList());
    }
    return result;
  }

  static byte[][] toBytes(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(ISO_8859_1);
    }
    return bytes;
  }

  static Result bulk(String text) {
    return Result.bulk(text);
  }

  static Result integer(long value) {
    return new Result.Int(value);
  }

  static Result error(String message) {
    return new Result.Error(message);
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }
}
