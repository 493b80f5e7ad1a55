package io.blinkstore.server.command;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whether a connection's user may run a command line, as Redis 7.0's {@code ACLSelectorCheckCmd} decides: the
 * command (or subcommand, or its first argument: {@code +select|0}) must be allowed, unless it is flagged
 * {@link CommandFlag#NO_AUTH}; every key ({@link CommandKeys}) must match a key pattern that grants what its key
 * specification does (reading for {@code access}, writing for {@code insert}, {@code update}, {@code delete}); every
 * channel a {@code PUBLISH} or a subscription names must match a channel pattern (a {@code PSUBSCRIBE} pattern
 * must equal one). A user with every command, key and channel ({@link AclRules#unrestricted}), the default user
 * as the server starts, is let through after one check of its rules. Refusals are logged ({@code ACL LOG}).
 */
final class AclCheck {
  /** Why a command line is refused: {@code position} is the refused key's or channel's argument. */
  record Denial(AclLog.Reason reason, int position) {}

  static final String NOPERM_KEYS = "NOPERM this user has no permissions to access one of the keys used as arguments";
  static final String NOPERM_CHANNELS =
      "NOPERM this user has no permissions to access one of the channels used as arguments";

  private final AclUsers users;

  AclCheck(AclUsers users) {
    this.users = users;
  }

  /**
   * The refusal of {@code args} ({@code spec}'s line) to {@code client}'s user, in Redis's words for a command of
   * its own or one queued in {@code MULTI} (logged in that {@code context} if {@code log}), or {@code null}.
   */
  @Nullable Result refusal(ClientState client, CommandSpec spec, byte[][] args, AclLog.Context context,
      boolean log) {
    AclRules rules = client.user().rules();
    if (rules.unrestricted()) {
      return null;
    }
    Denial denial = denial(rules, spec, args);
    if (denial == null) {
      return null;
    }
    if (log) {
      log(client, spec, args, denial, context);
    }
    return new Result.Error(switch (denial.reason()) {
      case COMMAND -> "NOPERM this user has no permissions to run the '" + spec.name() + "' command";
      case KEY -> NOPERM_KEYS;
      default -> NOPERM_CHANNELS;
    });
  }

  /** As {@link #refusal}, for a command {@code EXEC} runs whose permission was taken away since it was queued. */
  @Nullable Result refusalAtExec(ClientState client, CommandSpec spec, byte[][] args) {
    AclRules rules = client.user().rules();
    Denial denial = rules.unrestricted() ? null : denial(rules, spec, args);
    if (denial == null) {
      return null;
    }
    log(client, spec, args, denial, AclLog.Context.MULTI);
    return new Result.Error("NOPERM ACLs rules changed between the moment the transaction was accumulated and the"
        + " EXEC call. This command is no longer allowed for the following reason: " + switch (denial.reason()) {
          case COMMAND -> "no permission to execute the command or subcommand";
          case KEY -> "no permission to touch the specified keys";
          default -> "no permission to access one of the channels used as arguments";
        });
  }

  /** As {@link #refusal}, for a script's call: the error text the script gets, or {@code null}. */
  @Nullable String refusalInScript(ClientState client, CommandSpec spec, byte[][] args) {
    AclRules rules = client.user().rules();
    Denial denial = rules.unrestricted() ? null : denial(rules, spec, args);
    if (denial == null) {
      return null;
    }
    log(client, spec, args, denial, AclLog.Context.LUA);
    return "The user executing the script " + switch (denial.reason()) {
      case COMMAND -> "can't run this command or subcommand";
      case KEY -> "can't access at least one of the keys mentioned in the command arguments";
      default -> "can't publish to the channel mentioned in the command";
    };
  }

  /**
   * Whether {@code client}'s user may run {@code args} ({@code spec}'s line), as Redis's
   * {@code ACLCheckAllUserCommandPerm} answers {@code redis.acl_check_cmd}: nothing is logged, and a line of the
   * wrong arity is judged by its command alone (it names no keys to check).
   */
  boolean allows(ClientState client, CommandSpec spec, byte[][] args) {
    AclRules rules = client.user().rules();
    if (rules.unrestricted()) {
      return true;
    }
    if (!spec.arityFits(args.length)) {
      return rules.allCommands || spec.has(CommandFlag.NO_AUTH) || commandAllowed(rules, spec, args);
    }
    return denial(rules, spec, args) == null;
  }

  private void log(ClientState client, CommandSpec spec, byte[][] args, Denial denial, AclLog.Context context) {
    String object = denial.reason() == AclLog.Reason.COMMAND ? spec.name() : Arguments.text(args[denial.position()]);
    users.log.add(denial.reason(), context, object, client.user().name(), RespClientCommands.line(client, client,
        args));
  }

  /** Why {@code rules} refuse {@code args}, or {@code null}: the command first, then its keys, then channels. */
  @Nullable Denial denial(AclRules rules, CommandSpec spec, byte[][] args) {
    if (!rules.allCommands && !spec.has(CommandFlag.NO_AUTH) && !commandAllowed(rules, spec, args)) {
      return new Denial(AclLog.Reason.COMMAND, 0);
    }
    if (!rules.allKeys) {
      List<CommandKeys.Key> keys = CommandKeys.of(spec, CommandIntrospection.metadata(spec), args);
      for (CommandKeys.Key key : keys == null ? List.<CommandKeys.Key>of() : keys) {
        if (!keyAllowed(rules, args[key.position()], key.flags())) {
          return new Denial(AclLog.Reason.KEY, key.position());
        }
      }
    }
    if (!rules.allChannels) {
      boolean pattern = spec.name().equals("psubscribe");
      int last = switch (spec.name()) {
        case "publish", "spublish" -> 1;
        case "subscribe", "ssubscribe", "psubscribe" -> args.length - 1;
        default -> 0;
      };
      for (int i = 1; i <= last; i++) {
        if (!channelAllowed(rules, args[i], pattern)) {
          return new Denial(AclLog.Reason.CHANNEL, i);
        }
      }
    }
    return null;
  }

  private boolean commandAllowed(AclRules rules, CommandSpec spec, byte[][] args) {
    int id = users.index().id(spec);
    if (rules.allowed.get(id)) {
      return true;
    }
    List<String> firstArgs = rules.firstArgs.get(id);
    if (firstArgs == null || args.length < 2) {
      return false;
    }
    String first = Arguments.text(args[1]);
    return firstArgs.stream().anyMatch(first::equalsIgnoreCase);
  }

  private static boolean keyAllowed(AclRules rules, byte[] key, List<String> specFlags) {
    int needed = (specFlags.contains("access") ? AclRules.READ : 0)
        | (specFlags.contains("insert") || specFlags.contains("update") || specFlags.contains("delete")
            ? AclRules.WRITE : 0);
    for (AclRules.KeyPattern pattern : rules.keys) {
      if ((pattern.flags() & needed) == needed && GlobPattern.matches(pattern.bytes(), key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean channelAllowed(AclRules rules, byte[] channel, boolean pattern) {
    for (String allowed : rules.channels) {
      byte[] bytes = AclUsers.bytes(allowed);
      if (pattern ? java.util.Arrays.equals(bytes, channel) : GlobPattern.matches(bytes, channel)) {
        return true;
      }
    }
    return false;
  }
}
