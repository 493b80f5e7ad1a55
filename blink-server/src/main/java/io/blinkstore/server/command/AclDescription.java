package io.blinkstore.server.command;

import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;

/**
 * A user's rules written back as rules, as Redis 7.0 writes them for {@code ACL LIST} and {@code ACL GETUSER}
 * ({@code ACLDescribeUser}, {@code ACLDescribeSelectorCommandRules} in {@code src/acl.c}): the flags, the password
 * digests, the key and channel patterns, then the command rules: {@code +@all} or {@code -@all}, the categories
 * that best fit what is left, one at a time, then the single commands (and first arguments) that still differ.
 * Single commands come in table order; Redis's follow its command dictionary's, which is not stable between
 * processes (its own tests compare them part by part).
 */
final class AclDescription {
  private final AclCommandIndex index;

  AclDescription(AclCommandIndex index) {
    this.index = index;
  }

  /** The rules as {@code ACL LIST} writes them after {@code user <name> }. */
  String describe(AclRules rules) {
    StringBuilder line = new StringBuilder();
    for (String flag : flags(rules)) {
      line.append(flag).append(' ');
    }
    for (String password : rules.passwords) {
      line.append('#').append(password).append(' ');
    }
    if (rules.allKeys) {
      line.append("~* ");
    } else {
      for (AclRules.KeyPattern key : rules.keys) {
        line.append(key.describe()).append(' ');
      }
    }
    if (rules.allChannels) {
      line.append("&* ");
    } else {
      line.append("resetchannels ");
      for (String channel : rules.channels) {
        line.append('&').append(channel).append(' ');
      }
    }
    return line.append(commands(rules)).toString();
  }

  /** The user's flags in Redis's order: {@code on}/{@code off}, {@code nopass}, the payload flag. */
  static List<String> flags(AclRules rules) {
    String onOff = rules.enabled ? "on" : "off";
    String payload = switch (rules.payload) {
      case NONE -> null;
      case SKIP_SANITIZE -> "skip-sanitize-payload";
      case SANITIZE -> "sanitize-payload";
    };
    if (rules.nopass) {
      return payload == null ? List.of(onOff, "nopass") : List.of(onOff, "nopass", payload);
    }
    return payload == null ? List.of(onOff) : List.of(onOff, payload);
  }

  /** {@code ACL GETUSER}'s {@code keys}: {@code ~*}, or the patterns separated by spaces. */
  static String keys(AclRules rules) {
    if (rules.allKeys) {
      return "~*";
    }
    StringJoiner keys = new StringJoiner(" ");
    rules.keys.forEach(key -> keys.add(key.describe()));
    return keys.toString();
  }

  /** {@code ACL GETUSER}'s {@code channels}: {@code &*}, or the patterns separated by spaces. */
  static String channels(AclRules rules) {
    if (rules.allChannels) {
      return "&*";
    }
    StringJoiner channels = new StringJoiner(" ");
    rules.channels.forEach(channel -> channels.add("&" + channel));
    return channels.toString();
  }

  /** The command rules, as Redis derives them from the user's bits (not from the rules it was given). */
  String commands(AclRules rules) {
    StringJoiner out = new StringJoiner(" ");
    boolean additive = !rules.future;
    BitSet fake = new BitSet(index.size());
    if (additive) {
      out.add("-@all");
    } else {
      out.add("+@all");
      fake.set(0, index.size());
    }
    BitSet temp = (BitSet) rules.allowed.clone();
    boolean[] applied = new boolean[AclCommandIndex.CATEGORIES.size()];
    while (true) {
      int best = -1;
      long minDiff = Integer.MAX_VALUE;
      long maxSame = 0;
      for (int c = 0; c < applied.length; c++) {
        if (applied[c]) {
          continue;
        }
        BitSet members = index.members(c);
        BitSet on = (BitSet) members.clone();
        on.and(temp);
        long onCount = on.cardinality();
        long offCount = members.cardinality() - onCount;
        long diff = additive ? offCount : onCount;
        long same = additive ? onCount : offCount;
        if (same > diff && (diff < minDiff || diff == minDiff && same > maxSame)) {
          best = c;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best == -1) {
        break;
      }
      out.add((additive ? "+@" : "-@") + AclCommandIndex.CATEGORIES.get(best));
      apply(fake, index.reach(best), additive);
      apply(temp, index.reach(best), !additive);
      applied[best] = true;
    }
    singleCommands(rules, fake, out);
    return out.toString();
  }

  private static void apply(BitSet bits, BitSet reach, boolean allow) {
    if (allow) {
      bits.or(reach);
    } else {
      bits.andNot(reach);
    }
  }

  private void singleCommands(AclRules rules, BitSet fake, StringJoiner out) {
    for (int id = 0; id < index.size(); id++) {
      boolean user = rules.allowed.get(id);
      if (user != fake.get(id)) {
        out.add((user ? "+" : "-") + index.spec(id).name());
        fake.set(id, index.subcommandsEnd(id), user);
      }
      List<String> args = rules.firstArgs.get(id);
      if (!user && args != null) {
        for (String arg : args) {
          out.add("+" + index.spec(id).name() + "|" + arg);
        }
      }
    }
  }
}
