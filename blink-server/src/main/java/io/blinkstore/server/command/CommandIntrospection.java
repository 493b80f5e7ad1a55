package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandMetadata.KeySpec;
import io.blinkstore.server.command.CommandMetadata.Meta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code COMMAND}, {@code COMMAND INFO}, {@code COUNT}, {@code LIST} and {@code GETKEYS}/{@code GETKEYSANDFLAGS},
 * answered from the one {@link CommandTable} (names, arities, flags, key positions) and {@link CommandMetadata}
 * (ACL categories, tips, key specifications), in Redis 7.0's reply shapes: what a cluster client or
 * {@code redis-cli} reads of Redis's table, of the commands this server has.
 */
final class CommandIntrospection {
  /** {@code COMMAND HELP}'s lines, Redis 7.0's. */
  private static final List<String> HELP = List.of(
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.");

  /** Redis's command flags in the order {@code COMMAND INFO} writes them (those it shows). */
  private static final List<String> FLAG_ORDER = List.of("write", "readonly", "denyoom", "module", "admin",
      "pubsub", "noscript", "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast",
      "no_auth", "no_mandatory_keys", "no_async_loading", "no_multi", "movablekeys", "allow_busy");

  /** Redis's ACL categories in the order {@code COMMAND INFO} writes them. */
  static final List<String> CATEGORY_ORDER = List.of("keyspace", "read", "write", "set", "sortedset",
      "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
      "blocking", "dangerous", "connection", "transaction", "scripting");

  private static final List<String> KEY_FLAG_ORDER = List.of("RO", "RW", "OW", "RM", "access", "update",
      "insert", "delete", "not_key", "incomplete", "variable_flags");

  private final CommandTable table;

  private CommandIntrospection(CommandTable table) {
    this.table = table;
  }

  /** Declares {@code COMMAND} and its subcommands in {@code table}, which they describe. */
  static void register(CommandTable table) {
    CommandIntrospection introspection = new CommandIntrospection(table);
    table.addContainer("command", -1, (client, args) -> introspection.all(), LOADING, STALE);
    table.add("command|help", 2, CommandSpec.Keys.NONE, (client, args) -> RespObjectCommands.help(args, HELP),
        LOADING, STALE);
    table.add("command|count", 2, CommandSpec.Keys.NONE, (client, args) -> new Result.Int(table.count()),
        LOADING, STALE);
    table.add("command|info", -2, CommandSpec.Keys.NONE, introspection::info, LOADING, STALE);
    table.add("command|list", -2, CommandSpec.Keys.NONE, introspection::list, LOADING, STALE);
    table.add("command|docs", -2, CommandSpec.Keys.NONE, introspection::docs, LOADING, STALE);
    table.add("command|getkeys", -4, CommandSpec.Keys.NONE, (client, args) -> introspection.getKeys(args, false),
        LOADING, STALE);
    table.add("command|getkeysandflags", -4, CommandSpec.Keys.NONE,
        (client, args) -> introspection.getKeys(args, true), LOADING, STALE);
  }

  private Result all() {
    List<Result> infos = new ArrayList<>();
    for (CommandSpec spec : table.specs()) {
      infos.add(info(spec));
    }
    return new Result.Array(infos);
  }

  /** {@code COMMAND INFO [name...]}: each named command's entry, null for a name that is none. */
  private Result info(ClientState client, byte[][] args) {
    if (args.length == 2) {
      return all();
    }
    List<Result> infos = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      CommandSpec spec = byFullName(Arguments.text(args[i]));
      infos.add(spec == null ? new Result.Nil() : info(spec));
    }
    return new Result.Array(infos);
  }

