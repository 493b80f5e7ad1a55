package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The databases' namespace table a snapshot keeps ({@link Databases#table}, {@link Databases#restore}): after any
 * {@code SWAPDB}s, restarts (with the database count changed or not) map every database they all have to the
 * namespace it had, and no two databases ever share a namespace.
 */
class DatabasesTableProperties {
  @Property(tries = 300)
  void theTableAfterAnySwapsIsRestoredWhole(@ForAll @IntRange(min = 1, max = 40) int count,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 39) Integer> swaps,
      @ForAll @IntRange(min = 1, max = 40) int countBetween,
      @ForAll @IntRange(min = 1, max = 40) int countAfterRestart) {
    Databases before = new Databases(count);
    for (int i = 0; i + 1 < swaps.size(); i += 2) {
      before.swap(swaps.get(i) % count, swaps.get(i + 1) % count);
    }
    Databases between = new Databases(countBetween); // a restart with another count, then another
    assertTrue(between.restore(before.table()));
    Databases after = new Databases(countAfterRestart);
    assertTrue(after.restore(between.table()));
    Set<Integer> namespaces = new HashSet<>();
    for (int i = 0; i < countAfterRestart; i++) {
      assertTrue(namespaces.add(after.namespace(i)), "database " + i + " shares a namespace");
      if (i < Math.min(count, countBetween)) {
        assertEquals(before.namespace(i), after.namespace(i), "database " + i);
      }
    }
  }

  @Example
  void aTableThatIsNoneIsIgnored() {
    Databases databases = new Databases(4);
    databases.swap(0, 1);
    assertFalse(databases.restore(new byte[5]), "not whole numbers");
    assertFalse(databases.restore(ByteBuffer.allocate(8).putInt(2).putInt(2).array()), "a namespace twice");
    assertFalse(databases.restore(ByteBuffer.allocate(4).putInt(-1).array()), "out of range");
    assertEquals(1, databases.namespace(0), "kept as it was");
    assertEquals(0, databases.namespace(1));
  }
}
