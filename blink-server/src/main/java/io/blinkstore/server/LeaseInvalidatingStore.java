package io.blinkstore.server;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The store as the protocols' commands see it: every write of a key first ends that key's fill lease, as a
 * delete ends a lease in memcached ("Scaling Memcache at Facebook"). A worker that loaded from the database
 * before someone wrote a newer value therefore gets {@code ERROR lease expired} for its {@code FILL} instead of
 * overwriting that value with older data. Reads pass straight through, and the lease check costs a write one
 * look at an empty table while no lease is out. {@link LeaseCommands} fills through the store itself, inside
 * {@link Leases#fill}, so that check and write are one step against these invalidations.
 */
final class LeaseInvalidatingStore implements BlinkStore {
  private final BlinkStore store;
  private final Leases leases;

  LeaseInvalidatingStore(BlinkStore store, Leases leases) {
    this.store = store;
    this.leases = leases;
  }

  @Override
  public void set(String key, byte[] value) {
    leases.invalidate(key);
    store.set(key, value);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    leases.invalidate(key);
    store.set(key, value, ttl);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    leases.invalidate(key);
    return store.setIfAbsent(key, value);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    leases.invalidate(key);
    return store.setIfAbsent(key, value, ttl);
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    leases.invalidate(key);
    return store.expire(key, ttl);
  }

  @Override
  public boolean persist(String key) {
    leases.invalidate(key);
    return store.persist(key);
  }

  @Override
  public long incrementBy(String key, long delta) {
    leases.invalidate(key);
    return store.incrementBy(key, delta);
  }

  @Override
  public boolean delete(String key) {
    leases.invalidate(key);
    return store.delete(key);
  }

  @Override
  public void clear() {
    leases.invalidateAll();
    store.clear();
  }

  @Override
  public byte[] getOrLoad(String key, Loader loader) {
    return store.getOrLoad(key, loader);
  }

  @Override
  public byte[] getOrLoad(String key, Duration ttl, Loader loader) {
    return store.getOrLoad(key, ttl, loader);
  }

  @Override
  public Duration ttl(String key) {
    return store.ttl(key);
  }

  @Override
  public byte[] get(String key) {
    return store.get(key);
  }

  @Override
  public ByteBuffer getBuffer(String key) {
    return store.getBuffer(key);
  }

  @Override
  public String getString(String key) {
    return store.getString(key);
  }

  @Override
  public long usage() {
    return store.usage();
  }

  @Override
  public long memoryLimit() {
    return store.memoryLimit();
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public BlinkStats stats() {
    return store.stats();
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
