package io.blinkstore.server;

import java.time.Duration;

/**
 * The options of RESP {@code SET key value [NX|XX] [GET] [EX seconds|PX milliseconds]}, parsed as Redis 7 does:
 * options in any order, case-insensitive; {@code NX} with {@code XX}, a second {@code EX}/{@code PX}, or any
 * other word is {@code ERR syntax error}; a time that is not an integer is
 * {@code ERR value is not an integer or out of range}; one not positive (or overflowing in milliseconds) is
 * {@code ERR invalid expire time in 'set' command}. {@code KEEPTTL}, {@code EXAT} and {@code PXAT} are not
 * supported (a syntax error).
 *
 * @param ifAbsent {@code NX}: set only if the key is absent
 * @param ifPresent {@code XX}: set only if the key is present
 * @param returnOld {@code GET}: reply with the previous value
 * @param ttl {@code EX}/{@code PX}, or {@code null}
 * @param refusal the error reply if the options are invalid (then the others are meaningless), else {@code null}
 */
record SetOptions(boolean ifAbsent, boolean ifPresent, boolean returnOld, Duration ttl, RespReply.Error refusal) {
  static final RespReply.Error INVALID_EXPIRE = RespReply.error("invalid expire time in 'set' command");

  /** Tells whether {@code SET} must read the key's current value first. */
  boolean readsOld() {
    return ifAbsent || ifPresent || returnOld;
  }

  /** Parses {@code args[3..]} of a {@code SET} command. */
  static SetOptions parse(byte[][] args) {
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    byte[] time = null;
    boolean seconds = false;
    for (int i = 3; i < args.length; i++) {
      String option = RespCommands.lowerCase(args[i]);
      boolean hasNext = i + 1 < args.length;
      if (option.equals("nx") && !xx) {
        nx = true;
      } else if (option.equals("xx") && !nx) {
        xx = true;
      } else if (option.equals("get")) {
        get = true;
      } else if ((option.equals("ex") || option.equals("px")) && time == null && hasNext) {
        seconds = option.equals("ex");
        time = args[++i];
      } else {
        return refused(RespKeyCommands.SYNTAX_ERROR);
      }
    }
    if (time == null) {
      return new SetOptions(nx, xx, get, null, null);
    }
    Long amount = parseLong(time);
    if (amount == null) {
      return refused(RespKeyCommands.NOT_AN_INTEGER);
    }
    if (amount <= 0 || seconds && amount > Long.MAX_VALUE / 1000) {
      return refused(INVALID_EXPIRE);
    }
    return new SetOptions(nx, xx, get, seconds ? Duration.ofSeconds(amount) : Duration.ofMillis(amount), null);
  }

  private static SetOptions refused(RespReply.Error error) {
    return new SetOptions(false, false, false, null, error);
  }

  /** Parses a decimal 64-bit integer, or returns {@code null}. */
  static Long parseLong(byte[] bytes) {
    String text = RespCommands.text(bytes);
    if (text.isEmpty() || text.startsWith("+") || text.length() > 20) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
