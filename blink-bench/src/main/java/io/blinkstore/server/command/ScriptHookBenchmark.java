package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the scripts' instruction hook ({@link LuaInterrupts}: the kill and heap checks, and the line kept for
 * errors) costs a script that only computes: one loop of a million iterations (about seven million instructions)
 * in the sandbox's Lua state, with the hook as the server runs it, and with luaj's {@code debuglib} removed, so that
 * no hook runs. It lives in the server's package because the sandbox is package-private there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScriptHookBenchmark {
  private static final byte[] LOOP = ("local i = 0 local s = 0 while i < 1000000 do i = i + 1 s = s + i % 7 end"
      + " return s").getBytes(StandardCharsets.US_ASCII);

  private LuaValue hooked;
  private LuaValue unhooked;

  @Setup(Level.Trial)
  public void setUp() {
    hooked = LuaSandbox.compile(LuaSandbox.newGlobals(new LuaTable(), new LuaInterrupts()), LOOP, 0);
    LuaGlobals plain = LuaSandbox.newGlobals(new LuaTable(), new LuaInterrupts());
    plain.debuglib = null;
    unhooked = LuaSandbox.compile(plain, LOOP, 0);
  }

  @Benchmark
  public LuaValue withHook() {
    return hooked.call();
  }

  @Benchmark
  public LuaValue withoutHook() {
    return unhooked.call();
  }
}
