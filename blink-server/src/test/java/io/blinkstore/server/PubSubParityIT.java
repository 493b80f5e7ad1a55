package io.blinkstore.server;


import io.blinkstore.server.ParitySteps.Step;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's publish/subscribe against a real {@code redis-server} (as {@link RedisParityIT}), over two
 * connections to each server, a subscriber and a publisher: each step sends one request on one of them and reads
 * the replies it gives on each (the publisher's count, the subscriber's messages), byte for byte, in RESP2 and
 * RESP3. Channels are unsubscribed all at once only where the connection has one: Redis lists a connection's
 * channels (and {@code PUBSUB CHANNELS} the server's) in its hash table's order. Skipped where
 * {@code redis-server} is not installed.
 */
@Timeout(60)
class PubSubParityIT {
  private static final int SUBSCRIBER = 0;
  private static final int PUBLISHER = 1;

  /** On the subscriber, which reads {@code replies} replies. */
  private static Step s(int replies, String... request) {
    return new Step(SUBSCRIBER, List.of(request), new int[] {replies, 0});
  }

  /** On the publisher, which reads one reply, and the subscriber {@code messages}. */
  private static Step p(int messages, String... request) {
    return new Step(PUBLISHER, List.of(request), new int[] {messages, 1});
  }

  private static final List<Step> RESP2 = List.of(
      s(1, "SUBSCRIBE"),
      s(1, "UNSUBSCRIBE"),
      s(1, "PUNSUBSCRIBE"),
      s(1, "SUNSUBSCRIBE"),
      s(1, "PSUBSCRIBE"),
      s(1, "SSUBSCRIBE"),
      s(1, "PING"),
      s(2, "SUBSCRIBE", "news", "sport"),
      s(1, "SUBSCRIBE", "news"),
      s(1, "PING"),
      s(1, "PING", "hi"),
      s(1, "PING", "a", "b"),
      s(1, "GET", "k"),
      s(1, "CLIENT", "ID"),
      s(1, "NOSUCHCOMMAND"),
      s(1, "CLIENT", "NOSUCH"),
      s(1, "PUBLISH", "news", "x"),
      s(1, "MULTI"),
      s(1, "HELLO"),
      s(1, "SUBSCRIBE"),
      s(1, "PSUBSCRIBE", "n*"),
      s(1, "PSUBSCRIBE", "n*"),
      s(1, "SSUBSCRIBE", "shard"),
      s(1, "SSUBSCRIBE", "shard"),
      p(2, "PUBLISH", "news", "hello"),
      p(1, "PUBLISH", "nx", "matched by the pattern"),
      p(1, "PUBLISH", "sport", ""),
      p(0, "PUBLISH", "other", "x"),
      p(1, "SPUBLISH", "shard", "to the shard"),
      p(0, "SPUBLISH", "news", "x"),
      p(0, "PUBLISH", "shard", "x"),
      p(0, "PUBLISH", "news"),
      p(0, "SPUBLISH", "shard"),
      p(0, "PUBSUB", "CHANNELS", "news"),
      p(0, "PUBSUB", "CHANNELS", "s*"),
      p(0, "PUBSUB", "CHANNELS", "nothing*"),
      p(0, "PUBSUB", "CHANNELS", "a", "b"),
      p(0, "PUBSUB", "NUMSUB", "news", "sport", "missing", "shard"),
      p(0, "PUBSUB", "NUMSUB"),
      p(0, "PUBSUB", "NUMPAT"),
      p(0, "PUBSUB", "NUMPAT", "x"),
      p(0, "PUBSUB", "SHARDCHANNELS"),
      p(0, "PUBSUB", "SHARDCHANNELS", "sh*"),
      p(0, "PUBSUB", "SHARDCHANNELS", "x*"),
      p(0, "PUBSUB", "SHARDCHANNELS", "a", "b"),
      p(0, "PUBSUB", "SHARDNUMSUB", "shard", "news"),
      p(0, "PUBSUB", "SHARDNUMSUB"),
      p(0, "PUBSUB", "HELP"),
      p(0, "PUBSUB", "help", "x"),
      p(0, "PUBSUB"),
      p(0, "PUBSUB", "NOSUCH"),
      p(0, "pubsub", "channels", "NEWS"),
      p(0, "COMMAND", "INFO", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "ssubscribe",
          "sunsubscribe", "spublish", "pubsub|channels", "pubsub|numsub", "pubsub|numpat", "pubsub|shardchannels",
          "pubsub|shardnumsub", "pubsub|help"),
      p(0, "COMMAND", "GETKEYS", "SPUBLISH", "ch", "m"),
      p(0, "COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"),
      p(0, "COMMAND", "GETKEYS", "PUBLISH", "ch", "m"),
      p(0, "COMMAND", "DOCS", "publish", "ssubscribe", "pubsub|numsub"),
      s(1, "UNSUBSCRIBE", "news"),
      s(1, "UNSUBSCRIBE", "never"),
      p(1, "PUBLISH", "news", "only the pattern now"),
      s(1, "PUNSUBSCRIBE"),
      s(1, "PUNSUBSCRIBE", "n*"),
      s(1, "UNSUBSCRIBE"),
      s(1, "GET", "k"),
      s(1, "SUNSUBSCRIBE", "other"),
      s(1, "SUNSUBSCRIBE"),
      s(1, "GET", "k"),
      s(1, "PING"),
      p(0, "PUBSUB", "NUMSUB", "news", "sport"),
      p(0, "PUBSUB", "NUMPAT"),
      p(0, "PUBSUB", "SHARDCHANNELS"),
      s(3, "PSUBSCRIBE", "a*", "b?", "[c]"),
      p(1, "PUBLISH", "bx", "1"),
      s(3, "PUNSUBSCRIBE"),
      s(1, "SUBSCRIBE", "bin\u0000ary\u00e9"),
      p(1, "PUBLISH", "bin\u0000ary\u00e9", "\u0000 binary"),
      s(1, "RESET"),
      p(0, "PUBSUB", "NUMSUB", "bin\u0000ary\u00e9"),
      s(1, "SET", "k", "v"),
      s(1, "MULTI"),
      s(1, "SUBSCRIBE", "tx"),
      s(1, "PUBLISH", "tx", "from the transaction"),
      s(1, "SSUBSCRIBE", "sx"),
      s(2, "EXEC"),
      s(1, "GET", "k"),
      s(1, "UNSUBSCRIBE", "tx"),
      s(1, "EVAL", "return redis.call('publish', 'sc', 'from a script')", "0"),
      s(1, "EVAL", "return redis.call('subscribe', 'sc')", "0"),
      s(1, "SUBSCRIBE", "q"),
      s(1, "QUIT"));

  /** After {@code HELLO 3}: pushes, and a subscribed connection runs anything. */
  private static final List<Step> RESP3 = List.of(
      s(1, "HELLO", "3"),
      s(1, "UNSUBSCRIBE"),
      s(2, "SUBSCRIBE", "news", "sport"),
      s(1, "PSUBSCRIBE", "n*"),
      s(1, "SSUBSCRIBE", "shard"),
      s(1, "PING"),
      s(1, "PING", "hi"),
      s(1, "SET", "k", "v"),
      s(1, "GET", "k"),
      p(2, "PUBLISH", "news", "hello"),
      p(1, "SPUBLISH", "shard", "to the shard"),
      s(2, "PUBLISH", "sport", "to myself"),
      s(3, "PUBLISH", "news", "to myself twice"),
      s(2, "SPUBLISH", "shard", "to my shard"),
      s(1, "PUBLISH", "other", "to nobody"),
      s(0, "CLIENT", "REPLY", "OFF"),
      s(1, "SUBSCRIBE", "quiet"),
      s(0, "GET", "k"),
      p(1, "PUBLISH", "quiet", "heard"),
      s(1, "PUBLISH", "quiet", "heard, not counted"),
      s(1, "CLIENT", "REPLY", "ON"),
      s(1, "MULTI"),
      s(1, "PUBLISH", "sport", "inside"),
      s(1, "GET", "k"),
      s(2, "EXEC"),
      s(2, "EVAL", "return redis.call('publish', 'sport', 'from my script')", "0"),
      s(1, "UNSUBSCRIBE", "news"),
      s(1, "UNSUBSCRIBE", "quiet"),
      s(1, "PUNSUBSCRIBE"),
      s(1, "SUNSUBSCRIBE"),
      s(1, "HELLO", "2"),
      s(1, "GET", "k"),
      p(1, "PUBLISH", "sport", "back in RESP2"),
      s(1, "HELLO", "3"),
      s(1, "GET", "k"),
      s(1, "RESET"),
      s(1, "GET", "k"),
      p(0, "PUBLISH", "sport", "x"),
      s(1, "QUIT"));

  @TempDir
  Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void publishSubscribeAndTheirErrorsMatchRedisByteForByteInRespTwo() throws Exception {
    ParitySteps.assertStepsMatchRedis(dir, redis.socket(), RESP2, PubSubParityIT::replies);
  }

  @Test
  void publishSubscribeMatchRedisByteForByteInRespThree() throws Exception {
    ParitySteps.assertStepsMatchRedis(dir, redis.socket(), RESP3, PubSubParityIT::replies);
  }

  /** Each step's replies on the server at {@code address}: the sender's, then the other connection's. */
  private static List<String> replies(SocketAddress address, List<Step> steps) throws Exception {
    List<String> replies = new ArrayList<>();
    try (ParitySteps.Connections connections = new ParitySteps.Connections(address, "subscriber", "publisher")) {
      for (Step step : steps) {
        replies.add(connections.run(step, step.request().toArray(String[]::new)));
      }
      if (steps.get(steps.size() - 1).request().get(0).equals("QUIT")) {
        connections.get(SUBSCRIBER).assertEndOfStream();
      }
    }
    return replies;
  }
}
