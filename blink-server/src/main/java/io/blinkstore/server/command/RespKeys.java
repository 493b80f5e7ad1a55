package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The store key of a RESP key. RESP keys are any bytes, as in Redis; a Blink Store key is a non-empty UTF-8
 * string without whitespace ({@link BlinkStore#isValidKey}), the only keys the text protocol can carry. Bytes
 * that are such a key are that key, shared with the text protocol. Any other bytes (empty, with whitespace, not
 * UTF-8), and keys that begin with {@link #ESCAPE} or with U+FDD1 (the mark of a database's keys,
 * {@code Namespaces}), are stored under {@code ESCAPE} followed by the unpadded
 * base64url of the bytes: a valid key no other RESP key maps to, since every key beginning with {@code ESCAPE}
 * is escaped too. The text protocol sees such an entry under that name, and {@code USAGE} counts that name's
 * bytes.
 */
public final class RespKeys {
  /** U+FDD0, a Unicode noncharacter: valid in a key, and in no key anyone types. */
  static final char ESCAPE = '\uFDD0';

  /** U+FDD1, which begins the store keys of databases other than 0 ({@code Namespaces}): escaped too. */
  private static final char DATABASE_MARK = '\uFDD1';

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

  private RespKeys() {}

  /** Returns the store key of the RESP key {@code bytes}. */
  public static String of(byte[] bytes) {
    if (isVisibleAscii(bytes)) {
      // The common case, made without a decoder: such bytes are a valid key, and cannot begin with ESCAPE.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    String key = utf8(bytes);
    if (key != null && BlinkStore.isValidKey(key) && key.charAt(0) != ESCAPE && key.charAt(0) != DATABASE_MARK) {
      return key;
    }
    return ESCAPE + BASE64URL.encodeToString(bytes);
  }

  /**
   * Returns the RESP key whose store key is {@code key}: the inverse of {@link #of}, for replies that list keys
   * ({@code KEYS}, {@code SCAN}). A key written over the text protocol that begins with {@link #ESCAPE} without
   * being an escape is returned as its UTF-8 bytes.
   */
  public static byte[] bytes(String key) {
    if (!key.isEmpty() && key.charAt(0) == ESCAPE) {
      try {
        return BASE64URL_DECODER.decode(key.substring(1));
      } catch (IllegalArgumentException notAnEscape) {
        // a text key that merely begins with the noncharacter
      }
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code bytes} is non-empty and all of it printable ASCII, {@code !} to {@code ~}: no whitespace. */
  private static boolean isVisibleAscii(byte[] bytes) {
    if (bytes.length == 0) {
      return false;
    }
    for (byte b : bytes) {
      if (b < '!' || b > '~') {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException malformed) {
      return null;
    }
  }
}
