package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One connection's pub/sub subscriptions, as Redis keeps them on its client: the channels ({@code SUBSCRIBE}),
 * the patterns ({@code PSUBSCRIBE}) and the shard channels ({@code SSUBSCRIBE}), each in the order subscribed.
 * Changed on the connection's event loop only; the counts are read by {@code CLIENT LIST} from any.
 */
final class Subscriptions {
  /** A channel or pattern name: its bytes, compared and hashed by content. */
  record Name(byte[] bytes) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Name name && Arrays.equals(bytes, name.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return Arguments.text(bytes);
    }
  }

  /** Redis's three kinds of subscription; each kind is a namespace of its own. */
  enum Kind {
    CHANNEL("subscribe", "unsubscribe", "message"),
    PATTERN("psubscribe", "punsubscribe", "pmessage"),
    SHARD("ssubscribe", "sunsubscribe", "smessage");

    final Result subscribed;
    final Result unsubscribed;
    final Result message;

    Kind(String subscribed, String unsubscribed, String message) {
      this.subscribed = Result.bulk(subscribed);
      this.unsubscribed = Result.bulk(unsubscribed);
      this.message = Result.bulk(message);
    }
  }

  private final List<LinkedHashSet<Name>> byKind =
      List.of(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
  private volatile int channels;
  private volatile int patterns;
  private volatile int shardChannels;

  /** Adds {@code name} to the subscriptions of {@code kind}; false if it was there. */
  boolean add(Kind kind, Name name) {
    boolean added = byKind.get(kind.ordinal()).add(name);
    recount();
    return added;
  }

  /** Removes {@code name} from the subscriptions of {@code kind}; false if it was not there. */
  boolean remove(Kind kind, Name name) {
    boolean removed = byKind.get(kind.ordinal()).remove(name);
    recount();
    return removed;
  }

  /** The names subscribed of {@code kind}, in the order subscribed (a copy). */
  List<Name> names(Kind kind) {
    return new ArrayList<>(byKind.get(kind.ordinal()));
  }

  private void recount() {
    channels = byKind.get(Kind.CHANNEL.ordinal()).size();
    patterns = byKind.get(Kind.PATTERN.ordinal()).size();
    shardChannels = byKind.get(Kind.SHARD.ordinal()).size();
  }

  /**
   * The count a confirmation of {@code kind} reports, as Redis: channels and patterns together, shard channels
   * apart.
   */
  int count(Kind kind) {
    return kind == Kind.SHARD ? shardChannels : channels + patterns;
  }

  /** Whether it subscribes to anything: Redis's pub/sub context ({@code CLIENT_PUBSUB}). */
  boolean any() {
    return channels + patterns + shardChannels > 0;
  }

  /** {@code CLIENT LIST}'s {@code sub=}. */
  int channels() {
    return channels;
  }

  /** {@code CLIENT LIST}'s {@code psub=}. */
  int patterns() {
    return patterns;
  }

  /** {@code CLIENT LIST}'s {@code ssub=}. */
  int shardChannels() {
    return shardChannels;
  }
}
