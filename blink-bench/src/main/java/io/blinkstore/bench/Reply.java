package io.blinkstore.bench;

/** What the load generator needs to know of a reply: its kind, not its content. */
enum Reply {
  /** {@code OK} / {@code +OK}. */
  OK,
  /** A value came back ({@code VALUE ...} / a bulk string). */
  HIT,
  /** {@code NOT_FOUND} / a null bulk string. */
  MISS,
  /** {@code ERROR ...} / {@code -ERR ...}. */
  ERROR,
  /** Anything else (an echoed line, an integer). */
  OTHER;

  /** Receives parsed replies in the order they arrived. */
  @FunctionalInterface
  interface Sink {
    void accept(Reply reply);
  }
}
