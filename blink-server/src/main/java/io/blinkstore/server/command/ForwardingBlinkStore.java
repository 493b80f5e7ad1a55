package io.blinkstore.server.command;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkHash;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkStore} that passes every call to another, for a subclass to change a few of them, as Guava's
 * forwarding collections do. Forwards the default methods too, so the other store's own versions run. Its
 * {@link Deadlines} are the other store's if it has them (the in-process store), else {@link RelativeDeadlines}
 * over it.
 */
public abstract class ForwardingBlinkStore implements BlinkStore, Deadlines {
  private final BlinkStore store;
  private final Deadlines deadlines;

  protected ForwardingBlinkStore(BlinkStore store) {
    this.store = store;
    this.deadlines = store instanceof Deadlines own ? own : new RelativeDeadlines(store);
  }

  @Override
  public long now() {
    return deadlines.now();
  }

  @Override
  public long deadline(String key) {
    return deadlines.deadline(key);
  }

  @Override
  public boolean expireAt(String key, long deadline, Condition condition) {
    return deadlines.expireAt(key, deadline, condition);
  }

  @Override
  public void setUntil(String key, byte[] value, long deadline) {
    deadlines.setUntil(key, value, deadline);
  }

  @Override
  public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
    return deadlines.setIfAbsentUntil(key, value, deadline);
  }

  @Override
  public void set(String key, byte[] value) {
    store.set(key, value);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    store.set(key, value, ttl);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    return store.setIfAbsent(key, value);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    return store.setIfAbsent(key, value, ttl);
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    return store.expire(key, ttl);
  }

  @Override
  public boolean persist(String key) {
    return store.persist(key);
  }

  @Override
  public long incrementBy(String key, long delta) {
    return store.incrementBy(key, delta);
  }

  @Override
  public BlinkHash hash(String key) {
    return store.hash(key);
  }

  @Override
  public boolean delete(String key) {
    return store.delete(key);
  }

  @Override
  public void clear() {
    store.clear();
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    return store.getOrLoad(key, loader);
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    return store.getOrLoad(key, ttl, loader);
  }

  @Override
  public @Nullable Duration ttl(String key) {
    return store.ttl(key);
  }

  @Override
  public byte @Nullable [] get(String key) {
    return store.get(key);
  }

  @Override
  public @Nullable ByteBuffer getBuffer(String key) {
    return store.getBuffer(key);
  }

  @Override
  public @Nullable StoredValue getStored(String key) {
    return store.getStored(key);
  }

  @Override
  public @Nullable String getString(String key) {
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
