package io.blinkstore.server.command;

import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The scripts' instruction hook: luaj calls a state's {@code DebugLib} before every instruction of an interpreted
 * closure ({@code LuaClosure}, the only kind the engine makes: scripts are never compiled to JVM bytecode), and this
 * one asks the running script, every {@link #CHECK_EVERY} instructions, whether it must stop
 * ({@link ScriptRun#checkInterrupt}: {@code SCRIPT KILL}, the heap nearly full). It replaces Redis's count hook
 * ({@code luaMaskCountHook}, every 100,000 instructions) with a cheaper check run more often: a decrement per
 * instruction, a volatile read every 1,024. It also keeps where the last instruction ran ({@link #line}): luaj
 * runs a call in tail position ({@code return redis.call(...)}) after its caller's frame has gone, so an error
 * raised there carries no position, where Redis's carries the caller's line. Nothing else of {@code DebugLib}
 * runs (the {@code debug} table is not given to scripts, as Redis 7.0 removes it), and an error carries no
 * traceback.
 *
 * <p>It also bounds the concatenation operator ({@code ..}, luaj's {@code OP_CONCAT}), which builds its result in
 * one instruction: {@code s = s .. s} doubles a string every three instructions, so that a loop of it fills the heap
 * between two checks. Before each {@code OP_CONCAT} it adds up its operands' lengths, refuses a result past
 * {@link LuaBytes#MAX_BYTES} and counts the rest toward the run's heap check ({@link ScriptRun#allocating}). Only
 * functions that have a {@code OP_CONCAT} at all pay for looking at the instruction: whether one has is learnt once
 * per function ({@link #concatCode}), so a function without costs one field read per instruction.
 *
 * <p>The hook of a library's load ({@link #countingMade}) looks at every instruction, and counts toward the run
 * ({@link ScriptRun#made}) what each that makes something the library's functions could keep makes: a table
 * ({@code OP_NEWTABLE}), a slot set ({@code OP_SETTABLE}, {@code OP_SETTABUP}, each element of {@code OP_SETLIST}),
 * a closure and its upvalues ({@code OP_CLOSURE}), besides the concatenations' strings.
 */
final class LuaInterrupts extends DebugLib {
  /** How many instructions run between two checks. */
  static final int CHECK_EVERY = 1024;

  private int countdown = CHECK_EVERY;
  /** The length a number adds to a concatenation at most (luaj writes a double in at most 24 characters). */
  private static final int NUMBER_BYTES = 32;

  /**
   * What a table slot set costs at most, counted by a load's hook: luaj's hash entry, its bucket and a key and a
   * value of their own (a number, or a string's object: its bytes are counted where it was built), 160 bytes.
   * Measured (luaj 3.0.1, G1, 200,000 slots after a full collection: blink-bench/functions/LuaLoadCosts.java): 154
   * bytes a slot of a string key and a string value, both short and built by concatenation, 66 of a double key and
   * value, 26 to 67 in the array part.
   */
  static final int SLOT_BYTES = 160;
  /** What an empty table costs at most (measured: 43 bytes), and 16 bytes each slot it is made room for. */
  static final int TABLE_BYTES = 64;
  /** What a closure costs at most, without upvalues (measured: 35 bytes). */
  static final int CLOSURE_BYTES = 64;
  /** What each upvalue a closure captures costs at most, its value's object too (measured: 83 to 96 bytes). */
  static final int UPVALUE_BYTES = 128;

  /** Whether it counts what a library's load makes ({@link #countingMade}). */
  private final boolean countsMade;

  /** Whether each function seen has an {@code OP_CONCAT}; weak, so a flushed script's functions can go. */
  private final Map<Prototype, Boolean> concatenates = new WeakHashMap<>();
  /** The functions running, innermost last ({@code null} for a Java function luaj reports). */
  private @Nullable Prototype[] running = new Prototype[64];
  /** Each running function's registers ({@code null} for a Java function), innermost last. */
  private LuaValue[] @Nullable [] stacks = new LuaValue[64][];
  /** Each running function's instructions if it has an {@code OP_CONCAT}, else {@code null}, innermost last. */
  private int[] @Nullable [] codes = new int[64][];
  /** The innermost function's instructions if it has an {@code OP_CONCAT}, else {@code null}. */
  private int @Nullable [] concatCode;
  private int depth;
  /** The instruction run last in the innermost function, or -1 if none ran since the last call or return. */
  private int lastPc = -1;
  /** Where the last instruction ran before the last call or return, for when none ran since. */
  private @Nullable Prototype savedFunction;
  private int savedPc = -1;
  /** The run being checked; set and read on the thread that runs scripts, one at a time. */
  private @Nullable ScriptRun run;

  /** The scripts' hook: it counts concatenations only. */
  LuaInterrupts() {
    this(false);
  }

  private LuaInterrupts(boolean countsMade) {
    this.countsMade = countsMade;
  }

  /**
   * The hook of a library's load: as the scripts', and it counts what each instruction that makes a table, a slot
   * or a closure makes toward the run ({@link ScriptRun#allocating}), so that the load stops at its room and the
   * library is held to what it made. It looks at every instruction, so a load runs slower than a script.
   */
  static LuaInterrupts countingMade() {
    return new LuaInterrupts(true);
  }

  /** Checks {@code run} from now on ({@code null}: none). */
  void watch(@Nullable ScriptRun run) {
    this.run = run;
    countdown = CHECK_EVERY;
    Arrays.fill(stacks, 0, depth, null);
    Arrays.fill(codes, 0, depth, null);
    depth = 0;
    concatCode = null;
    lastPc = -1;
    savedFunction = null;
    savedPc = -1;
  }

  /** The line of the script's last instruction run, or -1. */
  int line() {
    Prototype function = lastPc >= 0 ? (depth > 0 ? running[depth - 1] : null) : savedFunction;
    int pc = lastPc >= 0 ? lastPc : savedPc;
    if (function == null || function.lineinfo == null || pc < 0 || pc >= function.lineinfo.length) {
      return -1;
    }
    return function.lineinfo[pc];
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    lastPc = pc; // one write per instruction: the function it ran in is the innermost one (see line())
    int[] code = concatCode;
    if (code != null && pc < code.length) {
      int instruction = code[pc];
      int opcode = Lua.GET_OPCODE(instruction);
      if (opcode == Lua.OP_CONCAT) {
        concatenating(instruction);
      } else if (countsMade) {
        making(instruction, opcode, top);
      }
    }
    if (--countdown > 0) {
      return;
    }
    countdown = CHECK_EVERY;
    ScriptRun current = run;
    if (current != null) {
      try {
        current.checkInterrupt();
      } catch (RuntimeException e) {
        countdown = 1; // stopped for good: every later instruction throws again, so pcall cannot resume it
        throw e;
      }
    }
  }

  /**
   * Before {@code OP_CONCAT} {@code instruction} runs: its operands (registers B to C of the innermost function)
   * are added up, strings by their length, numbers by the most their text takes (a table or anything else with a
   * {@code __concat} adds nothing here: its metamethod's result is a string some other call built).
   */
  private void concatenating(int instruction) {
    LuaValue[] stack = depth > 0 ? stacks[depth - 1] : null;
    int first = Lua.GETARG_B(instruction);
    int last = Lua.GETARG_C(instruction);
    if (stack == null || last >= stack.length) {
      return;
    }
    long total = 0;
    boolean numbers = false;
    boolean plain = true;
    for (int i = first; i <= last; i++) {
      LuaValue operand = stack[i];
      int type = operand.type();
      numbers |= type == LuaValue.TNUMBER;
      plain &= type == LuaValue.TSTRING || type == LuaValue.TNUMBER;
      total += type == LuaValue.TSTRING ? operand.rawlen() : type == LuaValue.TNUMBER ? NUMBER_BYTES : 0;
    }
    LuaBytes.check("string concatenation", total);
    if (numbers && plain) {
      // Lua 5.1 writes a number it concatenates with %.14g (0.0003, 1e+15), luaj as Java does (3.0E-4, 1.0E15).
      // The operands are the instruction's own temporary registers, so only the result sees the change; with a
      // __concat operand, its metamethod is given the numbers as they are, as in Lua 5.1.
      for (int i = first; i <= last; i++) {
        if (stack[i].type() == LuaValue.TNUMBER) {
          stack[i] = LuaCompat.numberString(stack[i].todouble());
        }
      }
    }
    ScriptRun current = run;
    if (current != null) {
      current.allocating(total);
    }
  }

  /**
   * Before {@code instruction} runs in a load: what it makes is counted. luaj sizes a new table by the
   * instruction's B and C as they are (not decoded as Lua's floating-point bytes: at most 511 each), and an
   * {@code OP_SETLIST} whose B is 0 sets the registers from A + 1 to {@code top}.
   */
  private void making(int instruction, int opcode, int top) {
    ScriptRun current = run;
    Prototype function = depth > 0 ? running[depth - 1] : null;
    if (current == null || function == null) {
      return;
    }
    long bytes = switch (opcode) {
      case Lua.OP_NEWTABLE -> TABLE_BYTES + 16L * (Lua.GETARG_B(instruction) + Lua.GETARG_C(instruction));
      case Lua.OP_SETTABLE, Lua.OP_SETTABUP -> SLOT_BYTES;
      case Lua.OP_SETLIST -> (long) SLOT_BYTES * Math.max(0, Lua.GETARG_B(instruction) != 0
          ? Lua.GETARG_B(instruction) : top - Lua.GETARG_A(instruction) - 1);
      case Lua.OP_CLOSURE -> {
        int nested = Lua.GETARG_Bx(instruction);
        yield CLOSURE_BYTES + (nested < function.p.length ? (long) UPVALUE_BYTES * function.p[nested].upvalues.length
            : 0);
      }
      default -> 0;
    };
    if (bytes > 0) {
      current.allocating(bytes);
    }
  }

  @Override
  public void onCall(LuaFunction f) {
    push(null, null);
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    push(c.p, stack);
  }

  /**
   * {@code function}'s instructions if it has an {@code OP_CONCAT}, else {@code null}; learnt once for each. A
   * load's hook looks at every function's.
   */
  private int @Nullable [] concatCode(@Nullable Prototype function) {
    if (function == null) {
      return null;
    }
    if (countsMade) {
      return function.code;
    }
    Boolean has = concatenates.get(function);
    if (has == null) {
      has = Arrays.stream(function.code).anyMatch(instruction -> Lua.GET_OPCODE(instruction) == Lua.OP_CONCAT);
      concatenates.put(function, has);
    }
    return has ? function.code : null;
  }

  /** A call or return: where the last instruction ran is kept, in case no other runs before an error. */
  private void moving() {
    if (lastPc >= 0) {
      savedFunction = depth > 0 ? running[depth - 1] : null;
      savedPc = lastPc;
      lastPc = -1;
    }
  }

  private void push(@Nullable Prototype function, LuaValue @Nullable [] stack) {
    moving();
    if (depth == running.length) {
      running = Arrays.copyOf(running, depth * 2);
      stacks = Arrays.copyOf(stacks, depth * 2);
      codes = Arrays.copyOf(codes, depth * 2);
    }
    concatCode = concatCode(function);
    running[depth] = function;
    codes[depth] = concatCode;
    stacks[depth++] = stack;
  }

  @Override
  public void onReturn() {
    moving();
    if (depth > 0) {
      running[--depth] = null;
      stacks[depth] = null;
      codes[depth] = null;
      concatCode = depth > 0 ? codes[depth - 1] : null;
    }
  }

  @Override
  public String traceback(int level) {
    return "";
  }
}
