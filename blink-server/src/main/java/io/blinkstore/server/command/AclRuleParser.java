package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code ACL SETUSER}'s rules, applied one at a time to a user's {@link AclRules}, with Redis 7.0's meaning and
 * error texts ({@code ACLSetUser} and {@code ACLSetSelector} in {@code src/acl.c}): {@code on}, {@code off},
 * {@code >pass}, {@code <pass}, {@code #hash}, {@code !hash}, {@code nopass}, {@code resetpass}, {@code +cmd},
 * {@code -cmd}, {@code +cmd|sub}, {@code +cmd|firstarg}, {@code +@category}, {@code -@category},
 * {@code allcommands}, {@code nocommands}, {@code ~pattern}, {@code %R~}, {@code %W~}, {@code %RW~},
 * {@code allkeys}, {@code resetkeys}, {@code &pattern}, {@code allchannels}, {@code resetchannels},
 * {@code clearselectors}, {@code reset}, the payload flags. Selectors ({@code (...)}) are not built: refused as a
 * syntax error.
 */
final class AclRuleParser {
  static final String UNKNOWN = "Unknown command or category name in ACL";
  static final String SYNTAX = "Syntax error";
  static final String KEYS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid"
      + " and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
  static final String CHANNELS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allchannels' flag) is"
      + " not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
  static final String NO_SUCH_PASSWORD = "The password you are trying to remove from the user does not exist";
  static final String BAD_HASH =
      "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
  static final String SUBCOMMAND_FIRST_ARG = "Allowing first-arg of a subcommand is not supported";

  private final AclCommandIndex index;

  AclRuleParser(AclCommandIndex index) {
    this.index = index;
  }

  /** Applies rule {@code op} (its bytes as ISO-8859-1 text) to {@code rules}; Redis's error text, or null. */
  @Nullable String apply(AclRules rules, String op) {
    if (op.isEmpty()) {
      return null;
    }
    switch (op.toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> rules.enabled = true;
      case "off" -> rules.enabled = false;
      case "skip-sanitize-payload" -> rules.payload = AclRules.Payload.SKIP_SANITIZE;
      case "sanitize-payload" -> rules.payload = AclRules.Payload.SANITIZE;
      case "nopass" -> {
        rules.nopass = true;
        rules.passwords.clear();
      }
      case "resetpass" -> {
        rules.nopass = false;
        rules.passwords.clear();
      }
      case "clearselectors" -> { } // there are no selectors besides the root one
      case "reset" -> reset(rules);
      default -> {
        return applyOther(rules, op);
      }
    }
    return null;
  }

  private @Nullable String applyOther(AclRules rules, String op) {
    char first = op.charAt(0);
    if (first == '>' || first == '#') {
      String hash = first == '>' ? password(op) : op.substring(1);
      if (first == '#' && !validHash(hash)) {
        return BAD_HASH;
      }
      if (!rules.passwords.contains(hash)) {
        rules.passwords.add(hash);
      }
      rules.nopass = false;
      return null;
    }
    if (first == '<' || first == '!') {
      String hash = first == '<' ? password(op) : op.substring(1);
      if (first == '!' && !validHash(hash)) {
        return BAD_HASH;
      }
      return rules.passwords.remove(hash) ? null : NO_SUCH_PASSWORD;
    }
    if (first == '(') {
      return SYNTAX; // selectors are not built
    }
    return selector(rules, op);
  }

  private static String password(String op) {
    return AclRules.digest(op.substring(1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  /** Redis's {@code reset}: no password, key or channel, off, {@code sanitize-payload}, no command. */
  private static void reset(AclRules rules) {
    rules.nopass = false;
    rules.passwords.clear();
    rules.allKeys = false;
    rules.keys.clear();
    rules.allChannels = false;
    rules.channels.clear();
    rules.enabled = false;
    rules.payload = AclRules.Payload.SANITIZE;
    noCommands(rules);
  }

  private @Nullable String selector(AclRules rules, String op) {
    String lower = op.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case "allkeys", "~*" -> {
        rules.allKeys = true;
        rules.keys.clear();
      }
      case "resetkeys" -> {
        rules.allKeys = false;
        rules.keys.clear();
      }
      case "allchannels", "&*" -> {
        rules.allChannels = true;
        rules.channels.clear();
      }
      case "resetchannels" -> {
        rules.allChannels = false;
        rules.channels.clear();
      }
      case "allcommands", "+@all" -> {
        rules.allowed.set(0, index.size());
        rules.future = true;
        rules.allCommands = true;
        rules.firstArgs.clear();
      }
      case "nocommands", "-@all" -> noCommands(rules);
      default -> {
        return pattern(rules, op);
      }
    }
    return null;
  }

  private static void noCommands(AclRules rules) {
    rules.allowed.clear();
    rules.future = false;
    rules.allCommands = false;
    rules.firstArgs.clear();
  }

  private @Nullable String pattern(AclRules rules, String op) {
    char first = op.charAt(0);
    if (first == '~' || first == '%') {
      return keyPattern(rules, op);
    }
    if (first == '&') {
      if (rules.allChannels) {
        return CHANNELS_AFTER_ALL;
      }
      String channel = op.substring(1);
      if (hasSpaces(channel)) {
        return SYNTAX;
      }
      if (!rules.channels.contains(channel)) {
        rules.channels.add(channel);
      }
      rules.allChannels = false;
      return null;
    }
    boolean category = op.length() > 1 && op.charAt(1) == '@';
    if ((first == '+' || first == '-') && category) {
      int c = AclCommandIndex.category(op.substring(2));
      if (c < 0) {
        return UNKNOWN;
      }
      BitSet reach = index.reach(c);
      for (int id = reach.nextSetBit(0); id >= 0; id = reach.nextSetBit(id + 1)) {
        changePermission(rules, id, first == '+');
      }
      return null;
    }
    if (first == '+') {
      return allow(rules, op.substring(1));
    }
    if (first == '-') {
      CommandSpec spec = index.lookup(op.substring(1));
      if (spec == null) {
        return UNKNOWN;
      }
      changePermission(rules, index.id(spec), false);
      return null;
    }
    return SYNTAX;
  }

  /** {@code +name}: a command, a subcommand ({@code client|id}), or a first argument ({@code select|0}). */
  private @Nullable String allow(AclRules rules, String name) {
    int bar = name.lastIndexOf('|');
    if (bar < 0) {
      CommandSpec spec = index.lookup(name);
      if (spec == null) {
        return UNKNOWN;
      }
      changePermission(rules, index.id(spec), true);
      return null;
    }
    CommandSpec command = index.lookup(name.substring(0, bar));
    if (command == null) {
      return UNKNOWN;
    }
    int id = index.id(command);
    if (index.subcommand(id)) {
      return SUBCOMMAND_FIRST_ARG;
    }
    String sub = name.substring(bar + 1);
    if (sub.isEmpty()) {
      return SYNTAX;
    }
    if (command.subcommands() != null) {
      CommandSpec subcommand = index.lookup(name);
      if (subcommand == null) {
        return UNKNOWN;
      }
      changePermission(rules, index.id(subcommand), true);
      return null;
    }
    List<String> args = rules.firstArgs.computeIfAbsent(id, key -> new ArrayList<>());
    if (args.stream().noneMatch(arg -> arg.equalsIgnoreCase(sub))) {
      args.add(sub);
    }
    return null;
  }

  /** Redis's {@code ACLChangeSelectorPerm}: the command and its subcommands; its first arguments are dropped. */
  private void changePermission(AclRules rules, int id, boolean allow) {
    rules.allowed.set(id, index.subcommandsEnd(id), allow);
    rules.firstArgs.remove(id);
    if (!allow) {
      rules.allCommands = false;
    }
  }

  private static @Nullable String keyPattern(AclRules rules, String op) {
    if (rules.allKeys) {
      return KEYS_AFTER_ALL;
    }
    int flags = 0;
    int offset = 1;
    if (op.charAt(0) == '%') {
      for (; offset < op.length(); offset++) {
        char c = Character.toUpperCase(op.charAt(offset));
        if (c == 'R' && (flags & AclRules.READ) == 0) {
          flags |= AclRules.READ;
        } else if (c == 'W' && (flags & AclRules.WRITE) == 0) {
          flags |= AclRules.WRITE;
        } else if (op.charAt(offset) == '~') {
          offset++;
          break;
        } else {
          return SYNTAX;
        }
      }
      if (flags == 0) {
        return SYNTAX;
      }
    } else {
      flags = AclRules.READ_WRITE;
    }
    String pattern = op.substring(offset);
    if (hasSpaces(pattern)) {
      return SYNTAX;
    }
    for (int i = 0; i < rules.keys.size(); i++) {
      AclRules.KeyPattern existing = rules.keys.get(i);
      if (existing.pattern().equals(pattern)) {
        rules.keys.set(i, new AclRules.KeyPattern(pattern, existing.flags() | flags));
        return null;
      }
    }
    rules.keys.add(new AclRules.KeyPattern(pattern, flags));
    rules.allKeys = false;
    return null;
  }

  /** Whether {@code text} holds a space or a NUL, as Redis's {@code ACLStringHasSpaces} ({@code isspace}). */
  static boolean hasSpaces(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r' || c == 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean validHash(String hash) {
    if (hash.length() != 64) {
      return false;
    }
    for (int i = 0; i < hash.length(); i++) {
      char c = hash.charAt(i);
      if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
