package io.blinkstore.server.transport;

import io.blinkstore.server.command.ConnectionMemory;
import io.blinkstore.server.command.ServerCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on what all client connections together make the server hold ({@code --max-client-memory}), in the
 * spirit of Redis's {@code maxmemory-clients}: each connection's {@link Account} counts the bytes of its
 * requests (its decoders' buffers of unfinished ones, and those decoded but held back by backpressure), of its
 * name, of the replies waiting for it to read them, and of the large values being sent to it in slices
 * ({@link ReplySlicer}: the bytes not sent yet). When the sum passes the limit,
 * the connections holding the most are closed, biggest first, until it no longer does; each eviction is logged
 * at INFO with the connection's address and size, and counted ({@code evicted_clients}).
 *
 * <p>Per-connection limits (the line limit, the output cap) bound what one connection holds; this bounds what
 * many hold together, whatever each request's size: the accounts follow the buffers actually held, read by read,
 * so a request of any length is counted as its bytes arrive. Between two checks the sum can pass the limit by at
 * most what one read adds on each event loop (a read buffer, and a buffer's growth step).
 *
 * <p>Accounts change on their connection's event loop; a change that adds to the sum checks it at once. The
 * eviction itself is done by one event loop at a time (whichever finds the sum over the limit and is not already
 * beaten to it): it reads the replies of every connection afresh (they shrink as clients read, without telling
 * anyone), then closes the connection holding the most, and the next, until the sum is within the limit. An event
 * loop that finds another evicting goes on with its own connections instead of waiting: the one evicting checks
 * the sum again before it stops, so nothing added meanwhile is missed. Thread-safe; one instance per server.
 */
public final class ClientMemory {
  private static final Logger log = LoggerFactory.getLogger(ClientMemory.class);
  private static final AttributeKey<Account> ACCOUNT = AttributeKey.valueOf("blink-client-memory");

  /**
   * What the largest request leaves of the limit: the most a reply carrying the same bytes back adds to them (a
   * {@code GET}'s headers, and Netty's 96 bytes per message waiting), so that the largest value a {@code SET} takes
   * fits the limit when read back whole.
   */
  static final long REPLY_ROOM = 1024;

  /** The least limit accepted, so that a mistaken setting still lets clients in (Redis's floor, 128 KiB). */
  public static final long MIN_LIMIT = 128 << 10;

  private final long limit;
  private final ServerCounters counters;
  /** What all connections hold, as counted: the server's figure, kept in its counters. */
  private final AtomicLong total;
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
  /**
   * Held by the event loop evicting; the others never wait for it (an event loop blocked here would stall every
   * connection on it, for as long as the holder is descheduled on a busy machine).
   */
  final ReentrantLock evicting = new ReentrantLock();

  /**
   * @param limit the most bytes all connections together may hold, at least {@link #MIN_LIMIT}
   * @param counters where evictions are counted
   */
  public ClientMemory(long limit, ServerCounters counters) {
    this.limit = requireLimit(limit);
    this.counters = counters;
    this.total = counters.clientBytes();
  }

  /**
   * The default limit: an eighth of the maximum heap or half the direct memory, whichever is less. Requests being
   * received (up to 1 MiB each: larger ones on the heap) and replies waiting are held in direct memory, requests
   * decoded and names on the heap; the store plans with 60% of the heap, so an eighth leaves the collector its
   * room, and half the direct memory leaves buffers in use by reads and writes theirs. With the launcher's defaults (a 416 MiB heap, 256 MiB of direct
   * memory): 52 MiB.
   */
  public static long defaultLimit(long maxHeapBytes, long maxDirectBytes) {
    return Math.max(MIN_LIMIT, Math.min(maxHeapBytes / 8, maxDirectBytes / 2));
  }

  /** {@link #defaultLimit(long, long)} for this JVM. */
  public static long defaultLimit() {
    return defaultLimit(Runtime.getRuntime().maxMemory(), PlatformDependent.maxDirectMemory());
  }

  /**
   * Returns {@code limit} if it is one.
   *
   * @throws IllegalArgumentException if it is less than {@link #MIN_LIMIT}
   */
  public static long requireLimit(long limit) {
    if (limit < MIN_LIMIT) {
      throw new IllegalArgumentException("the client memory limit must be at least " + MIN_LIMIT + " bytes, but was "
          + limit);
    }
    return limit;
  }

  public long limit() {
    return limit;
  }

  /** What all connections hold now, as last counted (replies are read afresh only when the limit is passed). */
  long held() {
    return total.get();
  }

  /** Opens the account of a new connection, found again with {@link #accountOf}; it is closed with the channel. */
  public Account open(Channel channel) {
    Account account = new Account(this, channel);
    accounts.add(account);
    channel.attr(ACCOUNT).set(account);
    channel.closeFuture().addListener(closed -> account.close());
    return account;
  }

  /**
   * The account of {@code channel}; a detached one, which counts for nothing, for a channel that has none (the
   * REPL's, tests').
   */
  static Account accountOf(Channel channel) {
    Account account = channel.attr(ACCOUNT).get();
    return account != null ? account : Account.DETACHED;
  }

  private void add(long delta) {
    if (delta != 0 && total.addAndGet(delta) > limit && delta > 0) {
      evictWhileOver();
    }
  }

  /** One connection closed for the limit, as the log tells it. */
  private record Eviction(SocketAddress client, long held, String breakdown, long allHeld) {}

  /**
   * Evicts while all together hold more than the limit and no other event loop is evicting; logs each eviction
   * once the lock is released, so that no event loop waits for the log either. Re-checks the sum after each
   * release: what another event loop added while this one held the lock (and found it held) is evicted too.
   */
  private void evictWhileOver() {
    List<Eviction> evictions = new ArrayList<>(1);
    boolean withinReach = true;
    while (withinReach && total.get() > limit && evicting.tryLock()) {
      try {
        withinReach = evictBiggestUntilWithinLimit(evictions);
      } finally {
        evicting.unlock();
      }
    }
    for (Eviction eviction : evictions) {
      log.info("closing client {}, the one holding the most: {} bytes ({}); all clients held {} bytes, over"
          + " --max-client-memory ({} bytes)", describe(eviction.client()), eviction.held(), eviction.breakdown(),
          eviction.allHeld(), limit);
    }
  }

  /**
   * Closes the connection holding the most, then the next, until all together hold no more than the limit.
   * Replies are read afresh first: the sum may only have looked over the limit because clients read theirs since
   * last counted. Each pass looks for the biggest holder in one scan of the accounts, with no sort: an account's
   * figures change on other event loops while it is looked at, and one eviction is usually enough.
   *
   * @return false if the sum is still over the limit with no connection holding anything: a decrease counted in
   *     its account but not yet in the sum (the next change checks again)
   */
  private boolean evictBiggestUntilWithinLimit(List<Eviction> evictions) {
    for (Account account : accounts) {
      account.refreshReplies();
    }
    long before;
    while ((before = total.get()) > limit) {
      Account biggest = biggest(false);
      if (biggest == null) {
        biggest = biggest(true);
      }
      if (biggest == null) {
        log.debug("all clients hold {} bytes as counted, over --max-client-memory ({} bytes), but none holds"
            + " any: a decrease is on its way to the sum", before, limit);
        return false;
      }
      long held = biggest.evict();
      if (held > 0) {
        counters.clientEvicted();
        evictions.add(new Eviction(biggest.channel.remoteAddress(), held, biggest.breakdown(), before));
        biggest.channel.close();
      }
    }
    return true;
  }

  /**
   * The account holding the most among those marked to be evicted last ({@code CLIENT NO-EVICT ON}) or among the
   * others, or null if none of them holds anything.
   */
  private @Nullable Account biggest(boolean evictedLast) {
    Account biggest = null;
    long most = 0;
    for (Account account : accounts) {
      long held = account.held();
      if (held > most && account.evictLast == evictedLast) {
        most = held;
        biggest = account;
      }
    }
    return biggest;
  }

  /** A client's address as the log shows it: {@code 127.0.0.1:5555}, or the Unix socket it came in on. */
  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return Addresses.describe(inet);
    }
    String text = String.valueOf(address);
    return text.isEmpty() || "null".equals(text) ? "on a Unix socket" : text;
  }

  /**
   * What one connection holds. Its figures change on the connection's event loop; {@link ClientMemory} reads them
   * from any, and takes them out of the sum when it evicts the connection.
   */
  public static final class Account implements ConnectionMemory {
    /** The account of connections that count for nothing (the REPL's, tests'): it keeps no figures. */
    // The one account without an owner or a channel: each method that reads them checks owner first, or is
    // reached only through the owner's accounts, which this one never joins.
    @SuppressWarnings("NullAway")
    public static final Account DETACHED = new Account(null, null);

    private final ClientMemory owner;
    private final Channel channel;
    /** Bytes of requests: unfinished ones (the capacity of the decoders' buffers) and those held back. */
    private long requests;
    private long name;
    /** Bytes of lines for another event loop to write to it ({@code MONITOR}). */
    private long queued;
    /**
     * Bytes of large values being sent in slices, not sliced yet, and of what waits behind them ({@link ReplySlicer}).
     * Volatile, as {@link #replies}: read from any thread before a push ({@link #unsent}).
     */
    private volatile long sliced;
    /**
     * Bytes of replies waiting for the client, as last read from the channel. Volatile so that the common case, a
     * flush that leaves it as it was (nothing waiting), costs no lock.
     */
    private volatile long replies;
    /** Closed or evicted: its bytes no longer count. */
    private boolean gone;
    /** {@code CLIENT NO-EVICT ON}: evicted only once no other connection holds anything. */
    volatile boolean evictLast;

    private Account(ClientMemory owner, Channel channel) {
      this.owner = owner;
      this.channel = channel;
    }

    /**
     * Adds {@code delta} (negative: subtracts) to the bytes of its requests: those buffered unfinished, and those
     * decoded but not yet executed, and those a transaction queues or watches.
     */
    @Override
    public void addRequests(long delta) {
      if (owner != null) {
        apply(changeRequests(delta));
      }
    }

    /**
     * The most bytes one request of the connection may hold: the limit of all connections together (a larger one
     * could only be evicted, without a reply) less {@link #REPLY_ROOM}; none for the detached account.
     */
    public long largestRequest() {
      return owner == null ? Long.MAX_VALUE : owner.limit - REPLY_ROOM;
    }

    /**
     * A request of {@code bytes}, more than {@link #largestRequest}, was refused before it was buffered, and the
     * connection is being closed for it: counted and logged as an eviction.
     */
    public void refusedRequest(long bytes) {
      if (owner != null) {
        owner.counters.clientEvicted();
        log.info("closing client {}: a request of {} bytes is more than --max-client-memory ({} bytes)",
            describe(channel.remoteAddress()), bytes, owner.limit);
      }
    }

    /** Adds {@code delta} to the bytes of lines queued for the connection's event loop to write. */
    void addQueued(long delta) {
      if (owner != null) {
        apply(changeQueued(delta));
      }
    }

    /** Adds {@code delta} to the bytes a {@link ReplySlicer} holds for the connection. */
    void addSliced(long delta) {
      if (owner != null && delta != 0) {
        apply(changeSliced(delta));
      }
    }

    /** Sets the bytes of the connection's name. */
    @Override
    public void name(long bytes) {
      if (owner != null) {
        apply(setName(bytes));
      }
    }

    /** Sets the bytes of replies waiting for the client, as its outbound buffer tells. */
    void replies(long bytes) {
      if (owner != null && bytes != replies) {
        apply(setReplies(bytes));
      }
    }

    /** Whether the connection is closed or evicted: what it would be sent then is dropped. */
    synchronized boolean gone() {
      return gone;
    }

    /** Bytes of replies waiting for the client, as last read. */
    long replies() {
      return replies;
    }

    /** Bytes of replies waiting for the client, and of large values not sent yet with what waits behind them. */
    long unsent() {
      return replies + sliced;
    }

    /** Reads the replies waiting afresh (for the owner, under its lock). */
    private void refreshReplies() {
      ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
      long change = setReplies(outbound == null ? 0 : outbound.totalPendingWriteBytes());
      if (change != 0) {
        owner.total.addAndGet(change);
      }
    }

    // Each returns what the sum of all connections changes by: nothing once gone.

    private synchronized long changeRequests(long delta) {
      requests += delta;
      return gone ? 0 : delta;
    }

    private synchronized long changeQueued(long delta) {
      queued += delta;
      return gone ? 0 : delta;
    }

    private synchronized long changeSliced(long delta) {
      sliced += delta;
      return gone ? 0 : delta;
    }

    private synchronized long setName(long bytes) {
      long change = gone ? 0 : bytes - name;
      name = bytes;
      return change;
    }

    private synchronized long setReplies(long bytes) {
      long change = gone ? 0 : bytes - replies;
      replies = bytes;
      return change;
    }

    /** Outside this account's lock: an eviction takes the owner's lock, then each account's. */
    private void apply(long change) {
      owner.add(change);
    }

    /** All it holds against the limit: nothing once evicted or closed. */
    synchronized long held() {
      return gone ? 0 : requests + name + replies + queued + sliced;
    }

    private synchronized String breakdown() {
      return "requests " + requests + ", replies " + replies + ", name " + name + ", queued " + queued + ", sliced "
          + sliced;
    }

    /** Takes its bytes out of the sum for good; returns them (0 if it was already gone). */
    private long evict() {
      long held;
      synchronized (this) {
        if (gone) {
          return 0;
        }
        gone = true;
        held = requests + name + replies + queued + sliced;
      }
      owner.total.addAndGet(-held);
      return held;
    }

    /** The channel has closed: its bytes no longer count. */
    private void close() {
      evict();
      owner.accounts.remove(this);
    }
  }
}
