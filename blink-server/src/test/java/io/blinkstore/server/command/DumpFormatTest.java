package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DumpFormat}: Redis's CRC-64 (its test vector), the footer's checks, a round trip of each value kind, and
 * the bounds: a length only claimed, an LZF string claiming more than the bound, an element count past the bytes,
 * an empty container, a hash field or set member twice and a NaN score are refused before anything past the bound
 * is allocated; sets and sorted sets in each encoding Redis 7.0 reads.
 */
class DumpFormatTest {
  private static final long BOUND = 1 << 20;

  private static byte[] bytes(String text) {
    return text.getBytes(ISO_8859_1);
  }

  /** {@code body} with Redis's footer: version 10 and the CRC-64 of all before it. */
  static byte[] withFooter(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body);
    out.write(10);
    out.write(0);
    byte[] head = out.toByteArray();
    long crc = Crc64.of(head, 0, head.length);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> 8 * i));
    }
    return out.toByteArray();
  }

  @Test
  void theCrcIsJonesCrc64AsRedisComputesIt() {
    byte[] check = bytes("123456789");
    assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(check, 0, check.length));
  }

  @Test
  void theFooterMustCarryVersionTenOrLessAndTheRightCrc() {
    byte[] payload = DumpFormat.write(new DumpFormat.Text(bytes("v")));
    assertTrue(DumpFormat.verified(payload));
    byte[] flipped = payload.clone();
    flipped[1] ^= 1;
    assertFalse(DumpFormat.verified(flipped));
    byte[] body = Arrays.copyOf(payload, payload.length - 10);
    byte[] eleven = withFooter(body);
    eleven[body.length] = 11;
    long crc = Crc64.of(eleven, 0, eleven.length - 8);
    for (int i = 0; i < 8; i++) {
      eleven[eleven.length - 8 + i] = (byte) (crc >>> 8 * i);
    }
    assertFalse(DumpFormat.verified(eleven));
    assertFalse(DumpFormat.verified(new byte[9]));
  }

  @Test
  void eachKindRoundTrips() {
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) 'x');
    DumpFormat.Text text = (DumpFormat.Text) DumpFormat.read(DumpFormat.write(new DumpFormat.Text(big)), BOUND);
    assertArrayEquals(big, text.value());
    List<byte[]> pairs = List.of(bytes("f"), bytes("1"), bytes("g"), big);
    DumpFormat.Hash hash = (DumpFormat.Hash) DumpFormat.read(DumpFormat.write(new DumpFormat.Hash(pairs)), BOUND);
    assertEquals(4, hash.fieldsAndValues().size());
    assertArrayEquals(big, hash.fieldsAndValues().get(3));
    DumpFormat.Items items =
        (DumpFormat.Items) DumpFormat.read(DumpFormat.write(new DumpFormat.Items(pairs)), BOUND);
    assertArrayEquals(bytes("g"), items.elements().get(2));
  }

  @Test
  void integerAndCompressedStringsReadAsRedisWritesThem() {
    assertEquals("-2", text(new byte[] {0, (byte) 0xc0, (byte) 0xfe}));
    assertEquals("1000", text(new byte[] {0, (byte) 0xc1, (byte) 0xe8, 0x03}));
    assertEquals("-100000", text(new byte[] {0, (byte) 0xc2, 0x60, 0x79, (byte) 0xfe, (byte) 0xff}));
    // LZF: a literal run of 1 ('a'), then a back-reference of 9 bytes at distance 1: "a" x 10.
    assertEquals("aaaaaaaaaa", text(new byte[] {0, (byte) 0xc3, 5, 10, 0, 'a', (byte) 0xe0, 0, 0}));
  }

  private static String text(byte[] body) {
    return new String(((DumpFormat.Text) DumpFormat.read(withFooter(body), BOUND)).value(), ISO_8859_1);
  }

  @Test
  void claimsPastTheBytesOrTheBoundAreRefusedBeforeAnythingIsAllocated() {
    // A string of 2^32 - 1 bytes claimed by 5 bytes.
    assertThrows(DumpFormat.Malformed.class,
        () -> DumpFormat.read(withFooter(new byte[] {0, (byte) 0x80, -1, -1, -1, -1}), BOUND));
    // LZF claiming 256 MiB from 3 bytes: past the bound before its buffer is made.
    assertThrows(DumpFormat.TooLarge.class, () -> DumpFormat.read(
        withFooter(new byte[] {0, (byte) 0xc3, 3, (byte) 0x80, 0x10, 0, 0, 0, 0, 'a', 0}), BOUND));
    // A list of 2^62 elements in a few bytes: read one by one, it ends with the bytes.
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(
        withFooter(new byte[] {1, (byte) 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 'a'}), BOUND));
    // Many small strings past the bound: each counts its bytes and 16.
    byte[] many = new byte[2 + 5 + 2 * 100_000];
    many[0] = 1;
    many[1] = (byte) 0x80;
    many[4] = (byte) (100_000 >> 8);
    many[5] = (byte) (100_000 & 0xff);
    many[3] = (byte) (100_000 >> 16);
    for (int i = 6; i + 1 < many.length; i += 2) {
      many[i] = 1;
      many[i + 1] = 'x';
    }
    assertThrows(DumpFormat.TooLarge.class, () -> DumpFormat.read(withFooter(many), BOUND));
  }

  /**
   * Regression: an LZF string declaring 512 KiB (within the bound) from 3 compressed bytes allocated its 512 KiB
   * before finding the bytes could not give it; on a server, a 30-byte RESTORE declaring 60 MB ran a 92 MiB heap
   * out of memory and closed the connection without a reply. Now refused from the lengths alone.
   */
  @Test
  void anLzfLengthItsBytesCannotGiveIsMalformedBeforeItsBufferIsMade() {
    byte[] body = {0, (byte) 0xc3, 3, (byte) 0x80, 0, 8, 0, 0, 0, 'a', 0};
    long before = allocatedBytes();
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(withFooter(body), BOUND));
    long allocated = allocatedBytes() - before;
    assertTrue(allocated < 64 << 10, "allocated " + allocated + " bytes");
    // The most 3 bytes can give: a literal 'a', then a back-reference of 264 at distance 1 (here 2 + 3 bytes).
    assertEquals("a".repeat(265), text(new byte[] {0, (byte) 0xc3, 5, 0x41, 9, 0, 'a', (byte) 0xe0, (byte) 0xff, 0}));
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void emptyContainersDuplicateFieldsAndUnknownTypesAreMalformed() {
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(withFooter(new byte[] {1, 0}), BOUND));
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(
        withFooter(new byte[] {4, 2, 1, 'f', 1, '1', 1, 'f', 1, '2'}), BOUND));
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(withFooter(new byte[] {15, 1, 1, 'm'}), BOUND));
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(withFooter(new byte[] {0}), BOUND));
  }

  @Test
  void setsAndSortedSetsRoundTripAndReadRedissOtherEncodings() {
    List<byte[]> members = List.of(bytes("a"), bytes("-7"), bytes(""));
    DumpFormat.Members set =
        (DumpFormat.Members) DumpFormat.read(DumpFormat.write(new DumpFormat.Members(members)), BOUND);
    assertEquals(List.of("a", "-7", ""), set.members().stream().map(m -> new String(m, ISO_8859_1)).toList());
    double[] scores = {1.5, Double.NEGATIVE_INFINITY, -0.0};
    DumpFormat.Scored zset =
        (DumpFormat.Scored) DumpFormat.read(DumpFormat.write(new DumpFormat.Scored(members, scores)), BOUND);
    assertArrayEquals(scores, zset.scores());
    assertArrayEquals(bytes("-7"), zset.members().get(1));
    // An intset of 16-bit integers: 3, -2 (little-endian), as Redis 7.0 dumps a small set of integers.
    byte[] intset = {11, 12, 2, 0, 0, 0, 2, 0, 0, 0, (byte) 0xfe, (byte) 0xff, 3, 0};
    DumpFormat.Members ints = (DumpFormat.Members) DumpFormat.read(withFooter(intset), BOUND);
    assertEquals(List.of("-2", "3"), ints.members().stream().map(m -> new String(m, ISO_8859_1)).toList());
    // The first sorted-set type: scores as text, 254 for +inf.
    byte[] textScores = {3, 2, 1, 'x', 3, '2', '.', '5', 1, 'y', (byte) 254};
    DumpFormat.Scored text = (DumpFormat.Scored) DumpFormat.read(withFooter(textScores), BOUND);
    assertArrayEquals(new double[] {2.5, Double.POSITIVE_INFINITY}, text.scores());
  }

  @Test
  void setsWithAMemberTwiceAndSortedSetsWithANanScoreAreMalformed() {
    assertThrows(DumpFormat.Malformed.class,
        () -> DumpFormat.read(withFooter(new byte[] {2, 2, 1, 'm', 1, 'm'}), BOUND));
    assertThrows(DumpFormat.Malformed.class, () -> DumpFormat.read(withFooter(new byte[] {2, 0}), BOUND));
    assertThrows(DumpFormat.Malformed.class,
        () -> DumpFormat.read(withFooter(new byte[] {3, 1, 1, 'x', (byte) 253}), BOUND));
    assertThrows(DumpFormat.Malformed.class,
        () -> DumpFormat.read(withFooter(new byte[] {3, 2, 1, 'x', 1, '1', 1, 'x', 1, '2'}), BOUND));
    // An intset whose header claims more integers than it has bytes.
    assertThrows(DumpFormat.Malformed.class,
        () -> DumpFormat.read(withFooter(new byte[] {11, 10, 2, 0, 0, 0, 9, 0, 0, 0, 1, 0}), BOUND));
  }
}
