package io.blinkstore.server;

import java.util.Locale;

/**
 * Parses sizes such as {@code 10485760}, {@code 64MB}, {@code 64MiB}, {@code 512k} or {@code 1GiB}. Every unit
 * is a power of 1024 ({@code MB} means MiB, as in Redis's {@code mb} and the JVM's {@code -Xmx64m}); case and a
 * space before the unit do not matter.
 */
final class ByteSize {
  private ByteSize() {}

  /**
   * Returns the number of bytes {@code text} names.
   *
   * @throws IllegalArgumentException naming the text, if it is not a size or overflows a long
   */
  static long parse(String text) {
    String trimmed = text.strip();
    int unitStart = 0;
    while (unitStart < trimmed.length() && Character.isDigit(trimmed.charAt(unitStart))
        && trimmed.charAt(unitStart) < 0x80) {
      unitStart++;
    }
    if (unitStart == 0) {
      throw invalid(text);
    }
    long number;
    try {
      number = Long.parseLong(trimmed.substring(0, unitStart));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    int shift = shift(trimmed.substring(unitStart).strip().toLowerCase(Locale.ROOT), text);
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return number << shift;
  }

  /**
   * Returns {@code bytes} in the largest unit that writes it whole ({@code 1MiB}, {@code 64KiB}, {@code 1000}):
   * the inverse of {@link #parse}, for showing a default that is defined as a number.
   */
  static String format(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (units.length - i));
      if (bytes >= unit && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }

  private static int shift(String unit, String text) {
    switch (unit) {
      case "":
      case "b":
        return 0;
      case "k":
      case "kb":
      case "kib":
        return 10;
      case "m":
      case "mb":
      case "mib":
        return 20;
      case "g":
      case "gb":
      case "gib":
        return 30;
      case "t":
      case "tb":
      case "tib":
        return 40;
      default:
        throw invalid(text);
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a size (examples: 10485760, 64MB, 512KiB, 1GiB)");
  }
}
