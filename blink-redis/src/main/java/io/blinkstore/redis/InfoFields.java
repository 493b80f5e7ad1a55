package io.blinkstore.redis;

import java.util.HashMap;
import java.util.Map;

/** The numeric fields of an {@code INFO} reply. */
final class InfoFields {
  private InfoFields() {}

  /**
   * Reads {@code name:value} lines whose value is a whole number; a keyspace line's fields
   * ({@code db0:keys=2,expires=1,avg_ttl=0}) are named after their database: {@code db0.keys}, {@code db0.expires}.
   * Other lines are left out.
   */
  static Map<String, Long> parse(String info) {
    Map<String, Long> fields = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0 || line.startsWith("#")) {
        continue;
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1);
      if (name.matches("db\\d+")) {
        for (String pair : value.split(",")) {
          int equals = pair.indexOf('=');
          if (equals > 0) {
            put(fields, name + "." + pair.substring(0, equals), pair.substring(equals + 1));
          }
        }
      } else {
        put(fields, name, value);
      }
    }
    return fields;
  }

  private static void put(Map<String, Long> fields, String name, String value) {
    if (value.matches("-?\\d{1,18}")) {
      fields.putIfAbsent(name, Long.parseLong(value));
    }
  }
}
