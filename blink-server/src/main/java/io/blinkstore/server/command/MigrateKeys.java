package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code MIGRATE}'s keys are for {@code COMMAND GETKEYS}, as Redis 7.0's {@code migrateGetKeys}: the key
 * argument, or with {@code KEYS} (after options, skipping {@code AUTH}'s and {@code AUTH2}'s arguments) every
 * argument after it, none if the key argument is not empty then; and which of its arguments are secret, for
 * {@code MONITOR} ({@link Monitors}), as Redis's {@code migrateCommand} redacts them while it parses.
 */
final class MigrateKeys {
  private MigrateKeys() {}

  /** The positions of the keys in {@code line} ({@code line[0]} is {@code MIGRATE}). */
  static List<Integer> positions(byte[][] line) {
    int first = 3;
    int count = 1;
    for (int i = 6; i < line.length; i++) {
      String option = Arguments.lowerCase(line[i]);
      if (option.equals("keys")) {
        if (line[3].length > 0) {
          count = 0;
        } else {
          first = i + 1;
          count = line.length - first;
        }
        break;
      }
      i += option.equals("auth") ? 1 : option.equals("auth2") ? 2 : 0;
    }
    List<Integer> positions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      positions.add(first + i);
    }
    return positions;
  }

  /**
   * The positions of {@code line}'s secrets: {@code AUTH}'s password, {@code AUTH2}'s user name and password, those
   * Redis's parse reaches before it stops (at {@code KEYS} or an error).
   */
  static List<Integer> secrets(byte[][] line) {
    List<Integer> secrets = new ArrayList<>();
    for (int j = 6; j < line.length; j++) {
      int more = line.length - 1 - j;
      String option = Arguments.lowerCase(line[j]);
      if (option.equals("auth") && more >= 1) {
        secrets.add(++j);
      } else if (option.equals("auth2") && more >= 2) {
        secrets.add(++j);
        secrets.add(++j);
      } else if (!option.equals("copy") && !option.equals("replace")) {
        break;
      }
    }
    return secrets;
  }
}
