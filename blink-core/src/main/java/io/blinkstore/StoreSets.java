package io.blinkstore;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.Sets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Sets} of an {@link IsolatedStore}: each single-key operation one {@link TypedWrite} or one read of a
 * {@link SetValue} through the store's typed entry points, so it is atomic, re-weighed, refused past the limit
 * without a change, and marks the key's watchers. The operations on several keys read each set under its monitor
 * while they hold the store's gate exclusive (the view's caller holds it; the gated store takes it here), so no
 * write of any key comes between their reads and their write.
 */
final class StoreSets implements Sets {
  /** A read's answer for "no member": a sentinel, compared by identity, never handed out. */
  private static final byte[] NONE = new byte[0];
  /** The key of the sets built while combining, never stored under it ({@link SetValue#adopt}). */
  private static final byte[] SCRATCH = Key.pack("", 0, new byte[0]);
  private static final Predicate<Object> ALWAYS = answer -> true;
  private static final int OVERHEAD = ListReplies.ELEMENT_OVERHEAD;

  private final IsolatedStore store;
  private final boolean gated;
  /** Shared by the store's two instances ({@link IsolatedStore#view()}): set on either, read by both. */
  private final AtomicLong maxIntset;

  StoreSets(IsolatedStore store, boolean gated, AtomicLong maxIntset) {
    this.store = store;
    this.gated = gated;
    this.maxIntset = maxIntset;
  }

  @Override
  public void maxIntsetEntries(long entries) {
    maxIntset.set(entries);
  }

  private static long bytes(byte[][] args, int from) {
    long bytes = 0;
    for (int i = from; i < args.length; i++) {
      bytes += args[i].length;
    }
    return bytes;
  }

  @Override
  public long add(String key, byte[][] args, int from) {
    long max = maxIntset.get();
    return store.update(key, new TypedWrite<>(SetValue.class, SetValue::new, bytes(args, from), args.length - from,
        set -> {
          long added = 0;
          for (int i = from; i < args.length; i++) {
            added += set.add(args[i], max) ? 1 : 0;
          }
          return added;
        }, 0L, added -> added > 0));
  }

  @Override
  public long remove(String key, byte[][] args, int from) {
    return store.update(key, new TypedWrite<>(SetValue.class, null, 0, 0, set -> {
      long removed = 0;
      for (int i = from; i < args.length; i++) {
        removed += set.remove(args[i]) ? 1 : 0;
      }
      return removed;
    }, 0L, removed -> removed > 0));
  }

  private <R> R read(String key, Function<SetValue, R> reader, R absent) {
    return store.read(key, SetValue.class, reader, absent);
  }

  @Override
  public boolean contains(String key, byte[] member) {
    return read(key, set -> set.contains(member), false);
  }

  @Override
  public boolean[] containsEach(String key, byte[][] args, int from) {
    return read(key, set -> {
      boolean[] found = new boolean[args.length - from];
      for (int i = from; i < args.length; i++) {
        found[i - from] = set.contains(args[i]);
      }
      return found;
    }, new boolean[args.length - from]);
  }

  @Override
  public long size(String key) {
    return read(key, SetValue::elements, 0L);
  }

  @Override
  public @Nullable List<byte[]> members(String key, long maxBytes) {
    return read(key, set -> set.members(maxBytes, OVERHEAD), List.of());
  }

  @Override
  public byte @Nullable [] random(String key) {
    byte[] member = read(key, SetValue::random, NONE);
    return member == NONE ? null : member;
  }

  @Override
  public @Nullable List<byte[]> random(String key, long count, long maxBytes) {
    return read(key, set -> SetReads.random(set, count, maxBytes), List.of());
  }

  @Override
  public byte @Nullable [] pop(String key) {
    byte[] member = store.update(key, new TypedWrite<>(SetValue.class, null, 0, 0, SetValue::pop, NONE,
        popped -> popped != NONE));
    return member == NONE ? null : member;
  }

