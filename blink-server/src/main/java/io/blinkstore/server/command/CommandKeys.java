package io.blinkstore.server.command;

import io.blinkstore.server.command.CommandMetadata.KeySpec;
import io.blinkstore.server.command.CommandMetadata.Meta;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The keys of a command line, found as Redis's {@code getKeysFromCommandWithSpecs} finds them: from the command's
 * key specifications ({@link CommandMetadata}), or its own rule where Redis has one ({@code SORT}'s {@code STORE},
 * {@code MIGRATE}'s {@code KEYS}); each with its specification's flags ({@code RO}, {@code RW}, {@code access},
 * {@code update}, ...). {@code COMMAND GETKEYS} answers them, and ACL rules check them.
 */
final class CommandKeys {
  /** A key: the argument at {@code position}, with its key specification's {@code flags}. */
  record Key(int position, List<String> flags) {}

  private CommandKeys() {}

  /**
   * The keys of {@code line} ({@code line[0]} the command's name, its arity checked), a command of {@code spec} and
   * {@code meta}; key specifications flagged {@code not_key} (channels) are skipped. {@code null} if an argument
   * that counts keys is not a count that fits the line, or {@code MIGRATE} names none.
   */
  static @Nullable List<Key> of(CommandSpec spec, Meta meta, byte[][] line) {
    List<Key> keys = new ArrayList<>();
    if (spec.name().startsWith("sort")) {
      for (int position : SortOptions.keyPositions(line, spec.name().equals("sort_ro"))) {
        keys.add(new Key(position, meta.keySpecs().get(position == 1 ? 0 : 2).flags()));
      }
      return keys;
    }
    if (spec.name().equals("migrate")) {
      List<Integer> positions = MigrateKeys.positions(line);
      for (int position : positions) {
        keys.add(new Key(position, meta.keySpecs().get(0).flags()));
      }
      return positions.isEmpty() ? null : keys;
    }
    for (KeySpec keySpec : meta.keySpecs()) {
      if (keySpec.flags().contains("not_key")) {
        continue;
      }
      int first = keySpec.keyword() != null ? afterKeyword(line, keySpec) : keySpec.index();
      if (first < 0) {
        continue;
      }
      int last = keySpec.lastkey() >= 0 ? first + keySpec.lastkey() : line.length + keySpec.lastkey();
      if (keySpec.keynum() != null) {
        Long count = Arguments.integer(line[first + keySpec.keynum().keynumidx()]);
        if (count == null || count < 0 || count > line.length) {
          return null;
        }
        first += keySpec.keynum().firstkey();
        last = first + (int) (count - 1) * keySpec.keystep();
      }
      for (int i = first; i <= last && i < line.length; i += keySpec.keystep()) {
        keys.add(new Key(i, flagsOf(keySpec, line)));
      }
    }
    return keys;
  }

  /**
   * The argument after the first {@code keySpec.keyword()} (any case) of {@code line} from its start on, the last
   * argument not looked at (no key could follow it), as Redis's keyword search; -1 if there is none.
   */
  private static int afterKeyword(byte[][] line, KeySpec keySpec) {
    for (int i = keySpec.index(); i < line.length - 1; i++) {
      if (Arguments.text(line[i]).equalsIgnoreCase(keySpec.keyword())) {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * The flags of a key of {@code line}: its specification's, but for {@code variable_flags} ({@code SET}), whose
   * key is read only with a {@code GET} option after the value, as Redis's {@code setGetKeys} decides.
   */
  private static List<String> flagsOf(KeySpec keySpec, byte[][] line) {
    if (!keySpec.flags().contains("variable_flags")) {
      return keySpec.flags();
    }
    for (int i = 3; i < line.length; i++) {
      if (Arguments.lowerCase(line[i]).equals("get")) {
        return List.of("RW", "access", "update");
      }
    }
    return List.of("OW", "update");
  }
}
