package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's sorted-set algebra: {@code ZUNION}, {@code ZINTER}, {@code ZDIFF} and their {@code STORE} forms,
 * {@code ZINTERCARD}, with {@code WEIGHTS}, {@code AGGREGATE SUM|MIN|MAX}, {@code WITHSCORES} and {@code LIMIT},
 * read as {@code zunionInterDiffGenericCommand} reads them: the keys' types checked before the options, a set
 * input's members scoring 1, inputs taken smallest first (as Redis sorts them, so that a sum adds in its order), a
 * NaN score (0 x inf, inf - inf) made 0. The dispatcher runs them with the store's gate held exclusive, so the
 * inputs are read at one instant and a {@code STORE} replaces its destination atomically. The walked inputs'
 * members are referenced, not copied, and the others are looked up member by member; a reply past the output cap
 * is refused.
 */
final class RespSortedSetAlgebra {
  private static final Result.Error WEIGHT_NOT_A_FLOAT = Result.error("weight value is not a float");
  private static final Result.Error LIMIT_NEGATIVE = Result.error("LIMIT can't be negative");

  private enum Op { UNION, INTER, DIFF }

  private enum Aggregate { SUM, MIN, MAX }

  /**
   * One input: its store key, its weight, and (read whole only for the one the operation walks) its members and
   * scores. The others are asked member by member ({@link SortedSets#inputScore}), so no copy or index of them is
   * made.
   */
  private static final class Input {
    final String key;
    final long size;
    final List<byte[]> members = new ArrayList<>();
    double[] scores = new double[4];
    double weight = 1;

    Input(String key, long size) {
      this.key = key;
      this.size = size;
    }

    void add(byte[] member, double score) {
      if (members.size() == scores.length) {
        scores = Arrays.copyOf(scores, scores.length * 2);
      }
      scores[members.size()] = score;
      members.add(member);
    }

    /** Reads its members and scores. */
    Input read(SortedSets zsets) {
      zsets.readInput(key, (member, score) -> {
        add(member, score);
        return true;
      });
      return this;
    }
  }

  /** A member as a key of the union's index, by content; one is re-pointed for each look-up ({@link #of}). */
  private static final class MemberKey {
    private byte[] bytes = new byte[0];
    private int hash;

