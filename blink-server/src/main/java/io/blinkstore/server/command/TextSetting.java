package io.blinkstore.server.command;

import org.jspecify.annotations.Nullable;

/**
 * A setting of text {@code CONFIG SET} changes while the server runs ({@code notify-keyspace-events}), checked
 * before any setting named is applied, as {@link LiveSetting}'s numbers are.
 */
interface TextSetting {
  /** Why {@code value} cannot be applied (Redis's reason), or {@code null} if it can. */
  @Nullable String refusal(String value);

  /** Applies a value {@link #refusal} accepted; returns the value {@code CONFIG GET} reports from now on. */
  String apply(String value);
}
