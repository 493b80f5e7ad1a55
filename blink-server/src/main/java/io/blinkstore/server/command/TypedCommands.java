package io.blinkstore.server.command;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Hashes;
import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Sets;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.TypedKeys;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Registers the commands of the typed values on what the store offers: hashes, sorted sets, sets, lists with their
 * blocking pops, and the commands that read a container of any of those types ({@code SORT}, {@code SORT_RO},
 * {@code DUMP}, {@code RESTORE}); the dispatcher's constructor, apart.
 */
final class TypedCommands {
  private TypedCommands() {}

  /**
   * Adds the typed values' commands to {@code table}; {@code typed} is the store (or its view) that holds them.
   * Returns the reader and writer of whole values of every type, or null without a gate or typed keys.
   */
  static @Nullable StoredValues register(CommandTable table, BlinkStore typed, LeaseInvalidatingStore writingThroughLeases,
      @Nullable Isolation isolation, @Nullable TypedKeys types, UnixTime unixTime, Leases leases,
      EntrySizeLimits sizeLimits, long maxReplyBytes, BlockedClients blocked, ServerConfig config) {
    Hashes hashes = typed instanceof Hashes.Source source ? source.hashes() : null;
    new RespHashCommands(hashes, leases, sizeLimits, maxReplyBytes).register(table);
    if (hashes != null) {
      HashBounds.makeLive(config, hashes);
    }
    SortedSets zsets = typed instanceof SortedSets.Source source ? source.sortedSets() : null;
    new ZsetAccess(writingThroughLeases, zsets, leases, sizeLimits, maxReplyBytes)
        .register(table, blocked, config);
    Sets sets = typed instanceof Sets.Source source ? source.sets() : null;
    if (sets != null) {
      new RespSetTypeCommands(sets, leases, sizeLimits, maxReplyBytes).register(table, config);
    }
    if (isolation != null && types != null) {
      Function<String, BlinkList> lists = isolation.view()::list;
      new RespListCommands(lists, leases, sizeLimits, maxReplyBytes).register(table);
      new RespBlockingCommands(lists, blocked, leases, sizeLimits, maxReplyBytes).register(table);
      types.onWrite(blocked::signal);
      SortInputs sortable = new SortInputs().add("list", true, SortInputs.lists(lists));
      if (zsets != null && sets != null) {
        sortable.add("zset", true, SortInputs.sortedSets(zsets)).add("set", false, SortInputs.sets(sets));
      }
      new SortCommand(sortable, types, new SortPattern(writingThroughLeases, hashes), writingThroughLeases, lists,
          leases, sizeLimits, maxReplyBytes).register(table);
      StoredValues values = new StoredValues(writingThroughLeases, hashes, lists, sets, zsets);
      DumpCommands dumps =
          new DumpCommands(writingThroughLeases, types, values, unixTime, leases, sizeLimits, maxReplyBytes);
      dumps.register(table);
      new MigrateCommand(dumps, writingThroughLeases, isolation, maxReplyBytes, blocked).register(table);
      return values;
    }
    return null;
  }
}