  /** {@code COMMAND DOCS [name...]}: every command's documentation, or each named one's that exists, as Redis. */
  private Result docs(ClientState client, byte[][] args) {
    if (args.length == 2) {
      return CommandDocs.docs(table.specs());
    }
    List<CommandSpec> named = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      CommandSpec spec = byFullName(Arguments.text(args[i]));
      if (spec != null) {
        named.add(spec);
      }
    }
    return CommandDocs.docs(named);
  }

  /** The command whose full name ({@code get}, {@code client|id}) is {@code name} in any case, or null. */
  private @Nullable CommandSpec byFullName(String name) {
    String[] parts = name.split("\\|", -1);
    if (parts.length > 2) {
      return null;
    }
    CommandSpec spec = table.find(parts[0].getBytes(StandardCharsets.ISO_8859_1));
    if (parts.length == 1 || spec == null) {
      return spec;
    }
    return spec.subcommands() == null ? null : spec.subcommands().find(parts[1].getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Result info(CommandSpec spec) {
    Meta meta = metadata(spec);
    List<Result> subcommands = new ArrayList<>();
    if (spec.subcommands() != null) {
      for (CommandSpec sub : spec.subcommands().specs()) {
        subcommands.add(info(sub));
      }
    }
    List<Result> keySpecs = new ArrayList<>();
    for (KeySpec keySpec : meta.keySpecs()) {
      keySpecs.add(keySpec(keySpec));
    }
    return new Result.Array(List.of(Result.bulk(spec.name()), new Result.Int(spec.arity()), flags(spec),
        new Result.Int(spec.keys().first()), new Result.Int(spec.keys().last()),
        new Result.Int(spec.keys().step()), categories(spec, meta), bulks(meta.tips()), new Result.Set(keySpecs),
        spec.subcommands() == null ? new Result.Set(List.of()) : new Result.Array(subcommands)));
  }

  /** The declared metadata, or, for a command Redis does not have, key specifications from its key positions. */
  static Meta metadata(CommandSpec spec) {
    Meta meta = CommandMetadata.of(spec.name());
    if (meta != null) {
      return meta;
    }
    CommandSpec.Keys keys = spec.keys();
    if (keys.first() == 0) {
      return new Meta(List.of(), List.of(), List.of());
    }
    List<String> flags = spec.has(CommandFlag.WRITE) ? List.of("RW", "update") : List.of("RO", "access");
    int lastkey = keys.last() < 0 ? keys.last() : keys.last() - keys.first();
    return new Meta(List.of(), List.of(), List.of(new KeySpec(null, flags, keys.first(), lastkey, keys.step())));
  }

  private static Result flags(CommandSpec spec) {
    List<Result> names = new ArrayList<>();
    for (String name : FLAG_ORDER) {
      CommandFlag flag = flagNamed(name);
      if (flag != null && spec.has(flag)) {
        names.add(new Result.Simple(name));
      }
    }
    return new Result.Set(names);
  }

  private static @Nullable CommandFlag flagNamed(String name) {
    for (CommandFlag flag : CommandFlag.values()) {
      if (flag.name().equalsIgnoreCase(name)) {
        return flag;
      }
    }
    return null;
  }

  /** The ACL categories: the declared ones and those Redis derives from the flags, in Redis's order. */
  private static Result categories(CommandSpec spec, Meta meta) {
    List<Result> names = new ArrayList<>();
    for (String category : CATEGORY_ORDER) {
      if (hasCategory(spec, meta, category)) {
        names.add(new Result.Simple("@" + category));
      }
    }
    return new Result.Set(names);
  }

  /** Whether {@code spec} is in ACL category {@code category} (without {@code @}), as {@code COMMAND INFO} says. */
  static boolean hasCategory(CommandSpec spec, String category) {
    return hasCategory(spec, metadata(spec), category);
  }

  private static boolean hasCategory(CommandSpec spec, Meta meta, String category) {
    return meta.categories().contains(category) || switch (category) {
      case "write" -> spec.has(CommandFlag.WRITE);
      case "read" -> spec.has(CommandFlag.READONLY) && !meta.categories().contains("scripting");
      case "admin" -> spec.has(CommandFlag.ADMIN);
      case "blocking" -> spec.has(CommandFlag.BLOCKING);
      case "pubsub" -> spec.has(CommandFlag.PUBSUB);
      case "dangerous" -> spec.has(CommandFlag.ADMIN);
      case "fast" -> spec.has(CommandFlag.FAST);
      case "slow" -> !spec.has(CommandFlag.FAST);
      default -> false;
    };
  }

  private static Result keySpec(KeySpec keySpec) {
    List<Result> map = new ArrayList<>();
    if (keySpec.notes() != null) {
      map.add(Result.bulk("notes"));
      map.add(Result.bulk(keySpec.notes()));
    }
    map.add(Result.bulk("flags"));
    map.add(keyFlags(keySpec.flags()));
    map.add(Result.bulk("begin_search"));
    if (keySpec.index() == 0) {
      Result unknown = new Result.Map(List.of(Result.bulk("type"), Result.bulk("unknown"), Result.bulk("spec"),
          new Result.Map(List.of())));
      map.addAll(List.of(unknown, Result.bulk("find_keys"), unknown));
      return new Result.Map(map);
    }
    map.add(keySpec.keyword() != null
        ? new Result.Map(List.of(Result.bulk("type"), Result.bulk("keyword"), Result.bulk("spec"),
            new Result.Map(List.of(Result.bulk("keyword"), Result.bulk(keySpec.keyword()), Result.bulk("startfrom"),
                new Result.Int(keySpec.index())))))
        : new Result.Map(List.of(Result.bulk("type"), Result.bulk("index"), Result.bulk("spec"),
            new Result.Map(List.of(Result.bulk("index"), new Result.Int(keySpec.index()))))));
    map.add(Result.bulk("find_keys"));
    if (keySpec.keynum() != null) {
      map.add(new Result.Map(List.of(Result.bulk("type"), Result.bulk("keynum"), Result.bulk("spec"),
          new Result.Map(List.of(Result.bulk("keynumidx"), new Result.Int(keySpec.keynum().keynumidx()),
              Result.bulk("firstkey"), new Result.Int(keySpec.keynum().firstkey()), Result.bulk("keystep"),
              new Result.Int(keySpec.keystep()))))));
      return new Result.Map(map);
    }
    map.add(new Result.Map(List.of(Result.bulk("type"), Result.bulk("range"), Result.bulk("spec"),
        new Result.Map(List.of(Result.bulk("lastkey"), new Result.Int(keySpec.lastkey()),
            Result.bulk("keystep"), new Result.Int(keySpec.keystep()), Result.bulk("limit"), new Result.Int(0))))));
    return new Result.Map(map);
  }

  private static Result keyFlags(List<String> flags) {
    List<Result> names = new ArrayList<>();
    for (String name : KEY_FLAG_ORDER) {
      if (flags.contains(name)) {
        names.add(new Result.Simple(name));
      }
    }
    return new Result.Set(names);
  }

  private static Result bulks(List<String> texts) {
    List<Result> bulks = new ArrayList<>();
    for (String text : texts) {
      bulks.add(Result.bulk(text));
    }
    return new Result.Set(bulks);
  }

  /**
   * {@code COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN glob]}: every command's and subcommand's
   * full name that passes the filter. There are no modules, so {@code MODULE} matches none.
   */
  private Result list(ClientState client, byte[][] args) {
    String type = null;
    String filter = null;
    for (int i = 2; i < args.length; i++) {
      String kind = args.length - 1 - i == 2 && Arguments.lowerCase(args[i]).equals("filterby")
          ? Arguments.lowerCase(args[i + 1]) : "";
      if (!kind.equals("module") && !kind.equals("aclcat") && !kind.equals("pattern")) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      type = kind;
      filter = Arguments.text(args[i + 2]);
      i += 2;
    }
    List<Result> names = new ArrayList<>();
    addNames(table, type, filter, names);
    return new Result.Array(names);
  }

  private static void addNames(
      CommandTable commands, @Nullable String type, @Nullable String filter, List<Result> names) {
    for (CommandSpec spec : commands.specs()) {
      if (type == null || filter == null || passes(spec, type, filter)) {
        names.add(Result.bulk(spec.name()));
      }
      if (spec.subcommands() != null) {
        addNames(spec.subcommands(), type, filter, names);
      }
    }
  }

  private static boolean passes(CommandSpec spec, String type, String filter) {
    return switch (type) {
      case "aclcat" -> {
        String category = filter.toLowerCase(Locale.ROOT);
        yield CATEGORY_ORDER.contains(category) && hasCategory(spec, metadata(spec), category);
      }
      case "pattern" -> RespServerCommands.globMatches(filter.toLowerCase(Locale.ROOT), spec.name());
      default -> false;
    };
  }

  /**
   * {@code COMMAND GETKEYS command arg...} (and {@code GETKEYSANDFLAGS}): the keys of that command line, from
   * the command's key positions, with Redis's errors and their order.
   */
  private Result getKeys(byte[][] args, boolean withFlags) {
    byte[][] line = Arrays.copyOfRange(args, 2, args.length);
    CommandSpec spec = table.find(line[0]);
    if (spec != null && spec.subcommands() != null && line.length > 1) {
      spec = spec.subcommands().find(line[1]);
    }
    if (spec == null) {
      return Result.error("Invalid command specified");
    }
    Meta meta = metadata(spec);
    if (meta.keySpecs().stream().allMatch(keySpec -> keySpec.flags().contains("not_key"))) {
      return Result.error("The command has no key arguments"); // none, or only channels (SPUBLISH), as Redis
    }
    if (!spec.arityFits(line.length)) {
      return Result.error("Invalid number of arguments specified for command");
    }
    List<CommandKeys.Key> found = CommandKeys.of(spec, meta, line);
    if (found == null) {
      return Result.error("Invalid arguments specified for command");
    }
    List<Result> keys = new ArrayList<>();
    for (CommandKeys.Key each : found) {
      Result key = new Result.Bulk(line[each.position()]);
      keys.add(withFlags ? new Result.Array(List.of(key, keyFlags(each.flags()))) : key);
    }
    return new Result.Array(keys);
  }
}
