package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Hashes;
import io.blinkstore.internal.TypedKeys;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A container without an order of its own (a set, once sets plug into {@link SortInputs}) sorted {@code BY} a
 * constant is left in its own order for a client, and put in {@code ALPHA} order when stored or when a script
 * sorts it, as Redis does so that replicas write the same list (Redis's unit/scripting {@code SORT BY <constant>
 * output gets ordered for scripting}). Checked here with lists registered as unordered, the type that exists now.
 */
class SortUnorderedInputTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final CommandTable table = new CommandTable();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(ClientState client, String... args) {
    CommandSpec sort = Objects.requireNonNull(table.find(RespTester.toBytes(args)[0]));
    return RespTester.copied(sort.operation().run(client, RespTester.toBytes(args)));
  }

  @Test
  void aConstantByKeepsTheOrderForAClientAndSortsAlphaForAStoreOrAScript() {
    Function<String, BlinkList> lists = store::list;
    store.list("s").push(BlinkList.End.RIGHT, RespTester.toBytes("b", "10", "a", "c"));
    SortInputs unordered = new SortInputs().add("list", false, SortInputs.lists(lists));
    new SortCommand(unordered, ((TypedKeys.Source) store).typedKeys(),
        new SortPattern(store, ((Hashes.Source) store).hashes()), store, lists, new Leases(), EntrySizeLimits.NONE,
        1 << 20).register(table);
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    Result asStored = new Result.Array(List.of(bulk("b"), bulk("10"), bulk("a"), bulk("c")));
    assertEquals(asStored, run(client, "SORT", "s", "BY", "nosort"));
    Result alpha = new Result.Array(List.of(bulk("10"), bulk("a"), bulk("b"), bulk("c")));
    assertEquals(alpha, run(client.forScript(ClientConnection.NONE), "SORT", "s", "BY", "nosort"));
    assertEquals(new Result.Int(4), run(client, "SORT", "s", "BY", "nosort", "STORE", "out"));
    assertEquals(alpha, RespTester.copied(new Result.Array(store.list("out").range(0, -1).stream()
        .map(element -> (Result) new Result.Bulk(element)).toList())));
  }
}
