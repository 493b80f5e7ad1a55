package io.blinkstore.server.command;

import io.blinkstore.internal.Hashes;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONFIG SET hash-max-listpack-entries} and {@code hash-max-listpack-value} (and their old names,
 * {@code hash-max-ziplist-*}): the bounds of a hash kept compact (Redis's {@code listpack}, which
 * {@code OBJECT ENCODING} names), given to the store's {@link Hashes} for the hashes written after. Redis's suite
 * sets them to see both encodings.
 */
final class HashBounds {
  private long maxEntries = 128;
  private long maxBytes = 64;

  private HashBounds() {}

  /** Makes the four names live in {@code config}, applied to {@code hashes}. */
  static void makeLive(ServerConfig config, Hashes hashes) {
    HashBounds bounds = new HashBounds();
    for (String prefix : new String[] {"hash-max-listpack-", "hash-max-ziplist-"}) {
      config.live(prefix + "entries", bounds.setting(hashes, true));
      config.live(prefix + "value", bounds.setting(hashes, false));
    }
  }

  private LiveSetting setting(Hashes hashes, boolean entries) {
    return new LiveSetting() {
      @Override
      public @Nullable String refusal(long value) {
        return null;
      }

      @Override
      public void apply(long value) {
        synchronized (HashBounds.this) {
          if (entries) {
            maxEntries = value;
          } else {
            maxBytes = value;
          }
          hashes.compactBounds(maxEntries, maxBytes);
        }
      }
    };
  }
}
