package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.TypedKeys;
import org.jspecify.annotations.Nullable;

/**
 * How the generic commands see a key of any type (string, hash, list): a string read of a hash or list throws
 * {@link WrongTypeException}, which a command that only asks whether the key exists ({@code EXISTS},
 * {@code TOUCH}, {@code OBJECT FREQ}, {@code MSETNX}) takes as "present", and whose reply elsewhere is Redis's
 * {@code -WRONGTYPE} ({@link Dispatcher#WRONGTYPE}). A store that is not the in-process one has strings only.
 */
final class KeyTypes {
  private KeyTypes() {}

  /** Whether {@code key} has a live value of any type; a hit or a miss as a read of it counts. */
  static boolean present(BlinkStore store, String key) {
    try {
      return store.getStored(key) != null;
    } catch (WrongTypeException typed) {
      return true;
    }
  }

  /**
   * The type of the live value of {@code key} as {@code TYPE} names it, {@code null} if it has none; on a store
   * without {@code types}, {@code "string"} if {@code live}.
   */
  static @Nullable String type(@Nullable TypedKeys types, String key, boolean live) {
    return types != null ? types.type(key) : live ? "string" : null;
  }

  /** Whether {@code key} holds a live hash or list (which {@code COPY}, {@code RENAME}, {@code MOVE} copy whole). */
  static boolean typed(@Nullable TypedKeys types, String key) {
    String type = types == null ? null : types.type(key);
    return type != null && !type.equals("string");
  }
}
