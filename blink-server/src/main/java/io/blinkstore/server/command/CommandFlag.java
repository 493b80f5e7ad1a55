package io.blinkstore.server.command;

/**
 * What a command is, as Redis's command table says it ({@code src/commands/*.json}): the {@link Dispatcher}
 * decides from these alone, never from a command's name, and {@code COMMAND} reports them.
 */
enum CommandFlag {
  /** Changes data. */
  WRITE,
  /** Only reads data. */
  READONLY,
  /** May add data: refused with {@code -OOM} while the heap guard says the heap is nearly full. */
  DENYOOM,
  /** An administrative command ({@code CONFIG}). */
  ADMIN,
  /** A publish/subscribe command ({@code SUBSCRIBE}, {@code PUBLISH}, {@code PUBSUB CHANNELS}). */
  PUBSUB,
  /** Not allowed inside a script. */
  NOSCRIPT,
  /** Allowed before the connection has signed in ({@code AUTH}, {@code HELLO}, {@code QUIT}). */
  NO_AUTH,
  /** Constant or logarithmic time: never stalls the event loop. */
  FAST,
  /** Allowed while the data set loads. */
  LOADING,
  /** Allowed on a replica with stale data. */
  STALE,
  /** Allowed while a script runs too long ({@code -BUSY}): {@code QUIT}, {@code AUTH}, {@code HELLO}. */
  ALLOW_BUSY,
  /** Not itself logged in the slow log ({@code EXEC}: its commands are); reported by {@code COMMAND} only. */
  SKIP_SLOWLOG,
  /** May block its client until another client's write ({@code BLPOP}). */
  BLOCKING,
  /** Its keys are found by reading its arguments ({@code LMPOP}'s {@code numkeys}), not at fixed positions. */
  MOVABLEKEYS,
  /** Not shown by {@code MONITOR} when it runs: it shows itself ({@code EVAL}, before its script's commands). */
  SKIP_MONITOR,
  /** May be called with no key even though it takes keys ({@code EVAL} with {@code numkeys} 0). */
  NO_MANDATORY_KEYS,
  /** Refused while a replica loads in the background (Redis's {@code SAVE}, {@code BGSAVE}); none does here. */
  NO_ASYNC_LOADING,
  /** Refused inside {@code MULTI} ({@code SAVE}): the transaction then aborts. */
  NO_MULTI;

  /** The bit of this flag in {@link CommandSpec#flags}. */
  int bit() {
    return 1 << ordinal();
  }

  /** The bits of {@code flags}. */
  static int bits(CommandFlag... flags) {
    int bits = 0;
    for (CommandFlag flag : flags) {
      bits |= flag.bit();
    }
    return bits;
  }
}
