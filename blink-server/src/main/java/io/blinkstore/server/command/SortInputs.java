package io.blinkstore.server.command;

import io.blinkstore.BlinkList;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.Sets;
import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What {@code SORT} and {@code SORT_RO} can sort, by the type {@code TYPE} names: how to read a container's
 * elements. A type without an entry here answers {@code WRONGTYPE}, as a string or a hash does in Redis. A new
 * container type plugs in with one {@link #add} line where the dispatcher builds the sort command (a set as
 * unordered, a sorted set as ordered by rank).
 */
final class SortInputs {
  /**
   * Reads the elements of a container, one atomic read: those from {@code start} to {@code stop} in its own
   * order, both included, as {@code LRANGE} and {@code ZRANGE} count them (negative from the end, clamped), or,
   * for an unordered container (only ever asked for 0 to -1), all of them in any order.
   */
  @FunctionalInterface
  interface Elements {
    /**
     * The elements, copies the caller may keep.
     *
     * @throws ListReplies.TooLarge if their bytes, with {@link ListReplies#ELEMENT_OVERHEAD} each, would pass
     *     {@code maxBytes} (nothing is copied then)
     */
    List<byte[]> read(String key, long start, long stop, long maxBytes);
  }

  /**
   * A sortable type: how to read it, and whether it has an order of its own ({@code SORT ... BY nosort} keeps a
   * list's and a sorted set's; a set's is forced into {@code ALPHA} order when stored or in a script, as Redis).
   */
  record Input(Elements elements, boolean ordered) {}

  private final Map<String, Input> byType = new HashMap<>();

  /** Makes the containers of {@code type} ({@code "list"}, {@code "set"}, {@code "zset"}) sortable. */
  SortInputs add(String type, boolean ordered, Elements elements) {
    byType.put(type, new Input(elements, ordered));
    return this;
  }

  /** A list's elements by index, as {@code LRANGE} reads them, bounded as {@code LRANGE} bounds its reply. */
  static Elements lists(Function<String, BlinkList> lists) {
    return (key, start, stop, maxBytes) -> lists.apply(key) instanceof ListReplies bounded
        ? bounded.range(start, stop, maxBytes) : lists.apply(key).range(start, stop);
  }

  /**
   * A set's members, in no order of its own ({@code SMEMBERS}'s), one atomic read bounded as {@link #lists} bounds a
   * list's ({@link Sets#members} refuses past the cap without saying by how much, as {@code SMEMBERS} does).
   */
  static Elements sets(Sets sets) {
    return (key, start, stop, maxBytes) -> {
      List<byte[]> members = sets.members(key, maxBytes);
      if (members == null) {
        throw new ListReplies.TooLarge(maxBytes + 1, maxBytes);
      }
      return members;
    };
  }

  /**
   * A sorted set's members by rank, ascending, as {@code ZRANGE} reads them: one atomic read, bounded as
   * {@link #lists} bounds a list's (copies of the members: the store's arrays never leave its monitor).
   */
  static Elements sortedSets(SortedSets sets) {
    return (key, start, stop, maxBytes) -> sets.read(key, members -> {
      long size = members.size();
      long from = start < 0 ? Math.max(0, size + start) : start;
      long to = stop < 0 ? size + stop : Math.min(stop, size - 1);
      List<byte[]> out = new ArrayList<>();
      if (from > to) {
        return out;
      }
      long[] bytes = {0};
      members.walk(from, false, (member, score) -> {
        bytes[0] += member.length + ListReplies.ELEMENT_OVERHEAD;
        if (bytes[0] > maxBytes) {
          throw new ListReplies.TooLarge(bytes[0], maxBytes);
        }
        out.add(member.clone());
        return out.size() <= to - from;
      });
      return out;
    }, List.of());
  }

  /** How to read a container of {@code type}, or {@code null} if it cannot be sorted. */
  @Nullable Input of(String type) {
    return byType.get(type);
  }
}
