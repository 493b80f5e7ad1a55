package io.blinkstore.server.command;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The global table of the scripts' Lua state, read-only once {@linkplain #lock() locked} as Redis 7.0's is: a
 * script that assigns a global gets {@code Attempt to modify a readonly table}. Only the engine writes it, between
 * {@link #unlock()} and {@link #lock()}, to set {@code KEYS} and {@code ARGV} before each run. Its overrides are
 * {@link LuaReadOnlyTable}'s: the globals must be a luaj {@code Globals}, and Java shares no code between the two
 * subclasses.
 */
final class LuaGlobals extends Globals {
  private boolean locked;

  void lock() {
    locked = true;
  }

  void unlock() {
    locked = false;
  }

  private void refuseIfLocked() {
    if (locked) {
      throw new LuaError(LuaReadOnlyTable.READONLY);
    }
  }

  @Override
  public void set(int key, LuaValue value) {
    refuseIfLocked();
    super.set(key, value);
  }

  @Override
  public void set(LuaValue key, LuaValue value) {
    refuseIfLocked();
    super.set(key, value);
  }

  @Override
  public void rawset(int key, LuaValue value) {
    refuseIfLocked();
    super.rawset(key, value);
  }

  @Override
  public void rawset(LuaValue key, LuaValue value) {
    refuseIfLocked();
    super.rawset(key, value);
  }

  @Override
  public void hashset(LuaValue key, LuaValue value) {
    refuseIfLocked();
    super.hashset(key, value);
  }

  @Override
  public LuaValue setmetatable(LuaValue metatable) {
    refuseIfLocked();
    return super.setmetatable(metatable);
  }

  @Override
  public void insert(int pos, LuaValue value) {
    refuseIfLocked();
    super.insert(pos, value);
  }

  @Override
  public LuaValue remove(int pos) {
    refuseIfLocked();
    return super.remove(pos);
  }

  @Override
  public void sort(LuaValue comparator) {
    refuseIfLocked();
    super.sort(comparator);
  }
}
