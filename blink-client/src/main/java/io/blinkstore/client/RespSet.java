package io.blinkstore.client;

import io.blinkstore.BlinkSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkSet} over RESP: each call one set command ({@code SADD}, {@code SMEMBERS}, ...) on the client's
 * pool, answered as the in-process store answers it (the same exceptions: {@link RespProtocol#hashCommand}), so the
 * one contract holds against a Blink Store server and against Redis alike.
 */
final class RespSet implements BlinkSet {
  private final RespCommands commands;
  private final String key;

  RespSet(RespCommands commands, String key) {
    this.commands = commands;
    this.key = key;
  }

  private <T> T run(String name, long valueBytes, List<byte[]> rest, RespRequest.ReplyDecoder<T> decoder) {
    return commands.call(name, key, valueBytes, rest, decoder);
  }

  private static Exchange.@Nullable Result<Long> integer(RespReply reply) {
    return reply instanceof RespReply.Int n ? new Exchange.Result<>(n.value()) : null;
  }

  /** A bulk string, or {@code null} for RESP's nil. */
  private static Exchange.@Nullable Result<byte @Nullable []> bulk(RespReply reply) {
    return reply instanceof RespReply.Bulk bulk ? new Exchange.Result<>(bulk.bytes()) : null;
  }

  private static List<byte[]> members(byte[][] members) {
    for (byte[] member : members) {
      Objects.requireNonNull(member, "member");
    }
    return Arrays.asList(members);
  }

  private static long bytes(byte[][] members) {
    long bytes = 0;
    for (byte[] member : members) {
      bytes += member.length;
    }
    return bytes;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long add(byte[]... members) {
    List<byte[]> rest = members(members);
    return rest.isEmpty() ? 0 : run("SADD", bytes(members), rest, RespSet::integer);
  }

  @Override
  public long remove(byte[]... members) {
    List<byte[]> rest = members(members);
    return rest.isEmpty() ? 0 : run("SREM", 0, rest, RespSet::integer);
  }

  @Override
  public boolean contains(byte[] member) {
    return run("SISMEMBER", 0, List.of(Objects.requireNonNull(member, "member")), RespSet::integer) == 1;
  }

  @Override
  public long size() {
    return run("SCARD", 0, List.of(), RespSet::integer);
  }

  @Override
  public List<byte[]> members() {
    return run("SMEMBERS", 0, List.of(), reply -> {
      if (!(reply instanceof RespReply.Array array) || array.items() == null) {
        return null;
      }
      List<byte[]> members = new ArrayList<>(array.items().size());
      for (RespReply item : array.items()) {
        if (!(item instanceof RespReply.Bulk bulk) || bulk.bytes() == null) {
          return null;
        }
        members.add(bulk.bytes());
      }
      return new Exchange.Result<>(members);
    });
  }

  @Override
  public byte @Nullable [] pop() {
    return run("SPOP", 0, List.of(), RespSet::bulk);
  }

  @Override
  public byte @Nullable [] random() {
    return run("SRANDMEMBER", 0, List.of(), RespSet::bulk);
  }

  @Override
  public boolean move(byte[] member, String destination) {
    Objects.requireNonNull(member, "member");
    byte[] to = RespProtocol.keyBytes(destination);
    return run("SMOVE", member.length, List.of(to, member), RespSet::integer) == 1;
  }
}
