package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.BlinkSortedSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkSortedSet} over RESP: each call one sorted-set command ({@code ZADD}, {@code ZSCORE}, ...) on the
 * client's pool, answered as the in-process store answers it, against a Blink Store server and against Redis
 * alike. Scores go out as Java's shortest exact text ({@code strtod} reads it back to the same double, infinities
 * included) and come back as Redis prints them ({@code %.17g}, {@code inf}).
 */
final class RespSortedSet extends RespKeyView implements BlinkSortedSet {
  RespSortedSet(RespCommands commands, RespProtocol protocol, String key) {
    super(commands, protocol, key);
  }

  private static byte[] score(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("a score must not be NaN");
    }
    return utf8(Double.toString(score));
  }

  /** A score as Redis prints it. */
  static double parse(byte[] text) {
    String score = new String(text, UTF_8).toLowerCase(Locale.ROOT);
    return switch (score) {
      case "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(score);
    };
  }

  /** A bulk score, or nil ({@code null}). */
  private static Exchange.@Nullable Result<Double> nullableScore(RespReply reply) {
    if (!(reply instanceof RespReply.Bulk bulk)) {
      return null;
    }
    byte[] bytes = bulk.bytes();
    return new Exchange.Result<>(bytes == null ? null : parse(bytes));
  }

  /** A flat array of members and scores. */
  private static Exchange.@Nullable Result<List<Member>> members(RespReply reply) {
    if (!(reply instanceof RespReply.Array array) || array.items() == null || array.items().size() % 2 != 0) {
      return null;
    }
    List<Member> members = new ArrayList<>();
    List<RespReply> items = array.items();
    for (int i = 0; i < items.size(); i += 2) {
      if (!(items.get(i) instanceof RespReply.Bulk member) || member.bytes() == null
          || !(items.get(i + 1) instanceof RespReply.Bulk score) || score.bytes() == null) {
        return null;
      }
      members.add(new Member(new String(member.bytes(), UTF_8), parse(score.bytes())));
    }
    return new Exchange.Result<>(members);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public boolean add(String member, double score) {
    byte[] name = utf8(member);
    return run("ZADD", name.length + 8L, List.of(score(score), name), RespKeyView::integer) == 1;
  }

  @Override
  public double incrementScore(String member, double delta) {
    byte[] name = utf8(member);
    Double score = run("ZINCRBY", name.length + 8L, List.of(score(delta), name), RespSortedSet::nullableScore);
    if (score == null) {
      throw new IllegalStateException("ZINCRBY " + key + " answered nil");
    }
    return score;
  }

  @Override
  public @Nullable Double score(String member) {
    return run("ZSCORE", 0, List.of(utf8(member)), RespSortedSet::nullableScore);
  }

  @Override
  public long rank(String member) {
    return run("ZRANK", 0, List.of(utf8(member)), reply -> reply instanceof RespReply.Bulk bulk
        && bulk.bytes() == null ? new Exchange.Result<>(-1L) : integer(reply));
  }

  @Override
  public boolean remove(String member) {
    return run("ZREM", 0, List.of(utf8(member)), RespKeyView::integer) == 1;
  }

  @Override
  public long size() {
    return run("ZCARD", 0, List.of(), RespKeyView::integer);
  }

  @Override
  public long count(double min, double max) {
    return run("ZCOUNT", 0, List.of(score(min), score(max)), RespKeyView::integer);
  }

  @Override
  public List<Member> range(long start, long stop) {
    return run("ZRANGE", 0, List.of(utf8(Long.toString(start)), utf8(Long.toString(stop)), utf8("WITHSCORES")),
        RespSortedSet::members);
  }

  @Override
  public List<Member> rangeByScore(double min, double max) {
    return run("ZRANGEBYSCORE", 0, List.of(score(min), score(max), utf8("WITHSCORES")), RespSortedSet::members);
  }

  @Override
  public @Nullable Member popMin() {
    return pop("ZPOPMIN");
  }

  @Override
  public @Nullable Member popMax() {
    return pop("ZPOPMAX");
  }

  private @Nullable Member pop(String command) {
    List<Member> popped = run(command, 0, List.of(), RespSortedSet::members);
    return popped.isEmpty() ? null : popped.get(0);
  }
}
