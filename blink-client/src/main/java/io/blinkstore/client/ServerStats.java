package io.blinkstore.client;

import io.blinkstore.BlinkStats;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@code STATS} reply the client uses. The reply is read as {@code name=value} pairs: fields the
 * client does not know (the server may append more) are ignored, whatever their values look like.
 * {@code expirations} and {@code expiring} came later than the others: a server without them counts none.
 */
record ServerStats(long keys, long usage, long limit, long hits, long misses, long evictions, long expirations,
    long expiring) {

  /** Parses the text after {@code STATS }, or returns null if a field the client needs is missing or malformed. */
  static @Nullable ServerStats parse(String fields) {
    Map<String, String> pairs = new HashMap<>();
    for (String pair : fields.split(" ")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        pairs.putIfAbsent(pair.substring(0, equals), pair.substring(equals + 1));
      }
    }
    long[] values = new long[6];
    String[] names = {"keys", "usage", "limit", "hits", "misses", "evictions"};
    for (int i = 0; i < names.length; i++) {
      Long value = pairs.containsKey(names[i]) ? TextProtocol.parseCount(pairs.get(names[i])) : null;
      if (value == null) {
        return null;
      }
      values[i] = value;
    }
    Long expirations = countOrZero(pairs, "expirations");
    Long expiring = countOrZero(pairs, "expiring");
    return expirations == null || expiring == null ? null
        : new ServerStats(values[0], values[1], values[2], values[3], values[4], values[5], expirations, expiring);
  }

  /**
   * The count named {@code name}, 0 if the field is absent, null if it is malformed. (A conditional of a parsed
   * Long and the literal 0L would be a long, unboxing a malformed field's null.)
   */
  private static @Nullable Long countOrZero(Map<String, String> pairs, String name) {
    String text = pairs.get(name);
    return text == null ? Long.valueOf(0) : TextProtocol.parseCount(text);
  }

  BlinkStats blinkStats() {
    return new BlinkStats(hits, misses, evictions, expirations, expiring);
  }
}
