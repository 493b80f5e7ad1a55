package io.blinkstore.server.command;

import io.blinkstore.internal.Decimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How operations read their arguments, the binary-safe byte strings a client sent. */
public final class Arguments {
  private Arguments() {}

  /** Returns {@code arg} as ISO-8859-1 text: one char per byte, so error replies echo the bytes unchanged. */
  public static String text(byte[] arg) {
    return new String(arg, StandardCharsets.ISO_8859_1);
  }

  /**
   * Returns the 64-bit integer {@code arg} spells as Redis reads numbers (optional {@code -}, ASCII digits, no
   * {@code +}, no leading zeros, no {@code -0}), or {@code null}.
   */
  static @Nullable Long integer(byte[] arg) {
    try {
      return Decimal.parse(arg);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Returns {@code arg} as lower-case text, for case-insensitive names and options. */
  static String lowerCase(byte[] arg) {
    return text(arg).toLowerCase(Locale.ROOT);
  }
}
