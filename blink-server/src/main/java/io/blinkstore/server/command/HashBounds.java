package io.blinkstore.server.command;

import io.blinkstore.internal.Hashes;
import io.blinkstore.internal.SortedSets;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONFIG SET hash-max-listpack-entries} and {@code hash-max-listpack-value} (and their old names,
 * {@code hash-max-ziplist-*}): the bounds of a hash kept compact (Redis's {@code listpack}, which
 * {@code OBJECT ENCODING} names), given to the store's {@link Hashes} for the hashes written after; and the same
 * two of sorted sets ({@code zset-max-listpack-*}, {@code zset-max-ziplist-*}), given to its {@link SortedSets}.
 * Redis's suite sets them to see both encodings.
 */
final class HashBounds {
  private final BiConsumer<Long, Long> apply;
  private long maxEntries = 128;
  private long maxBytes = 64;

  private HashBounds(BiConsumer<Long, Long> apply) {
    this.apply = apply;
  }

  /** Makes the four names live in {@code config}, applied to {@code hashes}. */
  static void makeLive(ServerConfig config, Hashes hashes) {
    makeLive(config, "hash", hashes::compactBounds);
  }

  /** Makes the four {@code zset-max-*} names live in {@code config}, applied to {@code zsets}. */
  static void makeLive(ServerConfig config, SortedSets zsets) {
    makeLive(config, "zset", zsets::compactBounds);
  }

  private static void makeLive(ServerConfig config, String type, BiConsumer<Long, Long> apply) {
    HashBounds bounds = new HashBounds(apply);
    for (String prefix : new String[] {type + "-max-listpack-", type + "-max-ziplist-"}) {
      config.live(prefix + "entries", bounds.setting(true));
      config.live(prefix + "value", bounds.setting(false));
    }
  }

  private LiveSetting setting(boolean entries) {
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
          apply.accept(maxEntries, maxBytes);
        }
      }
    };
  }
}
