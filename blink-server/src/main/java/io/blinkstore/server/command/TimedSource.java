package io.blinkstore.server.command;

import java.io.ByteArrayInputStream;
import org.luaj.vm2.LuaError;

/**
 * Code as luaj's compiler reads it, one byte at a time: past a deadline ({@code System.nanoTime()}, looked at every
 * {@link #DEADLINE_CHECK_BYTES}) a read raises {@link Timeout}, so that compiling is held to a time as a run is
 * (luaj's compiler has no hook of its own). {@link FunctionLoader} holds a library's compile to the load's 500 ms,
 * {@link ScriptEngine} a script's to {@link ScriptEngine#COMPILE_TIMEOUT_MILLIS}.
 */
final class TimedSource extends ByteArrayInputStream {
  /** How many bytes of code the compiler reads between two looks at the deadline. */
  static final int DEADLINE_CHECK_BYTES = 1 << 14;

  private final long deadline;

  /** The bytes of {@code code} from {@code offset}, readable until {@code deadline}. */
  TimedSource(byte[] code, int offset, long deadline) {
    super(code, offset, code.length - offset);
    this.deadline = deadline;
  }

  @Override
  public synchronized int read() {
    if (pos % DEADLINE_CHECK_BYTES == 0 && System.nanoTime() - deadline > 0) {
      throw new Timeout();
    }
    return super.read();
  }

  @Override
  public synchronized int read(byte[] into, int offset, int length) {
    if (System.nanoTime() - deadline > 0) {
      throw new Timeout();
    }
    return super.read(into, offset, Math.min(length, DEADLINE_CHECK_BYTES));
  }

  /**
   * The deadline has passed while compiling: a Lua error whose object is Redis's {@code FUNCTION LOAD timeout}
   * error table (what a library's load answers; a script's compile answers its own words).
   */
  static final class Timeout extends LuaError {
    private static final long serialVersionUID = 1L;

    Timeout() {
      super(LuaRedisApi.errorTable(ScriptRun.LOAD_TIMEOUT));
    }
  }
}
