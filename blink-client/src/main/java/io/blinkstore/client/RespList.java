package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.blinkstore.BlinkList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkClient}'s {@link BlinkList} over RESP: each method one Redis list command ({@code LPUSH},
 * {@code LPOP key count}, {@code LRANGE}, {@code LSET}, {@code LMOVE}, ...), sent on the client's pool and waited
 * for, with the same meaning against a Blink Store server and against Redis or Valkey. Server errors become the
 * contract's exceptions ({@code WRONGTYPE}, {@code -OOM}); {@code LSET}'s two errors its answers.
 */
final class RespList implements BlinkList {
  private final String key;
  private final RespProtocol protocol;
  private final Function<RespRequest<RespReply>, CompletableFuture<RespReply>> send;

  RespList(String key, RespProtocol protocol, Function<RespRequest<RespReply>, CompletableFuture<RespReply>> send) {
    this.key = key;
    this.protocol = protocol;
    this.send = send;
  }

  @Override
  public String key() {
    return key;
  }

  private RespReply call(String name, long valueBytes, byte[]... arguments) {
    return BlinkClient.await(send.apply(protocol.keyCommand(name, key, valueBytes, Arrays.asList(arguments))));
  }

  private static byte[] ascii(Object value) {
    return String.valueOf(value).getBytes(US_ASCII);
  }

  private static String side(End end) {
    return end == End.LEFT ? "L" : "R";
  }

  private static long integer(RespReply reply) {
    if (reply instanceof RespReply.Int n) {
      return n.value();
    }
    throw new IllegalStateException("not an integer reply: " + reply);
  }

  private static long bytes(byte[][] elements) {
    long bytes = 0;
    for (byte[] element : elements) {
      bytes += Objects.requireNonNull(element, "element").length;
    }
    return bytes;
  }

  @Override
  public long push(End end, byte[]... elements) {
    return elements.length == 0 ? size() : integer(call(side(end) + "PUSH", bytes(elements), elements));
  }

  @Override
  public long pushIfPresent(End end, byte[]... elements) {
    return elements.length == 0 ? size() : integer(call(side(end) + "PUSHX", bytes(elements), elements));
  }

  @Override
  public byte @Nullable [] pop(End end) {
    return ((RespReply.Bulk) call(side(end) + "POP", 0)).bytes();
  }

  @Override
  public @Nullable List<byte[]> pop(End end, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    RespReply reply = call(side(end) + "POP", 0, ascii(count));
    return reply instanceof RespReply.Array array && array.items() != null ? elements(array.items()) : null;
  }

  @Override
  public long size() {
    return integer(call("LLEN", 0));
  }

  @Override
  public byte @Nullable [] get(long index) {
    return ((RespReply.Bulk) call("LINDEX", 0, ascii(index))).bytes();
  }

  @Override
  public List<byte[]> range(long start, long stop) {
    RespReply.Array array = (RespReply.Array) call("LRANGE", 0, ascii(start), ascii(stop));
    return elements(Objects.requireNonNullElse(array.items(), List.of()));
  }

  @Override
  public boolean set(long index, byte[] element) {
    try {
      call("LSET", element.length, ascii(index), element);
      return true;
    } catch (BlinkServerException e) {
      if (e.getMessage() != null && e.getMessage().endsWith("ERR no such key")) {
        return false;
      }
      if (e.getMessage() != null && e.getMessage().endsWith("ERR index out of range")) {
        throw new IndexOutOfBoundsException("index out of range: " + index);
      }
      throw e;
    }
  }

  @Override
  public long remove(long count, byte[] element) {
    return integer(call("LREM", 0, ascii(count), element));
  }

  @Override
  public long insert(boolean before, byte[] pivot, byte[] element) {
    return integer(call("LINSERT", element.length, ascii(before ? "BEFORE" : "AFTER"), pivot, element));
  }

  @Override
  public List<Long> positions(byte[] element, long rank, long count, long maxLength) {
    if (rank == 0 || count < 0 || maxLength < 0) {
      throw new IllegalArgumentException("rank must not be 0, count and maxLength not negative: " + rank + ", "
          + count + ", " + maxLength);
    }
    RespReply reply = call("LPOS", 0, element, ascii("RANK"), ascii(rank), ascii("COUNT"), ascii(count),
        ascii("MAXLEN"), ascii(maxLength));
    List<Long> indexes = new ArrayList<>();
    for (RespReply item : Objects.requireNonNullElse(((RespReply.Array) reply).items(), List.<RespReply>of())) {
      indexes.add(integer(item));
    }
    return indexes;
  }

  @Override
  public void trim(long start, long stop) {
    call("LTRIM", 0, ascii(start), ascii(stop));
  }

  @Override
  public byte @Nullable [] move(End from, String destination, End to) {
    byte[] destinationKey = RespProtocol.keyBytes(destination);
    RespReply reply = call("LMOVE", 0, destinationKey, ascii(from == End.LEFT ? "LEFT" : "RIGHT"),
        ascii(to == End.LEFT ? "LEFT" : "RIGHT"));
    return ((RespReply.Bulk) reply).bytes();
  }

  private static List<byte[]> elements(List<RespReply> items) {
    List<byte[]> elements = new ArrayList<>(items.size());
    for (RespReply item : items) {
      elements.add(Objects.requireNonNull(((RespReply.Bulk) item).bytes(), "an element"));
    }
    return elements;
  }
}
