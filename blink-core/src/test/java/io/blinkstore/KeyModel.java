package io.blinkstore;

import java.util.Set;

/** The key rules of {@link BlinkStore}, written out plainly, to check the real validation against. */
final class KeyModel {
  /** Unicode White_Space: the characters the wire protocol splits on, so no key may hold them. */
  static final Set<Character> WHITE_SPACE = Set.of(
      '\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0', '\u1680',
      '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A',
      '\u2028', '\u2029', '\u202F', '\u205F', '\u3000');

  private KeyModel() {}

  /** Non-empty, no White_Space, and every surrogate paired ({@code codePoints()} yields lone ones as such). */
  static boolean isValid(String key) {
    return !key.isEmpty()
        && key.chars().noneMatch(c -> WHITE_SPACE.contains((char) c))
        && key.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
  }
}
