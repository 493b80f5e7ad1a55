package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_MANDATORY_KEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.SKIP_MONITOR;
import static io.blinkstore.server.command.CommandFlag.STALE;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.FunctionLibraries.Library;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's functions ({@code functions.c}): {@code FUNCTION LOAD|DELETE|FLUSH|LIST|DUMP|RESTORE|STATS|KILL|HELP},
 * {@code FCALL} and {@code FCALL_RO}, with Redis's replies and error texts. A library is made by
 * {@link FunctionLoader} and kept in {@link FunctionLibraries}; a function runs as a script does ({@link ScriptRunner}:
 * atomically, on the script thread, {@code BUSY} past the threshold, {@code FUNCTION KILL} as {@code SCRIPT KILL}),
 * its commands through the one command layer.
 */
final class FunctionCommands {
  /** {@code FUNCTION DUMP}'s record of one library: Redis's {@code RDB_OPCODE_FUNCTION2}. */
  static final int FUNCTION2 = 245;
  /** The record of Redis 7.0's release candidates, with the name and engine apart from the code. */
  private static final int FUNCTION_PRE_GA = 246;

  private static final Result.Error NO_GATE = Result.error("functions need the server's in-process store");
  private static final Set<String> UNGATED = Set.of("fcall", "fcall_ro", "function|list", "function|dump",
      "function|stats", "function|kill", "function|help");
  private static final List<String> HELP = List.of(
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
          + "RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).");

  private final FunctionLibraries libraries = new FunctionLibraries();
  private final @Nullable FunctionLoader loader;
  private final @Nullable ScriptRunner runner;
  private final HeapGuard heapGuard;
  private final OutOfMemory outOfMemory;
  private final Monitors monitors;
  private final ReplicaRole role;

  /**
   * The functions run by {@code runner} in {@code engine}'s state ({@code null}: no gate, refused), held to
   * {@code heapGuard}, {@code outOfMemory} and the server's {@code role} as scripts are, their calls shown to
   * {@code monitors}.
   */
  FunctionCommands(@Nullable ScriptEngine engine, @Nullable ScriptRunner runner, HeapGuard heapGuard,
      OutOfMemory outOfMemory, Monitors monitors, ReplicaRole role) {
    this.role = role;
    this.loader = engine == null ? null : new FunctionLoader(engine, heapGuard);
    this.runner = runner;
    this.heapGuard = heapGuard;
    this.outOfMemory = outOfMemory;
    this.monitors = monitors;
  }

  void register(CommandTable table) {
    table.add("fcall", -3, Keys.NONE, (client, args) -> fcall(client, args, false), NOSCRIPT, SKIP_MONITOR,
        NO_MANDATORY_KEYS, STALE, MOVABLEKEYS);
    table.add("fcall_ro", -3, Keys.NONE, (client, args) -> fcall(client, args, true), NOSCRIPT, SKIP_MONITOR,
        NO_MANDATORY_KEYS, STALE, READONLY, MOVABLEKEYS);
    table.addContainer("function", -2, null);
    table.add("function|load", -3, Keys.NONE, this::load, NOSCRIPT, WRITE, DENYOOM);
    table.add("function|delete", 3, Keys.NONE, this::delete, NOSCRIPT, WRITE);
    table.add("function|flush", -2, Keys.NONE, this::flush, NOSCRIPT, WRITE);
    table.add("function|list", -2, Keys.NONE, this::list, NOSCRIPT);
    table.add("function|dump", 2, Keys.NONE, this::dump, NOSCRIPT);
    table.add("function|restore", -3, Keys.NONE, this::restore, NOSCRIPT, WRITE, DENYOOM);
    table.add("function|stats", 2, Keys.NONE, this::stats, NOSCRIPT, ALLOW_BUSY);
    table.add("function|kill", 2, Keys.NONE,
        (client, args) -> runner == null ? ScriptRunner.NOTBUSY : runner.kill(true), NOSCRIPT, ALLOW_BUSY);
    table.add("function|help", 2, Keys.NONE, (client, args) -> RespObjectCommands.help(args, HELP), LOADING,
        STALE);
  }

  /** Whether {@code spec} runs without the gate held shared: a call takes it exclusive, the others read no key. */
  static boolean ungated(CommandSpec spec) {
    return UNGATED.contains(spec.name());
  }

  /** The libraries ({@code INFO}). */
  FunctionLibraries libraries() {
    return libraries;
  }

  /** The flags ({@link Script}'s bits) of the function named {@code name}, or -1 if there is none. */
  int flags(byte[] name) {
    FunctionLibraries.Function function = libraries.function(Arguments.text(name));
    return function == null ? -1 : function.flags();
  }

