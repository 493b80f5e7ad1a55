package io.blinkstore.server.command;

import io.blinkstore.internal.Isolation;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The clients a blocking pop holds, by the store key they wait on (a store key names its database, so this is a
 * registry per database), served in the order Redis serves them: when a write gives a key elements, the client
 * that blocked on it first is served first, and as long as the list has elements the next one is, so a push of
 * several elements serves several clients. A client waiting on several keys is served by the first of them to get
 * elements.
 *
 * <p><b>Serving.</b> Every write of a list, by any path, {@linkplain #signal signals} its key (the store's write
 * hook, {@code TypedKeys.onWrite}): a look-up without a lock when nobody waits (one volatile read). A key with
 * waiters is then served by {@link #serveReady}: by the dispatcher once the writing command is done, before its
 * reply (as Redis's {@code handleClientsBlockedOnKeys}: a writer's reply is never sent before the clients it
 * served are, nor while another thread serves), and on {@code background} for a write of an in-process caller,
 * which no command follows. Serving holds the store's gate shared, then this registry's lock (that order, which a
 * blocking command holds them in too), so that a transaction never interleaves with it; a serve that moves an
 * element ({@code BLMOVE}) signals its destination, served in the same pass.
 *
 * <p><b>No lost wake-up.</b> A blocking command registers under the lock, then tries its keys once more: a write
 * before the registration is seen by that try, one after it finds the registration. The try skips a key other
 * clients already wait on, whose elements are theirs first.
 *
 * <p><b>Bounds.</b> A blocked request holds its keys, at most what its request held, counted in its connection's
 * memory ({@link ConnectionMemory}) while it waits; no thread and no timer of its own (its connection's event loop
 * keeps the timeout).
 */
final class BlockedClients {
  /** What a key's place in the registry costs beside its chars: its node, its set's entry and its queue slot. */
  static final long BYTES_PER_KEY = 96;

  private final @Nullable Isolation isolation;
  private final Executor background;
  /** What else a serve does while replicas are attached: it runs as their writes do, and its pop is sent. */
  private volatile Served replicated = Served.NONE;
  private final Object lock = new Object();
  /** The requests waiting on each key, oldest first. Changed under the lock; read without it by {@link #signal}. */
  private final Map<String, LinkedHashSet<BlockedRequest>> waiting = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> ready = new ConcurrentLinkedQueue<>();
  private volatile int blocked;
  /** Set while a thread serves, under the lock: a command done meanwhile waits for it before its reply. */
  private volatile boolean serving;

  /**
   * A registry whose serves hold {@code isolation}'s gate shared ({@code null}: a store without a gate), and run on
   * {@code background} after a write no command follows.
   */
  BlockedClients(@Nullable Isolation isolation, Executor background) {
    this.isolation = isolation;
    this.background = background;
  }

  /** What serving a blocked client means to the replicas ({@link Replication}). */
  interface Served {
    Served NONE = new Served() { };

    /** Whether serves must run through {@link #exclusively} now (a replica is attached). */
    default boolean exclusive() {
      return false;
    }

    /** Runs {@code serve} as a write section: the exclusive turn and gate held, its pops sent at the end. */
    default void exclusively(Runnable serve) {
      serve.run();
    }

    /** {@code request} was served {@code reply}, inside {@link #exclusively}. */
    default void served(BlockedRequest request, Result reply) {}

    /**
     * Runs {@code writes}, a write made outside any command on a thread of its own (a {@code MIGRATE}'s deletes),
     * as a write section; the commands it returns, of database {@code db}, are what it sends the replicas.
     */
    default void section(int db, Supplier<List<byte[][]>> writes) {
      var unused = writes.get(); // no replication: nothing to send
    }
  }

  /** Makes {@code replicated} see every serve (the dispatcher's {@link Replication}). */
  void replicated(Served replicated) {
    this.replicated = replicated;
  }

  /** Runs {@code writes} as {@link Served#section} of the replicas' {@link Served} (a {@code MIGRATE}'s deletes). */
  void section(int db, Supplier<List<byte[][]>> writes) {
    replicated.section(db, writes);
  }

  /** The number of clients blocked now ({@code INFO}'s {@code blocked_clients}). */
  int count() {
    return blocked;
  }

  /**
   * {@code key} may have got elements: if clients wait on it, they are served at the next {@link #serveReady},
   * which is also handed to the background (the write may be an in-process caller's, which no command follows).
   */
  void signal(String key) {
    if (blocked > 0 && waiting.containsKey(key)) {
      ready.add(key);
      background.execute(this::serveReady);
    }
  }

  /**
   * Blocks {@code client} on {@code keys} (distinct store keys) until {@code attempt} serves it from one of them,
   * after {@code timeoutNanos} (0: for ever): returns the request, or the reply if a key got elements meanwhile.
   * Called by the blocking command, with the gate held shared.
   */
  Object block(ClientState client, List<String> keys, BlockedRequest.Attempt attempt, long timeoutNanos) {
    Result nullArray = new Result.NullArray();
    return block(client, keys, attempt, timeoutNanos, () -> nullArray);
  }

  /**
   * As {@link #block(ClientState, List, BlockedRequest.Attempt, long)}, answering {@code timedOut} at the timeout
   * ({@code WAIT}: the replicas that acknowledged by then, with no keys, so that only the timeout, its replicas'
   * acknowledgements, {@code CLIENT UNBLOCK} or a close end it).
   */
  Object block(ClientState client, List<String> keys, BlockedRequest.Attempt attempt, long timeoutNanos,
      Supplier<Result> timedOut) {
    BlockedRequest request = new BlockedRequest(this, client, keys, attempt, timeoutNanos, timedOut);
    synchronized (lock) {
      for (String key : keys) {
        LinkedHashSet<BlockedRequest> queue = waiting.get(key);
        if (queue == null || queue.isEmpty()) {
          Result served = attempt.serve(key);
          if (served != null) {
            return served;
          }
        }
      }
      client.account().addRequests(request.heldBytes());
      client.blocked(request);
      client.pending(request);
      for (String key : keys) {
        waiting.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(request);
      }
      blocked++;
    }
    return request;
  }

  /**
   * Serves every key signalled since the last serve, oldest waiting client first, until its list is empty or
   * nobody waits on it; keys a serve signals are served in the same pass.
   */
  void serveReady() {
    if (ready.isEmpty() && !serving) {
      return; // one volatile read or two per command while nobody is served
    }
    Served on = replicated;
    if (on.exclusive()) {
      on.exclusively(this::serveHeld);
      return;
    }
    long stamp = isolation == null ? 0 : isolation.enter();
    try {
      if (isolation != null && on.exclusive()) { // a replica attached meanwhile: its stream must have the pops
        isolation.exit(stamp);
        stamp = 0;
        on.exclusively(this::serveHeld);
        return;
      }
      serveHeld();
    } finally {
      if (isolation != null && stamp != 0) {
        isolation.exit(stamp);
      }
    }
  }

  /** Serves the keys ready, the gate held. */
  private void serveHeld() {
    synchronized (lock) {
      serving = true;
      try {
        for (String key = ready.poll(); key != null; key = ready.poll()) {
          serve(key);
        }
      } finally {
        serving = false;
      }
    }
  }

  /**
   * Ends {@code request} with {@code reply} ({@code null}: none, the connection is gone) unless it has ended.
   *
   * @return whether it was still waiting
   */
  boolean end(BlockedRequest request, @Nullable Result reply) {
    synchronized (lock) {
      if (request.ended()) {
        return false;
      }
      remove(request);
    }
    finish(request);
    if (reply != null) {
      request.complete(reply);
    }
    return true;
  }

  /** Serves the clients waiting on {@code key}, oldest first, while its list has elements. Under the lock. */
  private void serve(String key) {
    LinkedHashSet<BlockedRequest> queue = waiting.get(key);
    while (queue != null && !queue.isEmpty()) {
      Iterator<BlockedRequest> oldest = queue.iterator();
      BlockedRequest request = oldest.next();
      Result served = attempt(request, key);
      if (served == null) {
        return;
      }
      remove(request);
      finish(request);
      replicated.served(request, served);
      request.complete(served);
      queue = waiting.get(key);
    }
  }

  private static @Nullable Result attempt(BlockedRequest request, String key) {
    try {
      return request.attempt().serve(key);
    } catch (RuntimeException e) {
      return StoreFailures.reply("blocking pop", e); // WRONGTYPE of a BLMOVE's destination: Redis answers it too
    }
  }

  /** Takes {@code request} off every key it waits on. Under the lock. */
  private void remove(BlockedRequest request) {
    request.ended(true);
    blocked--;
    for (String key : request.keys()) {
      LinkedHashSet<BlockedRequest> queue = waiting.get(key);
      if (queue != null && queue.remove(request) && queue.isEmpty()) {
        waiting.remove(key);
      }
    }
  }

  private static void finish(BlockedRequest request) {
    ClientState client = request.client();
    client.account().addRequests(-request.heldBytes());
    client.blocked(null);
  }

  /** Ends the request {@code client} is blocked in, if any, as at its timeout ({@code CLIENT UNBLOCK id TIMEOUT}). */
  boolean unblockAsTimedOut(ClientState client) {
    BlockedRequest request = client.blocked();
    return request != null && end(request, request.timedOut());
  }

  /** Ends the request {@code client} is blocked in, if any, with {@code reply} ({@code CLIENT UNBLOCK}, a close). */
  boolean unblock(ClientState client, @Nullable Result reply) {
    BlockedRequest request = client.blocked();
    return request != null && end(request, reply);
  }

  /** The requests waiting on {@code key}, oldest first (for tests). */
  List<ClientState> waitingOn(String key) {
    synchronized (lock) {
      LinkedHashSet<BlockedRequest> queue = waiting.get(key);
      return queue == null ? List.of() : queue.stream().map(BlockedRequest::client).toList();
    }
  }
}
