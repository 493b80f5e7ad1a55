package io.blinkstore.server.command;

import org.jspecify.annotations.Nullable;

/**
 * A numeric setting {@code CONFIG SET} changes while the server runs ({@code timeout}, {@code maxclients}, given by
 * the transport; {@code maxmemory}, by the store). {@code CONFIG SET} asks every setting named whether it takes its
 * value before it applies any, so that a multi-setting change is all or nothing, as in Redis 7.
 */
public interface LiveSetting {
  /**
   * Why {@code value} (already within Redis's range for the setting) cannot be applied, or {@code null} if it can.
   */
  @Nullable String refusal(long value);

  /** Applies a value {@link #refusal} accepted; does not fail. */
  void apply(long value);

  /**
   * Applies a value {@link #refusal} accepted, or says why it could not, having changed nothing: for a setting
   * whose applying can fail ({@code port}: another socket may hold the new port). {@code CONFIG SET} applies such a
   * setting before every other it names, and applies none of them if it fails. By default {@link #apply}.
   *
   * @return why it was not applied, or {@code null}
   */
  default @Nullable String tryApply(long value) {
    apply(value);
    return null;
  }
}
