package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkSortedSet}: each call one read or one update of the key's {@link ZSetValue} through the
 * store's {@link SortedSets} (under its monitor, through the store's gate, re-weighed, refused before any change
 * past the limit, a set left empty removed, watchers marked). Members are encoded as UTF-8 on the way in and
 * decoded on the way out.
 */
final class StoreSortedSet implements BlinkSortedSet {
  private final SortedSets zsets;
  private final String key;

  /** @throws IllegalArgumentException if the key is not valid */
  StoreSortedSet(SortedSets zsets, String key) {
    StoreArguments.validate(key);
    this.zsets = zsets;
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  private static byte[] utf8(String member) {
    return member.getBytes(UTF_8);
  }

  private static double checked(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("a score must not be NaN");
    }
    return score;
  }

  private <R> R read(Function<SortedSets.Members, R> reader, R absent) {
    return zsets.read(key, reader, absent);
  }

  @Override
  public boolean add(String member, double score) {
    byte[] bytes = utf8(member);
    double value = checked(score);
    return zsets.update(key, true, bytes.length + 8L, 1, set -> set.put(bytes, value), false, added -> true);
  }

  @Override
  public double incrementScore(String member, double delta) {
    byte[] bytes = utf8(member);
    double by = checked(delta);
    return zsets.update(key, true, bytes.length + 8L, 1, set -> {
      double current = set.score(bytes);
      double sum = Double.isNaN(current) ? by : current + by;
      set.put(bytes, checked(sum));
      return sum;
    }, 0.0, sum -> true);
  }

  @Override
  public @Nullable Double score(String member) {
    byte[] bytes = utf8(member);
    double score = read(set -> set.score(bytes), Double.NaN);
    return Double.isNaN(score) ? null : score;
  }

  @Override
  public long rank(String member) {
    byte[] bytes = utf8(member);
    return read(set -> set.rank(bytes), -1L);
  }

  @Override
  public boolean remove(String member) {
    byte[] bytes = utf8(member);
    return zsets.update(key, false, 0, 0, set -> set.remove(bytes), false, removed -> removed);
  }

  @Override
  public long size() {
    return read(SortedSets.Members::size, 0L);
  }

  @Override
  public long count(double min, double max) {
    return read(set -> min > max ? 0 : set.countBelow(max, true) - set.countBelow(min, false), 0L);
  }

  @Override
  public List<Member> range(long start, long stop) {
    return read(set -> {
      long size = set.size();
      long from = Math.max(0, start < 0 ? size + start : start);
      long to = Math.min(size - 1, stop < 0 ? size + stop : stop);
      return walk(set, from, to - from + 1, false);
    }, List.of());
  }

  @Override
  public List<Member> rangeByScore(double min, double max) {
    return read(set -> {
      long from = set.countBelow(min, false);
      return walk(set, from, min > max ? 0 : set.countBelow(max, true) - from, false);
    }, List.of());
  }

  /** Up to {@code count} members from {@code rank}, ascending or descending. */
  private static List<Member> walk(SortedSets.Members set, long rank, long count, boolean reverse) {
    List<Member> members = new ArrayList<>();
    if (count > 0) {
      set.walk(rank, reverse, (member, score) -> {
        members.add(new Member(new String(member, UTF_8), score));
        return members.size() < count;
      });
    }
    return members;
  }

  @Override
  public @Nullable Member popMin() {
    return pop(false);
  }

  @Override
  public @Nullable Member popMax() {
    return pop(true);
  }

  private @Nullable Member pop(boolean max) {
    List<Member> popped = zsets.update(key, false, 0, 0, set -> {
      List<Member> one = new ArrayList<>(1);
      set.walk(max ? set.size() - 1 : 0, max, (member, score) -> {
        one.add(new Member(new String(member, UTF_8), score));
        set.remove(member); // the store's own bytes: a member that is not UTF-8 text goes too
        return false;
      });
      return one;
    }, List.of(), one -> !one.isEmpty());
    return popped.isEmpty() ? null : popped.get(0);
  }
}
