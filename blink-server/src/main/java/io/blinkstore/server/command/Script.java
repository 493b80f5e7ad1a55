package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaValue;

/**
 * A script of the cache: its SHA1 (lower-case hex), its body, the flags of its shebang line
 * ({@code #!lua flags=no-writes,allow-oom}, Redis 7.0's), and its compiled function.
 *
 * @param sha the SHA1 of {@code body}, 40 lower-case hex digits
 * @param body the script as the client sent it
 * @param flags the bits of its shebang's flags, or {@link #COMPAT} for a script without a shebang
 * @param function the compiled chunk, called once per run
 */
record Script(String sha, byte[] body, int flags, LuaValue function) {
  /** No shebang: Redis's "eval compatibility mode" (writes allowed, {@code EVAL_RO} runs it read-only). */
  static final int COMPAT = 1;
  static final int NO_WRITES = 1 << 1;
  static final int ALLOW_OOM = 1 << 2;
  static final int ALLOW_STALE = 1 << 3;
  static final int NO_CLUSTER = 1 << 4;
  static final int ALLOW_CROSS_SLOT = 1 << 5;

  private static final List<String> FLAG_NAMES =
      List.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");

  /** The bit of the flag named {@code name} (any case, as Redis's {@code strcasecmp}), or 0 for none. */
  static int flagNamed(String name) {
    for (int i = 0; i < FLAG_NAMES.size(); i++) {
      if (FLAG_NAMES.get(i).equalsIgnoreCase(name)) {
        return NO_WRITES << i;
      }
    }
    return 0;
  }

  /** The names of {@code flags}' bits, in Redis's order ({@code scripts_flags_def}). */
  static List<String> flagNames(int flags) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < FLAG_NAMES.size(); i++) {
      if ((flags & NO_WRITES << i) != 0) {
        names.add(FLAG_NAMES.get(i));
      }
    }
    return names;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The flags of a body and where its Lua begins (after the shebang line, its line feed kept). */
  record Shebang(int flags, int length) {}

  /**
   * Reads the shebang line of {@code body} as Redis 7.0's {@code evalExtractShebangFlags} does.
   *
   * @throws IllegalArgumentException with Redis's error text for a shebang it refuses
   */
  static Shebang shebang(byte[] body) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return new Shebang(COMPAT, 0);
    }
    int end = 0;
    while (end < body.length && body[end] != '\n') {
      end++;
    }
    if (end == body.length) {
      throw new IllegalArgumentException("Invalid script shebang");
    }
    String[] parts = new String(body, 0, end, StandardCharsets.ISO_8859_1).trim().split("[ \t\r]+");
    if (!parts[0].equals("#!lua")) {
      throw new IllegalArgumentException("Unexpected engine in script shebang: " + parts[0]);
    }
    int flags = 0;
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith("flags=")) {
        throw new IllegalArgumentException("Unknown lua shebang option: " + parts[i]);
      }
      for (String flag : flagList(parts[i].substring("flags=".length()))) {
        int index = FLAG_NAMES.indexOf(flag);
        if (index < 0) {
          throw new IllegalArgumentException("Unexpected flag in script shebang: " + flag);
        }
        flags |= NO_WRITES << index;
      }
    }
    return new Shebang(flags, end);
  }

  /** The comma-separated flags of {@code list}, as Redis's {@code sdssplitlen} cuts them (none if empty). */
  private static List<String> flagList(String list) {
    List<String> flags = new ArrayList<>();
    if (list.isEmpty()) {
      return flags;
    }
    int start = 0;
    for (int comma = list.indexOf(','); comma >= 0; comma = list.indexOf(',', start)) {
      flags.add(list.substring(start, comma));
      start = comma + 1;
    }
    flags.add(list.substring(start));
    return flags;
  }

  /** The SHA1 of {@code body} in lower-case hex, as Redis's {@code sha1hex}. */
  static String sha1hex(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(body);
      StringBuilder hex = new StringBuilder(40);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
