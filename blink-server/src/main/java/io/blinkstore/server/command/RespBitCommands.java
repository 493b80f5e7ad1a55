package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.KeyUpdates.Decision;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The bit commands of a string, as Redis 7.0's {@code bitops.c} answers them: {@code SETBIT}, {@code GETBIT},
 * {@code BITCOUNT} and {@code BITPOS} (ranges in bytes or, with {@code BIT}, in bits). Bit 0 is the most
 * significant bit of the first byte. {@code SETBIT} is atomic per key ({@link KeyUpdates}); a value it grows is
 * held to the size and memory limits before it is built.
 */
final class RespBitCommands {
  private static final Result.Error BAD_OFFSET = Result.error("bit offset is not an integer or out of range");
  private static final Result.Error BAD_BIT = Result.error("bit is not an integer or out of range");
  /** SETBIT's replies when the bit is as asked already (nothing written, no event): 0 and 1. */
  private static final Result[] UNCHANGED = {new Result.Int(0), new Result.Int(1)};
  private static final Result.Error BIT_NOT_0_OR_1 = Result.error("The bit argument must be 1 or 0.");

  private final BlinkStore store;
  private final KeyUpdates updates;

  RespBitCommands(BlinkStore store, KeyUpdates updates) {
    this.store = store;
    this.updates = updates;
  }

  void register(CommandTable commands) {
    commands.add("setbit", 4, Keys.ONE, this::setbit, WRITE, DENYOOM);
    commands.add("getbit", 3, Keys.ONE, this::getbit, READONLY, FAST);
    commands.add("bitcount", -2, Keys.ONE, this::bitcount, READONLY);
    commands.add("bitpos", -3, Keys.ONE, this::bitpos, READONLY);
  }

  /** A bit offset as Redis reads one: an integer from 0 to below 2^32 (512 MB of bits), else {@code null}. */
  private static @Nullable Long bitOffset(byte[] arg) {
    Long offset = Arguments.integer(arg);
    return offset == null || offset < 0 || (offset >> 3) >= RespStringCommands.MAX_STRING_BYTES ? null : offset;
  }

  private static int bitAt(byte[] value, long bit) {
    return (value[(int) (bit >> 3)] >> (7 - (int) (bit & 7))) & 1;
  }

  /** {@code SETBIT key offset 0|1}: the bit's old value; the value grows with zero bytes to hold it. */
  private Result setbit(ClientState client, byte[][] args) {
    Long offset = bitOffset(args[2]);
    if (offset == null) {
      return BAD_OFFSET;
    }
    Long on = Arguments.integer(args[3]);
    if (on == null || (on & ~1) != 0) {
      return BAD_BIT;
    }
    String key = client.key(args[1]);
    int index = (int) (offset >> 3);
    int mask = 1 << (7 - (int) (offset & 7));
    Result reply = updates.update(key, entry -> {
      byte[] old = entry == null ? new byte[0] : entry.value();
      int was = index < old.length && (old[index] & mask) != 0 ? 1 : 0;
      if (entry != null && index < old.length && was == on) {
        return Decision.reply(UNCHANGED[was]); // nothing changes: no write, as in Redis
      }
      updates.checkRoom(key, Math.max(old.length, index + 1L));
      byte[] next = Arrays.copyOf(old, Math.max(old.length, index + 1));
      next[index] = (byte) (on == 1 ? next[index] | mask : next[index] & ~mask);
      return Decision.write(new Result.Int(was), next, entry == null ? 0 : ValueSwaps.KEEP_TTL);
    });
    return reply == UNCHANGED[0] || reply == UNCHANGED[1] ? reply
        : client.notified(KeyspaceEvents.STRING, "setbit", args[1], reply);
  }

  /** {@code GETBIT key offset}: the bit, 0 past the end or for an absent key. */
  private Result getbit(ClientState client, byte[][] args) {
    Long offset = bitOffset(args[2]);
    if (offset == null) {
      return BAD_OFFSET;
    }
    byte[] value = store.get(client.key(args[1]));
    return new Result.Int(value == null || (offset >> 3) >= value.length ? 0 : bitAt(value, offset));
  }

  /** A range of bits, both ends included, of a value; {@code null} for none. */
  private record BitRange(long first, long last) {}

