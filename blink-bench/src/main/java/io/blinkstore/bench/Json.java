package io.blinkstore.bench;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Just enough JSON writing for flat result objects: no library for a dozen fields. */
final class Json {
  private Json() {}

  static String field(String name, @Nullable Object value) {
    return quote(name) + ":" + value(value);
  }

  private static String value(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Double number) {
      return Double.isFinite(number) ? String.format(Locale.ROOT, "%.3f", number) : "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return quote(value.toString());
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
