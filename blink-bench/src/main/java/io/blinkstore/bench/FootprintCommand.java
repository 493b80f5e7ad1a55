package io.blinkstore.bench;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.SortedSets;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.management.ObjectName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Heap per entry of the in-process store, object by object: fills a store with {@code -n} entries
 * ({@code key:0000000}-style keys, {@code -d}-byte values), then reads the JVM's class histogram (which collects
 * first) before and after, and prints every class with at least one instance per ten entries or a byte per entry, as bytes per entry.
 * With {@code --hash} the entries are the fields of one hash ({@code HSET hash key:0000000 value}): heap per field;
 * with {@code --zset} the members of one sorted set ({@code ZADD zset i key:0000000}): heap per member.
 * with {@code --set} the members of one set ({@code SADD set key:0000000}, no values): heap per member.
 * Run it on each JDK and header mode to compare layouts; it needs no server.
 */
@Command(name = "footprint", description = "Heap bytes per entry of the in-process store, per class.")
final class FootprintCommand implements Callable<Integer> {
  @Mixin Help help;

  @Option(names = "-n", description = "Entries (default ${DEFAULT-VALUE}).", defaultValue = "1000000")
  int entries;

  @Option(names = "-d", description = "Value bytes (default ${DEFAULT-VALUE}).", defaultValue = "100")
  int valueBytes;

  @Option(names = "--key-digits", description = "Digits after 'key:' (default ${DEFAULT-VALUE}: 11-byte keys).",
      defaultValue = "7")
  int digits;

  @Option(names = "--ttl", description = "Give every entry a time to live of an hour (default: none).")
  boolean ttl;

  @Option(names = "--hash", description = "Write the entries as fields of one hash (HSET): heap per field.")
  boolean hash;
  @Option(names = "--list", description = "Push the -n values as elements of one list (key 'list'), per element.")
  boolean list;
  @Option(names = "--zset", description = "Add the -n keys as members of one sorted set (key 'zset', score i).")
  boolean zset;
  @Option(names = "--set", description = "Add the keys as members of one set (SADD, no values): heap per member.")
  boolean set;

  @Override
  public Integer call() throws Exception {
    String before = histogram();
    try (BlinkStore store = BlinkStore.builder().memoryLimit(Long.MAX_VALUE / 2).build()) {
      for (int i = 0; i < entries; i++) {
        byte[] value = new byte[valueBytes];
        value[0] = (byte) i;
        if (zset) {
          byte[] member = key(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          double score = i;
          sortedSets(store).update("zset", true, member.length + 8L, 1, set -> set.put(member, score), false,
              added -> true);
        } else if (hash) {
          store.hash("hash").set(key(i), value);
        } else if (set) {
          store.set("set").add(key(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (list) {
          store.list("list").push(BlinkList.End.RIGHT, value);
        } else if (ttl) {
          store.set(key(i), value, java.time.Duration.ofHours(1));
        } else {
          store.set(key(i), value);
        }
      }
      String after = histogram();
      long total = total(after) - total(before);
      System.out.printf("%s, %s, %d %s of %d key + %d value bytes%s (usage %d)%n",
          System.getProperty("java.vm.version"), headers(),
          zset ? (long) sortedSets(store).read("zset", SortedSets.Members::size, 0L)
              : hash ? store.hash("hash").size() : list ? store.list("list").size()
              : set ? store.set("set").size() : store.size(),
          zset ? "members of one sorted set," : hash ? "fields of one hash," : list ? "elements of one list"
              : set ? "members of one set," : "entries", list ? 4 : 4 + digits, zset ? 8 : set ? 0 : valueBytes,
          ttl ? ", each with a time to live" : "", store.usage());
      System.out.printf("%-60s %12s %14s%n", "class", "instances", "bytes/entry");
      for (String[] row : rows(after)) {
        long instances = Long.parseLong(row[0]) - instances(before, row[2]);
        long bytes = Long.parseLong(row[1]) - bytes(before, row[2]);
        if (instances >= entries / 10 || bytes >= entries) {
          System.out.printf("%-60s %12d %14.1f%n", row[2], instances, (double) bytes / entries);
        }
      }
      System.out.printf("%-60s %12s %14.1f%n", "total (live heap growth)", "", (double) total / entries);
    }
    return 0;
  }

  private static SortedSets sortedSets(BlinkStore store) {
    return ((SortedSets.Source) store).sortedSets();
  }

  /** {@code key:} and {@link #digits} decimal digits, zero-padded (String.format leaves garbage behind). */
  private String key(int i) {
    char[] text = new char[4 + digits];
    "key:".getChars(0, 4, text, 0);
    for (int at = text.length - 1, rest = i; at >= 4; at--, rest /= 10) {
      text[at] = (char) ('0' + rest % 10);
    }
    return new String(text);
  }

  private static String headers() {
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return flags.contains("-XX:+UseCompactObjectHeaders") ? "compact object headers" : "default object headers";
  }

  private static String histogram() throws Exception {
    return (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
  }

  /** Rows of a histogram: instances, bytes, class name. */
  private static List<String[]> rows(String histogram) {
    List<String[]> rows = new ArrayList<>();
    for (String line : histogram.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].endsWith(":")) {
        rows.add(new String[] {fields[1], fields[2], fields[3]});
      }
    }
    return rows;
  }

  private static long instances(String histogram, String type) {
    return rows(histogram).stream().filter(r -> r[2].equals(type)).mapToLong(r -> Long.parseLong(r[0])).sum();
  }

  private static long bytes(String histogram, String type) {
    return rows(histogram).stream().filter(r -> r[2].equals(type)).mapToLong(r -> Long.parseLong(r[1])).sum();
  }

  private static long total(String histogram) {
    for (String line : histogram.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 3 && fields[0].equals("Total")) {
        return Long.parseLong(fields[2]);
      }
    }
    throw new IllegalStateException("no total in the class histogram");
  }
}
