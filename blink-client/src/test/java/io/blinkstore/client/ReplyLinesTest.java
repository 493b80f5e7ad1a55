package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyLinesTest {
  private final List<String> lines = new ArrayList<>();

  private void feed(ReplyLines splitter, String chunk) {
    splitter.split(ByteBuffer.wrap(chunk.getBytes(UTF_8)), line -> lines.add(new String(line, UTF_8)));
  }

  @Test
  void linesCutAnywhereByReadsComeOutWhole() {
    ReplyLines splitter = new ReplyLines(() -> 100);
    String replies = "OK\nVALUE aGVsbG8=\nNOT_FOUND\nUSAGE 19\n\n";
    for (char c : replies.toCharArray()) {
      feed(splitter, String.valueOf(c));
    }
    feed(splitter, replies);
    assertEquals(List.of("OK", "VALUE aGVsbG8=", "NOT_FOUND", "USAGE 19", "", "OK", "VALUE aGVsbG8=", "NOT_FOUND",
        "USAGE 19", ""), lines);
  }

  @Test
  void aLineOfExactlyTheLongestIsAcceptedAndOneByteMoreIsNot() {
    ReplyLines splitter = new ReplyLines(() -> 10);
    feed(splitter, "0123456789");
    feed(splitter, "\n");
    assertEquals(List.of("0123456789"), lines);
    feed(splitter, "0123456789");
    assertThrows(ReplyLines.LineTooLongException.class, () -> feed(splitter, "0\n"));
  }

  @Test
  void aLongLineIsRefusedBeforeItsEndArrives() {
    ReplyLines splitter = new ReplyLines(() -> 10);
    feed(splitter, "01234");
    assertThrows(ReplyLines.LineTooLongException.class, () -> feed(splitter, "567890"));
  }
}
