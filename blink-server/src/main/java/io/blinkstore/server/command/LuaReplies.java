package io.blinkstore.server.command;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis 7.0's conversions between Lua values and replies ({@code script_lua.c}): a command's {@link Result} to the
 * Lua value {@code redis.call} returns, in the script client's protocol ({@code redis.setresp}), and a script's
 * return value to the {@link Result} its caller receives. Lua strings are bytes: they become bulk strings as they
 * are, and error and status texts keep their bytes (one char per byte).
 */
final class LuaReplies {
  private static final LuaString OK = LuaValue.valueOf("ok");
  private static final LuaString ERR = LuaValue.valueOf("err");
  private static final LuaString IGNORE_STATS = LuaValue.valueOf("ignore_error_stats_update");
  private static final LuaString DOUBLE = LuaValue.valueOf("double");
  private static final LuaString MAP = LuaValue.valueOf("map");
  private static final LuaString SET = LuaValue.valueOf("set");
  private static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
  private static final LuaString VERBATIM = LuaValue.valueOf("verbatim_string");
  private static final LuaString FORMAT = LuaValue.valueOf("format");
  private static final LuaString STRING = LuaValue.valueOf("string");

  private LuaReplies() {}

  /**
   * The Lua value of {@code reply} for a script whose client speaks {@code protocol}: a status is
   * {@code {ok=...}}, an error {@code {err=...}}, an integer a number, a bulk string a string, an absent one
   * {@code false} (RESP3: {@code nil}), an array a table; under RESP3 a map is {@code {map={k=v}}}, a set
   * {@code {set={e=true}}}, a double {@code {double=n}}, a boolean a boolean, a big number
   * {@code {big_number=s}}, a verbatim string {@code {verbatim_string={format=f, string=s}}}; under RESP2 each of
   * those as Redis sends it to a RESP2 client.
   */
  static LuaValue toLua(Result reply, int protocol) {
    if (reply instanceof Result.Bulk bulk) {
      ByteBuffer bytes = bulk.bytes();
      if (bytes == null) {
        return protocol == 2 ? LuaValue.FALSE : LuaValue.NIL;
      }
      return LuaValue.valueOf(bytes(bytes));
    } else if (reply instanceof Result.Stored stored) {
      return LuaValue.valueOf(bytes(stored.copy()));
    } else if (reply instanceof Result.Int integer) {
      return LuaValue.valueOf((double) integer.value());
    } else if (reply instanceof Result.Simple simple) {
      return field(OK, text(simple.text()));
    } else if (reply instanceof Result.Error error) {
      return counted(field(ERR, text(error.line()))); // the command that answered it counted it
    } else if (reply instanceof Result.Array array) {
      return list(array.elements(), protocol);
    } else if (reply instanceof Result.Push push) {
      return list(push.elements(), protocol);
    } else if (reply instanceof Result.Attributed attributed) {
      return toLua(attributed.reply(), protocol);
    }
    return protocol == 2 ? resp2(reply) : resp3(reply, protocol);
  }

  /** A RESP3 shape as a RESP2 client receives it. */
  private static LuaValue resp2(Result reply) {
    if (reply instanceof Result.Map map) {
      return list(map.keysAndValues(), 2);
    } else if (reply instanceof Result.Set set) {
      return list(set.elements(), 2);
    } else if (reply instanceof Result.Double number) {
      return text(number.resp2Text());
    } else if (reply instanceof Result.Bool bool) {
      return LuaValue.valueOf(bool.value() ? 1 : 0);
    } else if (reply instanceof Result.BigNumber number) {
      return text(number.digits());
    } else if (reply instanceof Result.Verbatim verbatim) {
      return text(verbatim.text());
    }
    return LuaValue.FALSE; // Nil, NullArray
  }

