package io.blinkstore.server.command;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Members of a sorted set as a command collects them (under the set's monitor, refused past the output cap before
 * the reply grows past it) and answers them: members alone, or with their scores as Redis 7.0 writes them (RESP3:
 * {@code [member, score]} pairs with the score a double; RESP2: one flat array, each score a bulk string of
 * {@code %.17g}).
 */
final class SortedSetReplies implements SortedSets.Visitor {
  /** What a reply counts for a member beside its bytes (a bulk string's header and line ends), at most. */
  static final int PER_MEMBER = ListReplies.ELEMENT_OVERHEAD;
  /** What a score adds: {@code %.17g} is at most 24 characters, with its header, line ends and a pair's. */
  static final int PER_SCORE = 40;

  private final long limit;
  private final boolean withScores;
  private final long maxBytes;
  private final List<byte[]> members = new ArrayList<>();
  private double[] scores = new double[4];
  private long bytes;

  /** Collects at most {@code limit} members (negative: all), refusing a reply past {@code maxBytes}. */
  SortedSetReplies(long limit, boolean withScores, long maxBytes) {
    this.limit = limit;
    this.withScores = withScores;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean visit(byte[] member, double score) {
    if (limit >= 0 && members.size() >= limit) {
      return false;
    }
    bytes += member.length + PER_MEMBER + (withScores ? PER_SCORE : 0);
    if (bytes > maxBytes) {
      throw new ListReplies.TooLarge(bytes, maxBytes);
    }
    if (members.size() == scores.length) {
      scores = Arrays.copyOf(scores, scores.length * 2);
    }
    scores[members.size()] = score;
    members.add(member);
    return limit < 0 || members.size() < limit;
  }

  List<byte[]> members() {
    return members;
  }

  double score(int i) {
    return scores[i];
  }

  int size() {
    return members.size();
  }

  /** The reply: the members, with their scores if asked, in {@code client}'s protocol's shape. */
  Result reply(ClientState client) {
    return pairs(members, scores, withScores, client.protocol() >= 3);
  }

  /** Members and their scores: a flat array, or one of {@code [member, score]} pairs if {@code nested}. */
  static Result pairs(List<byte[]> members, double[] scores, boolean withScores, boolean nested) {
    List<Result> reply = new ArrayList<>(members.size() * (withScores && !nested ? 2 : 1));
    for (int i = 0; i < members.size(); i++) {
      Result member = new Result.Bulk(members.get(i));
      if (!withScores) {
        reply.add(member);
      } else if (nested) {
        reply.add(new Result.Array(List.of(member, new Result.Double(scores[i]))));
      } else {
        reply.add(member);
        reply.add(new Result.Double(scores[i]));
      }
    }
    return new Result.Array(reply);
  }

  double[] scores() {
    return scores;
  }
}