  /**
   * The range {@code start}..{@code end} of a value of {@code length} bytes, counted in bits if {@code bits}
   * else in bytes, as Redis converts them (negative from the end, clamped), in bits; {@code null} if empty.
   */
  private static @Nullable BitRange range(long length, long start, long end, boolean bits) {
    long total = bits ? length << 3 : length;
    long from = Math.max(0, start < 0 ? total + start : start);
    long to = Math.min(total - 1, Math.max(0, end < 0 ? total + end : end));
    if (from > to) {
      return null;
    }
    return bits ? new BitRange(from, to) : new BitRange(from << 3, (to << 3) + 7);
  }

  /** {@code BIT} or {@code BYTE}: whether bits; {@code null} for anything else. */
  private static @Nullable Boolean unit(byte[] arg) {
    String unit = Arguments.lowerCase(arg);
    return unit.equals("bit") ? Boolean.TRUE : unit.equals("byte") ? Boolean.FALSE : null;
  }

  /** {@code BITCOUNT key [start end [BYTE|BIT]]}: the set bits of the value, or of the range. */
  private Result bitcount(ClientState client, byte[][] args) {
    byte[] value = store.get(client.key(args[1]));
    if (value == null) {
      return new Result.Int(0); // before any argument is read, as in Redis
    }
    if (args.length == 2) {
      return new Result.Int(count(value, 0, value.length * 8L - 1));
    }
    if (args.length != 4 && args.length != 5) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    Long start = Arguments.integer(args[2]);
    Long end = Arguments.integer(args[3]);
    if (start == null || end == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (start < 0 && end < 0 && start > end) {
      return new Result.Int(0);
    }
    Boolean bits = args.length == 5 ? unit(args[4]) : Boolean.FALSE;
    if (bits == null) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    BitRange range = range(value.length, start, end, bits);
    return new Result.Int(range == null ? 0 : count(value, range.first(), range.last()));
  }

  /** The set bits of {@code value} from bit {@code first} to {@code last}. */
  private static long count(byte[] value, long first, long last) {
    long count = 0;
    long bit = first;
    for (; bit <= last && (bit & 7) != 0; bit++) {
      count += bitAt(value, bit);
    }
    for (; bit + 7 <= last; bit += 8) {
      count += Integer.bitCount(value[(int) (bit >> 3)] & 0xff);
    }
    for (; bit <= last; bit++) {
      count += bitAt(value, bit);
    }
    return count;
  }

  /**
   * {@code BITPOS key bit [start [end [BYTE|BIT]]]}: the first bit equal to {@code bit} in the value or the range,
   * or -1. Looking for 0 without an end, the value counts as followed by zeros (the bit after it), as in Redis.
   */
  private Result bitpos(ClientState client, byte[][] args) {
    Long bit = Arguments.integer(args[2]);
    if (bit == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (bit != 0 && bit != 1) {
      return BIT_NOT_0_OR_1;
    }
    byte[] value = store.get(client.key(args[1]));
    if (value == null) {
      return new Result.Int(bit == 1 ? -1 : 0);
    }
    if (args.length == 3) {
      BitRange all = range(value.length, 0, -1, false);
      return new Result.Int(all == null ? -1 : position(value, all, bit.intValue(), false));
    }
    if (args.length > 6) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    Long start = Arguments.integer(args[3]);
    if (start == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    Boolean bits = args.length == 6 ? unit(args[5]) : Boolean.FALSE;
    if (bits == null) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    Long end = args.length >= 5 ? Arguments.integer(args[4]) : Long.valueOf(-1);
    if (end == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    BitRange range = range(value.length, start, end, bits);
    return new Result.Int(range == null ? -1 : position(value, range, bit.intValue(), args.length >= 5));
  }

  /** The first bit equal to {@code bit} in {@code range}; if none: -1, or for 0 without an end the bit after. */
  private static long position(byte[] value, BitRange range, int bit, boolean endGiven) {
    int skip = bit == 1 ? 0 : 0xff; // a byte with no bit sought
    long b = range.first();
    while (b <= range.last()) {
      if ((b & 7) == 0 && b + 7 <= range.last() && (value[(int) (b >> 3)] & 0xff) == skip) {
        b += 8;
      } else if (bitAt(value, b) == bit) {
        return b;
      } else {
        b++;
      }
    }
    return bit == 1 || endGiven ? -1 : range.last() + 1;
  }
}
