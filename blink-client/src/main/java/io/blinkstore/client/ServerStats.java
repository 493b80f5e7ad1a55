package io.blinkstore.client;

import io.blinkstore.BlinkStats;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a {@code STATS} reply the client uses. The reply is read as {@code name=value} pairs: fields the
 * client does not know (the server may append more) are ignored, whatever their values look like.
 * {@code expirations} and {@code expiring} came later than the others: a server without them counts none.
 */
record ServerStats(long keys, long usage, long limit, long hits, long misses, long evictions, long expirations,
    long expiring) {

  /** Parses the text after {@code STATS }, or returns null if a field the client needs is missing or malformed. */
  static ServerStats parse(String fields) {
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
    Long expirations = pairs.containsKey("expirations") ? TextProtocol.parseCount(pairs.get("expirations")) : 0L;
    Long expiring = pairs.containsKey("expiring") ? TextProtocol.parseCount(pairs.get("expiring")) : 0L;
    return expirations == null || expiring == null ? null
        : new ServerStats(values[0], values[1], values[2], values[3], values[4], values[5], expirations, expiring);
  }

  BlinkStats blinkStats() {
    return new BlinkStats(hits, misses, evictions, expirations, expiring);
  }
}
