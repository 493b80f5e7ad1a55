package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link InlineRequest} against a model: any arguments, of any bytes, written as Redis's {@code sdscatrepr} quotes
 * them ({@code "..."} with {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}, {@code \a}, {@code \b} and
 * {@code \xHH} for the other bytes outside printable ASCII; what {@code redis-cli} and {@code MONITOR} print),
 * separated by any blanks, split back into exactly those arguments.
 */
class InlineRequestProperties {
  @Property(tries = 2000)
  void quotedArgumentsSplitBackIntoThemselves(@ForAll("arguments") List<byte[]> args, @ForAll("blanks") String gap) {
    StringBuilder line = new StringBuilder(gap);
    for (byte[] arg : args) {
      line.append(repr(arg)).append(gap.isEmpty() ? " " : gap);
    }
    byte[][] split = InlineRequest.split(line.toString().getBytes(ISO_8859_1));
    assertEquals(args.size(), split.length, line::toString);
    for (int i = 0; i < split.length; i++) {
      assertArrayEquals(args.get(i), split[i], line::toString);
    }
  }

  @Provide
  Arbitrary<List<byte[]>> arguments() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(12).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.strings().withChars(" \t\u000b\u000c").ofMaxLength(3);
  }

  /** {@code arg} as Redis's {@code sdscatrepr} writes it. */
  private static String repr(byte[] arg) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : arg) {
      int c = b & 0xff;
      switch (c) {
        case '\\', '"' -> out.append('\\').append((char) c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        default -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
      }
    }
    return out.append('"').toString();
  }
}
