package io.blinkstore.server.command;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkList.End;
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

  /** Pops from the first key whose list is not empty, in order: its reply, or {@code null} if all are empty. */
  @Nullable Result attempt(ClientState client, Function<String, BlinkList> lists) {
    for (byte[] key : keys) {
      Result popped = attempt(key, lists.apply(client.key(key)));
      if (popped != null) {
        return popped;
      }
    }
    return null;
  }

  /** Pops from {@code list}, the list of the key argument {@code key}: the reply, or {@code null} if it is empty. */
  @Nullable Result attempt(byte[] key, BlinkList list) {
    List<byte[]> popped = list.pop(end, count);
    return popped == null || popped.isEmpty() ? null
        : new Result.Array(List.of(new Result.Bulk(key), RespListCommands.bulks(popped)));
  }
}
