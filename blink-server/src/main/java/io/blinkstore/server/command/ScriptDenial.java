package io.blinkstore.server.command;

/**
 * Which {@code noscript} commands a script may call: none, as in Redis, until {@code DEBUG SET-DISABLE-DENY-SCRIPTS 1}
 * (Redis's test suite sets it to call {@code DEBUG PROTOCOL} from scripts); then {@code DEBUG} alone. Redis lifts
 * the whole {@code noscript} rule there; here {@code EVAL}, {@code MULTI}, the blocking commands and every other
 * {@code noscript} command stay refused, so a nested script, a transaction or a wait inside the script thread's
 * hold of the gate cannot happen whatever the switch says.
 */
final class ScriptDenial {
  private volatile boolean debugAllowed;

  /** {@code DEBUG SET-DISABLE-DENY-SCRIPTS}: whether scripts may call {@code DEBUG} from now on. */
  void allowDebug(boolean allowed) {
    debugAllowed = allowed;
  }

  /** Whether a script may not call the command of {@code spec}. */
  boolean denies(CommandSpec spec) {
    return spec.has(CommandFlag.NOSCRIPT) && !(debugAllowed && spec.name().equals("debug"));
  }

  /** C's {@code atoi}, which Redis reads the switch with: the leading optionally signed digits, 0 without any. */
  static long atoi(String text) {
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    boolean negative = i < text.length() && text.charAt(i) == '-';
    if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      i++;
    }
    long value = 0;
    for (; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && value < Integer.MAX_VALUE; i++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    return negative ? -value : value;
  }
}
