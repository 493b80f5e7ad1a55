package io.blinkstore.server.command;

import java.nio.ByteBuffer;

/**
 * Reads an RDB file a primary sends at a full sync (Redis 7.0's {@code rdbLoadRio}, versions 1 to 10), entry by
 * entry: the magic {@code REDIS} and version, the CRC-64 at the end (0: saved without one, as Redis accepts), each
 * opcode ({@code AUX}, {@code SELECTDB}, {@code RESIZEDB}, {@code EXPIRETIME}, {@code EXPIRETIME_MS}, {@code FREQ},
 * {@code IDLE} skipped, {@code MODULE_AUX} and the old module type refused), each {@code FUNCTION2} library's code,
 * and each value in every encoding {@link DumpFormat} reads. Each key is given to a {@link Sink} as a
 * {@code RESTORE} payload (its value's bytes as they came, with {@code DUMP}'s footer), so that loading it is
 * {@code RESTORE}'s work, bounds and all, and nothing of the file is held but the entry at hand: a file is read once
 * with {@link #CHECK} to be checked through, then again to be loaded. A stream or a module value of the
 * self-describing kind is skipped over and counted as dropped.
 *
 * <p><b>Bound.</b> Every string read counts against {@code maxBytes} (the store's memory limit): a file whose
 * values would pass it is refused ({@link DumpFormat.TooLarge}) while it is read; nothing is allocated that the
 * file only claims ({@link RdbReader}). What was counted is the file's {@link Counts#bytes}: the heap the load will
 * need, roughly.
 */
final class RdbImport {
  private static final String MAGIC = "REDIS";
  private static final int FUNCTION_PRE_GA = 0xf6;
  private static final int FUNCTION2 = 0xf5;
  private static final int MODULE_AUX = 0xf7;
  private static final int IDLE = 0xf8;
  private static final int FREQ = 0xf9;
  private static final int AUX = 0xfa;
  private static final int RESIZEDB = 0xfb;
  private static final int EXPIRETIME_MS = 0xfc;
  private static final int EXPIRETIME = 0xfd;
  private static final int SELECTDB = 0xfe;
  private static final int EOF = 0xff;
  private static final int MODULE_2 = 7;
  private static final int STREAM_LISTPACKS = 15;
  private static final int STREAM_LISTPACKS_2 = 19;

  /** What a file holds, given in the file's order as it is read. */
  interface Sink {
    /** A function library's code, as {@code FUNCTION LOAD} takes it (a {@code FUNCTION2} record). */
    void library(byte[] code);

    /** A key of database {@code db}, its value as a {@code RESTORE} payload, its expiry in Unix ms (0: none). */
    void entry(int db, byte[] key, byte[] payload, long unixMillis);
  }

  /** Keeps nothing: the file is only checked. */
  static final Sink CHECK = new Sink() {
    @Override
    public void library(byte[] code) {}

    @Override
    public void entry(int db, byte[] key, byte[] payload, long unixMillis) {}
  };

  /**
   * What a file held: its keys, those dropped (streams, module values), its function libraries, and the bytes of
   * its strings counted against the bound.
   */
  record Counts(long keys, long dropped, long libraries, long bytes) {}

  private RdbImport() {}

