package io.blinkstore.server.command;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Hashes;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.Sets;
import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A key's whole value of any type as a {@link DumpFormat.Value}, read ({@code DUMP}, a replica's full sync) and
 * written ({@code RESTORE}) through the store's typed operations. A read is bounded: a value whose elements, each
 * counted with {@link ListReplies#ELEMENT_OVERHEAD}, would pass the bytes given throws {@link ListReplies.TooLarge}
 * before it is copied whole.
 */
final class StoredValues {
  private final BlinkStore store;
  private final @Nullable Hashes hashes;
  private final Function<String, BlinkList> lists;
  private final @Nullable Sets sets;
  private final @Nullable SortedSets zsets;

  StoredValues(BlinkStore store, @Nullable Hashes hashes, Function<String, BlinkList> lists, @Nullable Sets sets,
      @Nullable SortedSets zsets) {
    this.store = store;
    this.hashes = hashes;
    this.lists = lists;
    this.sets = sets;
    this.zsets = zsets;
  }

  /**
   * The value of {@code key}, of {@code type} ({@code TYPE}'s name), or null if it has none now.
   *
   * @throws ListReplies.TooLarge if it would pass {@code maxBytes}
   */
  DumpFormat.@Nullable Value read(String key, String type, long maxBytes) {
    switch (type) {
      case "string" -> {
        byte[] value = store.get(key);
        return value == null ? null : new DumpFormat.Text(value);
      }
      case "hash" -> {
        List<byte[]> entries = hashes == null ? null : hashes.entries(key, true, true, maxBytes);
        if (entries == null) {
          throw new ListReplies.TooLarge(maxBytes + 1, maxBytes);
        }
        return entries.isEmpty() ? null : new DumpFormat.Hash(entries);
      }
      case "list" -> {
        BlinkList list = lists.apply(key);
        List<byte[]> elements = list instanceof ListReplies bounded ? bounded.range(0, -1, maxBytes)
            : list.range(0, -1);
        return elements.isEmpty() ? null : new DumpFormat.Items(elements);
      }
      case "set" -> {
        List<byte[]> members = sets == null ? null : sets.members(key, maxBytes);
        if (members == null) {
          throw new ListReplies.TooLarge(maxBytes + 1, maxBytes);
        }
        return members.isEmpty() ? null : new DumpFormat.Members(members);
      }
      case "zset" -> {
        return zsets == null ? null
            : zsets.read(key, set -> Optional.ofNullable(scored(set, maxBytes)), Optional.<DumpFormat.Scored>empty())
                .orElse(null);
      }
      default -> throw new IllegalStateException("no value of type " + type);
    }
  }

  private static DumpFormat.@Nullable Scored scored(SortedSets.Members set, long maxBytes) {
    List<byte[]> members = new ArrayList<>();
    double[] scores = new double[(int) Math.min(set.size(), maxBytes / ListReplies.ELEMENT_OVERHEAD + 1)];
    long[] bytes = {0};
    set.walk(0, false, (member, score) -> {
      bytes[0] += member.length + ListReplies.ELEMENT_OVERHEAD + Double.BYTES;
      if (bytes[0] > maxBytes) {
        throw new ListReplies.TooLarge(bytes[0], maxBytes);
      }
      scores[members.size()] = score;
      members.add(member.clone());
      return true;
    });
    return members.isEmpty() ? null : new DumpFormat.Scored(members, scores);
  }

  /**
   * Stores {@code value} under {@code key}, which holds nothing now (a string with {@code setString}, which sets
   * its deadline too). Whether the store holds such values.
   */
  boolean write(String key, DumpFormat.Value value) {
    if (value instanceof DumpFormat.Hash hash) {
      if (hashes == null) {
        return false;
      }
      hashes.set(key, hash.fieldsAndValues().toArray(byte[][]::new), 0);
    } else if (value instanceof DumpFormat.Items items) {
      lists.apply(key).push(BlinkList.End.RIGHT, items.elements().toArray(byte[][]::new));
    } else if (value instanceof DumpFormat.Members members) {
      if (sets == null) {
        return false;
      }
      sets.add(key, members.members().toArray(byte[][]::new), 0);
    } else if (value instanceof DumpFormat.Scored scored) {
      if (zsets == null) {
        return false;
      }
      long bytes = scored.members().stream().mapToLong(member -> member.length).sum();
      zsets.update(key, true, bytes, scored.members().size(), set -> {
        for (int i = 0; i < scored.scores().length; i++) {
          set.put(scored.members().get(i), scored.scores()[i]);
        }
        return Boolean.TRUE;
      }, Boolean.FALSE, added -> added);
    } else {
      throw new IllegalArgumentException("a string is stored with its deadline");
    }
    return true;
  }
}
