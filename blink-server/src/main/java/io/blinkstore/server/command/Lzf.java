package io.blinkstore.server.command;

/**
 * LZF decompression, as Redis's {@code lzf_d.c} reads the strings it compressed in a {@code DUMP} payload: runs of
 * literals and back-references into what was written. The output's length is the one the payload declares, checked
 * against a bound and against what the compressed bytes can give ({@link #MOST_PER_BYTE}) before anything is
 * allocated, and must be reached exactly; any other input is malformed.
 */
final class Lzf {
  /**
   * The most bytes one compressed byte decompresses to: a back-reference of 3 bytes gives 264 (7 + 255 + 2), a
   * literal run fewer than its bytes. A declared length past 88 times the compressed length is malformed.
   */
  static final long MOST_PER_BYTE = 264 / 3;

  private Lzf() {}

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
