package io.blinkstore.server.command;

import io.blinkstore.server.command.Subscriptions.Kind;
import io.blinkstore.server.command.Subscriptions.Name;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The server's pub/sub registry, as Redis's {@code server.pubsub_channels}, {@code pubsub_patterns} and
 * {@code pubsubshard_channels}: for each channel, pattern and shard channel, the connections subscribed to it
 * (an entry lives while one is), and the delivery of a published message to them.
 *
 * <p>Subscriptions change on the subscriber's event loop, publishing runs on the publisher's: the maps are
 * concurrent, and a message is handed to each subscriber's {@link ClientConnection#push}, which writes it on
 * that subscriber's event loop, in the order one publisher sent them, and closes a subscriber that has more than
 * {@code maxPendingBytes} of messages and replies waiting for it (its output cap; Redis's
 * {@code client-output-buffer-limit pubsub}). What each subscription costs is counted in the subscriber's
 * {@link ConnectionMemory} ({@link #SUBSCRIPTION_BYTES} and its name), so that {@code --max-client-memory} bounds
 * the tables as it bounds every other thing clients make the server hold.
 */
final class PubSubChannels {
  /**
   * What one subscription holds besides its name, as counted against the client-memory bound: an entry in the
   * connection's set, one in the channel's set of subscribers, and the channel's entry in the registry.
   */
  static final long SUBSCRIPTION_BYTES = 160;

  private final List<Map<Name, Set<ClientState>>> byKind =
      List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
  private final long maxPendingBytes;

  /** Subscribers with more than {@code maxPendingBytes} of messages and replies waiting are closed. */
  PubSubChannels(long maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
  }

  private Map<Name, Set<ClientState>> map(Kind kind) {
    return byKind.get(kind.ordinal());
  }

  /** Subscribes {@code client} to {@code name} of {@code kind}; false if it already was. */
  boolean subscribe(ClientState client, Kind kind, Name name) {
    if (!client.subscriptions().add(kind, name)) {
      return false;
    }
    map(kind).compute(name, (key, subscribers) -> {
      Set<ClientState> set = subscribers != null ? subscribers : ConcurrentHashMap.newKeySet();
      set.add(client);
      return set;
    });
    client.account().addRequests(SUBSCRIPTION_BYTES + name.bytes().length);
    return true;
  }

  /** Unsubscribes {@code client} from {@code name} of {@code kind}; false if it was not subscribed. */
  boolean unsubscribe(ClientState client, Kind kind, Name name) {
    if (!client.subscriptions().remove(kind, name)) {
      return false;
    }
    map(kind).computeIfPresent(name, (key, subscribers) -> {
      subscribers.remove(client);
      return subscribers.isEmpty() ? null : subscribers;
    });
    client.account().addRequests(-SUBSCRIPTION_BYTES - name.bytes().length);
    return true;
  }

  /** Ends every subscription of {@code client} (a closed connection, {@code RESET}), telling it nothing. */
  void unsubscribeAll(ClientState client) {
    for (Kind kind : Kind.values()) {
      for (Name name : client.subscriptions().names(kind)) {
        unsubscribe(client, kind, name);
      }
    }
  }

  /**
   * Sends {@code message} on {@code channel} to its subscribers, then, unless it is a shard channel, to those of
   * every pattern it matches (Redis's order); returns how many were sent. What goes to {@code publisher} itself is
   * added to {@code toPublisher} instead, for its reply to carry before the count, where Redis writes it (inside an
   * {@code EXEC}'s array too); a {@code null} publisher (the server's keyspace notifications) has none.
   */
  int publish(@Nullable ClientState publisher, boolean shard, byte[] channel, byte[] message,
      List<Result> toPublisher) {
    Kind kind = shard ? Kind.SHARD : Kind.CHANNEL;
    Result.Bulk channelBulk = new Result.Bulk(channel);
    Result.Bulk messageBulk = new Result.Bulk(message);
    int receivers = 0;
    Set<ClientState> subscribers = map(kind).get(new Name(channel));
    if (subscribers != null) {
      Result.Push push = new Result.Push(List.of(kind.message, channelBulk, messageBulk));
      for (ClientState subscriber : subscribers) {
        if (deliver(publisher, subscriber, push, toPublisher)) {
          receivers++;
        }
      }
    }
    if (shard) {
      return receivers;
    }
    for (Map.Entry<Name, Set<ClientState>> pattern : map(Kind.PATTERN).entrySet()) {
      if (!GlobPattern.matches(pattern.getKey().bytes(), channel)) {
        continue;
      }
      Result.Push push =
          new Result.Push(List.of(Kind.PATTERN.message, new Result.Bulk(pattern.getKey().bytes()), channelBulk,
              messageBulk));
      for (ClientState subscriber : pattern.getValue()) {
        if (deliver(publisher, subscriber, push, toPublisher)) {
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** Sends {@code push} to {@code subscriber}; false if it is being closed (it no longer counts as a receiver). */
  private boolean deliver(@Nullable ClientState publisher, ClientState subscriber, Result.Push push,
      List<Result> toPublisher) {
    if (subscriber == publisher) {
      toPublisher.add(push);
      return true;
    }
    return subscriber.connection().push(push, subscriber.replySize().bytes(push), maxPendingBytes);
  }

  /** The channels of {@code kind} with a subscriber whose names {@code wanted} accepts. */
  List<Name> names(Kind kind, Predicate<byte[]> wanted) {
    List<Name> names = new ArrayList<>();
    for (Name name : map(kind).keySet()) {
      if (wanted.test(name.bytes())) {
        names.add(name);
      }
    }
    return names;
  }

  /** The connections subscribed to {@code name} of {@code kind} ({@code PUBSUB NUMSUB}). */
  int subscribers(Kind kind, Name name) {
    Set<ClientState> subscribers = map(kind).get(name);
    return subscribers == null ? 0 : subscribers.size();
  }

  /** How many channels (or patterns, shard channels) of {@code kind} have a subscriber. */
  int count(Kind kind) {
    return map(kind).size();
  }
}