  @Override
  public @Nullable List<byte[]> pop(String key, long count, long maxBytes) {
    List<byte[]> none = List.of();
    return store.update(key, new TypedWrite<>(SetValue.class, null, 0, 0, set -> SetReads.pop(set, count, maxBytes),
        none, popped -> popped != null && !popped.isEmpty()));
  }

  @Override
  public Step scan(String key, long cursor, int count) {
    return read(key, set -> SetReads.scan(set, cursor, count), new Step(0, List.of()));
  }

  /** Runs {@code body} on the sets of the store's view holding the gate exclusive, or as it comes on the view. */
  private <R> R whole(Function<Sets, R> body) {
    return gated ? store.atomically(view -> body.apply(((Sets.Source) view).sets())) : body.apply(this);
  }

  /** The set of {@code key}, or {@code null} if it has none; the caller holds the gate exclusive. */
  private @Nullable SetValue lookup(String key) {
    return read(key, Optional::of, Optional.<SetValue>empty()).orElse(null);
  }

  @Override
  public boolean move(String from, String to, byte[] member) {
    if (gated) {
      return whole(sets -> sets.move(from, to, member));
    }
    SetValue source = lookup(from);
    if (source == null) {
      return false;
    }
    SetValue destination = lookup(to);
    boolean there;
    synchronized (source) {
      there = source.contains(member);
    }
    if (!there || source == destination) {
      return there;
    }
    long max = maxIntset.get();
    // Added first: a refusal (past the limit) then leaves both sets as they were. A destination that had the member
    // is not modified, so its watchers are not marked (Redis's SMOVE signals it only when it adds).
    store.update(to, new TypedWrite<>(SetValue.class, SetValue::new, member.length, 1, set -> set.add(member, max),
        false, added -> added));
    store.update(from, new TypedWrite<>(SetValue.class, null, 0, 0, set -> set.remove(member), false, ALWAYS));
    return true;
  }

  @Override
  public @Nullable List<byte[]> combine(Op op, List<String> keys, long maxBytes) {
    if (gated) {
      return whole(sets -> sets.combine(op, keys, maxBytes));
    }
    List<SetValue> sets = sets(keys);
    if (op == Op.INTER) {
      List<byte[]> members = new ArrayList<>();
      long[] bytes = {0};
      boolean whole = intersect(sets, member -> {
        members.add(member);
        bytes[0] += member.length + OVERHEAD;
        return bytes[0] <= maxBytes;
      });
      return whole ? members : null;
    }
    SetValue combined = op == Op.UNION ? union(sets, maxBytes) : difference(sets);
    return combined == null ? null : combined.members(maxBytes, OVERHEAD);
  }

  @Override
  public long store(Op op, String destination, List<String> keys) {
    if (gated) {
      return whole(sets -> sets.store(op, destination, keys));
    }
    List<SetValue> sets = sets(keys);
    SetValue combined;
    if (op == Op.INTER) {
      SetValue built = new SetValue(SCRATCH);
      long max = maxIntset.get();
      intersect(sets, member -> {
        built.add(member, max);
        return true;
      });
      combined = built;
    } else {
      combined = op == Op.UNION ? union(sets, Long.MAX_VALUE) : difference(sets);
    }
    if (combined == null || combined.elements() == 0) {
      store.delete(destination);
      return 0;
    }
    SetValue result = combined;
    TypedWrite<SetValue, Long> write = new TypedWrite<>(SetValue.class, SetValue::new, result.bytes(),
        result.elements(), set -> {
          set.adopt(result);
          return set.elements();
        }, 0L, ALWAYS);
    // The result is never larger than its sources, which fit beside the destination: it fits where that stood.
    store.delete(destination);
    return store.update(destination, write);
  }

