package io.blinkstore;

import static io.blinkstore.internal.Text.isWhitespace;

import io.blinkstore.internal.Text;

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
    return (int) Text.utf8Length(key);
  }
}