  private static LuaValue resp3(Result reply, int protocol) {
    if (reply instanceof Result.Map map) {
      LuaTable pairs = new LuaTable();
      List<Result> elements = map.keysAndValues();
      for (int i = 0; i < elements.size(); i += 2) {
        pairs.rawset(toLua(elements.get(i), protocol), toLua(elements.get(i + 1), protocol));
      }
      return field(MAP, pairs);
    } else if (reply instanceof Result.Set set) {
      LuaTable members = new LuaTable();
      for (Result element : set.elements()) {
        members.rawset(toLua(element, protocol), LuaValue.TRUE);
      }
      return field(SET, members);
    } else if (reply instanceof Result.Double number) {
      return field(DOUBLE, LuaValue.valueOf(number.value()));
    } else if (reply instanceof Result.Bool bool) {
      return LuaValue.valueOf(bool.value());
    } else if (reply instanceof Result.BigNumber number) {
      return field(BIG_NUMBER, text(number.digits()));
    } else if (reply instanceof Result.Verbatim verbatim) {
      LuaTable value = new LuaTable();
      value.rawset(FORMAT, text(verbatim.format()));
      value.rawset(STRING, text(verbatim.text()));
      return field(VERBATIM, value);
    }
    return LuaValue.NIL; // Nil, NullArray
  }

  private static LuaTable list(List<Result> elements, int protocol) {
    LuaTable table = new LuaTable(elements.size(), 0);
    for (int i = 0; i < elements.size(); i++) {
      table.rawset(i + 1, toLua(elements.get(i), protocol));
    }
    return table;
  }

  /**
   * Marks the error table {@code error} as counted in {@code INFO errorstats} already, as Redis marks the error
   * of a command a script ran ({@code ignore_error_stats_update}, a field scripts see too): a script that raises
   * or returns it does not count it again.
   */
  static LuaTable counted(LuaTable error) {
    error.rawset(IGNORE_STATS, LuaValue.TRUE);
    return error;
  }

  /** Whether the error table {@code error} is {@link #counted} (a true {@code ignore_error_stats_update}). */
  static boolean isCounted(LuaValue error) {
    LuaValue ignore = error.rawget(IGNORE_STATS);
    return ignore.type() == LuaValue.TBOOLEAN && ignore.toboolean();
  }

  private static LuaTable field(LuaString name, LuaValue value) {
    LuaTable table = new LuaTable();
    table.rawset(name, value);
    return table;
  }

  /**
   * The reply a script's return {@code value} gives, as Redis's {@code luaReplyToRedisReply}, for a script whose
   * client spoke {@code protocol} at the end: a string is a bulk string, a number an integer (truncated), a
   * boolean {@code 1} or nil (RESP3: a boolean), a table with a string {@code err} an error, with a string
   * {@code ok} a status, with {@code double}, {@code big_number}, {@code verbatim_string}, {@code map} or
   * {@code set} that shape, any other table an array of its elements up to the first nil; anything else nil.
   */
  static Result toResult(LuaValue value, int protocol, Budget budget) {
    switch (value.type()) {
      case LuaValue.TSTRING:
        budget.spend(value.rawlen() + ELEMENT_BYTES);
        return new Result.Bulk(bytes((LuaString) value));
      case LuaValue.TNUMBER:
        budget.spend(ELEMENT_BYTES);
        return new Result.Int(CDoubles.toLongLong(value.todouble()));
      case LuaValue.TBOOLEAN:
        budget.spend(ELEMENT_BYTES);
        if (protocol == 2) {
          return value.toboolean() ? new Result.Int(1) : Result.NULL;
        }
        return new Result.Bool(value.toboolean());
      case LuaValue.TTABLE:
        budget.enter();
        try {
          return table((LuaTable) value, protocol, budget);
        } finally {
          budget.leave();
        }
      default:
        budget.spend(ELEMENT_BYTES);
        return Result.NULL;
    }
  }

  /** What an element costs at least against the budget: its header on the wire, roughly. */
  private static final int ELEMENT_BYTES = 8;
  /** How deep a reply's tables may nest, as Lua's C stack bounds Redis's conversion. */
  static final int MAX_DEPTH = 1000;

  /**
   * The bytes a script's reply may still take ({@code --max-output-bytes}), and the depth of its tables: a reply past
   * either is refused ({@link TooLarge}) while it is converted, before it is built whole.
   */
  static final class Budget {
    private final long bytes;
    private long left;
    private int depth;

    Budget(long bytes) {
      this.bytes = bytes;
      this.left = bytes;
    }

    void spend(long cost) {
      left -= cost;
      if (left < 0) {
        throw new TooLarge("reply exceeds the output limit of " + bytes + " bytes");
      }
    }

    void enter() {
      if (++depth > MAX_DEPTH) {
        throw new TooLarge("reached lua stack limit");
      }
    }

    void leave() {
      depth--;
    }
  }

