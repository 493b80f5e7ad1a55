package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.BlinkHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkHash} over RESP: each call one hash command ({@code HSET}, {@code HGET}, ...) on the client's
 * pool, answered as the in-process store answers it (the same exceptions: {@link RespProtocol#hashCommand}), so
 * the one contract holds against a Blink Store server and against Redis alike.
 */
final class RespHash extends RespKeyView implements BlinkHash {
  RespHash(RespCommands commands, RespProtocol protocol, String key) {
    super(commands, protocol, key);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public boolean set(String field, byte[] value) {
    Objects.requireNonNull(value, "value");
    byte[] name = utf8(field);
    return run("HSET", name.length + value.length, List.of(name, value), RespKeyView::integer) == 1;
  }

  @Override
  public long setAll(Map<String, byte[]> fields) {
    List<byte[]> rest = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, byte[]> field : fields.entrySet()) {
      byte[] value = Objects.requireNonNull(field.getValue(), "value");
      rest.add(utf8(field.getKey()));
      rest.add(value);
      bytes += rest.get(rest.size() - 2).length + value.length;
    }
    return rest.isEmpty() ? 0 : run("HSET", bytes, rest, RespKeyView::integer);
  }

  @Override
  public boolean setIfAbsent(String field, byte[] value) {
    Objects.requireNonNull(value, "value");
    byte[] name = utf8(field);
    return run("HSETNX", name.length + value.length, List.of(name, value), RespKeyView::integer) == 1;
  }

  @Override
  public byte @Nullable [] get(String field) {
    return run("HGET", 0, List.of(utf8(field)),
        reply -> reply instanceof RespReply.Bulk bulk ? new Exchange.Result<>(bulk.bytes()) : null);
  }

  @Override
  public boolean delete(String field) {
    return run("HDEL", 0, List.of(utf8(field)), RespKeyView::integer) == 1;
  }

  @Override
  public boolean contains(String field) {
    return run("HEXISTS", 0, List.of(utf8(field)), RespKeyView::integer) == 1;
  }

  @Override
  public long size() {
    return run("HLEN", 0, List.of(), RespKeyView::integer);
  }

  @Override
  public Map<String, byte[]> getAll() {
    return run("HGETALL", 0, List.of(), reply -> {
      if (!(reply instanceof RespReply.Array array) || array.items() == null || array.items().size() % 2 != 0) {
        return null;
      }
      Map<String, byte[]> all = new LinkedHashMap<>();
      List<RespReply> items = array.items();
      for (int i = 0; i < items.size(); i += 2) {
        if (!(items.get(i) instanceof RespReply.Bulk field) || field.bytes() == null
            || !(items.get(i + 1) instanceof RespReply.Bulk value) || value.bytes() == null) {
          return null;
        }
        all.put(new String(field.bytes(), UTF_8), value.bytes());
      }
      return new Exchange.Result<>(all);
    });
  }

  @Override
  public long incrementBy(String field, long delta) {
    byte[] name = utf8(field);
    return run("HINCRBY", name.length + 20L, List.of(name, Long.toString(delta).getBytes(UTF_8)),
        RespKeyView::integer);
  }
}
