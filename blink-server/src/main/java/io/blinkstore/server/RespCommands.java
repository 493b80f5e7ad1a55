package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RESP command table: looks a command up by name, checks its arity and runs it, answering with Redis's
 * error texts (Redis 7) for unknown commands, unknown subcommands and wrong arity. Thread-safe once built, so
 * one instance serves every connection; per-connection state lives in {@link RespSession}.
 *
 * <p>Adding a command is one {@link #add} call, in {@link RespKeyCommands} (reads, deletes, bulk writes),
 * {@link RespSetCommands} ({@code SET} and its relatives), {@link RespTtlCommands} (time to live and counters),
 * {@link RespLeaseCommands} (fill leases) or {@link RespServerCommands} (connection and server).
 */
final class RespCommands {
  private static final Logger log = LoggerFactory.getLogger(RespCommands.class);

  /** Redis's reply to a write that does not fit in the memory limit. */
  static final RespReply.Error OOM =
      new RespReply.Error("OOM command not allowed when used memory > 'maxmemory'.");

  /** Redis's reply to a command from a connection that has not authenticated yet. */
  static final RespReply.Error NOAUTH = new RespReply.Error("NOAUTH Authentication required.");

  /** The commands a connection may send before it has authenticated, as in Redis. */
  private static final Set<String> ALLOWED_BEFORE_AUTH = Set.of("auth", "hello", "quit");

  /**
   * The commands that add data: refused with {@link #OOM} while the {@link HeapGuard} says the heap is nearly
   * full (the text protocol's {@link Command.Write}), while reads and deletes go on.
   */
  private static final Set<String> WRITES =
      Set.of("set", "setnx", "mset", "setex", "psetex", "incr", "decr", "incrby", "decrby", "fill");

  /** How much of a command name or argument Redis quotes in an error ({@code %.128s}). */
  private static final int QUOTED_BYTES = 128;

  /** Runs one command; {@code args[0]} is its name (and {@code args[1]} the subcommand's, for those). */
  @FunctionalInterface
  interface Handler {
    RespReply run(RespSession session, byte[][] args);
  }

  /**
   * A command: its name as Redis reports it in errors ({@code get}, {@code client|setname}), its arity as in
   * Redis's command table (n: exactly n arguments counting the name; -n: at least n) and its handler.
   */
  private record Spec(String name, int arity, Handler handler) {}

  private final Map<String, Spec> table = new HashMap<>();
  /** The commands that have subcommands ({@code client}, {@code config}, ...). */
  private final Set<String> containers = new HashSet<>();
  private final ServerCounters counters;
  private final HeapGuard heapGuard;
  private final Authenticator authenticator;
  private final AtomicLong clientIds = new AtomicLong();
  private int topLevelCount;

  /**
   * Creates the table of every supported command, run against {@code store}, with no auth, no heap guard and
   * the server's default output cap.
   */
  RespCommands(BlinkStore store) {
    this(store, new Leases(), Clock.systemUTC(), new ServerCounters(), HeapGuard.NONE, null,
        BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  }

  /**
   * Creates the table of every supported command, run against {@code store}. The lease commands use
   * {@code leases}, the server's one lease table, shared with the text protocol so that text and RESP clients
   * filling the same key coordinate, and every other write ends the lease of the key it writes. {@code clock} is the wall clock that Unix times ({@code SET ... EXAT},
   * {@code EXPIREAT}, {@code EXPIRETIME}, ...) are measured against. Commands are counted in {@code counters}
   * (the server's {@code STATS}); writes are refused while {@code heapGuard} says the heap is nearly full; and,
   * with an {@code authenticator}, every command but {@code AUTH}, {@code HELLO} and {@code QUIT} is refused until
   * the connection has authenticated. {@code maxReplyBytes} is the connection's output cap: a command whose reply
   * would pass it ({@code MGET} of many large values) is refused instead of building that reply. Every write is
   * held to {@code sizeLimits} ({@code -ERR key too long}, {@code -ERR value too long}); an {@code MSET} with one
   * entry past them stores none.
   */
  RespCommands(BlinkStore store, Leases leases, Clock clock, ServerCounters counters, HeapGuard heapGuard,
      Authenticator authenticator, long maxReplyBytes, EntrySizeLimits sizeLimits) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.heapGuard = Objects.requireNonNull(heapGuard, "heapGuard");
    this.authenticator = authenticator;
    store = sizeLimits.wrap(store);
    BlinkStore writingThroughLeases = new LeaseInvalidatingStore(store, leases);
    new RespKeyCommands(writingThroughLeases, maxReplyBytes, sizeLimits).register(this);
    new RespSetCommands(writingThroughLeases, clock).register(this);
    new RespTtlCommands(writingThroughLeases, clock).register(this);
    new RespLeaseCommands(store, leases).register(this);
    new RespServerCommands(writingThroughLeases, counters, authenticator).register(this);
  }

  /**
   * Adds a command. A subcommand is named {@code container|sub} (in lower case), and its container is added
   * with {@link #subcommand} as its handler.
   */
  void add(String name, int arity, Handler handler) {
    table.put(name, new Spec(name, arity, handler));
    int bar = name.indexOf('|');
    if (bar < 0) {
      topLevelCount++;
    } else {
      containers.add(name.substring(0, bar));
    }
  }

  /** Returns the number of (top-level) commands, for {@code COMMAND COUNT}. */
  int count() {
    return topLevelCount;
  }

  /** Whether connections must sign in with {@code AUTH} (the server has a token). */
  boolean requiresAuth() {
    return authenticator != null;
  }

  /** Returns the session of a new connection, with a fresh client id, whose name counts for nothing. */
  RespSession newSession() {
    return newSession(ClientMemory.Account.DETACHED, () -> { });
  }

  /**
   * Returns the session of a new connection, with a fresh client id, whose name counts in {@code account}, and
   * which runs {@code onSignIn} when it first presents the server's token.
   */
  RespSession newSession(ClientMemory.Account account, Runnable onSignIn) {
    return new RespSession(this, clientIds.incrementAndGet(), account, onSignIn);
  }

  /** Returns the reply to {@code args}; never throws for bad input or a store failure. */
  RespReply execute(RespSession session, byte[][] args) {
    counters.commandExecuted();
    Spec spec = table.get(lowerCase(args[0]));
    if (spec == null) {
      return unknownCommand(args);
    }
    if (session.signedOut() && !ALLOWED_BEFORE_AUTH.contains(spec.name())) {
      RespReply malformed = malformed(spec, args);
      return malformed != null ? malformed : NOAUTH;
    }
    if (WRITES.contains(spec.name()) && !heapGuard.writesAllowed()) {
      return OOM;
    }
    return run(spec, session, args);
  }

  /**
   * The error Redis answers {@code args} with before it asks a connection to sign in, or null: a wrong number of
   * arguments, or an unknown subcommand, are refused as such whether the connection has signed in or not.
   */
  private RespReply malformed(Spec spec, byte[][] args) {
    if (!arityFits(spec, args)) {
      return wrongArity(spec.name());
    }
    if (args.length > 1 && containers.contains(spec.name())) {
      Spec sub = table.get(spec.name() + "|" + lowerCase(args[1]));
      if (sub == null) {
        return unknownSubcommand(args);
      }
      return arityFits(sub, args) ? null : wrongArity(sub.name());
    }
    return null;
  }

  /** The handler of a container command ({@code CLIENT}, {@code CONFIG}, ...): runs {@code args[1]}'s entry. */
  RespReply subcommand(RespSession session, byte[][] args) {
    Spec spec = table.get(lowerCase(args[0]) + "|" + lowerCase(args[1]));
    if (spec == null) {
      return unknownSubcommand(args);
    }
    return run(spec, session, args);
  }

  private static RespReply unknownSubcommand(byte[][] args) {
    return RespReply.error("unknown subcommand '" + quoted(args[1]) + "'. Try "
        + text(args[0]).toUpperCase(Locale.ROOT) + " HELP.");
  }

  private static boolean arityFits(Spec spec, byte[][] args) {
    return spec.arity() > 0 ? args.length == spec.arity() : args.length >= -spec.arity();
  }

  private static RespReply run(Spec spec, RespSession session, byte[][] args) {
    if (!arityFits(spec, args)) {
      return wrongArity(spec.name());
    }
    try {
      return spec.handler().run(session, args);
    } catch (EntryTooLargeException e) {
      return OOM;
    } catch (EntrySizeLimits.TooLarge e) {
      return RespReply.error(e.getMessage());
    } catch (RuntimeException e) {
      log.warn("internal error executing RESP {}", spec.name(), e);
      return RespReply.error("internal error");
    }
  }

  /** Returns {@code -ERR wrong number of arguments for '<name>' command}. */
  static RespReply wrongArity(String name) {
    return RespReply.error("wrong number of arguments for '" + name + "' command");
  }

  /** Redis 7's text: each argument quoted and followed by a space, until the list passes 128 bytes. */
  private static RespReply unknownCommand(byte[][] args) {
    StringBuilder quotedArgs = new StringBuilder();
    for (int i = 1; i < args.length && quotedArgs.length() < QUOTED_BYTES; i++) {
      String arg = text(args[i]);
      int room = QUOTED_BYTES - quotedArgs.length();
      quotedArgs.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
    }
    return RespReply.error("unknown command '" + quoted(args[0]) + "', with args beginning with: " + quotedArgs);
  }

  private static String quoted(byte[] arg) {
    String text = text(arg);
    return text.length() > QUOTED_BYTES ? text.substring(0, QUOTED_BYTES) : text;
  }

  /** Returns {@code arg} as ISO-8859-1 text: one char per byte, so error replies echo the bytes unchanged. */
  static String text(byte[] arg) {
    return new String(arg, StandardCharsets.ISO_8859_1);
  }

  /**
   * Returns the 64-bit integer {@code arg} spells as Redis reads numbers (optional {@code -}, ASCII digits, no
   * {@code +}, no leading zeros, no {@code -0}), or {@code null}.
   */
  static Long integer(byte[] arg) {
    return ExtensionParser.integer(text(arg));
  }

  /** Returns {@code arg} as lower-case text, for case-insensitive names and options. */
  static String lowerCase(byte[] arg) {
    return text(arg).toLowerCase(Locale.ROOT);
  }
}