    MemberKey of(byte[] member) {
      bytes = member;
      hash = Arrays.hashCode(member);
      return this;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof MemberKey key && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private final ZsetAccess access;

  RespSortedSetAlgebra(ZsetAccess access) {
    this.access = access;
  }

  void register(CommandTable commands) {
    commands.add("zunion", -3, Keys.NONE, (c, a) -> run(c, a, Op.UNION, false, false), READONLY, MOVABLEKEYS);
    commands.add("zinter", -3, Keys.NONE, (c, a) -> run(c, a, Op.INTER, false, false), READONLY, MOVABLEKEYS);
    commands.add("zdiff", -3, Keys.NONE, (c, a) -> run(c, a, Op.DIFF, false, false), READONLY, MOVABLEKEYS);
    commands.add("zintercard", -3, Keys.NONE, (c, a) -> run(c, a, Op.INTER, false, true), READONLY, MOVABLEKEYS);
    commands.add("zunionstore", -4, Keys.ONE, (c, a) -> run(c, a, Op.UNION, true, false), WRITE, DENYOOM,
        MOVABLEKEYS);
    commands.add("zinterstore", -4, Keys.ONE, (c, a) -> run(c, a, Op.INTER, true, false), WRITE, DENYOOM,
        MOVABLEKEYS);
    commands.add("zdiffstore", -4, Keys.ONE, (c, a) -> run(c, a, Op.DIFF, true, false), WRITE, DENYOOM,
        MOVABLEKEYS);
  }

  private Result run(ClientState client, byte[][] args, Op op, boolean store, boolean cardinality) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    int numkeysAt = store ? 2 : 1;
    Long numkeys = Arguments.integer(args[numkeysAt]);
    if (numkeys == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (numkeys < 1) {
      return Result.error("at least 1 input key is needed for '" + Arguments.lowerCase(args[0]) + "' command");
    }
    if (numkeys > args.length - numkeysAt - 1) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    int count = numkeys.intValue();
    List<Input> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = client.key(args[numkeysAt + 1 + i]);
      long[] size = {0};
      zsets.readInput(key, (member, score) -> ++size[0] > 0); // WRONGTYPE here, in order, before the options
      inputs.add(new Input(key, size[0]));
    }
    Aggregate aggregate = Aggregate.SUM;
    boolean withScores = false;
    long limit = 0;
    for (int j = numkeysAt + 1 + count; j < args.length; j++) {
      int remaining = args.length - j;
      String option = Arguments.lowerCase(args[j]);
      if (op != Op.DIFF && !cardinality && remaining >= count + 1 && option.equals("weights")) {
        for (Input input : inputs) {
          Double weight = Scores.score(args[++j]);
          if (weight == null) {
            return WEIGHT_NOT_A_FLOAT;
          }
          input.weight = weight;
        }
      } else if (op != Op.DIFF && !cardinality && remaining >= 2 && option.equals("aggregate")) {
        switch (Arguments.lowerCase(args[++j])) {
          case "sum" -> aggregate = Aggregate.SUM;
          case "min" -> aggregate = Aggregate.MIN;
          case "max" -> aggregate = Aggregate.MAX;
          default -> {
            return RespKeyCommands.SYNTAX_ERROR;
          }
        }
      } else if (!store && !cardinality && option.equals("withscores")) {
        withScores = true;
      } else if (cardinality && remaining >= 2 && option.equals("limit")) {
        Long parsed = Arguments.integer(args[++j]);
        if (parsed == null || parsed < 0) {
          return LIMIT_NEGATIVE;
        }
        limit = parsed;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    if (op != Op.DIFF) {
      inputs.sort(Comparator.comparingLong(input -> input.size));
    }
    if (cardinality) {
      return new Result.Int(interCard(zsets, inputs, limit));
    }
    Input result;
    try {
      result = switch (op) {
        case UNION -> union(zsets, inputs, aggregate,
            SortedSetReplies.PER_MEMBER + (withScores ? SortedSetReplies.PER_SCORE : 0),
            store ? Long.MAX_VALUE : access.maxReplyBytes());
        case INTER -> inter(zsets, inputs, aggregate);
        case DIFF -> diff(zsets, inputs);
      };
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
    sort(result);
    if (store) {
      return new Result.Int(access.replace(zsets, client, args[1], result.members, result.scores,
          result.members.size(), op == Op.UNION ? "zunionstore" : op == Op.INTER ? "zinterstore" : "zdiffstore"));
    }
    SortedSetReplies reply = new SortedSetReplies(-1, withScores, access.maxReplyBytes());
    try {
      for (int i = 0; i < result.members.size(); i++) {
        reply.visit(result.members.get(i), result.scores[i]);
      }
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
    return reply.reply(client);
  }

  private static double weighted(double score, double weight) {
    double value = score * weight;
    return Double.isNaN(value) ? 0 : value;
  }

  private static double aggregate(double target, double value, Aggregate aggregate) {
    return switch (aggregate) {
      case SUM -> {
        double sum = target + value;
        yield Double.isNaN(sum) ? 0 : sum;
      }
      case MIN -> value < target ? value : target;
      case MAX -> value > target ? value : target;
    };
  }

  /**
   * The union, each input read straight into it (no copy of an input is kept: a key named a thousand times costs
   * one pass each, not a thousand copies), refused with {@link ListReplies.TooLarge} once its members alone, at
   * {@code perMember} bytes each beside their own, would pass {@code maxBytes}.
   */
  private static Input union(SortedSets zsets, List<Input> inputs, Aggregate aggregate, long perMember,
      long maxBytes) {
    Map<MemberKey, Integer> at = new HashMap<>();
    MemberKey probe = new MemberKey();
    Input result = new Input("", 0);
    long[] bytes = {0};
    for (Input input : inputs) {
      zsets.readInput(input.key, (member, score) -> {
        double weightedScore = weighted(score, input.weight);
        Integer known = at.get(probe.of(member));
        if (known == null) {
          bytes[0] += member.length + perMember;
          if (bytes[0] > maxBytes) {
            throw new ListReplies.TooLarge(bytes[0], maxBytes);
          }
          at.put(new MemberKey().of(member), result.members.size());
          result.add(member, weightedScore);
        } else {
          result.scores[known] = aggregate(result.scores[known], weightedScore, aggregate);
        }
        return true;
      });
    }
    return result;
  }

  private static Input inter(SortedSets zsets, List<Input> inputs, Aggregate aggregate) {
    Input result = new Input("", 0);
    Input first = inputs.get(0).read(zsets);
    for (int i = 0; i < first.members.size(); i++) {
      byte[] member = first.members.get(i);
      double score = weighted(first.scores[i], first.weight);
      boolean everywhere = true;
      for (int j = 1; j < inputs.size() && everywhere; j++) {
        double other = zsets.inputScore(inputs.get(j).key, member);
        if (Double.isNaN(other)) {
          everywhere = false;
        } else {
          score = aggregate(score, other * inputs.get(j).weight, aggregate);
        }
      }
      if (everywhere) {
        result.add(member, score);
      }
    }
    return result;
  }

  private static long interCard(SortedSets zsets, List<Input> inputs, long limit) {
    long cardinality = 0;
    Input first = inputs.get(0).read(zsets);
    for (byte[] member : first.members) {
      boolean everywhere = true;
      for (int j = 1; j < inputs.size() && everywhere; j++) {
        everywhere = !Double.isNaN(zsets.inputScore(inputs.get(j).key, member));
      }
      if (everywhere && ++cardinality == limit) {
        break;
      }
    }
    return cardinality;
  }

  private static Input diff(SortedSets zsets, List<Input> inputs) {
    Input result = new Input("", 0);
    Input first = inputs.get(0).read(zsets);
    for (int i = 0; i < first.members.size(); i++) {
      byte[] member = first.members.get(i);
      boolean elsewhere = false;
      for (int j = 1; j < inputs.size() && !elsewhere; j++) {
        elsewhere = !Double.isNaN(zsets.inputScore(inputs.get(j).key, member));
      }
      if (!elsewhere) {
        result.add(member, first.scores[i]);
      }
    }
    return result;
  }

  /** Orders {@code input} by score, then member bytes, as a sorted set is. */
  private static void sort(Input input) {
    Integer[] order = new Integer[input.members.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] scores = input.scores;
    List<byte[]> members = new ArrayList<>(input.members);
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(scores[a], scores[b]);
      return c != 0 && scores[a] != scores[b] ? c : Arrays.compareUnsigned(members.get(a), members.get(b));
    });
    double[] sorted = new double[order.length];
    input.members.clear();
    for (int i = 0; i < order.length; i++) {
      sorted[i] = scores[order[i]];
      input.members.add(members.get(order[i]));
    }
    input.scores = sorted;
  }
}
