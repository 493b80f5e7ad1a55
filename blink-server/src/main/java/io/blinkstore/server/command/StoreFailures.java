package io.blinkstore.server.command;

import io.blinkstore.EntryTooLargeException;
import io.blinkstore.WrongTypeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The error a command answers when the store throws: Redis's for the failures it has, else one logged here. */
final class StoreFailures {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private StoreFailures() {}

  /** The error a command named {@code name} answers when the store throws {@code e}. */
  static Result reply(String name, RuntimeException e) {
    if (e instanceof EntryTooLargeException) {
      return Dispatcher.AT_CAPACITY;
    }
    if (e instanceof WrongTypeException) {
      return Dispatcher.WRONGTYPE;
    }
    if (e instanceof EntrySizeLimits.TooLarge tooLarge) {
      return Result.error(tooLarge.getMessage());
    }
    log.warn("internal error executing {}", name, e);
    return Result.error("internal error");
  }
}
