package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The cache contract on the in-process store: no {@code blink.address}. */
class InProcessCacheIT extends CacheContract {
  @Override
  String[] properties() {
    return new String[] {"blink.memory-limit=4MB"};
  }

  @Test
  void theMemoryLimitPropertySizesTheStore() {
    assertEquals(4L << 20, store.memoryLimit());
  }
}
