package io.blinkstore.server.command;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkList.End;
import io.blinkstore.internal.ListReplies;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of {@code LMPOP} and {@code BLMPOP} ({@code numkeys key ... LEFT|RIGHT [COUNT count]}), read as
 * Redis's {@code lmpopGenericCommand} reads them, and the pop they ask for: up to {@code count} elements from the
 * first of the keys whose list is not empty, answered as {@code [key, [element ...]]}.
 *
 * @param keys the key arguments, in order
 * @param end the end popped from
 * @param count how many elements at most, 1 unless {@code COUNT} says
 */
record MultiPop(List<byte[]> keys, End end, long count) {

  /** Reads the arguments from {@code numkeys} at {@code args[numkeysIndex]}: a {@link MultiPop} or an error. */
  static Object parse(byte[][] args, int numkeysIndex) {
    Long numkeys = Arguments.integer(args[numkeysIndex]);
    if (numkeys == null || numkeys < 1) {
      return RespListCommands.NUMKEYS;
    }
    if (numkeys >= args.length - numkeysIndex - 1) {
      return RespKeyCommands.SYNTAX_ERROR; // no room for LEFT|RIGHT after the keys
    }
    int endIndex = numkeysIndex + numkeys.intValue() + 1;
    End end = RespListCommands.end(args[endIndex]);
    if (end == null) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    long count = -1;
    for (int i = endIndex + 1; i < args.length; i++) {
      if (count == -1 && Arguments.lowerCase(args[i]).equals("count") && i + 1 < args.length) {
        Long value = Arguments.integer(args[++i]);
        if (value == null || value < 1) {
          return RespListCommands.MPOP_COUNT;
        }
        count = value;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    return new MultiPop(Arrays.asList(args).subList(numkeysIndex + 1, endIndex), end, count == -1 ? 1 : count);
  }

  /**
   * Pops from the first key whose list is not empty, in order: its reply, or {@code null} if all are empty. A reply
   * that would pass {@code maxReplyBytes} is refused (see {@link #attempt(ClientState, byte[], BlinkList, long)}).
   */
  @Nullable Result attempt(ClientState client, Function<String, BlinkList> lists, long maxReplyBytes) {
    for (byte[] key : keys) {
      Result popped = attempt(client, key, lists.apply(client.key(key)), maxReplyBytes);
      if (popped != null) {
        return popped;
      }
    }
    return null;
  }

  /**
   * Pops from {@code list}, the list of the key argument {@code key} in the database of {@code client}: the reply
   * (Redis's events published), or {@code null} if it is empty; the output cap's error, popping nothing, if the
   * reply would pass {@code maxReplyBytes}.
   */
  @Nullable Result attempt(ClientState client, byte[] key, BlinkList list, long maxReplyBytes) {
    List<byte[]> popped;
    try {
      popped = pop(list, end, count, maxReplyBytes);
    } catch (ListReplies.TooLarge e) {
      return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
    }
    if (popped == null || popped.isEmpty()) {
      return null;
    }
    RespListCommands.notifyPop(client, key, end, list);
    return new Result.Array(List.of(new Result.Bulk(key), RespListCommands.bulks(popped)));
  }

  /**
   * {@code count} elements popped from {@code end} of {@code list} ({@code null} if it is absent), measured first
   * against {@code maxReplyBytes} where the list can ({@link ListReplies}: the store's lists).
   *
   * @throws ListReplies.TooLarge if the reply would pass it (nothing popped)
   */
  static @Nullable List<byte[]> pop(BlinkList list, End end, long count, long maxReplyBytes) {
    return list instanceof ListReplies bounded ? bounded.pop(end, count, maxReplyBytes) : list.pop(end, count);
  }

  /**
   * One element, as {@link BlinkList#pop(End)} (null if the list is absent), held to {@code maxReplyBytes} as
   * {@link #pop(BlinkList, End, long, long)} holds a count's.
   *
   * @throws ListReplies.TooLarge if its reply would pass the cap (nothing popped)
   */
  static byte @Nullable [] popOne(BlinkList list, End end, long maxReplyBytes) {
    List<byte[]> popped = pop(list, end, 1, maxReplyBytes);
    return popped == null || popped.isEmpty() ? null : popped.get(0);
  }
}
