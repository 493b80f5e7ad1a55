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
 * Client-side caching ({@code CLIENT TRACKING} and its invalidations) against a real {@code redis-server} (as
 * {@link PubSubParityIT}), over three connections to each server: a tracking one, a writer, and one invalidations
 * are redirected to. Each step sends one request on one of them and reads the replies it gives on each (a reply,
 * the pushes or pub/sub messages it caused), byte for byte, in RESP3 and in RESP2 with a redirect. {@code $ID} in a
 * request is the redirect connection's id, and that id in the replies that name it ({@code GETREDIR},
 * {@code TRACKINGINFO}, {@code tracking-redir-broken}) reads {@code $ID} (the two servers number connections apart). Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class TrackingParityIT {
  private static final int TRACKER = 0;
  private static final int WRITER = 1;
  private static final int REDIRECT = 2;

  /** On the tracker, which reads {@code replies} replies. */
  private static Step t(int replies, String... request) {
    return new Step(TRACKER, List.of(request), new int[] {replies, 0, 0});
  }

  /** On the writer, which reads its reply; the tracker reads {@code pushes}. */
  private static Step w(int pushes, String... request) {
    return new Step(WRITER, List.of(request), new int[] {pushes, 1, 0});
  }

  /** On the writer, which reads its reply; the redirect connection reads {@code messages}. */
  private static Step wr(int messages, String... request) {
    return new Step(WRITER, List.of(request), new int[] {0, 1, messages});
  }

  /** On the redirect connection, which reads {@code replies}. */
  private static Step r(int replies, String... request) {
    return new Step(REDIRECT, List.of(request), new int[] {0, 0, replies});
  }

  private static final List<Step> RESP3 = List.of(
      t(1, "HELLO", "3"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "CLIENT", "GETREDIR"),
      t(1, "CLIENT", "CACHING", "YES"),
      t(1, "CLIENT", "TRACKING", "ON"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "CLIENT", "GETREDIR"),
      w(0, "SET", "a", "1"),
      t(1, "GET", "a"),
      t(1, "MGET", "a", "b", "c"),
      w(1, "SET", "b", "2"),
      w(1, "SET", "a", "2"),
      w(0, "SET", "a", "3"),
      w(0, "SET", "b", "3"),
      t(1, "GET", "a"),
      t(2, "SET", "a", "mine"),
      t(1, "HSET", "h", "f", "1"),
      t(1, "HGET", "h", "f"),
      t(2, "HDEL", "h", "f"),
      w(1, "SET", "c", "1"),
      t(1, "GET", "c"),
      w(1, "DEL", "c"),
      w(0, "DEL", "c"),
      t(1, "STRLEN", "s"),
      w(1, "APPEND", "s", "x"),
      t(1, "EXISTS", "e"),
      w(1, "INCR", "e"),
      t(1, "GET", "x"),
      t(1, "MULTI"),
      t(1, "GET", "x"),
      t(1, "SET", "x", "in a transaction"),
      t(2, "EXEC"),
      t(1, "GET", "r1"),
      w(1, "SET", "r1", "v"),
      t(1, "GET", "r1"),
      w(1, "RENAME", "r1", "r2"),
      t(1, "GET", "a"),
      w(1, "FLUSHALL"),
      w(1, "FLUSHDB"),
      t(1, "SELECT", "1"),
      t(1, "GET", "db"),
      w(1, "SET", "db", "written in db 0"),
      t(1, "SELECT", "0"),
      t(1, "CLIENT", "TRACKING", "ON", "PREFIX", "a"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST"),
      t(1, "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"),
      t(1, "CLIENT", "TRACKING", "MAYBE"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "0"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "x"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT"),
      t(1, "CLIENT", "TRACKING", "ON", "NOSUCH"),
      t(1, "CLIENT", "TRACKING"),
      t(1, "CLIENT", "CACHING", "YES"),
      t(1, "CLIENT", "CACHING", "NO"),
      t(1, "CLIENT", "CACHING", "MAYBE"),
      t(1, "CLIENT", "CACHING"),
      t(1, "CLIENT", "GETREDIR", "x"),
      t(1, "CLIENT", "TRACKINGINFO", "x"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "CACHING", "YES"),
      t(1, "CLIENT", "TRACKING", "ON", "OPTIN"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "GET", "o1"),
      t(1, "CLIENT", "CACHING", "YES"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "GET", "o2"),
      w(0, "SET", "o1", "v"),
      w(1, "SET", "o2", "v"),
      t(1, "CLIENT", "TRACKING", "ON", "OPTOUT"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "ON", "OPTOUT"),
      t(1, "CLIENT", "CACHING", "NO"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "GET", "p1"),
      t(1, "GET", "p2"),
      w(0, "SET", "p1", "v"),
      w(1, "SET", "p2", "v"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "ON", "NOLOOP"),
      t(1, "GET", "n"),
      t(1, "SET", "n", "mine, not told"),
      w(0, "SET", "n", "v"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b:", "PREFIX", "a:"),
      t(1, "CLIENT", "TRACKINGINFO"),
      w(2, "MSET", "a:1", "1", "b:1", "1", "c:1", "1", "a:0", "0"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "xy"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "xy", "PREFIX", "x"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
      t(1, "CLIENT", "TRACKING", "ON"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c:", "NOLOOP"),
      t(1, "CLIENT", "TRACKINGINFO"),
      w(1, "SET", "c:2", "v"),
      t(1, "SET", "a:2", "mine, not told"),
      w(1, "SET", "a:3", "v"),
      w(0, "SET", "d:1", "v"),
      t(1, "RESET"),
      t(1, "CLIENT", "TRACKINGINFO"),
      w(0, "SET", "a:4", "v"),
      t(1, "HELLO", "3"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST"),
      w(1, "SET", "anything", "v"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "$ID"),
      t(1, "CLIENT", "GETREDIR"),
      t(1, "GET", "k"),
      r(1, "QUIT"),
      w(1, "SET", "k", "v"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "PING"));

  /** RESP2: invalidations only through a redirect to a connection that subscribes. */
  private static final List<Step> RESP2 = List.of(
      t(1, "CLIENT", "TRACKING", "ON"),
      t(1, "GET", "a"),
      w(0, "SET", "a", "1"),
      t(1, "PING"),
      t(1, "CLIENT", "TRACKING", "ON", "REDIRECT", "$ID"),
      t(1, "GET", "a"),
      wr(0, "SET", "a", "2"),
      r(1, "SUBSCRIBE", "__redis__:invalidate"),
      t(1, "GET", "a"),
      t(1, "MGET", "b", "c"),
      wr(1, "SET", "a", "3"),
      wr(2, "MSET", "b", "1", "c", "1"),
      t(1, "GET", "a"),
      wr(1, "FLUSHALL"),
      t(1, "CLIENT", "TRACKING", "OFF"),
      t(1, "CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", "$ID", "PREFIX", "p"),
      wr(1, "MSET", "p1", "1", "q1", "1", "p2", "2"),
      t(1, "CLIENT", "TRACKINGINFO"),
      t(1, "RESET"),
      wr(0, "SET", "p3", "v"),
      r(1, "PING"));

  @TempDir
  Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void trackingAndItsInvalidationsMatchRedisByteForByteInRespThree() throws Exception {
    ParitySteps.assertStepsMatchRedis(dir, redis.socket(), RESP3, TrackingParityIT::replies);
  }

  @Test
  void invalidationsRedirectedToASubscriberMatchRedisByteForByteInRespTwo() throws Exception {
    ParitySteps.assertStepsMatchRedis(dir, redis.socket(), RESP2, TrackingParityIT::replies);
  }

  /** Each step's replies on the server at {@code address}: the sender's, then the others' (tracker, writer, redirect). */
  private static List<String> replies(SocketAddress address, List<Step> steps) throws Exception {
    List<String> replies = new ArrayList<>();
    try (ParitySteps.Connections connections =
        new ParitySteps.Connections(address, "tracker", "writer", "redirect")) {
      String id = connections.send(REDIRECT, "CLIENT", "ID").trim().substring(1);
      for (Step step : steps) {
        String[] request = step.request().stream().map(word -> word.equals("$ID") ? id : word)
            .toArray(String[]::new);
        String text = connections.run(step, request);
        if (step.on() == REDIRECT && request[0].equals("QUIT")) {
          awaitGone(connections.get(WRITER), id); // the server frees it after the reply: the next step must find it gone
        }
        boolean naming = String.join(" ", request).matches("CLIENT (GETREDIR|TRACKINGINFO)")
            || text.contains("tracking-redir-broken");
        replies.add(naming ? text.replace(":" + id + "\r", ":$ID\r") : text);
      }
    }
    return replies;
  }

  /** Asks {@code CLIENT LIST ID id} on {@code writer} (RESP2) until the connection is no longer listed. */
  private static void awaitGone(LineClient writer, String id) throws Exception {
    String list;
    do {
      writer.send(RespIT.resp("CLIENT", "LIST", "ID", id));
      list = RespIT.readReply(writer);
      if (!list.startsWith("$0\r")) {
        writer.readLine(); // the line ends with a newline of its own, which a reply read line by line leaves
      }
    } while (!list.startsWith("$0\r"));
  }
}
