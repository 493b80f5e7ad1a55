package io.blinkstore.server.command;

import io.blinkstore.server.command.RespTransactionCommands.Runner;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code redis} table scripts see, as Redis 7.0's ({@code luaRegisterRedisAPI}, {@code scriptCall}):
 * {@code redis.call} and {@code redis.pcall} run a command through the one command layer ({@link Runner}, as
 * {@code EXEC} runs its queue: the gate is already held) as the run's script client, after Redis's checks in its
 * order (unknown command, arity, {@code noscript}, a stale replica, the user's permissions, writes of a read-only
 * script, then before the first write a read-only replica, a primary without its good replicas and the heap guard);
 * {@code acl_check_cmd}, {@code error_reply}, {@code status_reply}, {@code sha1hex}, {@code log} (to the server's
 * log), {@code setresp}; {@code set_repl} (the writes after {@code REPL_NONE} or {@code REPL_AOF} reach no replica;
 * there is no AOF) and {@code replicate_commands} as in 7.0; {@code breakpoint} and {@code debug} as outside Redis's
 * debugger.
 */
final class LuaRedisApi {
  private static final Logger log = LoggerFactory.getLogger("io.blinkstore.server.script");

  private static final int LOG_DEBUG = 0;
  private static final int LOG_VERBOSE = 1;
  private static final int LOG_NOTICE = 2;
  private static final int LOG_WARNING = 3;
  /** Redis's {@code PROPAGATE_REPL}: the flag of {@code redis.set_repl} that sends the script's writes on. */
  private static final int REPL_REPLICA = 2;
  private static final int REPL_ALL = 3;
  /** Redis 7.0.0's {@code REDIS_VERSION_NUM}, the version this server reports. */
  private static final int VERSION_NUM = 0x00070000;

  private final CommandTable table;
  private final Runner runner;
  private final OutOfMemory outOfMemory;
  private final ScriptDenial denial;
  private final ErrorStats errors;
  private final AclCheck acl;
  private final ReplicaRole role;
  /** The run in progress, set on the thread that runs it. */
  private @Nullable ScriptRun run;

  LuaRedisApi(CommandTable table, Runner runner, OutOfMemory outOfMemory, ScriptDenial denial, ErrorStats errors,
      AclCheck acl, ReplicaRole role) {
    this.table = table;
    this.role = role;
    this.acl = acl;
    this.errors = errors;
    this.denial = denial;
    this.runner = runner;
    this.outOfMemory = outOfMemory;
  }

  /** The run the table's functions act for from now on ({@code null}: none). */
  void run(@Nullable ScriptRun run) {
    this.run = run;
  }

  /** A new {@code redis} table whose functions act for this API's run. */
  LuaTable newTable() {
    LuaTable redis = new LuaTable();
    redis.set("call", function(args -> command(args, true)));
    redis.set("pcall", function(args -> command(args, false)));
    redis.set("error_reply", function(LuaRedisApi::errorReply));
    redis.set("status_reply", function(LuaRedisApi::statusReply));
    redis.set("sha1hex", function(LuaRedisApi::sha1hex));
    redis.set("log", function(LuaRedisApi::log));
    redis.set("setresp", function(this::setResp));
    redis.set("set_repl", function(this::setRepl));
    redis.set("replicate_commands", function(args -> LuaValue.TRUE));
    redis.set("breakpoint", function(args -> LuaValue.FALSE));
    redis.set("debug", function(args -> LuaValue.NONE));
    redis.set("acl_check_cmd", function(this::aclCheck));
    redis.set("LOG_DEBUG", LOG_DEBUG);
    redis.set("LOG_VERBOSE", LOG_VERBOSE);
    redis.set("LOG_NOTICE", LOG_NOTICE);
    redis.set("LOG_WARNING", LOG_WARNING);
    redis.set("REPL_NONE", 0);
    redis.set("REPL_AOF", 1);
    redis.set("REPL_SLAVE", REPL_REPLICA);
    redis.set("REPL_REPLICA", REPL_REPLICA);
    redis.set("REPL_ALL", REPL_ALL);
    redis.set("REDIS_VERSION", RespServerCommands.REDIS_VERSION);
    redis.set("REDIS_VERSION_NUM", VERSION_NUM);
    return redis;
  }

