package io.blinkstore.server.command;

import java.util.IdentityHashMap;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that refuses every change once {@linkplain #lock() locked}, with Redis 7.0's error
 * ({@code Attempt to modify a readonly table}): what every table a script reaches from its globals is, as in Redis
 * 7.0 (its patched Lua's {@code lua_enablereadonlytable}), so that no script can change a library, the
 * {@code redis} table or a metatable that the next script would see. Raw writes ({@code rawset}) and the table
 * library's in-place functions ({@code table.insert}, {@code table.remove}, {@code table.sort}) are refused too.
 */
final class LuaReadOnlyTable extends LuaTable {
  /** Redis 7.0's error for a change to a protected table. */
  static final String READONLY = "Attempt to modify a readonly table";

  private boolean locked;

  /**
   * A read-only copy of {@code table} and of every table it reaches (values, keys and metatables), each copied once
   * ({@code copies}: shared tables stay shared, cycles end), locked.
   */
  static LuaValue copyOf(LuaValue value, Map<LuaValue, LuaValue> copies) {
    if (!value.istable()) {
      return value;
    }
    LuaValue known = copies.get(value);
    if (known != null) {
      return known;
    }
    LuaReadOnlyTable copy = new LuaReadOnlyTable();
    copies.put(value, copy);
    copy.fill(value, copies);
    copy.lock();
    return copy;
  }

  /** A fresh identity map for {@link #copyOf}. */
  static Map<LuaValue, LuaValue> copies() {
    return new IdentityHashMap<>();
  }

  /** Copies every entry of {@code source} (and its metatable) into this table, through {@link #copyOf}. */
  void fill(LuaValue source, Map<LuaValue, LuaValue> copies) {
    LuaValue key = LuaValue.NIL;
    while (true) {
      org.luaj.vm2.Varargs next = source.next(key);
      key = next.arg1();
      if (key.isnil()) {
        break;
      }
      super.rawset(copyOf(key, copies), copyOf(next.arg(2), copies));
    }
    LuaValue metatable = source.getmetatable();
    if (metatable != null) {
      super.setmetatable(copyOf(metatable, copies));
    }
  }

  void lock() {
    locked = true;
  }

  private void refuseIfLocked() {
    if (locked) {
      throw new LuaError(READONLY);
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
