package io.blinkstore.server.command;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * LZF, as Redis's {@code lzf_c.c} and {@code lzf_d.c} (liblzf 3.6, as Redis builds it: {@code HLOG} 16,
 * {@code VERY_FAST}) compress and decompress the strings of a {@code DUMP} payload: runs of literals and
 * back-references into what was written. Compression finds the same matches Redis's does, so a string compresses to
 * the same bytes (Redis's hash table is not cleared between calls, {@code INIT_HTAB} 0, so a stale slot of an earlier
 * call may give it another match now and then; this one starts each call clean). Decompression's output length is
 * the one the payload declares, checked against a bound and against what the compressed bytes can give
 * ({@link #MOST_PER_BYTE}) before anything is allocated, and must be reached exactly; any other input is malformed.
 */
final class Lzf {
  /**
   * The most bytes one compressed byte decompresses to: a back-reference of 3 bytes gives 264 (7 + 255 + 2), a
   * literal run fewer than its bytes. A declared length past 88 times the compressed length is malformed.
   */
  static final long MOST_PER_BYTE = 264 / 3;

  private static final int HLOG = 16;
  private static final int MAX_LIT = 1 << 5;
  private static final int MAX_OFF = 1 << 13;
  private static final int MAX_REF = (1 << 8) + (1 << 3);

  /** Each thread's hash table, reused: a slot holds a position only if its stamp is the call's. */
  private static final ThreadLocal<Table> TABLES = ThreadLocal.withInitial(Table::new);

  private Lzf() {}

  /**
   * {@code in} compressed into at most {@code outLength} bytes, as Redis's {@code lzf_compress}, or {@code null} if
   * it does not fit (Redis's 0).
   */
  static byte @Nullable [] compress(byte[] in, int outLength) {
    int inLength = in.length;
    if (inLength < 3 || outLength <= 0) {
      return null; // Redis compresses only strings of more than 20 bytes
    }
    Table table = TABLES.get();
    table.next();
    byte[] out = new byte[outLength];
    int ip = 0;
    int op = 1; // start a run
    int lit = 0;
    int hval = first(in, ip);
    while (ip < inLength - 2) {
      hval = next(hval, in, ip);
      int slot = index(hval);
      int ref = table.get(slot);
      table.set(slot, ip);
      int off = ip - ref - 1;
      if (ref > 0 && ref < ip && off < MAX_OFF && in[ref + 2] == in[ip + 2] && in[ref] == in[ip]
          && in[ref + 1] == in[ip + 1]) {
        int len = 2;
        int maxlen = Math.min(inLength - ip - len, MAX_REF);
        if (op + 3 + 1 >= outLength && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outLength) {
          return null;
        }
        out[op - lit - 1] = (byte) (lit - 1); // stop the run
        op -= lit == 0 ? 1 : 0; // undo an empty one
        len = matchLength(in, ref, ip, len, maxlen);
        len -= 2; // now the octets matched less one
        ip++;
        if (len < 7) {
          out[op++] = (byte) ((off >> 8) + (len << 5));
        } else {
          out[op++] = (byte) ((off >> 8) + (7 << 5));
          out[op++] = (byte) (len - 7);
        }
        out[op++] = (byte) off;
        lit = 0;
        op++; // start a run
        ip += len + 1;
        if (ip >= inLength - 2) {
          break;
        }
        ip -= 2; // VERY_FAST: the match's last two positions enter the table
        hval = first(in, ip);
        hval = next(hval, in, ip);
        table.set(index(hval), ip);
        ip++;
        hval = next(hval, in, ip);
        table.set(index(hval), ip);
        ip++;
      } else {
        if (op >= outLength) {
          return null;
        }
        lit++;
        out[op++] = in[ip++];
        if (lit == MAX_LIT) {
          out[op - lit - 1] = (byte) (lit - 1);
          lit = 0;
          op++;
        }
      }
    }
    if (op + 3 > outLength) {
      return null;
    }
    while (ip < inLength) {
      lit++;
      out[op++] = in[ip++];
      if (lit == MAX_LIT) {
        out[op - lit - 1] = (byte) (lit - 1);
        lit = 0;
        op++;
      }
    }
    out[op - lit - 1] = (byte) (lit - 1); // end the run
    op -= lit == 0 ? 1 : 0;
    return Arrays.copyOf(out, op);
  }

  /**
   * Where the match at {@code ip} of {@code ref}, {@code len} octets long so far, ends: as {@code lzf_compress}'s
   * loop, sixteen octets unrolled first when more than sixteen may match (which may pass {@code maxlen} by two).
   */
  private static int matchLength(byte[] in, int ref, int ip, int len, int maxlen) {
    if (maxlen > 16) {
      for (int i = 0; i < 16; i++) {
        len++;
        if (in[ref + len] != in[ip + len]) {
          return len;
        }
      }
    }
    do {
      len++;
    } while (len < maxlen && in[ref + len] == in[ip + len]);
    return len;
  }

  private static int first(byte[] in, int p) {
    return (in[p] & 0xff) << 8 | in[p + 1] & 0xff;
  }

  private static int next(int hval, byte[] in, int p) {
    return hval << 8 | in[p + 2] & 0xff;
  }

  /** {@code IDX} of {@code VERY_FAST}: {@code ((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1)}, unsigned. */
  private static int index(int hval) {
    return ((hval >>> (3 * 8 - HLOG)) - hval * 5) & ((1 << HLOG) - 1);
  }

  /** A hash table of positions, cleared by a new stamp rather than by writing its 64 Ki slots. */
  private static final class Table {
    private final int[] positions = new int[1 << HLOG];
    private final int[] stamps = new int[1 << HLOG];
    private int stamp;

    void next() {
      if (++stamp == 0) {
        Arrays.fill(stamps, 0);
        stamp = 1;
      }
    }

    int get(int slot) {
      return stamps[slot] == stamp ? positions[slot] : 0;
    }

    void set(int slot, int position) {
      positions[slot] = position;
      stamps[slot] = stamp;
    }
  }

  /**
   * The {@code length} bytes {@code input[from, to)} decompresses to.
   *
   * @throws DumpFormat.Malformed if the input does not decompress to exactly {@code length} bytes
   */
  static byte[] decompress(byte[] input, int from, int to, int length) {
    byte[] out = new byte[length];
    int ip = from;
    int op = 0;
    while (ip < to) {
      int control = input[ip++] & 0xff;
      if (control < 32) {
        int run = control + 1;
        if (ip + run > to || op + run > length) {
          throw DumpFormat.MALFORMED;
        }
        System.arraycopy(input, ip, out, op, run);
        ip += run;
        op += run;
        continue;
      }
      int run = control >> 5;
      int reference = op - ((control & 0x1f) << 8) - 1;
      if (run == 7) {
        if (ip >= to) {
          throw DumpFormat.MALFORMED;
        }
        run += input[ip++] & 0xff;
      }
      if (ip >= to) {
        throw DumpFormat.MALFORMED;
      }
      reference -= input[ip++] & 0xff;
      run += 2;
      if (reference < 0 || op + run > length) {
        throw DumpFormat.MALFORMED;
      }
      for (int i = 0; i < run; i++) {
        out[op++] = out[reference++]; // byte by byte: a reference may overlap what it writes
      }
    }
    if (op != length) {
      throw DumpFormat.MALFORMED;
    }
    return out;
  }
}
