package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "0, 0",
    "10485760, 10485760",
    "1b, 1",
    "512k, 524288",
    "512KB, 524288",
    "512KiB, 524288",
    "64MB, 67108864",
    "64mb, 67108864",
    "64 MiB, 67108864",
    "1GiB, 1073741824",
    "2g, 2147483648",
    "1TB, 1099511627776",
  })
  void parsesPlainNumbersAndBinaryUnits(String text, long bytes) {
    assertEquals(bytes, ByteSize.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MB", "-1", "1.5MB", "12XB", "64 M B", "１２", "0x10"})
  void rejectsTextThatIsNotASizeNamingIt(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775808", "8388608TiB", "99999999999999999999"})
  void rejectsSizesBeyondALong(String text) {
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
  }
}
