package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The options of RESP {@code SET key value [NX|XX] [GET] [EX s|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]} and of
 * {@code GETEX key [EX s|PX ms|EXAT unix-s|PXAT unix-ms|PERSIST]}, parsed as Redis 7 does: options in any order,
 * case-insensitive; an option may be repeated (the last time given wins), but {@code NX} with {@code XX}, two
 * different expiry options, an option the command does not take or any other word is {@code ERR syntax error}.
 * Only then is the time read: not an integer is {@code ERR value is not an integer or out of range}; not positive
 * (or overflowing in milliseconds) is {@code ERR invalid expire time in '<command>' command}. So is a time to
 * live longer than {@link BlinkStore#MAX_TTL} (100 years), which Redis would accept.
 *
 * @param ifAbsent {@code NX}: set only if the key is absent
 * @param ifPresent {@code XX}: set only if the key is present
 * @param returnOld {@code GET}: reply with the previous value
 * @param keepTtl {@code KEEPTTL}: keep the key's current time to live
 * @param persist {@code PERSIST} ({@code GETEX}): remove the key's time to live
 * @param ttl the time to live from now that {@code EX}/{@code PX}/{@code EXAT}/{@code PXAT} give, or
 *     {@code null}; zero or negative when an {@code EXAT}/{@code PXAT} time has already passed, so that the key
 *     is gone at once
 * @param refusal the error reply if the options are invalid (then the others are meaningless), else {@code null}
 */
record SetOptions(boolean ifAbsent, boolean ifPresent, boolean returnOld, boolean keepTtl, boolean persist,
    @Nullable Duration ttl, Result.@Nullable Error refusal) {

  private static final Set<String> TIMED = Set.of("ex", "px", "exat", "pxat");
  private static final long MAX_TTL_MILLIS = BlinkStore.MAX_TTL.toMillis();

  /** Tells whether {@code SET} must read the key's current value first. */
  boolean readsOld() {
    return ifAbsent || ifPresent || returnOld;
  }

  /** Tells whether the key must be gone once the command has run: its {@code EXAT}/{@code PXAT} has passed. */
  boolean expiredAtOnce() {
    return ttl != null && (ttl.isNegative() || ttl.isZero());
  }

  /**
   * Parses {@code args[from..]}: {@code SET}'s options, or {@code GETEX}'s if {@code getex}. {@code nowMillis} is
   * the wall clock's Unix time, against which {@code EXAT}/{@code PXAT} are measured.
   */
  static SetOptions parse(byte[][] args, int from, boolean getex, long nowMillis) {
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    String expiry = null;
    byte[] time = null;
    for (int i = from; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      boolean sameExpiry = expiry == null || expiry.equals(option);
      if (!getex && option.equals("nx") && !xx) {
        nx = true;
      } else if (!getex && option.equals("xx") && !nx) {
        xx = true;
      } else if (!getex && option.equals("get")) {
        get = true;
      } else if (TIMED.contains(option) && sameExpiry && i + 1 < args.length) {
        expiry = option;
        time = args[++i];
      } else if ((getex ? option.equals("persist") : option.equals("keepttl")) && sameExpiry) {
        expiry = option;
      } else {
        return refused(RespKeyCommands.SYNTAX_ERROR);
      }
    }
    if (time == null || expiry == null) { // a time comes with its expiry option
      return new SetOptions(nx, xx, get, "keepttl".equals(expiry), "persist".equals(expiry), null, null);
    }
    SetOptions timed = timed(time, expiry, Arguments.lowerCase(args[0]), nowMillis);
    return new SetOptions(nx, xx, get, false, false, timed.ttl(), timed.refusal());
  }

  /**
   * Returns the options of a command whose only option is the expiry {@code expiry} ({@code ex}, {@code px},
   * {@code exat} or {@code pxat}) with {@code time}: {@code SETEX key s value} is {@code SET key value EX s}.
   * {@code command} is named in errors.
   */
  static SetOptions timed(byte[] time, String expiry, String command, long nowMillis) {
    Long amount = Arguments.integer(time);
    if (amount == null) {
      return refused(RespKeyCommands.NOT_AN_INTEGER);
    }
    boolean seconds = expiry.startsWith("ex");
    if (amount <= 0 || seconds && amount > Long.MAX_VALUE / 1000) {
      return refused(invalidExpireTime(command));
    }
    long millis = seconds ? amount * 1000 : amount;
    long ttlMillis = expiry.endsWith("at") ? millis - nowMillis : millis;
    if (ttlMillis > MAX_TTL_MILLIS) {
      return refused(invalidExpireTime(command));
    }
    return new SetOptions(false, false, false, false, false, Duration.ofMillis(ttlMillis), null);
  }

  /** Returns {@code -ERR invalid expire time in '<command>' command}. */
  static Result.Error invalidExpireTime(String command) {
    return Result.error("invalid expire time in '" + command + "' command");
  }

  private static SetOptions refused(Result.Error error) {
    return new SetOptions(false, false, false, false, false, null, error);
  }
}
