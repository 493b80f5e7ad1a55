package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code ACL} and its subcommands, as Redis 7.0 answers them ({@code aclCommand} in {@code src/acl.c}), over the
 * server's {@link AclUsers}: {@code SETUSER}, {@code GETUSER}, {@code DELUSER}, {@code USERS}, {@code LIST},
 * {@code WHOAMI}, {@code CAT}, {@code GENPASS}, {@code DRYRUN}, {@code LOG}, {@code HELP}; {@code SAVE} and
 * {@code LOAD} answer Redis's error for a server without an ACL file, which this server never has.
 */
final class AclCommands {
  static final Result NO_ACL_FILE = Result.error("This Redis instance is not configured to use an ACL file. You may"
      + " want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a"
      + " Redis configuration file set) in order to store users in the Redis configuration.");
  private static final int GENPASS_MAX_BITS = 4096;
  private static final List<String> HELP = List.of(
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.");

  private final AclUsers users;
  private final AclCheck check;
  private final CommandTable table;
  private final SecureRandom random = new SecureRandom();

  AclCommands(AclUsers users, AclCheck check, CommandTable table) {
    this.users = users;
    this.check = check;
    this.table = table;
  }

  void register() {
    table.addContainer("acl", -2);
    table.add("acl|cat", -2, Keys.NONE, this::cat, NOSCRIPT, LOADING, STALE);
    table.add("acl|deluser", -3, Keys.NONE, this::deleteUsers, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|dryrun", -4, Keys.NONE, this::dryRun, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|genpass", -2, Keys.NONE, this::genpass, NOSCRIPT, LOADING, STALE);
    table.add("acl|getuser", 3, Keys.NONE, this::getUser, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|help", 2, Keys.NONE, (client, args) -> RespObjectCommands.help(args, HELP), LOADING, STALE);
    table.add("acl|list", 2, Keys.NONE, (client, args) -> list(false), ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|load", 2, Keys.NONE, (client, args) -> NO_ACL_FILE, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|log", -2, Keys.NONE, this::log, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|save", 2, Keys.NONE, (client, args) -> NO_ACL_FILE, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|setuser", -3, Keys.NONE, this::setUser, ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|users", 2, Keys.NONE, (client, args) -> list(true), ADMIN, NOSCRIPT, LOADING, STALE);
    table.add("acl|whoami", 2, Keys.NONE,
        (client, args) -> new Result.Bulk(AclUsers.bytes(client.user().name())), NOSCRIPT, LOADING, STALE);
  }

  private Result setUser(ClientState client, byte[][] args) {
    List<String> ops = new ArrayList<>(args.length - 3);
    for (int i = 3; i < args.length; i++) {
      ops.add(Arguments.text(args[i]));
    }
    return users.setUser(Arguments.text(args[2]), ops);
  }

  private Result deleteUsers(ClientState client, byte[][] args) {
    List<String> names = new ArrayList<>(args.length - 2);
    for (int i = 2; i < args.length; i++) {
      names.add(Arguments.text(args[i]));
    }
    return users.deleteUsers(names, client);
  }

  /** {@code ACL GETUSER}: a map of the flags (a set), passwords, commands, keys, channels and selectors (none). */
  private Result getUser(ClientState client, byte[][] args) {
    AclUser user = users.get(Arguments.text(args[2]));
    if (user == null) {
      return new Result.Nil();
    }
    AclRules rules = user.rules();
    List<Result> flags = new ArrayList<>();
    AclDescription.flags(rules).forEach(flag -> flags.add(Result.bulk(flag)));
    List<Result> passwords = new ArrayList<>();
    rules.passwords.forEach(password -> passwords.add(Result.bulk(password)));
    return new Result.Map(List.of(
        Result.bulk("flags"), new Result.Set(flags),
        Result.bulk("passwords"), new Result.Array(passwords),
        Result.bulk("commands"), Result.bulk(users.description().commands(rules)),
        Result.bulk("keys"), Result.bulk(AclDescription.keys(rules)),
        Result.bulk("channels"), Result.bulk(AclDescription.channels(rules)),
        Result.bulk("selectors"), Result.EMPTY_ARRAY));
  }

  /** {@code ACL USERS} (the names) or {@code ACL LIST} (each user as its rules), in byte order of the names. */
  private Result list(boolean namesOnly) {
    List<Result> lines = new ArrayList<>();
    for (AclUser user : users.all()) {
      lines.add(Result.bulk(namesOnly ? user.name()
          : "user " + user.name() + " " + users.description().describe(user.rules())));
    }
    return new Result.Array(lines);
  }

  /** {@code ACL CAT [category]}: the categories, or the commands and subcommands in one. */
  private Result cat(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return subcommandSyntaxError(args);
    }
    List<Result> names = new ArrayList<>();
    if (args.length == 2) {
      AclCommandIndex.CATEGORIES.forEach(category -> names.add(Result.bulk(category)));
      return new Result.Array(names);
    }
    String name = Arguments.text(args[2]);
    int category = AclCommandIndex.category(name);
    if (category < 0) {
      return Result.error("Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
    }
    AclCommandIndex index = users.index();
    index.members(category).stream().forEach(id -> names.add(Result.bulk(index.spec(id).name())));
    return new Result.Array(names);
  }

  /** {@code ACL GENPASS [bits]}: that many random bits (256 by default) in hex, rounded up to whole digits. */
  private Result genpass(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return subcommandSyntaxError(args);
    }
    long bits = 256;
    if (args.length == 3) {
      Long parsed = Arguments.integer(args[2]);
      if (parsed == null) {
        return RespKeyCommands.NOT_AN_INTEGER;
      }
      bits = parsed;
    }
    if (bits <= 0 || bits > GENPASS_MAX_BITS) {
      return Result.error("ACL GENPASS argument must be the number of bits for the output password, a positive"
          + " number up to " + GENPASS_MAX_BITS);
    }
    byte[] bytes = new byte[(int) (bits + 7) / 8];
    random.nextBytes(bytes);
    return Result.bulk(HexFormat.of().formatHex(bytes).substring(0, (int) (bits + 3) / 4));
  }

  /** {@code ACL LOG [count|RESET]}: the newest entries, 10 by default. */
  private Result log(ClientState client, byte[][] args) {
    if (args.length > 3) {
      return subcommandSyntaxError(args);
    }
    long count = 10;
    if (args.length == 3) {
      if (Arguments.lowerCase(args[2]).equals("reset")) {
        users.log.clear();
        return Result.OK;
      }
      Long parsed = Arguments.integer(args[2]);
      if (parsed == null) {
        return RespKeyCommands.NOT_AN_INTEGER;
      }
      count = Math.max(0, parsed);
    }
    return users.log.render(count);
  }

  /**
   * {@code ACL DRYRUN user command arg...}: {@code +OK} if the user may run that command line, else why not (a
   * bulk string, as Redis answers it); nothing runs and nothing is logged.
   */
  private Result dryRun(ClientState client, byte[][] args) {
    String name = Arguments.text(args[2]);
    AclUser user = users.get(name);
    if (user == null) {
      return Result.error("User '" + name + "' not found");
    }
    byte[][] line = Arrays.copyOfRange(args, 3, args.length);
    CommandSpec spec = table.find(line[0]);
    if (spec != null && spec.subcommands() != null && line.length > 1) {
      spec = spec.subcommands().find(line[1]);
    }
    if (spec == null) {
      return Result.error("Command '" + Arguments.text(line[0]) + "' not found");
    }
    if (!spec.arityFits(line.length)) {
      return Dispatcher.wrongArity(spec.name());
    }
    AclRules rules = user.rules();
    AclCheck.Denial denial = rules.unrestricted() ? null : check.denial(rules, spec, line);
    if (denial == null) {
      return Result.OK;
    }
    return Result.bulk(switch (denial.reason()) {
      case COMMAND -> "This user has no permissions to run the '" + spec.name() + "' command";
      case KEY -> "This user has no permissions to access the '" + Arguments.text(line[denial.position()]) + "' key";
      default -> "This user has no permissions to access the '" + Arguments.text(line[denial.position()])
          + "' channel";
    });
  }

  /** Redis's {@code addReplySubcommandSyntaxError}. */
  private static Result subcommandSyntaxError(byte[][] args) {
    return Result.error("unknown subcommand or wrong number of arguments for '" + Arguments.text(args[1])
        + "'. Try " + Arguments.text(args[0]).toUpperCase(Locale.ROOT) + " HELP.");
  }
}
