package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkList.End;
import io.blinkstore.BlinkStore;
import io.blinkstore.WrongTypeException;
import io.blinkstore.server.BlinkServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BlinkClient.list} over RESP, against our server and a real redis-server, answers one script of every
 * {@link BlinkList} call exactly as the in-process store's list does: one contract for the three. Over the text
 * protocol it throws {@link UnsupportedOperationException}, saying to use {@code redis://}.
 */
@Timeout(60)
class RespListIT {
  @TempDir Path dir;

  private static byte[] b(String text) {
    return text.getBytes(UTF_8);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "nil" : new String(bytes, UTF_8);
  }

  private static List<String> texts(List<byte[]> elements) {
    return elements == null ? null : elements.stream().map(RespListIT::text).toList();
  }

  /** Every call of the contract on the list {@code l} of {@code store}, with what each answered, in order. */
  static List<Object> script(BlinkStore store) {
    BlinkList list = store.list("l");
    List<Object> answers = new ArrayList<>();
    answers.add(list.push(End.RIGHT, b("a"), b("b"), b("c")));
    answers.add(list.push(End.LEFT, b("z")));
    answers.add(list.pushIfPresent(End.LEFT, b("y")));
    answers.add(store.list("none").pushIfPresent(End.RIGHT, b("x")));
    answers.add(texts(list.range(0, -1)));
    answers.add(text(list.get(-1)));
    answers.add(text(list.get(100)));
    answers.add(list.set(1, b("Z")));
    answers.add(assertThrows(IndexOutOfBoundsException.class, () -> list.set(100, b("x"))).getClass());
    answers.add(store.list("none").set(0, b("x")));
    answers.add(list.insert(true, b("b"), b("a")));
    answers.add(list.insert(false, b("missing"), b("x")));
    answers.add(list.positions(b("a"), 1, 0, 0));
    answers.add(list.positions(b("a"), -1, 1, 0));
    answers.add(list.remove(-1, b("a")));
    answers.add(text(list.pop(End.LEFT)));
    answers.add(texts(list.pop(End.RIGHT, 2)));
    answers.add(texts(store.list("none").pop(End.RIGHT, 2)));
    answers.add(text(list.move(End.LEFT, "other", End.RIGHT)));
    answers.add(texts(store.list("other").range(0, -1)));
    list.trim(0, 0);
    answers.add(list.size());
    store.set("string", b("v"));
    answers.add(assertThrows(WrongTypeException.class, () -> store.list("string").size()).getClass());
    answers.add(assertThrows(WrongTypeException.class, () -> list.move(End.LEFT, "string", End.LEFT)).getClass());
    answers.add(list.size());
    answers.add(Arrays.asList(text(list.pop(End.LEFT)), list.size(), text(list.pop(End.LEFT))));
    return answers;
  }

  @ParameterizedTest
  @MethodSource("io.blinkstore.client.RespClientIT#servers")
  void overRespEveryCallAnswersAsTheInProcessStore(Function<Path, RespClientIT.RespServer> start)
      throws Exception {
    List<Object> expected;
    try (BlinkStore inProcess = BlinkStore.builder().build()) {
      expected = script(inProcess);
    }
    try (RespClientIT.RespServer server = start.apply(dir);
        BlinkClient client = BlinkClient.connect(server.uri(), Servers.testOptions().build())) {
      client.clear();
      assertEquals(expected, script(client));
    }
  }

  @Test
  void overTheTextProtocolListsAreUnsupportedWithAClearMessage() {
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient client = BlinkClient.connect(
            URI.create("blink://127.0.0.1:" + server.tcpAddress().getPort()), Servers.testOptions().build())) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> client.list("l"));
      assertEquals("lists are not in Blink Store's text protocol (blink://): connect with redis:// to the same "
          + "server for lists (docs/protocol.md)", e.getMessage());
    }
  }
}
