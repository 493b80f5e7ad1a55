package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process store overwrites a value of the same length in place, in the entry's packed array: a cache's churn
 * of overwrites then leaves no garbage array behind ({@link CaffeineBlinkStore}, {@link ValueLocks}). Seen from the
 * outside through a {@link BlinkStore.StoredValue} taken before the write (it copies from the array it was read
 * from, so it shows the new value only if the array was written in place) and through the bytes a thread allocates.
 */
class InPlaceOverwriteTest {
  private final FakeTicker ticker = new FakeTicker();
  private final BlinkStore store = ticker.store(1 << 20);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aValueOfTheSameLengthIsWrittenIntoTheStoredArray() {
    store.set("k", "aaaa");
    BlinkStore.StoredValue before = store.getStored("k");
    store.set("k", "bbbb");
    assertEquals("bbbb", copy(before));
    assertEquals("bbbb", store.getString("k"));
    assertEquals(5, store.usage());
  }

  @Test
  void aValueOfAnotherLengthGetsANewArrayAndTheOldOneKeepsItsLastValue() {
    store.set("k", "aaaa");
    BlinkStore.StoredValue before = store.getStored("k");
    store.set("k", "ccccc");
    store.set("k", "dddd");
    assertEquals("aaaa", copy(before));
    assertEquals("dddd", store.getString("k"));
    assertEquals(5, store.usage());
  }

  @Test
  void setsWithATimeToLiveReuseTheArrayAndKeepTheirOwnDeadline() {
    store.set("k", "aaaa", Duration.ofSeconds(10));
    BlinkStore.StoredValue before = store.getStored("k");
    store.set("k", "bbbb", Duration.ofSeconds(30));
    store.set("k", "cccc"); // no time to live any more, same array
    assertEquals("cccc", copy(before));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
    store.set("k", "dddd", Duration.ofSeconds(10));
    ticker.advance(Duration.ofSeconds(11));
    assertNull(store.get("k"));
    assertEquals(0, store.usage());
    assertEquals(0, store.stats().expiring());
  }

  @Test
  void aCounterKeepingItsDigitCountIsUpdatedInPlaceAndKeepsItsTimeToLive() {
    store.set("n", "1000", Duration.ofSeconds(10));
    BlinkStore.StoredValue before = store.getStored("n");
    assertEquals(1001, store.increment("n"));
    assertEquals("1001", copy(before));
    assertEquals(9999, store.incrementBy("n", 8998));
    assertEquals(10000, store.increment("n")); // a fifth digit: a new array
    assertEquals("9999", copy(before));
    assertEquals(Duration.ofSeconds(10), store.ttl("n"));
    assertEquals(1, store.stats().expiring());
    assertEquals(6, store.usage());
  }

  /**
   * 4 KiB values overwritten 2,000 times: a new array each time would allocate 8 MiB; in place, the write
   * allocates only its small objects (the lookup key, the write itself, Caffeine's bookkeeping).
   */
  @Test
  void anOverwriteOfTheSameLengthAllocatesNoValueSizedArray() {
    byte[] value = new byte[4096];
    store.set("k", value);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 2_000; i++) { // warm up: compiled code allocates what it will allocate measured
      value[0] = (byte) i;
      store.set("k", value);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    int writes = 2_000;
    for (int i = 0; i < writes; i++) {
      value[0] = (byte) i;
      store.set("k", value);
    }
    long perWrite = (threads.getCurrentThreadAllocatedBytes() - before) / writes;
    assertTrue(perWrite < 1024, perWrite + " bytes allocated per overwrite of a 4 KiB value");
    assertEquals(Arrays.toString(value), Arrays.toString(store.get("k")));
  }

  /**
   * A value of {@link BlinkStore.StoredValue#IMMUTABLE_LENGTH} or more is replaced, never written in place: a reader
   * copying it in parts, over time (a server sending it in slices), gets the value it read, whole, and one just
   * under that length is still written in place.
   */
  @Test
  void aValueOfTheImmutableLengthIsReplacedSoItsPartsCopiedLaterAreOfTheValueRead() {
    BlinkStore big = ticker.store(8 << 20);
    try {
      int length = BlinkStore.StoredValue.IMMUTABLE_LENGTH;
      byte[] first = new byte[length];
      Arrays.fill(first, (byte) 'a');
      big.set("k", first);
      BlinkStore.StoredValue before = big.getStored("k");
      ByteBuffer parts = ByteBuffer.allocate(length);
      before.copyTo(parts, 0, 0, length / 2);
      byte[] second = new byte[length];
      Arrays.fill(second, (byte) 'b');
      big.set("k", second);
      before.copyTo(parts, length / 2, length / 2, length - length / 2);
      assertTrue(Arrays.equals(first, parts.array()), "the parts are of the value read");
      assertEquals('b', big.get("k")[length - 1]);

      big.set("s", Arrays.copyOf(first, length - 1));
      BlinkStore.StoredValue small = big.getStored("s");
      big.set("s", Arrays.copyOf(second, length - 1));
      ByteBuffer copied = ByteBuffer.allocate(length - 1);
      small.copyTo(copied, 0);
      assertEquals('b', copied.get(0), "written in place below the length");
    } finally {
      big.close();
    }
  }

  private static String copy(BlinkStore.StoredValue value) {
    ByteBuffer bytes = ByteBuffer.allocate(value.length());
    value.copyTo(bytes, 0);
    return UTF_8.decode(bytes).toString();
  }
}
