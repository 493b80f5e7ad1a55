package io.blinkstore;

import io.blinkstore.internal.Decimal;
import io.blinkstore.internal.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkHash}: each call one operation of the store's {@link Hashes} (gated, watched, refused
 * past the limit without a change), fields encoded as UTF-8.
 */
final class StoreHash implements BlinkHash {
  private final Hashes hashes;
  private final String key;

  StoreHash(Hashes hashes, String key) {
    this.hashes = hashes;
    this.key = key;
  }

  private static byte[] utf8(String field) {
    return field.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public boolean set(String field, byte[] value) {
    return hashes.set(key, new byte[][] {utf8(field), Objects.requireNonNull(value, "value")}, 0) == 1;
  }

  @Override
  public long setAll(Map<String, byte[]> fields) {
    byte[][] args = new byte[fields.size() * 2][];
    int i = 0;
    for (Map.Entry<String, byte[]> field : fields.entrySet()) {
      args[i++] = utf8(field.getKey());
      args[i++] = Objects.requireNonNull(field.getValue(), "value");
    }
    return args.length == 0 ? 0 : hashes.set(key, args, 0);
  }

  @Override
  public boolean setIfAbsent(String field, byte[] value) {
    return hashes.setIfAbsent(key, utf8(field), Objects.requireNonNull(value, "value"));
  }

  @Override
  public byte @Nullable [] get(String field) {
    return hashes.get(key, utf8(field));
  }

  @Override
  public boolean delete(String field) {
    return hashes.delete(key, new byte[][] {utf8(field)}, 0) == 1;
  }

  @Override
  public boolean contains(String field) {
    return hashes.contains(key, utf8(field));
  }

  @Override
  public long size() {
    return hashes.size(key);
  }

  @Override
  public Map<String, byte[]> getAll() {
    List<byte[]> entries = Objects.requireNonNull(hashes.entries(key, true, true, Long.MAX_VALUE), "no bound");
    Map<String, byte[]> all = new LinkedHashMap<>();
    for (int i = 0; i + 1 < entries.size(); i += 2) {
      all.put(new String(entries.get(i), StandardCharsets.UTF_8), entries.get(i + 1));
    }
    return all;
  }

  @Override
  public long incrementBy(String field, long delta) {
    byte[] sum = hashes.compute(key, utf8(field), Decimal.MAX_LENGTH, old -> {
      long current;
      try {
        current = old == null ? 0 : Decimal.parse(old);
      } catch (NumberFormatException e) {
        throw new NotAnIntegerException(key);
      }
      return Decimal.format(Math.addExact(current, delta));
    });
    return Decimal.parse(sum);
  }
}
