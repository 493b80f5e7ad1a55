package io.blinkstore;

import io.blinkstore.internal.Sets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkSet}: each call one operation of the store's {@link Sets} (gated, watched, refused
 * past the limit without a change; {@code SMOVE} with the gate held exclusive).
 */
final class StoreSet implements BlinkSet {
  private final Sets sets;
  private final String key;

  StoreSet(Sets sets, String key) {
    this.sets = sets;
    this.key = key;
  }

  private static byte[][] checked(byte[][] members) {
    for (byte[] member : members) {
      Objects.requireNonNull(member, "member");
    }
    return members;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long add(byte[]... members) {
    return checked(members).length == 0 ? 0 : sets.add(key, members, 0);
  }

  @Override
  public long remove(byte[]... members) {
    return checked(members).length == 0 ? 0 : sets.remove(key, members, 0);
  }

  @Override
  public boolean contains(byte[] member) {
    return sets.contains(key, Objects.requireNonNull(member, "member"));
  }

  @Override
  public long size() {
    return sets.size(key);
  }

  @Override
  public List<byte[]> members() {
    return Objects.requireNonNull(sets.members(key, Long.MAX_VALUE), "no bound");
  }

  @Override
  public byte @Nullable [] pop() {
    return sets.pop(key);
  }

  @Override
  public byte @Nullable [] random() {
    return sets.random(key);
  }

  @Override
  public boolean move(byte[] member, String destination) {
    StoreArguments.validate(destination);
    return sets.move(key, destination, Objects.requireNonNull(member, "member"));
  }
}
