package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The commands as ACL rules see them: every command and subcommand of the {@link CommandTable}, numbered in table
 * order (a container, then its subcommands, as Redis's rule description walks them), and for each ACL category
 * the commands in it ({@link CommandIntrospection#hasCategory}, what {@code COMMAND INFO} reports). Built once the
 * table is complete; read-only afterwards, so every event loop shares it.
 */
final class AclCommandIndex {
  /** Redis 7.0's ACL categories, in the order {@code ACL CAT} lists them and rule descriptions try them. */
  static final List<String> CATEGORIES = CommandIntrospection.CATEGORY_ORDER;

  private final CommandTable table;
  private final List<CommandSpec> specs = new ArrayList<>();
  private final IdentityHashMap<CommandSpec, Integer> ids = new IdentityHashMap<>();
  /** For each id, the id past its last subcommand (id + 1 for a command without subcommands). */
  private final List<Integer> subcommandsEnd = new ArrayList<>();
  private final List<Boolean> isSubcommand = new ArrayList<>();
  /** For each category, the commands in it. */
  private final BitSet[] members = new BitSet[CATEGORIES.size()];
  /** For each category, the commands a {@code +@category} changes: its members and their subcommands. */
  private final BitSet[] reach = new BitSet[CATEGORIES.size()];

  AclCommandIndex(CommandTable table) {
    this.table = table;
    number(table, false);
    for (int c = 0; c < CATEGORIES.size(); c++) {
      members[c] = new BitSet(specs.size());
      reach[c] = new BitSet(specs.size());
      for (int id = 0; id < specs.size(); id++) {
        if (CommandIntrospection.hasCategory(specs.get(id), CATEGORIES.get(c))) {
          members[c].set(id);
          reach[c].set(id, subcommandsEnd.get(id));
        }
      }
    }
  }

  private void number(CommandTable commands, boolean subcommands) {
    for (CommandSpec spec : commands.specs()) {
      int id = specs.size();
      specs.add(spec);
      ids.put(spec, id);
      subcommandsEnd.add(id + 1);
      isSubcommand.add(subcommands);
      if (spec.subcommands() != null) {
        number(spec.subcommands(), true);
        subcommandsEnd.set(id, specs.size());
      }
    }
  }

  /** The number of commands and subcommands. */
  int size() {
    return specs.size();
  }

  /** The id of {@code spec}, a command of the table. */
  int id(CommandSpec spec) {
    Integer id = ids.get(spec);
    if (id == null) {
      throw new IllegalArgumentException("not a command of the table: " + spec.name());
    }
    return id;
  }

  CommandSpec spec(int id) {
    return specs.get(id);
  }

  /** The id past the last subcommand of command {@code id} ({@code id + 1} without subcommands). */
  int subcommandsEnd(int id) {
    return subcommandsEnd.get(id);
  }

  /** Whether command {@code id} is a subcommand ({@code client|id}). */
  boolean subcommand(int id) {
    return isSubcommand.get(id);
  }

  /**
   * The command named {@code name} in any case, as Redis's {@code ACLLookupCommand}: {@code get}, or
   * {@code client|id} for a subcommand; {@code null} for none, or for more than one {@code |}.
   */
  @Nullable CommandSpec lookup(String name) {
    String[] parts = name.split("\\|", -1);
    if (parts.length > 2) {
      return null;
    }
    CommandSpec spec = table.find(parts[0].getBytes(StandardCharsets.ISO_8859_1));
    if (parts.length == 1 || spec == null) {
      return spec;
    }
    CommandTable subcommands = spec.subcommands();
    return subcommands == null ? null : subcommands.find(parts[1].getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The index of category {@code name} (without {@code @}, any case) in {@link #CATEGORIES}, or -1. */
  static int category(String name) {
    return CATEGORIES.indexOf(name.toLowerCase(Locale.ROOT));
  }

  /** The commands in category {@code c}. */
  BitSet members(int c) {
    return members[c];
  }

  /** The commands {@code +@category} changes: its members and their subcommands. */
  BitSet reach(int c) {
    return reach[c];
  }
}
