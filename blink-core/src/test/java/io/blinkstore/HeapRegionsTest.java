package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeapRegionsTest {
  private static final int MIB = 1 << 20;
  private static final int REGION = 2 * MIB;

  @AfterEach
  void noRegionsForTheNextTests() {
    HeapRegions.use(0); // a store built with a region size sets it for the JVM's typed values
  }

  @Test
  void anArrayOfHalfARegionOrMoreWastesTheRestOfItsLastRegion() {
    assertEquals(REGION - (MIB + 16), HeapRegions.waste(MIB, REGION), "1 MiB fills a 2 MiB region alone");
    assertEquals(2L * REGION - (3 * MIB + 16), HeapRegions.waste(3 * MIB, REGION), "3 MiB takes two regions");
    assertEquals(0, HeapRegions.waste(2 * REGION - 16, REGION), "exactly two regions");
  }

  @Test
  void smallerLargeArraysWasteTheirShareOfWhatARegionOfThemCannotUse() {
    long size = 512 * 1024 + 16;
    assertEquals(REGION / 3 - size, HeapRegions.waste(512 * 1024, REGION), "512 KiB: three to a region");
    assertEquals(REGION / 7 - (256 * 1024 + 16), HeapRegions.waste(256 * 1024, REGION), "256 KiB: seven");
    assertEquals(0, HeapRegions.waste(100, REGION));
    assertEquals(0, HeapRegions.waste(REGION / 8 - 17, REGION), "under an eighth of a region");
  }

  @Test
  void aStoreWithARegionSizeEvictsValuesThatFillItsRegionsBadlyWithinTheLimit() {
    long limit = 64L * MIB;
    byte[] value = new byte[512 * 1024];
    try (BlinkStore weighed = BlinkStore.builder().memoryLimit(limit).heapRegionBytes(REGION).build();
        BlinkStore plain = BlinkStore.builder().memoryLimit(limit).build()) {
      for (int i = 0; i < 200; i++) {
        weighed.set("big:" + i, value);
        plain.set("big:" + i, value);
      }
      long perValue = REGION / 3; // three of them to a region
      assertTrue(weighed.size() * perValue <= limit, "the regions they fill stay within the limit: " + weighed.size());
      assertTrue(weighed.size() >= limit / perValue - 2, "and not far under it: " + weighed.size());
      assertTrue(weighed.usage() <= limit);
      assertEquals(limit / (512 * 1024 + "big:0".length() + 1), plain.size(), "without it, key and value bytes only");
    }
  }

  /**
   * REV7: under noeviction, 512 KiB SETs ended a 64 MiB limit's JVM (92 MiB G1 heap) at write 130: the strings'
   * waste is in Caffeine's weight, which bounds nothing when the store does not evict. The heap capacity's check
   * counts it: the store refuses once the values' regions would pass it.
   */
  @Test
  void aStoreThatDoesNotEvictRefusesValuesWhoseRegionsWouldPassTheHeapCapacity() {
    long capacity = 64L * MIB;
    long perValue = REGION / 3;
    long weighed = setsHeldWithoutEviction(capacity, true);
    assertTrue(weighed * perValue <= capacity, "within the capacity by their regions: " + weighed);
    assertTrue(weighed >= capacity / perValue - 2, "and not far under it: " + weighed);
    assertTrue(setsHeldWithoutEviction(capacity, false) * perValue > capacity, "without regions, by bytes only");
  }

  /** How many 512 KiB strings a store of {@code capacity} that does not evict takes before it refuses one. */
  private static long setsHeldWithoutEviction(long capacity, boolean regions) {
    return heldUntilRefused(BlinkStore.builder().memoryLimit(capacity).heapCapacity(capacity, 120).noEviction(),
        regions, (store, i, value) -> store.set("big:" + i, value), BlinkStore::size);
  }

  /** Writes a 512 KiB piece at a time into one store, as {@code write} does, until one write is refused. */
  @FunctionalInterface
  private interface PieceWrite {
    void write(BlinkStore store, int i, byte[] piece);
  }

  /**
   * Builds {@code builder}'s store (with 2 MiB regions if {@code regions}), writes up to 200 pieces of 512 KiB into
   * it with {@code write} until one is refused, and returns what {@code held} counts then.
   */
  private static long heldUntilRefused(BlinkStore.Builder builder, boolean regions, PieceWrite write,
      java.util.function.ToLongFunction<BlinkStore> held) {
    if (regions) {
      builder.heapRegionBytes(REGION);
    }
    byte[] piece = new byte[512 * 1024];
    try (BlinkStore store = builder.build()) {
      for (int i = 0; i < 200; i++) {
        try {
          write.write(store, i, piece);
        } catch (RuntimeException refused) {
          break;
        }
      }
      return held.applyAsLong(store);
    } finally {
      HeapRegions.use(0);
    }
  }

  /**
   * Lists of 512 KiB elements ended a 64 MiB limit's JVM (92 MiB heap, G1) as strings did: their elements' waste
   * counts in the overhead the heap capacity bounds, so one list holds as many as its regions allow.
   */
  @Test
  void aListsElementsWeighTheirWasteInTheHeapCapacity() {
    long capacity = 64L * MIB;
    long perElement = REGION / 3;
    assertTrue(pushesHeld(capacity, true) * perElement <= capacity, "within the capacity by their regions");
    assertTrue(pushesHeld(capacity, false) * perElement > capacity, "without regions, by their bytes only");
  }

  /** How many 512 KiB elements one list takes before a push is refused, in a store of {@code capacity}. */
  private static long pushesHeld(long capacity, boolean regions) {
    return heldUntilRefused(BlinkStore.builder().memoryLimit(capacity).heapCapacity(capacity, 120), regions,
        (store, i, piece) -> store.list("l").push(BlinkList.End.RIGHT, piece), store -> store.list("l").size());
  }

  @Test
  void listAndHashWasteFollowsTheirElements() {
    HeapRegions.use(REGION);
    byte[] big = new byte[512 * 1024];
    long waste = HeapRegions.waste(big.length);
    ListValue list = new ListValue(Key.pack("l", 1, new byte[0]));
    list.pushLast(big);
    list.pushFirst(big);
    list.pushLast(new byte[10]);
    assertEquals(2 * waste, list.regionWaste());
    list.set(0, new byte[1]);
    assertEquals(waste, list.regionWaste());
    list.popLast();
    list.popLast();
    assertEquals(0, list.regionWaste());
    list.pushLast(big);
    assertEquals(waste, list.copy(Key.pack("m", 1, new byte[0])).regionWaste(), "a copy keeps it");
    assertEquals(big.length + 1L, list.bytes());
  }

  @Test
  void aRegionSizeMustBeAPowerOfTwoOfAtLeastOneMebibyte() {
    for (int bad : new int[] {0, -1, MIB / 2, 3 * MIB}) {
      assertThrows(IllegalArgumentException.class, () -> BlinkStore.builder().heapRegionBytes(bad), "" + bad);
    }
    BlinkStore.builder().heapRegionBytes(32 * MIB).build().close();
  }
}
