package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every command the server has, each declared once ({@link CommandSpec}), and looked up by the bytes of its name
 * as a client sent them, ASCII case-insensitively, without making a {@code String} of them: one hash over the
 * bytes and one comparison per request. Filled once while the server is built (not thread-safe then), read by
 * every event loop afterwards (safe once published, as the server publishes it: a final field).
 *
 * <p>Subcommands ({@code CLIENT SETNAME}) live in their container's own table, added as
 * {@code "client|setname"} after the container.
 */
final class CommandTable {
  /** Open addressing, a power of two at most half full. */
  private CommandSpec[] slots = new CommandSpec[64];
  private byte[][] names = new byte[64][];
  private final List<CommandSpec> specs = new ArrayList<>();

  /** Declares a command; {@code "container|sub"} declares a subcommand of a container declared before. */
  void add(String name, int arity, CommandSpec.Keys keys, CommandSpec.Operation operation, CommandFlag... flags) {
    put(name, new CommandSpec(name, arity, CommandFlag.bits(flags), keys, operation, null));
  }

  /**
   * Declares a container of subcommands; {@code alone} answers it without a subcommand where its arity allows
   * that ({@code COMMAND}), else it is {@code null}.
   *
   * @throws IllegalArgumentException if {@code alone} is null and the arity allows the name alone
   */
  void addContainer(String name, int arity, CommandSpec.@Nullable Operation alone, CommandFlag... flags) {
    if (alone == null && arity > -2 && arity < 2) {
      throw new IllegalArgumentException(name + " has no operation of its own, so its arity must ask for a"
          + " subcommand, but was " + arity);
    }
    put(name, new CommandSpec(name, arity, CommandFlag.bits(flags), CommandSpec.Keys.NONE,
        alone != null ? alone : CommandTable::subcommandOnly, new CommandTable()));
  }

  /** A container without an operation of its own: never run, since its arity asks for a subcommand. */
  private static Result subcommandOnly(ClientState client, byte[][] args) {
    throw new IllegalStateException(Arguments.text(args[0]) + " runs only with a subcommand");
  }

  /**
   * Declares a container that only its subcommands answer (its arity asks for one): alone, it would answer as
   * Redis, with the arity error.
   */
  void addContainer(String name, int arity) {
    addContainer(name, arity, (client, args) -> Dispatcher.wrongArity(name));
  }

  private void put(String name, CommandSpec spec) {
    int bar = name.indexOf('|');
    if (bar >= 0) {
      CommandSpec container = find(ascii(name.substring(0, bar)));
      if (container == null || container.subcommands() == null) {
        throw new IllegalArgumentException("no container declared for " + name);
      }
      container.subcommands().putHere(ascii(name.substring(bar + 1)), spec);
    } else {
      putHere(ascii(name), spec);
    }
  }

  private void putHere(byte[] name, CommandSpec spec) {
    if (find(name) != null) {
      throw new IllegalArgumentException("declared twice: " + spec.name());
    }
    if (2 * (specs.size() + 1) > slots.length) {
      grow();
    }
    insert(name, spec);
    specs.add(spec);
  }

  private void insert(byte[] name, CommandSpec spec) {
    int mask = slots.length - 1;
    int i = hash(name) & mask;
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = spec;
    names[i] = name;
  }

  private void grow() {
    CommandSpec[] oldSlots = slots;
    byte[][] oldNames = names;
    slots = new CommandSpec[oldSlots.length * 2];
    names = new byte[oldSlots.length * 2][];
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] != null) {
        insert(oldNames[i], oldSlots[i]);
      }
    }
  }

  /** Returns the command whose name is {@code name} in any ASCII case, or {@code null}. */
  @Nullable CommandSpec find(byte[] name) {
    int mask = slots.length - 1;
    for (int i = hash(name) & mask; slots[i] != null; i = (i + 1) & mask) {
      if (equalsIgnoringCase(names[i], name)) {
        return slots[i];
      }
    }
    return null;
  }

  /** The number of (top-level) commands, for {@code COMMAND COUNT}. */
  int count() {
    return specs.size();
  }

  /** Every command of this table, in the order declared. */
  List<CommandSpec> specs() {
    return Collections.unmodifiableList(specs);
  }

  /**
   * A hash that is the same in every ASCII case: bit 5 (0x20, the case bit of a letter) is set in every byte.
   * Other bytes may share a hash by it ('@' and '`'); {@link #equalsIgnoringCase} tells them apart.
   */
  private static int hash(byte[] name) {
    int hash = 0;
    for (byte b : name) {
      hash = 31 * hash + (b | 0x20);
    }
    return hash ^ (hash >>> 16);
  }

  /** Whether {@code actual} spells the lower-case {@code declared} in any ASCII case. */
  private static boolean equalsIgnoringCase(byte[] declared, byte[] actual) {
    if (declared.length != actual.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      int d = declared[i];
      int a = actual[i];
      if (a != d && (a != d - ('a' - 'A') || d < 'a' || d > 'z')) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
