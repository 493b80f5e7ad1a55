package io.blinkstore.server;

import java.util.Locale;

/**
 * Who may run Redis's {@code DEBUG} subcommands that stop, sleep or refill the server ({@code SET-ACTIVE-EXPIRE},
 * {@code SLEEP}, {@code RELOAD}, {@code POPULATE}, ...): Redis's {@code enable-debug-command} setting, with its
 * values and meaning. Whatever it says, {@code DEBUG PROTOCOL}, {@code QUICKLIST-PACKED-THRESHOLD} and
 * {@code SET-DISABLE-DENY-SCRIPTS} answer everyone (docs/resp.md).
 */
public enum DebugCommandAccess {
  /** Nobody (the default, as Redis's): any client could otherwise stop expiry or stall the server. */
  NO,
  /** Clients on the Unix socket or at 127.0.0.1 or ::1 exactly, as Redis's {@code local}. */
  LOCAL,
  /** Every client. */
  YES;

  /** The setting's value as Redis writes it ({@code no}, {@code local}, {@code yes}). */
  public String redisName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