  private Result fcall(ClientState client, byte[][] args, boolean readOnly) {
    monitors.show(client, args); // before its commands, as Redis feeds FCALL itself
    ScriptRunner scripts = runner;
    if (scripts == null) {
      return NO_GATE;
    }
    FunctionLibraries.Function function = libraries.function(Arguments.text(args[1]));
    if (function == null) {
      return Result.error("Function not found");
    }
    Long numkeys = Arguments.integer(args[2]);
    if (numkeys == null) {
      return Result.error("Bad number of keys provided");
    }
    if (numkeys > args.length - 3) {
      return Result.error("Number of keys can't be greater than number of args");
    }
    if (numkeys < 0) {
      return Result.error("Number of keys can't be negative");
    }
    Script script = new Script(function.name(), new byte[0], function.flags(), function.callback());
    Result refusal = ScriptCommands.refusal(script, readOnly, outOfMemory, role, client);
    if (refusal != null) {
      return refusal;
    }
    int keyCount = numkeys.intValue();
    ScriptRun run = ScriptRun.functionCall(script, args, Arrays.copyOfRange(args, 3, 3 + keyCount),
        Arrays.copyOfRange(args, 3 + keyCount, args.length), client, readOnly || script.has(Script.NO_WRITES),
        heapGuard);
    if (client.transaction() != null) {
      return scripts.runHere(run, true); // inside EXEC, which holds the gate
    }
    if (!client.mayBlock()) {
      return scripts.runHere(run, false);
    }
    client.pending(run);
    scripts.submit(run);
    return Result.OK; // not sent: the reply comes through the run
  }

  /** {@code FUNCTION LOAD [REPLACE] code}. */
  private Result load(ClientState client, byte[][] args) {
    FunctionLoader functions = loader;
    if (functions == null) {
      return NO_GATE;
    }
    boolean replace = false;
    int at = 2;
    while (at < args.length - 1) {
      byte[] option = args[at++];
      if (!Arguments.lowerCase(option).equals("replace")) {
        return Result.error("Unknown option given: " + Arguments.text(option));
      }
      replace = true;
    }
    byte[] code = args[at];
    try {
      FunctionLoader.Metadata metadata = FunctionLoader.metadata(code);
      if (!replace && libraries.has(metadata.name())) {
        return Result.error("Library '" + metadata.name() + "' already exists");
      }
      Library library = functions.load(code, metadata, client, FunctionLoader.deadline(),
          libraries.room(replace ? metadata.name() : null));
      String refusal = libraries.add(List.of(library), replace, true);
      return refusal == null ? Result.bulk(library.name()) : Result.error(refusal);
    } catch (IllegalArgumentException e) {
      return refused(e);
    }
  }

  /** The reply to a load refused with {@code e}: Redis's {@code -OOM} if the heap had no room, else its text. */
  private static Result refused(IllegalArgumentException e) {
    return e instanceof FunctionLoader.NoRoom ? Dispatcher.OOM : Result.error(String.valueOf(e.getMessage()));
  }

  private Result delete(ClientState client, byte[][] args) {
    return libraries.delete(Arguments.text(args[2])) ? Result.OK : Result.error("Library not found");
  }

  private Result flush(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return syntaxError(args);
    }
    if (args.length == 3 && !Set.of("sync", "async").contains(Arguments.lowerCase(args[2]))) {
      return Result.error("FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    libraries.clear();
    return Result.OK;
  }

  /** Redis's {@code addReplySubcommandSyntaxError}. */
  private static Result syntaxError(byte[][] args) {
    return Result.error("unknown subcommand or wrong number of arguments for '" + Arguments.text(args[1])
        + "'. Try " + Arguments.text(args[0]).toUpperCase(Locale.ROOT) + " HELP.");
  }

  /** {@code FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]}, each option at most once, as Redis parses them. */
  private Result list(ClientState client, byte[][] args) {
    boolean withCode = false;
    byte[] pattern = null;
    for (int i = 2; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      if (!withCode && option.equals("withcode")) {
        withCode = true;
        continue;
      }
      if (pattern == null && option.equals("libraryname")) {
        if (i >= args.length - 1) {
          return Result.error("library name argument was not given");
        }
        pattern = args[++i];
        continue;
      }
      return Result.error("Unknown argument " + Arguments.text(args[i]));
    }
    byte[] lowerPattern = pattern == null ? null : Arguments.lowerCase(pattern).getBytes(StandardCharsets.ISO_8859_1);
    List<Result> reply = new ArrayList<>();
    for (Library library : libraries.libraries()) {
      if (lowerPattern != null && !GlobPattern.matches(lowerPattern,
          library.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1))) {
        continue;
      }
      List<Result> functions = new ArrayList<>();
      for (FunctionLibraries.Function function : library.functions()) {
        List<Result> flags = new ArrayList<>();
        Script.flagNames(function.flags()).forEach(flag -> flags.add(new Result.Simple(flag)));
        functions.add(new Result.Map(List.of(Result.bulk("name"), Result.bulk(function.name()),
            Result.bulk("description"),
            function.description() == null ? Result.NULL : Result.bulk(function.description()),
            Result.bulk("flags"), new Result.Set(flags))));
      }
      List<Result> entry = new ArrayList<>(List.of(Result.bulk("library_name"), Result.bulk(library.name()),
          Result.bulk("engine"), Result.bulk(FunctionLibraries.ENGINE), Result.bulk("functions"),
          new Result.Array(functions)));
      if (withCode) {
        entry.add(Result.bulk("library_code"));
        entry.add(new Result.Bulk(library.code()));
      }
      reply.add(new Result.Map(entry));
    }
    return new Result.Array(reply);
  }

