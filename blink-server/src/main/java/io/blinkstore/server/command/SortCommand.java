package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's {@code SORT} and {@code SORT_RO} ({@code sort.c}): the elements of a container ({@link SortInputs}:
 * lists today) sorted as numbers or, with {@code ALPHA}, as byte strings, by themselves or by the values a
 * {@code BY} pattern names ({@link SortPattern}), {@code ASC} or {@code DESC}, a {@code LIMIT offset count} of them,
 * each given as itself or as the values its {@code GET} patterns name, answered or, with {@code STORE}, stored as a
 * list under another key (its length answered; an empty result deletes that key). Ties between equal numbers are
 * broken by the elements' bytes, as Redis breaks them, so the order is always the same.
 *
 * <p><b>Isolation.</b> A line that names other keys ({@code BY}, {@code GET}, {@code STORE}) runs with the store's
 * gate held exclusive ({@link RespTransactionCommands#exclusive}): every key it reads is read at one instant, and
 * nobody sees the stored list half written. A plain {@code SORT key} reads its one key in one atomic read.
 *
 * <p><b>Bounds.</b> Every byte a sort holds at once is held to the connection's output cap
 * ({@code --max-output-bytes}), counting {@link ListReplies#ELEMENT_OVERHEAD} per element beside its bytes: the
 * elements it reads, the {@code ALPHA} values a {@code BY} pattern reads, and its reply or the list it stores.
 * Past the cap it answers the reply-too-large error and has changed nothing, so that a million-element list with
 * {@code GET} patterns, from however many connections, never runs the heap out. Redis has no such bound.
 */
final class SortCommand {
  private static final Result.Error NOT_A_DOUBLE = Result.error("One or more scores can't be converted into double");
  /** Bounds LIMIT's offset and count so that the range arithmetic below never overflows. */
  private static final long LIMIT_CAP = Long.MAX_VALUE / 4;

  private final SortInputs inputs;
  private final TypedKeys types;
  private final SortPattern patterns;
  private final BlinkStore store;
  private final Function<String, BlinkList> lists;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxBytes;

  /**
   * Sorts the containers {@code inputs} reads, whose types {@code types} tells, looking patterns up with
   * {@code patterns}; {@code STORE} deletes its key in {@code store} and pushes onto the list {@code lists} gives,
   * ending its fill lease ({@code leases}) and holding it to {@code sizeLimits}; {@code maxBytes} is the output cap.
   */
  SortCommand(SortInputs inputs, TypedKeys types, SortPattern patterns, BlinkStore store,
      Function<String, BlinkList> lists, Leases leases, EntrySizeLimits sizeLimits, long maxBytes) {
    this.inputs = inputs;
    this.types = types;
    this.patterns = patterns;
    this.store = store;
    this.lists = lists;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxBytes = maxBytes;
  }

  void register(CommandTable commands) {
    commands.add("sort", -2, Keys.ONE, (c, a) -> sort(c, a, false), WRITE, DENYOOM, MOVABLEKEYS);
    commands.add("sort_ro", -2, Keys.ONE, (c, a) -> sort(c, a, true), READONLY, MOVABLEKEYS);
  }

  /** One element being sorted: its number, or with {@code ALPHA BY} the value it sorts by ({@code null}: none). */
  private static final class Item {
    final byte[] element;
    double score;
    byte @Nullable [] by;

    Item(byte[] element) {
      this.element = element;
    }
  }

  private Result sort(ClientState client, byte[][] args, boolean readOnly) {
    Object parsed = SortOptions.parse(args, readOnly);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    SortOptions options = (SortOptions) parsed;
    String key = client.key(args[1]);
    String type = types.type(key);
    SortInputs.Input input = type == null ? null : inputs.of(type);
    if (type != null && input == null) {
      return Dispatcher.WRONGTYPE;
    }
    if (input != null && !input.ordered() && options.dontSort() && (options.store() != null || client.scripted())) {
      // Redis forces ALPHA order on a set stored or scripted unsorted, so that replicas write the same list.
      options = new SortOptions(options.desc(), true, options.limitStart(), options.limitCount(), options.store(),
          null, false, options.gets());
    }
    List<byte[]> elements;
    try {
      elements = read(key, input, options);
    } catch (ListReplies.TooLarge e) {
      return RespKeyCommands.replyTooLarge(e.bytes(), maxBytes);
    }
    long[] range = options.dontSort() && input != null && input.ordered()
        ? new long[] {0, elements.size() - 1} : range(options, elements.size());
    List<Item> items = new ArrayList<>(elements.size());
    elements.forEach(element -> items.add(new Item(element)));
    if (!options.dontSort()) {
      Result refused = weigh(client, options, items, bytes(elements));
      if (refused != null) {
        return refused;
      }
      items.sort(order(options));
    }
    List<Item> chosen = items.subList((int) range[0], (int) Math.max(range[0], range[1] + 1));
    byte[] destination = options.store();
    return destination == null ? reply(client, options, chosen) : store(client, destination, options, chosen);
  }

  /**
   * The elements to sort: with {@code BY nosort} on an ordered container only the {@code LIMIT} range, in the
   * container's order or, {@code DESC}, reversed (Redis reads just that range); else all of them.
   */
  private List<byte[]> read(String key, SortInputs.@Nullable Input input, SortOptions options) {
    if (input == null) {
      return List.of();
    }
    if (!options.dontSort() || !input.ordered()) {
      return input.elements().read(key, 0, -1, maxBytes);
    }
    long first = Math.min(Math.max(options.limitStart(), 0), LIMIT_CAP);
    long count = Math.min(options.limitCount(), LIMIT_CAP);
    if (count == 0) {
      return List.of();
    }
    if (!options.desc()) {
      return input.elements().read(key, first, count < 0 ? -1 : first + count - 1, maxBytes);
    }
    List<byte[]> reversed = new ArrayList<>(
        input.elements().read(key, count < 0 ? 0 : -(first + count), -(first + 1), maxBytes));
    Collections.reverse(reversed);
    return reversed;
  }

  /** The first and last index of the output among {@code length} sorted elements, as Redis clamps LIMIT. */
  private static long[] range(SortOptions options, int length) {
    long start = Math.min(Math.max(options.limitStart(), 0), length);
    long count = Math.min(Math.max(options.limitCount(), -1), length);
    long end = count < 0 ? length - 1 : start + count - 1;
    if (start >= length) {
      start = length - 1;
      end = length - 2;
    }
    return new long[] {Math.max(start, 0), Math.min(end, length - 1)};
  }

  /**
   * Gives each item what it sorts by: its number (its own, or its {@code BY} value's; 0 where that names nothing),
   * or its {@code ALPHA BY} value. {@code NOT_A_DOUBLE} if a number cannot be read, the reply-too-large error if the
   * {@code ALPHA BY} values with the {@code held} bytes of the elements would pass the cap.
   */
  private Result.@Nullable Error weigh(ClientState client, SortOptions options, List<Item> items, long held) {
    byte[] by = options.by();
    if (options.alpha() && by == null) {
      return null; // the elements themselves are compared
    }
    long bytes = held;
    for (Item item : items) {
      byte[] value = by == null ? item.element : patterns.lookUp(client, by, item.element);
      if (value == null) {
        continue;
      }
      if (options.alpha()) {
        item.by = value;
        bytes += value.length + ListReplies.ELEMENT_OVERHEAD;
        if (bytes > maxBytes) {
          return RespKeyCommands.replyTooLarge(bytes, maxBytes);
        }
      } else {
        item.score = SortScore.of(value);
        if (Double.isNaN(item.score)) {
          return NOT_A_DOUBLE;
        }
      }
    }
    return null;
  }

  /** Redis's {@code sortCompare}: numbers, ties by the elements' bytes; or bytes; reversed for {@code DESC}. */
  private static Comparator<Item> order(SortOptions options) {
    Comparator<Item> order;
    if (!options.alpha()) {
      order = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.element, b.element);
    } else if (options.by() != null) {
      order = (a, b) -> a.by == null || b.by == null ? (a.by == b.by ? 0 : a.by == null ? -1 : 1)
          : Arrays.compareUnsigned(a.by, b.by);
    } else {
      order = (a, b) -> Arrays.compareUnsigned(a.element, b.element);
    }
    return options.desc() ? order.reversed() : order;
  }

  /**
   * The output: each chosen element, or the values of its {@code GET} patterns ({@code null}: none), and what it
   * measures; no values once that passes the cap (the bytes counted until then).
   */
  private record Output(@Nullable List<byte @Nullable []> values, long bytes) {}

  private Output output(ClientState client, SortOptions options, List<Item> chosen) {
    List<byte @Nullable []> values = new ArrayList<>();
    long bytes = 0;
    for (Item item : chosen) {
      if (options.gets().isEmpty()) {
        values.add(item.element);
        bytes += item.element.length + ListReplies.ELEMENT_OVERHEAD;
      }
      for (byte[] pattern : options.gets()) {
        byte[] value = patterns.lookUp(client, pattern, item.element);
        values.add(value);
        bytes += (value == null ? 0 : value.length) + ListReplies.ELEMENT_OVERHEAD;
      }
      if (bytes > maxBytes) {
        return new Output(null, bytes);
      }
    }
    return new Output(values, bytes);
  }

  private Result reply(ClientState client, SortOptions options, List<Item> chosen) {
    Output output = output(client, options, chosen);
    List<byte @Nullable []> values = output.values();
    if (values == null) {
      return RespKeyCommands.replyTooLarge(output.bytes(), maxBytes);
    }
    List<Result> bulks = new ArrayList<>(values.size());
    values.forEach(value -> bulks.add(value == null ? Result.NULL : new Result.Bulk(value)));
    return new Result.Array(bulks);
  }

  /**
   * {@code STORE destination}: the output as a list under {@code destination} (a missing {@code GET} value as an
   * empty string), replacing whatever it held, its time to live included; no output deletes it. Its length.
   */
  private Result store(ClientState client, byte[] destinationArg, SortOptions options, List<Item> chosen) {
    Output output = output(client, options, chosen);
    List<byte @Nullable []> values = output.values();
    if (values == null) {
      return RespKeyCommands.replyTooLarge(output.bytes(), maxBytes);
    }
    String destination = RespListCommands.createdKey(client, destinationArg, leases, sizeLimits);
    byte[][] elements = new byte[values.size()][];
    for (int i = 0; i < elements.length; i++) {
      byte[] value = values.get(i);
      elements[i] = value == null ? new byte[0] : value;
      sizeLimits.checkLength(destination, elements[i].length); // all checked before anything changes
    }
    boolean deleted = store.delete(destination);
    if (elements.length > 0) {
      lists.apply(destination).push(BlinkList.End.RIGHT, elements);
      client.notifyKeyspace(KeyspaceEvents.LIST, "sortstore", destinationArg);
    } else if (deleted) {
      client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", destinationArg);
    }
    return new Result.Int(elements.length);
  }

  private static long bytes(List<byte[]> elements) {
    long bytes = 0;
    for (byte[] element : elements) {
      bytes += element.length + ListReplies.ELEMENT_OVERHEAD;
    }
    return bytes;
  }
}
