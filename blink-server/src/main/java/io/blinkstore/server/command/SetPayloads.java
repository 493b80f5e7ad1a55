package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The set and sorted-set encodings of a {@code DUMP} payload or an RDB file, read as Redis 7.0's
 * {@code rdbLoadObject} reads them: a set as strings ({@code SET}) or an intset; a sorted set as members with text
 * scores ({@code ZSET}), with binary scores ({@code ZSET_2}), or packed in a ziplist or a listpack (member, score,
 * member, score...). A set or sorted set that is empty, has a member twice or a NaN score is
 * {@link DumpFormat.Malformed}, as Redis refuses it; every member is charged to the reader's bound.
 */
final class SetPayloads {
  private SetPayloads() {}

  static DumpFormat.Value read(int type, RdbReader reader) {
    return switch (type) {
      case RdbObjects.SET -> members(reader.strings(reader.length()));
      case DumpFormat.SET_INTSET -> members(intset(reader.string(), reader));
      case RdbObjects.ZSET_2, DumpFormat.ZSET -> scoredPairs(reader, type == RdbObjects.ZSET_2);
      case DumpFormat.ZSET_ZIPLIST -> packed(PackedLists.ziplist(reader.string(), reader));
      case DumpFormat.ZSET_LISTPACK -> packed(PackedLists.listpack(reader.string(), reader));
      default -> throw DumpFormat.MALFORMED;
    };
  }

  private static DumpFormat.Members members(List<byte[]> members) {
    unique(DumpFormat.nonEmpty(members));
    return new DumpFormat.Members(members);
  }

  /** An intset: its integer size (2, 4 or 8 bytes), its count, then the integers, little-endian, ascending. */
  private static List<byte[]> intset(byte[] is, RdbReader reader) {
    if (is.length < 8) {
      throw DumpFormat.MALFORMED;
    }
    long size = DumpFormat.littleEndian(is, 0, 4);
    long count = DumpFormat.littleEndian(is, 4, 4);
    if (size != 2 && size != 4 && size != 8 || count * size != is.length - 8) {
      throw DumpFormat.MALFORMED;
    }
    List<byte[]> members = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      long raw = DumpFormat.littleEndian(is, 8 + i * (int) size, (int) size);
      long value = raw << (64 - 8 * size) >> (64 - 8 * size);
      reader.charge(20);
      members.add(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }
    return members;
  }

  private static DumpFormat.Scored scoredPairs(RdbReader reader, boolean binary) {
    long count = reader.length();
    List<byte[]> members = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      members.add(reader.string());
      scores.add(binary ? reader.binaryDouble() : reader.textDouble());
    }
    return scored(members, scores);
  }

  /** A ziplist's or listpack's entries: member, score, member, score... */
  private static DumpFormat.Scored packed(List<byte[]> entries) {
    if (entries.size() % 2 != 0) {
      throw DumpFormat.MALFORMED;
    }
    List<byte[]> members = new ArrayList<>(entries.size() / 2);
    List<Double> scores = new ArrayList<>(entries.size() / 2);
    for (int i = 0; i < entries.size(); i += 2) {
      members.add(entries.get(i));
      Double score = Scores.score(entries.get(i + 1));
      scores.add(score == null ? Double.NaN : score);
    }
    return scored(members, scores);
  }

  private static DumpFormat.Scored scored(List<byte[]> members, List<Double> scores) {
    unique(DumpFormat.nonEmpty(members));
    double[] values = new double[scores.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = scores.get(i);
      if (Double.isNaN(values[i])) {
        throw DumpFormat.MALFORMED;
      }
    }
    return new DumpFormat.Scored(members, values);
  }

  private static void unique(List<byte[]> members) {
    Set<String> seen = new HashSet<>();
    for (byte[] member : members) {
      if (!seen.add(new String(member, StandardCharsets.ISO_8859_1))) {
        throw DumpFormat.MALFORMED;
      }
    }
  }
}