  /**
   * {@code FUNCTION DUMP}: each library's code in a {@link #FUNCTION2} record, written as Redis writes a string
   * (LZF-compressed where that saves space), then Redis's footer (RDB version, CRC-64).
   */
  private Result dump(ClientState client, byte[][] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Library library : libraries.libraries()) {
      out.write(FUNCTION2);
      RdbObjects.writeCompactString(out, library.code());
    }
    out.write(DumpFormat.RDB_VERSION);
    out.write(0);
    byte[] body = out.toByteArray();
    long crc = Crc64.of(body, 0, body.length);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> 8 * i));
    }
    return new Result.Bulk(out.toByteArray());
  }

  /** {@code FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]}: all the payload's libraries, or none. */
  private Result restore(ClientState client, byte[][] args) {
    FunctionLoader functions = loader;
    if (functions == null) {
      return NO_GATE;
    }
    if (args.length > 4) {
      return syntaxError(args);
    }
    String policy = args.length == 4 ? Arguments.lowerCase(args[3]) : "append";
    if (!Set.of("append", "replace", "flush").contains(policy)) {
      return Result.error("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
    byte[] payload = args[2];
    if (!DumpFormat.verified(payload)) {
      return Result.error("DUMP payload version or checksum are wrong");
    }
    FunctionLibraries restored = new FunctionLibraries();
    long deadline = FunctionLoader.deadline(); // one for all its libraries, so that many cannot add up
    RdbReader reader = new RdbReader(payload, 0, payload.length - 10, FunctionLibraries.MAX_HELD_BYTES);
    try {
      while (reader.remaining() > 0) {
        int type = reader.u8();
        if (type != FUNCTION2 && type != FUNCTION_PRE_GA) {
          return Result.error("given type is not a function");
        }
        byte[] code = type == FUNCTION2 ? reader.string() : preGaCode(reader);
        FunctionLoader.Metadata metadata = FunctionLoader.metadata(code);
        if (restored.has(metadata.name())) {
          return Result.error("Library '" + metadata.name() + "' already exists");
        }
        String refusal = restored.add(List.of(functions.load(code, metadata, client, deadline,
            restored.room(null))), false, true);
        if (refusal != null) {
          return Result.error(refusal);
        }
      }
    } catch (DumpFormat.Malformed | DumpFormat.TooLarge e) {
      return Result.error("Failed loading library payload");
    } catch (IllegalArgumentException e) {
      return refused(e);
    }
    String refusal = policy.equals("flush") ? libraries.replaceAll(restored.libraries())
        : libraries.add(restored.libraries(), policy.equals("replace"), false);
    return refusal == null ? Result.OK : Result.error(refusal);
  }

  /** A release candidate's record: name, engine, a description if flagged, then the code without its metadata. */
  static byte[] preGaCode(RdbReader reader) {
    byte[] name = reader.string();
    byte[] engine = reader.string();
    if (reader.length() != 0) {
      reader.string();
    }
    byte[] blob = reader.string();
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    code.writeBytes(("#!" + new String(engine, StandardCharsets.ISO_8859_1) + " name="
        + new String(name, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    code.writeBytes(blob);
    return code.toByteArray();
  }

  /** {@code FUNCTION STATS}: the function running, if any, and the engine's counts; {@code BUSY} during a script. */
  private Result stats(ClientState client, byte[][] args) {
    ScriptRun run = runner == null ? null : runner.current();
    if (run != null && !run.isFunction()) {
      return ScriptRunner.BUSY;
    }
    Result running = Result.NULL;
    if (run != null) {
      List<Result> command = new ArrayList<>();
      for (byte[] arg : run.functionCall()) {
        command.add(new Result.Bulk(arg));
      }
      running = new Result.Map(List.of(Result.bulk("name"), Result.bulk(run.script().sha()),
          Result.bulk("command"), new Result.Array(command),
          Result.bulk("duration_ms"), new Result.Int(TimeUnit.NANOSECONDS.toMillis(run.runningNanos()))));
    }
    return new Result.Map(List.of(Result.bulk("running_script"), running, Result.bulk("engines"),
        new Result.Map(List.of(Result.bulk(FunctionLibraries.ENGINE), new Result.Map(List.of(
            Result.bulk("libraries_count"), new Result.Int(libraries.libraryCount()),
            Result.bulk("functions_count"), new Result.Int(libraries.functionCount())))))));
  }
}
