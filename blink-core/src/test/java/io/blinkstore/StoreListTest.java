package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkList.End;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process {@link BlinkList}'s edges: a list of a million one-byte elements cannot pass the heap capacity
 * (each element counts its heap cost, {@link ListValue#HEAP_BYTES_PER_ELEMENT}); a push past the memory limit
 * changes nothing; {@code LMOVE} onto a string refuses before it pops; {@code LSET}'s two refusals; the caller's
 * arrays are copied in and out; a string operation on a list is the wrong type.
 */
class StoreListTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void oneByteElementsAreBoundedByTheirHeapCostNotTheirBytes() {
    int perEntry = 100;
    long capacity = 256 << 10;
    try (IsolatedStore bounded = (IsolatedStore) BlinkStore.builder().memoryLimit(64 << 20)
        .heapCapacity(capacity, perEntry).build()) {
      BlinkList list = bounded.list("big");
      long pushed = 0;
      EntryTooLargeException refused = null;
      while (refused == null && pushed < 1_000_000) {
        try {
          list.push(End.RIGHT, new byte[1]);
          pushed++;
        } catch (EntryTooLargeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "refused before a million elements");
      assertEquals((capacity - perEntry - 3) / (1 + ListValue.HEAP_BYTES_PER_ELEMENT), pushed);
      assertEquals(pushed, list.size());
      assertEquals(3 + pushed, bounded.usage());
    }
  }

  @Test
  void aPushPastTheMemoryLimitChangesNothing() {
    BlinkList list = store.list("k");
    list.push(End.LEFT, bytes("a"));
    assertThrows(EntryTooLargeException.class, () -> list.push(End.LEFT, bytes("b"), new byte[1 << 20]));
    assertEquals(1, list.size());
    assertEquals(2, store.usage());
  }

  @Test
  void moveOntoAStringRefusesBeforeItPops() {
    store.set("s", bytes("v"));
    BlinkList list = store.list("k");
    list.push(End.RIGHT, bytes("a"));
    assertThrows(WrongTypeException.class, () -> list.move(End.LEFT, "s", End.LEFT));
    assertEquals(1, list.size());
    assertThrows(WrongTypeException.class, () -> store.list("s").push(End.LEFT, bytes("x")));
    assertThrows(WrongTypeException.class, () -> store.get("k"));
  }

  @Test
  void setAnswersFalseForNoListAndThrowsOutOfRange() {
    BlinkList list = store.list("k");
    assertFalse(list.set(0, bytes("x")));
    list.push(End.RIGHT, bytes("a"));
    assertThrows(IndexOutOfBoundsException.class, () -> list.set(1, bytes("x")));
    assertTrue(list.set(-1, bytes("b")));
    assertArrayEquals(bytes("b"), list.get(0));
    assertThrows(IllegalArgumentException.class, () -> list.pop(End.LEFT, -1));
    assertThrows(IllegalArgumentException.class, () -> list.positions(bytes("b"), 0, 0, 0));
  }

  @Test
  void theCallersArraysAreCopiedInAndOut() {
    byte[] element = bytes("a");
    BlinkList list = store.list("k");
    list.push(End.RIGHT, element);
    element[0] = 'z';
    byte[] read = list.get(0);
    read[0] = 'y';
    assertArrayEquals(bytes("a"), list.get(0));
    assertArrayEquals(bytes("a"), list.pop(End.LEFT));
    assertNull(list.pop(End.LEFT));
    assertNull(list.pop(End.LEFT, 1));
    assertEquals(0, store.size());
  }
}
