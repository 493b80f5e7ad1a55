package io.blinkstore.client;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlinkClient#getOrLoad} across processes, over the fill-lease words ({@code docs/protocol.md}, "For
 * client authors"), in either protocol ({@link Words}): {@code GETL} answers the value, a lease to load and {@code FILL} it, or how long to wait for
 * another client's fill. Waiting is bounded by the lease time plus the command timeout: long enough for a lease
 * as long as this client's own, taken just before this call, to run out (its holder died) and be taken over. The
 * loader, which is the caller's code, is not bounded. One instance per client; each call runs on the caller's
 * thread, after the client's own single-flight.
 */
final class LeasedLoad {
  /** What {@code GETL} answered. */
  sealed interface Answer permits Value, Lease, Wait, TableFull {}

  /** {@code VALUE}: the key has a value. */
  record Value(byte[] value) implements Answer {}

  /** {@code LEASE <token>}: this caller alone may fill the key. */
  record Lease(long token) implements Answer {}

  /** {@code WAIT <ms>}: another caller is filling it; ask again after {@code millis}. */
  record Wait(long millis) implements Answer {}

  /** {@code ERROR lease table full}: load without a lease. */
  record TableFull() implements Answer {}

  /** The lease words of one protocol, each sent on the client's connections. */
  interface Words {
    CompletableFuture<Answer> getOrLease(String key, Duration leaseTime);

    /** True if stored, false if the lease had ended. */
    CompletableFuture<Boolean> fill(String key, long token, long ttlMillis, byte[] value);

    /** True if the token held a live lease. */
    CompletableFuture<Boolean> release(String key, long token);
  }

  /**
   * The server has no fill-lease words (Redis or Valkey, over RESP): its answer to {@code GETL}, the first word
   * of every load, so nothing has been loaded when it is thrown.
   */
  static final class Unsupported extends BlinkServerException {
    Unsupported(String command, String serverMessage) {
      super(command, serverMessage);
    }
  }

  private final Transport transport;
  private final Words words;
  private final Duration leaseTime;
  /** The longest wait for another client's fill: the lease time plus the command timeout. */
  private final Duration patience;

  /**
   * Loads with {@code words}, and sets with {@code transport} when the lease table is full, using
   * {@link BlinkClientOptions#leaseTime()} and its command timeout.
   */
  LeasedLoad(Transport transport, Words words, BlinkClientOptions options) {
    this.transport = transport;
    this.words = words;
    this.leaseTime = options.leaseTime();
    this.patience = leaseTime.plus(options.commandTimeout());
  }

  /**
   * Returns the value of {@code key}: the server's, the one another client fills while this one waits, or the
   * one {@code loader} loads under this client's lease (stored for {@code ttlMillis}, or for ever if 0).
   *
   * @throws BlinkTimeoutException if another client neither filled the key nor let its lease run out within the
   *     lease time plus the command timeout
   * @throws Unsupported if the server has no lease words
   */
  byte[] load(String key, long ttlMillis, BlinkStore.Loader loader) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Answer answer = BlinkClient.await(words.getOrLease(key, leaseTime));
      if (answer instanceof Value value) {
        return value.value();
      }
      if (answer instanceof Lease lease) {
        return loadAndFill(key, lease.token(), ttlMillis, loader);
      }
      if (answer instanceof TableFull) {
        return loadAndSet(key, ttlMillis, loader);
      }
      waitBeforeAsking(key, ((Wait) answer).millis(), deadline);
    }
  }

  private void waitBeforeAsking(String key, long millis, long deadline) {
    if (System.nanoTime() + millis * 1_000_000 - deadline > 0) {
      throw new BlinkTimeoutException("GETL " + key + " (waiting for another client to fill it)", patience);
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlinkException("interrupted while waiting for another client to fill key " + key, e);
    }
  }

  /** Runs the loader under the lease; fills the key with its value, or releases the lease if there is none. */
  private byte @Nullable [] loadAndFill(String key, long token, long ttlMillis, BlinkStore.Loader loader) {
    byte[] value;
    try {
      value = runLoader(key, loader);
      if (value != null) {
        // The answer does not matter: if the lease ran out, the value is still right for this caller.
        BlinkClient.await(words.fill(key, token, ttlMillis, value));
        return value;
      }
    } catch (RuntimeException | Error e) {
      releaseQuietly(key, token, e);
      throw e;
    }
    BlinkClient.await(words.release(key, token));
    return null;
  }

  /** Ends the lease after a failed load or fill; a failure to do so is added to the first one. */
  private void releaseQuietly(String key, long token, Throwable failure) {
    try {
      BlinkClient.await(words.release(key, token));
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private byte[] loadAndSet(String key, long ttlMillis, BlinkStore.Loader loader) {
    byte[] value = runLoader(key, loader);
    if (value != null) {
      BlinkClient.await(ttlMillis == 0
          ? transport.set(key, value)
          : transport.set(key, value, Duration.ofMillis(ttlMillis)));
    }
    return value;
  }

  /** Runs the loader; a checked failure is wrapped in a {@link BlinkException}, as the in-process store does. */
  static byte @Nullable [] runLoader(String key, BlinkStore.Loader loader) {
    try {
      return loader.load(key);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BlinkException("the loader of key " + key + " failed: " + e, e);
    }
  }
}
