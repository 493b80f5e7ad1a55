package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_AUTH;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.MemoryLimitControl;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The RESP connection and server commands: {@code PING}, {@code ECHO}, {@code QUIT}, {@code SELECT}, {@code AUTH},
 * {@code HELLO}, {@code CLIENT}, {@code CONFIG}, {@code COMMAND}, {@code TIME} and
 * {@code INFO}. They answer what Redis 7 answers where Blink Store has the same notion, and what a Redis with one
 * database, no password, no persistence answers elsewhere, so that redis-cli, redis-benchmark and client
 * libraries connect.
 */
public final class RespServerCommands {
  /** {@code CONFIG HELP}'s lines, Redis 7.0's. */
  private static final List<String> CONFIG_HELP = List.of(
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.");

  /** The Redis version whose RESP2 behaviour this server follows; reported where clients look for it. */
  static final String REDIS_VERSION = "7.0.0";

  static final Result.Error NO_PASSWORD = Result.error("AUTH <password> called without any password "
      + "configured for the default user. Are you sure your configuration is correct?");
  static final Result.Error WRONGPASS =
      new Result.Error("WRONGPASS invalid username-password pair or user is disabled.");
  static final Result.Error NOPROTO = new Result.Error("NOPROTO unsupported protocol version");
  static final Result.Error INVALID_NAME =
      Result.error("Client names cannot contain spaces, newlines or special characters.");

  /**
   * The longest client name ({@code CLIENT SETNAME}, {@code HELLO ... SETNAME}), in bytes: ours (Redis has none),
   * so that names cannot make a connection hold much; far above any name a client library sets.
   */
  static final int MAX_NAME_BYTES = 1024;

  static final Result.Error NAME_TOO_LONG =
      Result.error("Client names cannot be longer than " + MAX_NAME_BYTES + " bytes.");

  /** Redis 7's reply to a {@code HELLO} without {@code AUTH} from a connection that has not signed in. */
  static final Result.Error HELLO_NOAUTH = new Result.Error("NOAUTH HELLO must be called with the client"
      + " already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the"
      + " client and select the RESP protocol version at the same time");

  private final BlinkStore store;
  private final ServerCounters counters;
  private final AclUsers users;
  // Made by register(), which the dispatcher calls right after the constructor: INFO needs the command table.
  @SuppressWarnings("NullAway.Init")
  private ServerInfo info;
  /** Redis's reply to {@code CONFIG REWRITE} when started without a config file, as the server always is. */
  static final Result NO_CONFIG_FILE = Result.error("The server is running without a config file");

  /** {@code CONFIG GET} and {@code CONFIG SET}'s settings. */
  final ServerConfig config;
  private final RespDatabaseCommands databases;

  /**
   * The commands for {@code store}; {@code INFO} reports it and the server's {@code counters}, {@code AUTH}
   * signs connections in as {@code users}, and {@code CONFIG SET maxmemory} changes the store's
   * limit through {@code memoryLimit}, if not null.
   */
  RespServerCommands(BlinkStore store, @Nullable MemoryLimitControl memoryLimit, ServerCounters counters,
      AclUsers users, RespDatabaseCommands databases, int databaseCount) {
    this.store = store;
    this.databases = databases;
    this.counters = counters;
    this.users = users;
    this.config = new ServerConfig(store::memoryLimit, memoryLimit, counters);
    config.report(Map.of("databases", Integer.toString(databaseCount)));
  }

  /** Reports {@code cache}'s scripts and {@code functions}' libraries in {@code INFO memory}. */
  void scripts(ScriptCache cache, FunctionLibraries functions) {
    info.scripts(cache, functions);
  }

  /** The function libraries loaded now (none before {@link #scripts}): what a full sync's RDB carries. */
  List<FunctionLibraries.Library> functionLibraries() {
    return info.functionLibraries();
  }

  /** Reports {@code replication} in {@code INFO replication}. */
  void replication(Replication replication) {
    info.replication(replication::infoLines);
  }

  /** Reports {@code snapshots} in {@code INFO persistence}. */
  void snapshots(SnapshotService snapshots) {
    info.persistence(snapshots);
  }

  void register(CommandTable table) {
    info = new ServerInfo(store, counters, table, databases::keyspaceLines,
        () -> config.value("maxmemory-policy"));
    table.add("ping", -1, Keys.NONE, this::ping, FAST);
    table.add("echo", 2, Keys.NONE, (client, args) -> new Result.Bulk(args[1]), LOADING, STALE, FAST);
    table.add("quit", -1, Keys.NONE, this::quit, NO_AUTH, NOSCRIPT, LOADING, STALE, FAST,
        ALLOW_BUSY);
    table.add("auth", -2, Keys.NONE, this::auth, NO_AUTH, NOSCRIPT, LOADING, STALE, FAST,
        ALLOW_BUSY);
    table.add("hello", -1, Keys.NONE, this::hello, NO_AUTH, NOSCRIPT, LOADING, STALE, FAST,
        ALLOW_BUSY);
    table.add("info", -1, Keys.NONE, this::info, LOADING, STALE);
    table.add("time", 1, Keys.NONE, RespServerCommands::time, LOADING, STALE, FAST);
    table.addContainer("client", -2, null);
    table.add("client|id", 2, Keys.NONE, (client, args) -> new Result.Int(client.id()), NOSCRIPT, LOADING, STALE);
    table.add("client|getname", 2, Keys.NONE, (client, args) -> new Result.Bulk(client.name()),
        NOSCRIPT, LOADING, STALE);
    table.add("client|setname", 3, Keys.NONE, this::setName, NOSCRIPT, LOADING, STALE);
    table.add("client|setinfo", 4, Keys.NONE, (client, args) -> Result.OK, NOSCRIPT, LOADING, STALE);
    table.addContainer("config", -2, null);
    table.add("config|get", -3, Keys.NONE, (client, args) -> config.get(args), ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("config|set", -4, Keys.NONE, (client, args) -> config.set(args), ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("config|resetstat", 2, Keys.NONE, (client, args) -> info.resetStats(), ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("config|help", 2, Keys.NONE, (client, args) -> RespObjectCommands.help(args, CONFIG_HELP), LOADING,
        STALE);
    table.add("config|rewrite", 2, Keys.NONE, (client, args) -> NO_CONFIG_FILE, ADMIN, NOSCRIPT, LOADING, STALE);
    ClusterCommand.register(table);
    CommandIntrospection.register(table);
  }

  /** {@code TIME}: the wall clock as Redis answers it, Unix seconds and the microseconds within that second. */
  private static Result time(ClientState client, byte[][] args) {
    Instant now = Instant.now();
    return new Result.Array(List.of(Result.bulk(Long.toString(now.getEpochSecond())),
        Result.bulk(Long.toString(now.getNano() / 1000))));
  }

  private Result ping(ClientState client, byte[][] args) {
    if (args.length > 2) {
      return Dispatcher.wrongArity("ping");
    }
    Result subscribed = PubSubCommands.subscribedPing(client, args);
    if (subscribed != null) {
      return subscribed;
    }
    return args.length == 1 ? Result.PONG : new Result.Bulk(args[1]);
  }

  private Result quit(ClientState client, byte[][] args) {
    client.closeAfterReply();
    return Result.OK;
  }

  /**
   * {@code AUTH [user] password}, as Redis 7.0: signs the connection in as {@code user} ({@code default} without
   * one) if the password is one of that user's and the user is on; a wrong one leaves the connection as it was.
   * {@code AUTH password} while the default user needs none gets Redis's error for that case.
   */
  private Result auth(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (args.length == 2 && users.defaultUser().rules().nopass) {
      return NO_PASSWORD;
    }
    byte[] user = args.length == 2 ? AclUsers.bytes(AclUsers.DEFAULT) : args[1];
    return users.authenticate(client, user, args[args.length - 1], args[0]) ? Result.OK : WRONGPASS;
  }

  /**
   * {@code HELLO [protover [AUTH user pass] [SETNAME name]]}: switches the connection to RESP2 or RESP3 (its
   * reply is already in the new protocol, as in Redis) and answers the server's details as a map. A connection
   * that has not signed in (and does not with this {@code AUTH}) gets {@link #HELLO_NOAUTH}, not the server's
   * details, and its name is not set (Redis 7.0 set it; 7.2 does not).
   */
  private Result hello(ClientState client, byte[][] args) {
    int protocol = 0;
    if (args.length > 1) {
      Long version = Arguments.integer(args[1]);
      if (version == null) {
        return Result.error("Protocol version is not an integer or out of range");
      }
      if (version != 2 && version != 3) {
        return NOPROTO;
      }
      protocol = (int) (long) version;
    }
    byte[] name = null;
    for (int i = 2; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      if (option.equals("auth") && i + 2 < args.length) {
        if (!users.authenticate(client, args[i + 1], args[i + 2], args[0])) {
          return WRONGPASS; // signed in at once, as Redis 7.0: a later option's error leaves the sign-in
        }
        i += 2;
      } else if (option.equals("setname") && i + 1 < args.length) {
        name = args[++i];
        Result refused = refusedName(name);
        if (refused != null) {
          return refused;
        }
      } else {
        return Result.error("Syntax error in HELLO option '" + Arguments.text(args[i]) + "'");
      }
    }
    if (client.signedOut()) {
      return HELLO_NOAUTH;
    }
    if (name != null) {
      client.name(name.length == 0 ? null : name);
    }
    if (protocol != 0) {
      client.protocol(protocol);
    }
    return helloReply(client);
  }

  private static Result helloReply(ClientState client) {
    return new Result.Map(List.of(
        Result.bulk("server"), Result.bulk("redis"),
        Result.bulk("version"), Result.bulk(REDIS_VERSION),
        Result.bulk("proto"), new Result.Int(client.protocol()),
        Result.bulk("id"), new Result.Int(client.id()),
        Result.bulk("mode"), Result.bulk("standalone"),
        Result.bulk("role"), Result.bulk("master"),
        Result.bulk("modules"), Result.EMPTY_ARRAY));
  }

  private Result setName(ClientState client, byte[][] args) {
    Result refused = refusedName(args[2]);
    if (refused != null) {
      return refused;
    }
    client.name(args[2].length == 0 ? null : args[2]);
    return Result.OK;
  }

  /**
   * The error for a name that may not be set, or null: Redis accepts names of printable ASCII without spaces
   * ({@code '!'} to {@code '~'}); we also refuse those longer than {@link #MAX_NAME_BYTES}.
   */
  private static @Nullable Result refusedName(byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        return INVALID_NAME;
      }
    }
    return name.length > MAX_NAME_BYTES ? NAME_TOO_LONG : null;
  }

  /**
   * Whether {@code name} matches the glob {@code pattern}: {@code *} any run of characters, {@code ?} any one,
   * every other character itself. On a mismatch only the last star seen takes one more character, so this takes
   * at most pattern length times name length steps; a regular expression of one {@code .*} per star tries every
   * way of sharing the name among the stars, which a short pattern of many stars makes last for years.
   */
  public static boolean globMatches(String pattern, String name) {
    int p = 0;
    int n = 0;
    int star = -1; // the pattern index of the last star seen
    int starName = 0; // where in the name that star's run ends for now
    while (n < name.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        starName = n;
      } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
        p++;
        n++;
      } else if (star >= 0) {
        p = star + 1;
        n = ++starName;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /**
   * {@code INFO [section...]}: Redis 7.0's sections ({@link ServerInfo}), as verbatim text (a bulk string in
   * RESP2).
   */
  private Result info(ClientState client, byte[][] args) {
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      wanted.add(Arguments.lowerCase(args[i]));
    }
    return new Result.Verbatim("txt", info.render(wanted));
  }
}
