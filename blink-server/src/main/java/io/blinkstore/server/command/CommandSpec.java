package io.blinkstore.server.command;

import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * One command as the {@link CommandTable} declares it, once for every protocol: its name as Redis reports it in
 * errors ({@code get}, {@code client|setname}), its arity as in Redis's table (n: exactly n arguments counting the
 * name; -n: at least n), its {@link CommandFlag flags}, where its keys are, and the operation that runs it. A
 * container ({@code CLIENT}, {@code CONFIG}, {@code COMMAND}) also has a table of its subcommands.
 *
 * @param name the lower-case name, {@code container|sub} for a subcommand
 * @param arity the number of arguments, the name included; negative: at least that many
 * @param flags the bits of its {@link CommandFlag}s
 * @param keys where its keys are among the arguments
 * @param operation what runs it
 * @param subcommands the subcommands of a container, or {@code null}
 * @param calls its calls, counted for {@code INFO commandstats}
 */
record CommandSpec(String name, int arity, int flags, Keys keys, Operation operation,
    @Nullable CommandTable subcommands, Calls calls) {

  /** A command without calls counted yet. */
  CommandSpec(String name, int arity, int flags, Keys keys, Operation operation, @Nullable CommandTable subcommands) {
    this(name, arity, flags, keys, operation, subcommands, new Calls());
  }

  /**
   * How often the command was called ({@code INFO commandstats}), refused before it ran (arity, sign-in, memory)
   * and answered an error. Thread-safe: counted from every event loop.
   */
  static final class Calls {
    private final LongAdder calls = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();

    /** Counts a call that ran and answered {@code result}. */
    void ran(Result result) {
      calls.increment();
      if (result instanceof Result.Error) {
        failed.increment();
      }
    }

    /** Counts a call refused before it ran. */
    void reject() {
      rejected.increment();
    }

    /** Starts counting again from 0 ({@code CONFIG RESETSTAT}). */
    void reset() {
      calls.reset();
      rejected.reset();
      failed.reset();
    }

    long calls() {
      return calls.sum();
    }

    long rejected() {
      return rejected.sum();
    }

    long failed() {
      return failed.sum();
    }
  }

  /** Runs a command whose arity the dispatcher has checked; {@code args[0]} is its name. */
  @FunctionalInterface
  interface Operation {
    /** Returns the command's result; throws for a store failure, which the dispatcher turns into an error. */
    Result run(ClientState client, byte[][] args);
  }

  /**
   * Where a command's keys are, as Redis's first/last/step: arguments {@code first}, {@code first + step}, ... up
   * to {@code last} (negative: counted from the end, -1 the last argument); {@link #NONE} for no keys.
   */
  record Keys(int first, int last, int step) {
    static final Keys NONE = new Keys(0, 0, 0);
    /** The one key after the name. */
    static final Keys ONE = new Keys(1, 1, 1);
    /** Every argument after the name is a key. */
    static final Keys ALL = new Keys(1, -1, 1);
    /** Keys and values alternating after the name ({@code MSET}). */
    static final Keys PAIRS = new Keys(1, -1, 2);
  }

  /** Whether the command has {@code flag}. */
  boolean has(CommandFlag flag) {
    return (flags & flag.bit()) != 0;
  }

  /** Whether {@code argc} arguments, the name included, fit the arity. */
  boolean arityFits(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }
}
