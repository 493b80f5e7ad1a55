package io.blinkstore;

/** Key sizing and validation in one pass over the string, without encoding it. */
final class Utf8 {
  private Utf8() {}

  /**
   * Returns the UTF-8 byte length of {@code key}, or -1 if it is not a valid key: empty, holding whitespace
   * (Unicode White_Space, the set the protocol splits on) or an unpaired surrogate.
   */
  static int keyBytes(String key) {
    int length = key.length();
    if (length == 0) {
      return -1;
    }
    int bytes = 0;
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        if (c <= ' ' && isWhitespace(c)) {
          return -1;
        }
        bytes += 1;
      } else if (c < 0x800) {
        if (c == 0x85 || c == 0xA0) {
          return -1;
        }
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == length || !Character.isLowSurrogate(key.charAt(i + 1))) {
          return -1;
        }
        i++;
        bytes += 4;
      } else {
        if (isWhitespace(c)) {
          return -1;
        }
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Returns the UTF-8 byte length of a key already known to be valid. */
  static int validKeyBytes(String key) {
    int length = key.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)) {
          bytes += 2;
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** Unicode White_Space: exactly what Rust's {@code char::is_whitespace} and {@code str::trim} use. */
  static boolean isWhitespace(char c) {
    return c == ' '
        || (c >= '\t' && c <= '\r')
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }
}
