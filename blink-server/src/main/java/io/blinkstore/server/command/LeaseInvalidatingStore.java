package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import java.time.Duration;

/**
 * The store as the protocols' commands see it: every write of a key first ends that key's fill lease, as a
 * delete ends a lease in memcached ("Scaling Memcache at Facebook"). A worker that loaded from the database
 * before someone wrote a newer value therefore gets {@code ERROR lease expired} for its {@code FILL} instead of
 * overwriting that value with older data. Reads pass straight through, and the lease check costs a write one
 * look at an empty table while no lease is out. {@link RespLeaseCommands} fills through the store itself, inside
 * {@link Leases#fill}, so that check and write are one step against these invalidations.
 */
final class LeaseInvalidatingStore extends ForwardingBlinkStore {
  private final Leases leases;

  LeaseInvalidatingStore(BlinkStore store, Leases leases) {
    super(store);
    this.leases = leases;
  }

  @Override
  public void set(String key, byte[] value) {
    leases.invalidate(key);
    super.set(key, value);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    leases.invalidate(key);
    super.set(key, value, ttl);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    leases.invalidate(key);
    return super.setIfAbsent(key, value);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    leases.invalidate(key);
    return super.setIfAbsent(key, value, ttl);
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    leases.invalidate(key);
    return super.expire(key, ttl);
  }

  @Override
  public boolean persist(String key) {
    leases.invalidate(key);
    return super.persist(key);
  }

  @Override
  public boolean expireAt(String key, long deadline, Condition condition) {
    leases.invalidate(key);
    return super.expireAt(key, deadline, condition);
  }

  @Override
  public void setUntil(String key, byte[] value, long deadline) {
    leases.invalidate(key);
    super.setUntil(key, value, deadline);
  }

  @Override
  public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
    leases.invalidate(key);
    return super.setIfAbsentUntil(key, value, deadline);
  }

  @Override
  public long incrementBy(String key, long delta) {
    leases.invalidate(key);
    return super.incrementBy(key, delta);
  }

  @Override
  public boolean delete(String key) {
    leases.invalidate(key);
    return super.delete(key);
  }

  @Override
  public void clear() {
    leases.invalidateAll();
    super.clear();
  }
}
