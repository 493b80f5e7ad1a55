package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * {@code CLIENT LIST}, {@code CLIENT INFO}, {@code CLIENT KILL} and {@code CLIENT NO-EVICT} over the RESP
 * connections open now (those {@link Dispatcher#newClient} was given a {@link ClientConnection} for), with Redis
 * 7.0's line of fields and its errors. Every client is of type {@code normal} ({@code pubsub} while it subscribes to
 * something, {@code slave} once it is a replica, as in Redis); {@code user=} is the ACL user it runs as.
 */
final class RespClientCommands {
  private static final Result.Error NO_SUCH_CLIENT = Result.error("No such client");

  /** {@code CLIENT HELP}: Redis 7.0's lines for the subcommands built here, in its order ({@code networking.c}). */
  private static final java.util.List<String> HELP = java.util.List.of(
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.");
  private static final Result.Error UNBLOCKED =
      new Result.Error(ErrorKind.UNBLOCKED, "client unblocked via CLIENT UNBLOCK");
  private static final Result.Error UNBLOCK_REASON = Result.error("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");

  private final Map<Long, ClientState> clients;
  private final ClientPause pause;
  private final BlockedClients blocked;

  private final AclUsers users;

  RespClientCommands(Map<Long, ClientState> clients, ClientPause pause, BlockedClients blocked, AclUsers users) {
    this.clients = clients;
    this.users = users;
    this.pause = pause;
    this.blocked = blocked;
  }

  void register(CommandTable table) {
    table.add("client|list", -2, Keys.NONE, this::list, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("client|help", 2, Keys.NONE, (client, args) -> RespObjectCommands.help(args, HELP), LOADING, STALE);
    table.add("client|info", 2, Keys.NONE,
        (client, args) -> new Result.Verbatim("txt", line(client, client, args) + "\n"),
        NOSCRIPT, LOADING, STALE);
    table.add("client|kill", -3, Keys.NONE, this::kill, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("client|no-evict", 3, Keys.NONE, RespClientCommands::noEvict, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("client|reply", 3, Keys.NONE, RespClientCommands::reply, NOSCRIPT, LOADING, STALE);
    table.add("client|pause", -3, Keys.NONE, pause::pause, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("client|unpause", 2, Keys.NONE, pause::unpause, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("client|unblock", -3, Keys.NONE, this::unblock, ADMIN, NOSCRIPT, LOADING, STALE);
  }

  /**
   * {@code CLIENT UNBLOCK id [TIMEOUT|ERROR]}: ends the blocking pop or {@code WAIT} client {@code id} waits in,
   * answered as at its timeout or with Redis's {@code -UNBLOCKED} error; 1 if it was blocked, else 0.
   */
  private Result unblock(ClientState self, byte[][] args) {
    if (args.length > 4) {
      return Result.error("unknown subcommand or wrong number of arguments for '" + Arguments.text(args[1])
          + "'. Try CLIENT HELP.");
    }
    boolean asError = false;
    if (args.length == 4) {
      switch (Arguments.lowerCase(args[3])) {
        case "timeout" -> asError = false;
        case "error" -> asError = true;
        default -> {
          return UNBLOCK_REASON;
        }
      }
    }
    Long id = Arguments.integer(args[2]);
    if (id == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    ClientState client = clients.get(id);
    boolean ended = client != null
        && (asError ? blocked.unblock(client, UNBLOCKED) : blocked.unblockAsTimedOut(client));
    return new Result.Int(ended ? 1 : 0);
  }

  /**
   * {@code CLIENT REPLY ON|OFF|SKIP}: whether the connection's replies are sent ({@link ClientState#replyDropped});
   * {@code ON} answers {@code +OK}, the others nothing.
   */
  private static Result reply(ClientState client, byte[][] args) {
    switch (Arguments.lowerCase(args[2])) {
      case "on" -> client.repliesOn();
      case "off" -> client.repliesOff();
      case "skip" -> client.skipNextReply();
      default -> {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    return Result.OK;
  }

  /** {@code CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id...]}: a line per connection. */
  private Result list(ClientState self, byte[][] args) {
    StringBuilder lines = new StringBuilder();
    if (args.length == 4 && Arguments.lowerCase(args[2]).equals("type")) {
      Result refused = unknownType(args[3]);
      if (refused != null) {
        return refused;
      }
      String type = asked(args[3]);
      clients.values().stream().filter(client -> type(client).equals(type))
          .forEach(client -> lines.append(line(client, self, args)).append('\n'));
    } else if (args.length > 3 && Arguments.lowerCase(args[2]).equals("id")) {
      for (int i = 3; i < args.length; i++) {
        Long id = Arguments.integer(args[i]);
        if (id == null) {
          return Result.error("Invalid client ID");
        }
        ClientState client = clients.get(id);
        if (client != null) {
          lines.append(line(client, self, args)).append('\n');
        }
      }
    } else if (args.length != 2) {
      return RespKeyCommands.SYNTAX_ERROR;
    } else {
      clients.values().forEach(client -> lines.append(line(client, self, args)).append('\n'));
    }
    return new Result.Verbatim("txt", lines.toString());
  }

  /**
   * The client's type as Redis names it: {@code slave} for a replica ({@code SYNC}/{@code PSYNC}), {@code pubsub}
   * while it subscribes to something, else {@code normal}.
   */
  private static String type(ClientState client) {
    return client.replica() ? "slave" : client.subscriptions().any() ? "pubsub" : "normal";
  }

  /** A type asked for ({@code TYPE replica} is {@code slave}), as {@link #type} names it. */
  private static String asked(byte[] type) {
    String name = Arguments.lowerCase(type);
    return name.equals("replica") ? "slave" : name;
  }

  /** Redis's error for a client type it does not know, or null for one it does. */
  private static @Nullable Result unknownType(byte[] type) {
    return switch (Arguments.lowerCase(type)) {
      case "normal", "master", "replica", "slave", "pubsub" -> null;
      default -> Result.error("Unknown client type '" + Arguments.text(type) + "'");
    };
  }

  /**
   * Redis 7.0's fields, in its order, for {@code client} as {@code self} sees it while it runs {@code args}. What has
   * no counterpart here is as a Redis client that has none; {@code fd} is -1 (the
   * JVM does not show it). {@code qbuf} and {@code argv-mem} are the bytes of the request being run and of its
   * arguments: {@code self}'s own {@code CLIENT LIST}/{@code INFO} (Redis: its query buffer, which holds that
   * request then), 0 for a connection between requests (a request still arriving counts in {@code tot-mem}); the
   * buffers' free space and sizes ({@code qbuf-free}, {@code rbs}, {@code rbp}, {@code obl}, {@code oll}) are 0.
   * {@code multi} is the number of commands queued in {@code MULTI} (-1 outside), {@code multi-mem} what they count
   * in the client memory; {@code omem} is the replies waiting for the client and {@code tot-mem} all it holds
   * against {@code --max-client-memory}.
   */
  static String line(ClientState client, ClientState self, byte[][] args) {
    ClientConnection connection = client.connection();
    long now = System.currentTimeMillis();
    byte[] name = client.name();
    String command = client.lastCommand();
    Transaction transaction = client.transaction();
    long argvBytes = 0;
    long requestBytes = 0;
    if (client == self) {
      requestBytes = 3 + Long.toString(args.length).length();
      for (byte[] arg : args) {
        argvBytes += arg.length;
        requestBytes += 5 + Integer.toString(arg.length).length() + arg.length;
      }
    }
    return "id=" + client.id() + " addr=" + connection.address() + " laddr=" + connection.localAddress()
        + " fd=-1 name=" + (name == null ? "" : new String(name, StandardCharsets.ISO_8859_1))
        + " age=" + (now - client.createdMillis()) / 1000 + " idle=" + (now - client.lastCommandMillis()) / 1000
        + " flags=" + flags(client) + " db=" + client.db() + " sub=" + client.subscriptions().channels()
        + " psub=" + client.subscriptions().patterns() + " ssub=" + client.subscriptions().shardChannels() + " multi="
        + (transaction == null ? -1 : transaction.commands().size()) + " qbuf=" + requestBytes
        + " qbuf-free=0 argv-mem=" + argvBytes + " multi-mem=" + (transaction == null ? 0 : transaction.bytes())
        + " rbs=0 rbp=0 obl=0 oll=0 omem=" + connection.replyBytes()
        + " tot-mem=" + connection.heldBytes() + " events=r cmd=" + (command == null ? "NULL" : command)
        + " user=" + client.user().name() + " redir=" + redirect(client.tracking())
        + " resp=" + client.protocol();
  }

  /** {@code redir=}: where a tracking connection's invalidations go (0: itself), -1 if it does not track. */
  private static long redirect(@Nullable TrackingMode tracking) {
    return tracking == null ? -1 : tracking.redirect;
  }

  private static String flags(ClientState client) {
    TrackingMode tracking = client.tracking();
    String flags = (client.replica() ? "S" : "") + (client.monitoring() ? "O" : "")
        + (client.subscriptions().any() ? "P" : "")
        + (tracking == null ? "" : "t" + (tracking.brokenRedirect ? "R" : "") + (tracking.bcast ? "B" : ""))
        + (client.closing() ? "c" : "") + (client.connection().unixSocket() ? "U" : "") + (client.evictLast() ? "e" : "");
    return flags.isEmpty() ? "N" : flags;
  }

  /**
   * {@code CLIENT KILL addr:port} (the old form: {@code +OK} or {@code No such client}, and it may close the
   * caller itself) or {@code CLIENT KILL [ID id] [TYPE type] [ADDR addr] [LADDR addr] [USER name] [SKIPME yes|no]}
   * (the number closed; the caller is skipped unless {@code SKIPME no}). The caller itself is closed once the
   * reply is written, as in Redis.
   */
  private Result kill(ClientState self, byte[][] args) {
    if (args.length == 3) {
      String addr = Arguments.text(args[2]);
      return close(self, client -> client.connection().address().equals(addr), false) == 0 ? NO_SUCH_CLIENT
          : Result.OK;
    }
    Predicate<ClientState> matches = client -> true;
    boolean skipMe = true;
    for (int i = 2; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      String value = Arguments.text(args[i + 1]);
      switch (Arguments.lowerCase(args[i])) {
        case "id" -> {
          Long id = Arguments.integer(args[i + 1]);
          if (id == null || id < 1) {
            return Result.error("client-id should be greater than 0");
          }
          matches = matches.and(client -> client.id() == id);
        }
        case "type" -> {
          Result refused = unknownType(args[i + 1]);
          if (refused != null) {
            return refused;
          }
          String type = asked(args[i + 1]);
          matches = matches.and(client -> type(client).equals(type));
        }
        case "addr" -> matches = matches.and(client -> client.connection().address().equals(value));
        case "laddr" -> matches = matches.and(client -> client.connection().localAddress().equals(value));
        case "user" -> {
          AclUser user = users.get(value);
          if (user == null) {
            return Result.error("No such user '" + value + "'");
          }
          matches = matches.and(client -> client.user() == user);
        }
        case "skipme" -> {
          String yesNo = Arguments.lowerCase(args[i + 1]);
          if (!yesNo.equals("yes") && !yesNo.equals("no")) {
            return RespKeyCommands.SYNTAX_ERROR;
          }
          skipMe = yesNo.equals("yes");
        }
        default -> {
          return RespKeyCommands.SYNTAX_ERROR;
        }
      }
    }
    return new Result.Int(close(self, matches, skipMe));
  }

  private int close(ClientState self, Predicate<ClientState> matches, boolean skipMe) {
    int closed = 0;
    for (ClientState client : clients.values()) {
      if (!matches.test(client) || (client == self && skipMe)) {
        continue;
      }
      if (client == self) {
        self.closeAfterReply();
      } else {
        client.connection().close();
      }
      closed++;
    }
    return closed;
  }

  /**
   * {@code CLIENT NO-EVICT ON|OFF}: unlike Redis, where such a client is never evicted, it is evicted last: only
   * once no other connection holds anything does {@code --max-client-memory} close it, so that no client can take
   * itself out of the bound that keeps the server's memory.
   */
  private static Result noEvict(ClientState client, byte[][] args) {
    switch (Arguments.lowerCase(args[2])) {
      case "on" -> client.evictLast(true);
      case "off" -> client.evictLast(false);
      default -> {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    return Result.OK;
  }
}
