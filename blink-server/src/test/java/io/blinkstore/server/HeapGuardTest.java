package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapGuardTest {
  @Test
  void writesAreRefusedOnlyWhileTheHeapAfterACollectionIsOverTheThreshold() {
    HeapGuard guard = new HeapGuard(0.9);
    assertTrue(guard.writesAllowed(), "before any collection");
    guard.afterCollection(900, 1000);
    assertTrue(guard.writesAllowed(), "at the threshold");
    guard.afterCollection(901, 1000);
    assertFalse(guard.writesAllowed(), "past the threshold");
    guard.afterCollection(950, 1000);
    assertFalse(guard.writesAllowed());
    guard.afterCollection(500, 1000);
    assertTrue(guard.writesAllowed(), "a later collection that freed enough");
  }

  @Test
  void thresholdsOutsideZeroToOneAreRefused() {
    for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new HeapGuard(bad), String.valueOf(bad));
    }
  }

  @Test
  void theCollectionWatcherStartsAndStops() {
    HeapGuard guard = HeapGuard.watchingCollections(1.0);
    try {
      assertTrue(guard.writesAllowed());
    } finally {
      guard.close();
    }
  }
}
