package io.blinkstore.server.command;

import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;

/**
 * The growing result of {@code cjson.encode}, {@code cmsgpack.pack} and {@code struct.pack}, held to
 * {@link #MAX_BYTES}: Redis lets these grow until its allocator fails, which here would be the JVM's heap (a sparse
 * array of 2^30 nulls after {@code cjson.encode_sparse_array(false, 0)}, a table nested into itself), so past the
 * bound the script gets a Lua error instead.
 */
final class LuaBytes {
  /**
   * The longest string one call builds: 64 MiB, or a sixteenth of the heap where that is less (Redis's default
   * {@code proto-max-bulk-len}, 512 MiB, is more than a heap), so that building it, with the copies luaj makes on
   * the way, never takes more than a fraction of what the heap has.
   */
  static final int MAX_BYTES = (int) Math.min(64 << 20, Runtime.getRuntime().maxMemory() / 16);

  /**
   * {@link #MAX_BYTES}, or less where the server holds scripts' strings to less
   * ({@link HeapGuard#holdScriptStringsTo}).
   */
  static int maxBytes() {
    return Math.min(MAX_BYTES, ScriptRun.scriptStringBytesHere());
  }

  private final String function;
  private byte[] bytes = new byte[64];
  private int length;

  LuaBytes(String function) {
    this.function = function;
  }

  /** A result of {@code function} known to be {@code size} bytes long (at most the bound: {@link #reserve} it first). */
  LuaBytes(String function, int size) {
    this.function = function;
    ScriptRun.allocatingHere(size);
    this.bytes = new byte[size];
  }

  void write(int b) {
    ensure(1);
    bytes[length++] = (byte) b;
  }

  void write(byte[] source) {
    write(source, 0, source.length);
  }

  void write(byte[] source, int offset, int count) {
    ensure(count);
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
  }

  void write(LuaString string) {
    ensure(string.length());
    string.copyInto(0, bytes, length, string.length());
    length += string.length();
  }

  int length() {
    return length;
  }

  /** The result; this builder is done with (a buffer filled exactly becomes the string, without a copy). */
  LuaString toLuaString() {
    if (length == bytes.length) {
      return LuaString.valueUsing(bytes);
    }
    ScriptRun.allocatingHere(length);
    return LuaString.valueUsing(Arrays.copyOf(bytes, length));
  }

  /** Refuses, before anything is built, a result {@code size} bytes long past the bound. */
  static void check(String function, long size) {
    int most = maxBytes();
    if (size > most || size < 0) {
      throw new LuaError(function + ": result larger than " + most + " bytes");
    }
  }

  /**
   * Refuses a result {@code size} bytes long past the bound, as {@link #check}, and else counts it toward the
   * running script's heap check ({@link ScriptRun#allocating}): for a function about to build it in one piece.
   */
  static void reserve(String function, long size) {
    check(function, size);
    ScriptRun.allocatingHere(size);
  }

  private void ensure(int more) {
    check(function, (long) length + more);
    if (length + more > bytes.length) {
      int grown = (int) Math.min(maxBytes(), Math.max(length + more, 2L * bytes.length));
      ScriptRun.allocatingHere(grown);
      bytes = Arrays.copyOf(bytes, grown);
    }
  }
}