  /**
   * Redis's error table ({@code luaPushErrorBuff}) for {@code text}: {@code -KIND message} keeps its kind,
   * anything else is an {@code ERR}.
   */
  static LuaTable errorTable(String text) {
    String line;
    if (text.startsWith("-")) {
      int space = text.indexOf(' ');
      line = space < 0 ? "ERR " + text.substring(1) : text.substring(1);
    } else {
      line = "ERR " + text;
    }
    LuaTable error = new LuaTable();
    error.set("err", LuaValue.valueOf(strip(line).getBytes(StandardCharsets.ISO_8859_1)));
    return error;
  }

  private static String strip(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** Raises Redis's error table for {@code text}, as {@code luaPushError} then {@code lua_error}. */
  private static LuaError raise(String text) {
    return new LuaError(errorTable(text));
  }

  private Varargs command(Varargs args, boolean raise) {
    ScriptRun current = run;
    if (current == null) {
      throw raise("redis.call/pcall can only be called inside a script invocation");
    }
    LuaValue reply = reply(current, args);
    if (raise && reply.istable() && reply.rawget("err").type() == LuaValue.TSTRING) {
      throw new LuaError(reply);
    }
    return reply;
  }

  /** What {@code redis.pcall} returns for {@code args}: the command's reply or an error table. */
  private LuaValue reply(ScriptRun current, Varargs args) {
    int count = args.narg();
    if (count == 0) {
      return errorTable("Please specify at least one argument for this redis lib call");
    }
    byte[][] argv = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] arg = LuaReplies.argument(args.arg(i + 1));
      if (arg == null) {
        return errorTable("Lua redis lib command arguments must be strings or integers");
      }
      argv[i] = arg;
    }
    String refusal = refusal(current, argv);
    if (refusal != null) {
      // counted now, as Redis's scriptCall counts its refusals, and not again if the script raises it
      LuaTable error = errorTable(refusal);
      errors.countLine(LuaReplies.string(error.rawget("err")));
      return LuaReplies.counted(error);
    }
    return LuaReplies.toLua(runner.run(find(argv), current.client(), argv), current.client().protocol());
  }

  /** Why {@code argv} may not run from {@code current}, in Redis's words and order, or {@code null}. */
  private @Nullable String refusal(ScriptRun current, byte[][] argv) {
    CommandSpec spec = table.find(argv[0]);
    if (spec != null && spec.subcommands() != null && argv.length > 1) {
      spec = spec.subcommands().find(argv[1]);
    }
    if (spec == null) {
      return "Unknown Redis command called from script";
    }
    if (!spec.arityFits(argv.length)) {
      return "Wrong number of args calling Redis command from script";
    }
    if (denial.denies(spec)) {
      return "This Redis command is not allowed from script";
    }
    if (!spec.has(CommandFlag.STALE) && role.stale()) {
      return "Can not execute the command on a stale replica";
    }
    String denied = acl.refusalInScript(current.client(), spec, argv);
    if (denied != null) {
      return denied;
    }
    if (current.readOnly() && spec.has(CommandFlag.WRITE)) {
      return "Write commands are not allowed from read-only scripts.";
    }
    Result.Error roleRefusal = spec.has(CommandFlag.WRITE) && !current.hasWritten()
        ? role.scriptWriteRefusal(current.client()) : null;
    if (roleRefusal != null) {
      return "-" + roleRefusal.line();
    }
    if (spec.has(CommandFlag.DENYOOM) && !current.hasWritten() && !current.allowOom()
        && outOfMemory.now()) {
      return "-" + Dispatcher.OOM.line();
    }
    if (spec.has(CommandFlag.WRITE)) {
      current.wrote();
    }
    return null;
  }

  /** The spec {@link #refusal} found for {@code argv}. */
  private CommandSpec find(byte[][] argv) {
    CommandSpec spec = Objects.requireNonNull(table.find(argv[0]), "checked by refusal");
    CommandTable subcommands = spec.subcommands();
    return subcommands != null && argv.length > 1
        ? Objects.requireNonNull(subcommands.find(argv[1]), "checked by refusal") : spec;
  }

  /** {@code redis.error_reply}: its wrong use is an error table returned, not raised, as in Redis. */
  private static LuaValue errorReply(Varargs args) {
    if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
      return errorTable("wrong number or type of arguments");
    }
    String text = LuaReplies.string(args.arg1());
    return errorTable(text.startsWith("-") ? text : "-" + text);
  }

  /** {@code redis.status_reply}: its wrong use is an error table returned, not raised, as in Redis. */
  private static LuaValue statusReply(Varargs args) {
    if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
      return errorTable("wrong number or type of arguments");
    }
    LuaTable status = new LuaTable();
    status.set("ok", args.arg1());
    return status;
  }

  private static LuaValue sha1hex(Varargs args) {
    if (args.narg() != 1) {
      throw raise("wrong number of arguments");
    }
    LuaValue text = args.arg1();
    byte[] bytes = text.isstring() ? LuaReplies.bytes(text.checkstring()) : new byte[0];
    return LuaValue.valueOf(Script.sha1hex(bytes));
  }

  private static LuaValue log(Varargs args) {
    int count = args.narg();
    if (count < 2) {
      throw raise("redis.log() requires two arguments or more.");
    }
    if (args.arg1().type() != LuaValue.TNUMBER) {
      throw raise("First argument must be a number (log level).");
    }
    int level = args.arg1().toint();
    if (level < LOG_DEBUG || level > LOG_WARNING) {
      throw raise("Invalid debug level.");
    }
    StringBuilder line = new StringBuilder();
    for (int i = 2; i <= count; i++) {
      LuaValue part = args.arg(i);
      if (part.isstring()) {
        if (i != 2) {
          line.append(' ');
        }
        line.append(LuaReplies.string(part));
      }
    }
    switch (level) {
      case LOG_WARNING -> log.warn("{}", line);
      case LOG_NOTICE -> log.info("{}", line);
      default -> log.debug("{}", line);
    }
    return LuaValue.NONE;
  }

  private LuaValue setResp(Varargs args) {
    ScriptRun current = run;
    if (current == null) {
      throw raise("redis.setresp can only be called inside a script invocation");
    }
    if (args.narg() != 1) {
      throw raise("redis.setresp() requires one argument.");
    }
    int protocol = args.arg1().isnumber() ? (int) args.arg1().todouble() : 0;
    if (protocol != 2 && protocol != 3) {
      throw raise("RESP version must be 2 or 3.");
    }
    current.client().protocol(protocol);
    return LuaValue.NONE;
  }

  private LuaValue setRepl(Varargs args) {
    ScriptRun current = run;
    if (current == null) {
      throw raise("redis.set_repl can only be called inside a script invocation");
    }
    if (args.narg() != 1) {
      throw raise("redis.set_repl() requires two arguments.");
    }
    int flags = args.arg1().isnumber() ? (int) args.arg1().todouble() : 0; // lua_tonumber: 0 for a non-number
    if ((flags & ~REPL_ALL) != 0) {
      throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    }
    current.client().replicated((flags & REPL_REPLICA) != 0); // REPL_AOF alone: there is no AOF, so nowhere
    return LuaValue.NONE;
  }

  /**
   * {@code redis.acl_check_cmd(command, arg...)}: whether the user running the script may run that command line
   * ({@code luaRedisAclCheckCmdPermissionsCommand}: nothing is logged).
   */
  private LuaValue aclCheck(Varargs args) {
    ScriptRun current = run;
    if (current == null) {
      throw raise("redis.acl_check_cmd can only be called inside a script invocation");
    }
    int count = args.narg();
    if (count == 0) {
      throw raise("Please specify at least one argument for this redis lib call");
    }
    byte[][] argv = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] arg = LuaReplies.argument(args.arg(i + 1));
      if (arg == null) {
        throw raise("Lua redis lib command arguments must be strings or integers");
      }
      argv[i] = arg;
    }
    CommandSpec spec = table.find(argv[0]);
    if (spec != null && spec.subcommands() != null && argv.length > 1) {
      spec = spec.subcommands().find(argv[1]);
    }
    if (spec == null) {
      throw raise("Invalid command passed to redis.acl_check_cmd()");
    }
    return LuaValue.valueOf(acl.allows(current.client(), spec, argv));
  }

  /** A Lua function of {@code body}. */
  private static VarArgFunction function(Function<Varargs, Varargs> body) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return body.apply(args);
      }
    };
  }
}
