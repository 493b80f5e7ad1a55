package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parity over several connections, one request at a time ({@link PipelinedParity} is the one-connection form): each
 * {@link Step} sends one request on one connection and reads the replies it gives on each connection (a reply, the
 * pushes or pub/sub messages it caused) before the next step is sent, so that what one connection does happens
 * between two requests of another on both servers. The same steps run against our server and {@code redis-server},
 * and each step's replies are compared byte for byte.
 */
final class ParitySteps {
  private ParitySteps() {}

  /**
   * One request on connection {@code on}, and how many replies each connection reads after it ({@code replies}, by
   * connection index): the sender's first, then the others' in index order.
   */
  record Step(int on, List<String> request, int[] replies) {
    /** On {@code on} of {@code connections}, which reads one reply; the others read nothing. */
    static Step one(int on, int connections, String... request) {
      int[] replies = new int[connections];
      replies[on] = 1;
      return new Step(on, List.of(request), replies);
    }
  }

  /** Connections to one server, each named in what it reads. */
  static final class Connections implements AutoCloseable {
    private final List<LineClient> clients = new ArrayList<>();
    private final String[] names;

    /** Opens one connection per name to {@code address}. */
    Connections(SocketAddress address, String... names) throws Exception {
      this.names = names;
      try {
        for (int i = 0; i < names.length; i++) {
          clients.add(LineClient.connect(address));
        }
      } catch (Exception e) {
        close();
        throw e;
      }
    }

    LineClient get(int connection) {
      return clients.get(connection);
    }

    /** Sends one request on {@code connection} and returns its one reply. */
    String send(int connection, String... request) throws Exception {
      clients.get(connection).send(RespIT.resp(request));
      return RespIT.readReply(clients.get(connection));
    }

    /** Sends {@code request} (the step's, or a rewriting of it) on the step's connection and reads its replies. */
    String run(Step step, String[] request) throws Exception {
      clients.get(step.on()).send(RespIT.resp(request));
      StringBuilder reply = new StringBuilder();
      read(step.on(), step.replies()[step.on()], reply);
      for (int c = 0; c < clients.size(); c++) {
        if (c != step.on()) {
          read(c, step.replies()[c], reply);
        }
      }
      return reply.toString();
    }

    private void read(int connection, int replies, StringBuilder into) throws Exception {
      for (int i = 0; i < replies; i++) {
        into.append(names[connection]).append(": ").append(RespIT.readReply(clients.get(connection)));
      }
    }

    @Override
    public void close() throws Exception {
      for (LineClient client : clients) {
        client.close();
      }
    }
  }

  /** Each step's replies on the server at {@code address}, over connections named {@code names}. */
  static List<String> replies(SocketAddress address, List<Step> steps, String... names) throws Exception {
    List<String> replies = new ArrayList<>();
    try (Connections connections = new Connections(address, names)) {
      for (Step step : steps) {
        replies.add(connections.run(step, step.request().toArray(String[]::new)));
      }
    }
    return replies;
  }

  /** A server's replies to {@code steps}, step by step, read by a test's own connections to {@code address}. */
  @FunctionalInterface
  interface StepReplies {
    List<String> of(SocketAddress address, List<Step> steps) throws Exception;
  }

  /**
   * Asserts that a server of ours started in {@code dir} gives the replies the redis-server on {@code socket} gives
   * to {@code steps}, each server's read by {@code replies} ({@link #assertSameReplies}).
   */
  static void assertStepsMatchRedis(Path dir, Path socket, List<Step> steps, StepReplies replies) throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      assertSameReplies(replies.of(UnixDomainSocketAddress.of(socket), steps),
          replies.of(UnixDomainSocketAddress.of(server.unixPath()), steps), steps);
    }
  }

  /** Asserts that every step but {@code HELLO}s (whose server fields differ) got the same replies from both. */
  static void assertSameReplies(List<String> expected, List<String> actual, List<Step> steps) {
    for (int i = 0; i < steps.size(); i++) {
      String request = String.join(" ", steps.get(i).request());
      if (!request.startsWith("HELLO")) {
        assertEquals(expected.get(i), actual.get(i), "step " + i + " on " + steps.get(i).on() + ": " + request);
      }
    }
  }

  /**
   * Runs {@code steps} (each on one connection, reading its one reply) on {@code connections} connections to a
   * server of ours started in {@code dir} and to the redis-server on {@code socket}, step by step on both, every
   * connection in RESP3 first if {@code resp3}.
   */
  static void assertRepliesMatch(Path dir, Path socket, List<Step> steps, int connections, boolean resp3)
      throws Exception {
    String[] names = new String[connections];
    for (int i = 0; i < connections; i++) {
      names[i] = Integer.toString(i);
    }
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        Connections ours = new Connections(UnixDomainSocketAddress.of(server.unixPath()), names);
        Connections theirs = new Connections(UnixDomainSocketAddress.of(socket), names)) {
      if (resp3) {
        for (int i = 0; i < connections; i++) {
          theirs.send(i, "HELLO", "3");
          ours.send(i, "HELLO", "3");
        }
      }
      for (Step step : steps) {
        String[] request = step.request().toArray(String[]::new);
        assertEquals(theirs.run(step, request), ours.run(step, request),
            step.on() + ": " + String.join(" ", request));
      }
    }
  }
}