  /**
   * Reads {@code file[0, limit)}, giving {@code sink} its libraries and keys in order.
   *
   * @throws DumpFormat.Malformed if it is not an RDB file Redis 7.0 would load, or its checksum is wrong (then the
   *     sink may have had part of it: check a file through with {@link #CHECK} first)
   * @throws DumpFormat.TooLarge if its strings would pass {@code maxBytes}
   */
  static Counts read(ByteBuffer file, long maxBytes, Sink sink) {
    int length = file.limit();
    for (int i = 0; i < MAGIC.length(); i++) {
      if (length < 9 || file.get(i) != MAGIC.charAt(i)) {
        throw new DumpFormat.Malformed("not an RDB file");
      }
    }
    int version = version(file);
    int end = length;
    if (version >= 5) {
      end -= 8;
      if (end < 9) {
        throw new DumpFormat.Malformed("no checksum");
      }
      long stored = littleEndian(new RdbReader(file, end, length, 0), 8);
      if (stored != 0 && stored != Crc64.of(file, 0, end)) {
        throw new DumpFormat.Malformed("wrong RDB checksum");
      }
    }
    RdbReader reader = new RdbReader(file, 9, end, maxBytes);
    long keys = 0;
    long dropped = 0;
    long libraries = 0;
    int db = 0;
    long expiry = 0;
    while (true) {
      int type = reader.u8();
      switch (type) {
        case EOF -> {
          if (reader.position() != end) {
            throw new DumpFormat.Malformed("bytes after the end of the RDB file");
          }
          return new Counts(keys, dropped, libraries, maxBytes - reader.budgetLeft());
        }
        case AUX -> {
          reader.string();
          reader.string();
        }
        case SELECTDB -> db = (int) Math.min(reader.length(), Integer.MAX_VALUE);
        case RESIZEDB -> {
          reader.length();
          reader.length();
        }
        case EXPIRETIME_MS -> expiry = littleEndian(reader, 8);
        case EXPIRETIME -> expiry = littleEndian(reader, 4) * 1000;
        case FREQ -> reader.u8();
        case IDLE -> reader.length();
        case FUNCTION2 -> {
          sink.library(reader.string());
          libraries++;
        }
        case FUNCTION_PRE_GA -> {
          sink.library(FunctionCommands.preGaCode(reader));
          libraries++;
        }
        case MODULE_AUX -> throw new DumpFormat.Malformed("module data (MODULE_AUX) cannot be loaded here");
        default -> {
          byte[] key = reader.string();
          int from = reader.position();
          if (type == STREAM_LISTPACKS || type == STREAM_LISTPACKS_2) {
            skipStream(reader, type == STREAM_LISTPACKS_2);
            dropped++;
          } else if (type == MODULE_2) {
            skipModule(reader);
            dropped++;
          } else {
            DumpFormat.object(type, reader);
            sink.entry(db, key, payload(type, reader, from, reader.position()), expiry);
            keys++;
          }
          expiry = 0;
        }
      }
    }
  }

  private static int version(ByteBuffer file) {
    int version = 0;
    for (int i = 5; i < 9; i++) {
      int digit = file.get(i) - '0';
      if (digit < 0 || digit > 9) {
        throw new DumpFormat.Malformed("not an RDB version");
      }
      version = version * 10 + digit;
    }
    if (version < 1 || version > DumpFormat.RDB_VERSION) {
      throw new DumpFormat.Malformed("RDB version " + version + " is not one Redis 7.0 loads");
    }
    return version;
  }

  /** {@code DUMP}'s payload of the value read from {@code from} to {@code to}, of RDB type {@code type}. */
  private static byte[] payload(int type, RdbReader reader, int from, int to) {
    byte[] payload = new byte[1 + (to - from) + 10];
    payload[0] = (byte) type;
    reader.copy(from, payload, 1, to - from);
    int footer = payload.length - 10;
    payload[footer] = (byte) DumpFormat.RDB_VERSION;
    long crc = Crc64.of(payload, 0, footer + 2);
    for (int i = 0; i < 8; i++) {
      payload[footer + 2 + i] = (byte) (crc >>> 8 * i);
    }
    return payload;
  }

  private static long littleEndian(RdbReader reader, int size) {
    long value = 0;
    for (int i = 0; i < size; i++) {
      value |= (long) reader.u8() << 8 * i;
    }
    return value;
  }

  /** Skips a stream's value ({@code rdbLoadObject}'s reading of one), its consumer groups and pending entries. */
  private static void skipStream(RdbReader reader, boolean second) {
    for (long listpacks = reader.length(); listpacks > 0; listpacks--) {
      reader.string();
      reader.string();
    }
    for (int i = second ? 8 : 3; i > 0; i--) {
      reader.length(); // length, last id; and first id, max deleted id, entries added
    }
    for (long groups = reader.length(); groups > 0; groups--) {
      reader.string();
      reader.length();
      reader.length();
      if (second) {
        reader.length();
      }
      for (long pending = reader.length(); pending > 0; pending--) {
        reader.skip(16 + 8); // the id, the delivery time
        reader.length();
      }
      for (long consumers = reader.length(); consumers > 0; consumers--) {
        reader.string();
        reader.skip(8);
        for (long pending = reader.length(); pending > 0; pending--) {
          reader.skip(16);
        }
      }
    }
  }

  /** Skips a module value of the self-describing kind ({@code MODULE_2}): its id, then typed fields up to 0. */
  private static void skipModule(RdbReader reader) {
    reader.length();
    for (long opcode = reader.length(); opcode != 0; opcode = reader.length()) {
      switch ((int) Math.min(opcode, 6)) {
        case 1, 2 -> reader.length();
        case 3 -> reader.skip(4);
        case 4 -> reader.skip(8);
        case 5 -> reader.string();
        default -> throw new DumpFormat.Malformed("a module value's field of unknown kind " + opcode);
      }
    }
  }
}
