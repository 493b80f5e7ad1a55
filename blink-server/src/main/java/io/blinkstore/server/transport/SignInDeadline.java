package io.blinkstore.server.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server with a token does with connections that have not signed in ({@code AUTH}) yet, so that clients
 * without the token cannot keep those with it out. Each is closed {@code --auth-timeout} after its accept if it has
 * not signed in by then, as PostgreSQL's {@code authentication_timeout} and MySQL's {@code connect_timeout} do;
 * and when a new connection would pass {@code --max-connections}, the connection that has waited longest to sign
 * in is closed to make room for it, instead of the new one being refused. A deadline alone would not do: a client
 * that reconnects as fast as its connections are closed keeps every slot. With room made this way, a client that
 * signs in as it connects (every client library does) is only shut out if all connections waiting before it are
 * replaced in the time it takes to send {@code AUTH}; connections that have signed in are never closed for it.
 *
 * <p>A connection is watched from its admission until it first signs in (a later wrong {@code AUTH} does not
 * watch it again: it had the token) or closes. One instance per server; thread-safe.
 */
public final class SignInDeadline {
  private static final Logger log = LoggerFactory.getLogger(SignInDeadline.class);
  private static final AttributeKey<Watch> WATCH = AttributeKey.valueOf("blink-sign-in");

  private final long timeoutNanos;
  /** The connections waiting to sign in, oldest first. Guarded by this. */
  private final Set<Channel> waiting = new LinkedHashSet<>();

  /** A deadline of {@code timeout} after each accept; none if zero (room is still made at the bound). */
  public SignInDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** One connection waiting to sign in: its deadline, if any. */
  private record Watch(SignInDeadline owner, @Nullable ScheduledFuture<?> deadline) {}

  /**
   * Watches {@code channel}, just admitted, until it signs in ({@link #signedIn}) or closes; on its event loop, as
   * are {@link #signedIn}, its deadline and its close.
   */
  void watch(Channel channel) {
    ScheduledFuture<?> deadline = timeoutNanos == 0 ? null
        : channel.eventLoop().schedule(() -> expire(channel), timeoutNanos, TimeUnit.NANOSECONDS);
    channel.attr(WATCH).set(new Watch(this, deadline)); // before it can be found in waiting
    channel.closeFuture().addListener(closed -> forget(channel));
    synchronized (this) {
      waiting.add(channel);
    }
  }

  /** {@code channel} has signed in: it is no longer watched. Nothing for a channel that is not watched. */
  public static void signedIn(Channel channel) {
    forget(channel);
  }

  /** The connections waiting to sign in now. */
  synchronized int waiting() {
    return waiting.size();
  }

  /**
   * Closes the connection that has waited longest to sign in, to make room for a new one at the connection bound;
   * returns false if none is waiting. From any event loop: a connection that signs in or closes meanwhile on its
   * own is passed over (whoever takes its watch first decides).
   */
  boolean makeRoom() {
    while (true) {
      Channel oldest;
      synchronized (this) {
        Iterator<Channel> first = waiting.iterator();
        if (!first.hasNext()) {
          return false;
        }
        oldest = first.next();
        first.remove();
      }
      Watch watch = oldest.attr(WATCH).getAndSet(null);
      if (watch != null) {
        cancel(watch);
        log.debug("closing {}, the connection waiting longest to sign in, to make room for a new one", oldest);
        oldest.close();
        return true;
      }
    }
  }

  private void expire(Channel channel) {
    if (channel.attr(WATCH).get() != null) {
      log.debug("closing {}: it did not sign in within {} ms", channel, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      channel.close();
    }
  }

  private static void forget(Channel channel) {
    Watch watch = channel.attr(WATCH).getAndSet(null);
    if (watch != null) {
      synchronized (watch.owner()) {
        watch.owner().waiting.remove(channel);
      }
      cancel(watch);
    }
  }

  private static void cancel(Watch watch) {
    if (watch.deadline() != null) {
      watch.deadline().cancel(false);
    }
  }
}
