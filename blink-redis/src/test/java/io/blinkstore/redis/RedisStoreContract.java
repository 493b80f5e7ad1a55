package io.blinkstore.redis;

import io.blinkstore.BlinkStoreContract;

/**
 * The {@link BlinkStoreContract} as every Redis deployment keeps it, with the two capabilities Redis does not
 * offer declined (docs/scale-out.md): byte accounting, since {@code used_memory} is all its allocator holds and its
 * limit is its operator's {@code maxmemory}; and reads counted by {@code GET} alone, since Redis counts {@code PTTL}
 * as a keyspace hit or miss.
 */
abstract class RedisStoreContract extends BlinkStoreContract {
  @Override
  protected boolean exactAccounting() {
    return false;
  }

  @Override
  protected boolean onlyGetsCountAsReads() {
    return false;
  }

  /** BlinkRedis has no hash view yet (issue 18 gave one to the in-process store and to blink-client over RESP). */
  @Override
  protected boolean holdsHashes() {
    return false;
  }
}