  @Override
  public long intersectionSize(List<String> keys, long limit) {
    if (gated) {
      return whole(sets -> sets.intersectionSize(keys, limit));
    }
    long[] count = {0};
    intersect(sets(keys), member -> ++count[0] < limit || limit <= 0);
    return count[0];
  }

  /**
   * The sets of {@code keys} in their order, an absent key as {@code null}.
   *
   * @throws WrongTypeException if a key holds another type (every key is looked up first, as in Redis)
   */
  private List<@Nullable SetValue> sets(List<String> keys) {
    List<@Nullable SetValue> sets = new ArrayList<>(keys.size());
    for (String key : keys) {
      sets.add(lookup(key));
    }
    return sets;
  }

  /**
   * Gives {@code action} each member of every set, in the smallest set's order (as Redis walks it), until it
   * answers false; whether it went through all. Nothing if a key is absent.
   */
  private static boolean intersect(List<@Nullable SetValue> sets, Predicate<byte[]> action) {
    List<SetValue> present = new ArrayList<>(sets.size());
    for (SetValue set : sets) {
      if (set == null) {
        return true;
      }
      present.add(set);
    }
    present.sort((a, b) -> Long.compare(a.elements(), b.elements())); // stable, as Redis's qsort is not: ties differ
    SetValue smallest = present.get(0);
    synchronized (smallest) {
      return smallest.each(member -> !inAll(present, member) || action.test(member));
    }
  }

  private static boolean inAll(List<SetValue> sets, byte[] member) {
    for (int i = 1; i < sets.size(); i++) {
      SetValue set = sets.get(i);
      synchronized (set) {
        if (!set.contains(member)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The union as a new set built member by member (as Redis builds it), or {@code null} once past {@code maxBytes}. */
  private @Nullable SetValue union(List<@Nullable SetValue> sets, long maxBytes) {
    SetValue union = new SetValue(SCRATCH);
    long max = maxIntset.get();
    for (SetValue set : sets) {
      if (set == null) {
        continue;
      }
      synchronized (set) {
        boolean whole = set.each(member -> {
          union.add(member, max);
          return union.bytes() + union.elements() * OVERHEAD <= maxBytes;
        });
        if (!whole) {
          return null;
        }
      }
    }
    return union;
  }

  /**
   * The first set less the others, as a new set built member by member as Redis builds it, by the algorithm Redis
   * would choose for these sizes (so that the result's encoding is Redis's): the first set's members in none of the
   * others, or all of them then each other set's removed.
   */
  private SetValue difference(List<@Nullable SetValue> sets) {
    SetValue difference = new SetValue(SCRATCH);
    SetValue first = sets.get(0);
    if (first == null) {
      return difference;
    }
    List<SetValue> others = new ArrayList<>();
    long walkAll = first.elements();
    for (int i = 1; i < sets.size(); i++) {
      SetValue set = sets.get(i);
      if (set == first) {
        return difference; // the first set again among the others: nothing is left
      }
      if (set != null) {
        others.add(set);
        walkAll += set.elements();
      }
    }
    long walkFirst = first.elements() * (others.size() + 1L);
    long max = maxIntset.get();
    synchronized (first) {
      if (walkFirst / 2 <= walkAll) {
        others.sort((a, b) -> Long.compare(b.elements(), a.elements())); // largest first: a member is found sooner
        first.forEach(member -> {
          if (inNone(others, member)) {
            difference.add(member, max);
          }
        });
        return difference;
      }
      first.forEach(member -> difference.add(member, max));
    }
    for (int i = 0; i < others.size() && difference.elements() > 0; i++) {
      SetValue set = others.get(i);
      synchronized (set) {
        set.forEach(difference::remove);
      }
    }
    return difference;
  }

  private static boolean inNone(List<SetValue> sets, byte[] member) {
    for (SetValue set : sets) {
      synchronized (set) {
        if (set.contains(member)) {
          return false;
        }
      }
    }
    return true;
  }
}
