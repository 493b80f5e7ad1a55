package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link KeyDirectory#scan}'s guarantee against a model: a walk from cursor 0 back to 0 returns every entry present
 * for the whole walk, however entries are added and removed between its calls — enough of them to make the table
 * double and halve several times mid-walk — and returns nothing that was never added. Hashes come from the full
 * range or from a narrow one (long chains, uneven stripes).
 */
class KeyDirectoryProperties {
  /** An entry with a chosen hash; equal only to itself. */
  static final class Item extends KeyDirectory.Linked<Item> {
    final int hash;

    Item(int hash) {
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Between two scan calls: add this many new entries, then remove this share of the removable ones. */
  record Churn(int adds, int removePercent) {}

  @Provide
  Arbitrary<List<Churn>> churns() {
    Arbitrary<Churn> churn = Combinators.combine(
            Arbitraries.integers().between(0, 400).edgeCases(c -> c.add(0)),
            Arbitraries.integers().between(0, 100))
        .as(Churn::new);
    return churn.list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<Integer> hashRanges() {
    return Arbitraries.of(Integer.MAX_VALUE, 1 << 16, 64, 3);
  }

  @Property(tries = 300)
  void aWalkReturnsEveryEntryPresentThroughout(
      @ForAll @IntRange(min = 0, max = 300) int stableCount,
      @ForAll @IntRange(min = 0, max = 2000) int initialChurn,
      @ForAll("churns") List<Churn> churns,
      @ForAll @IntRange(min = 1, max = 30) int count,
      @ForAll("hashRanges") int hashRange,
      @ForAll long seed) {
    Random random = new Random(seed);
    KeyDirectory<Item> directory = new KeyDirectory<>();
    Set<Item> stable = new HashSet<>();
    Set<Item> everAdded = new HashSet<>();
    List<Item> removable = new ArrayList<>();
    for (int i = 0; i < stableCount; i++) {
      Item item = new Item(random.nextInt(hashRange));
      stable.add(item);
      add(directory, item, everAdded);
    }
    for (int i = 0; i < initialChurn; i++) {
      Item item = new Item(random.nextInt(hashRange));
      removable.add(item);
      add(directory, item, everAdded);
    }

    Set<Item> returned = new HashSet<>();
    long cursor = 0;
    int step = 0;
    int calls = 0;
    do {
      cursor = rescan(directory, cursor, count, returned, everAdded);
      directory.scan(0, 1, item -> { }); // another client's walk, interleaved, changes nothing
      if (step < churns.size()) {
        churn(directory, churns.get(step++), random, hashRange, removable, everAdded);
      }
      assertTrue(++calls < 10_000_000, "the walk must end");
    } while (cursor != 0);

    Set<Item> missed = new HashSet<>(stable);
    missed.removeAll(returned);
    assertEquals(Set.of(), missed, "entries present throughout but not returned");
    assertEquals(stable.size() + removable.size(), directory.size());
  }

  /** One call of the walk under test, its entries recorded. */
  private static long rescan(
      KeyDirectory<Item> directory, long cursor, int count, Set<Item> returned, Set<Item> everAdded) {
    return directory.scan(cursor, count, item -> {
      assertTrue(everAdded.contains(item), "never added");
      returned.add(item);
    });
  }

  private static void add(KeyDirectory<Item> directory, Item item, Set<Item> everAdded) {
    everAdded.add(item);
    directory.add(item);
  }

  private static void churn(
      KeyDirectory<Item> directory, Churn churn, Random random, int hashRange,
      List<Item> removable, Set<Item> everAdded) {
    for (int i = 0; i < churn.adds(); i++) {
      Item item = new Item(random.nextInt(hashRange));
      removable.add(item);
      add(directory, item, everAdded);
    }
    int removals = removable.size() * churn.removePercent() / 100;
    for (int i = 0; i < removals; i++) {
      Item item = removable.remove(random.nextInt(removable.size()));
      assertTrue(directory.remove(item));
      assertTrue(!directory.remove(item), "a second removal finds nothing");
    }
  }

  @Property
  void theCursorVisitsEveryBucketOnceAtAFixedSize(@ForAll @IntRange(min = 0, max = 20) int bits) {
    long mask = (1L << bits) - 1;
    Set<Long> seen = new HashSet<>();
    long cursor = 0;
    do {
      assertTrue(seen.add(cursor), "bucket visited twice");
      cursor = KeyDirectory.advance(cursor, mask);
    } while (cursor != 0);
    assertEquals(1L << bits, seen.size());
  }

  @Property
  void everyEntryComesOnceWithoutWrites(@ForAll @Size(max = 3000) List<Integer> hashes,
      @ForAll @IntRange(min = 1, max = 500) int count) {
    KeyDirectory<Item> directory = new KeyDirectory<>();
    List<Item> items = new ArrayList<>();
    for (int hash : hashes) {
      Item item = new Item(hash);
      items.add(item);
      directory.add(item);
    }
    List<Item> returned = new ArrayList<>();
    long cursor = 0;
    do {
      cursor = directory.scan(cursor, count, returned::add);
    } while (cursor != 0);
    assertEquals(items.size(), returned.size());
    assertEquals(new HashSet<>(items), new HashSet<>(returned));
  }
}
