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
}