  /** A script's reply refused while it was converted, past the output cap or nested too deep: its error's text. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private static Result table(LuaTable table, int protocol, Budget budget) {
    LuaValue err = table.rawget(ERR);
    if (err.type() == LuaValue.TSTRING) {
      Result.Error error = error(string(err));
      return isCounted(table) ? error.asCounted() : error;
    }
    LuaValue ok = table.rawget(OK);
    if (ok.type() == LuaValue.TSTRING) {
      return new Result.Simple(string(ok).replace('\r', ' ').replace('\n', ' '));
    }
    LuaValue number = table.rawget(DOUBLE);
    if (number.type() == LuaValue.TNUMBER) {
      return new Result.Double(number.todouble());
    }
    LuaValue big = table.rawget(BIG_NUMBER);
    if (big.type() == LuaValue.TSTRING) {
      return new Result.BigNumber(string(big).replace('\r', ' ').replace('\n', ' '));
    }
    Result verbatim = verbatim(table.rawget(VERBATIM));
    if (verbatim != null) {
      return verbatim;
    }
    LuaValue map = table.rawget(MAP);
    if (map.istable()) {
      List<Result> pairs = new ArrayList<>();
      forEach((LuaTable) map, (key, val) -> {
        pairs.add(toResult(key, protocol, budget));
        pairs.add(toResult(val, protocol, budget));
      });
      return new Result.Map(pairs);
    }
    LuaValue set = table.rawget(SET);
    if (set.istable()) {
      List<Result> members = new ArrayList<>();
      forEach((LuaTable) set, (key, val) -> members.add(toResult(key, protocol, budget)));
      return new Result.Set(members);
    }
    List<Result> elements = new ArrayList<>();
    for (int i = 1; ; i++) {
      LuaValue element = table.rawget(i);
      if (element.isnil()) {
        return new Result.Array(elements);
      }
      elements.add(toResult(element, protocol, budget));
    }
  }

  private static Result.@Nullable Verbatim verbatim(LuaValue value) {
    if (!value.istable()) {
      return null;
    }
    LuaValue format = value.rawget(FORMAT);
    LuaValue text = value.rawget(STRING);
    if (format.type() != LuaValue.TSTRING || text.type() != LuaValue.TSTRING) {
      return null;
    }
    return new Result.Verbatim(string(format), string(text));
  }

  /** Calls {@code action} with each key and value of {@code table}, in {@code next}'s order. */
  private static void forEach(LuaTable table, BiConsumer<LuaValue, LuaValue> action) {
    LuaValue key = LuaValue.NIL;
    while (true) {
      Varargs next = table.next(key);
      key = next.arg1();
      if (key.isnil()) {
        return;
      }
      action.accept(key, next.arg(2));
    }
  }

  /**
   * The error of a script's {@code err} text, as Redis sends it ({@code -} and the text): its first word is its
   * kind ({@link ErrorKind#OTHER} when it is none of ours, its line then the text as it is).
   */
  static Result.Error error(String line) {
    int space = line.indexOf(' ');
    String word = space < 0 ? "" : line.substring(0, space);
    for (ErrorKind kind : ErrorKind.values()) {
      if (kind != ErrorKind.OTHER && kind.name().equals(word)) {
        return new Result.Error(kind, line.substring(space + 1));
      }
    }
    return new Result.Error(ErrorKind.OTHER, line);
  }

  /**
   * A {@code redis.call} argument's bytes: a string's own, a number's as C's {@code %.17g} prints it (Redis's
   * {@code luaArgsToRedisArgv}), or {@code null} for any other type.
   */
  static byte @Nullable [] argument(LuaValue value) {
    if (value.type() == LuaValue.TNUMBER) {
      return CDoubles.g17(value.todouble()).getBytes(StandardCharsets.ISO_8859_1);
    }
    if (value.type() == LuaValue.TSTRING) {
      return bytes((LuaString) value);
    }
    return null;
  }

  /** The bytes of {@code string}, copied. */
  static byte[] bytes(LuaString string) {
    ScriptRun.allocatingHere(string.length());
    byte[] copy = new byte[string.length()];
    string.copyInto(0, copy, 0, copy.length);
    return copy;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    ScriptRun.allocatingHere(view.remaining());
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return copy;
  }

  /** A Lua string's bytes as text, one char per byte. */
  static String string(LuaValue value) {
    return new String(bytes(value.checkstring()), StandardCharsets.ISO_8859_1);
  }

  private static LuaString text(String text) {
    return LuaValue.valueOf(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
