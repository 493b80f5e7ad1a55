package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Key}: a lookup by {@code String} and the packed entry stored for it are equal and hash alike, for any
 * valid key (ASCII, two-, three- and four-byte UTF-8, long enough for a two-byte length header), and the packed
 * array gives back exactly the key and value it was made of. The map finds entries only if this holds.
 */
class KeyProperties {
  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> ascii = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> any = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40)
        .filter(KeyModel::isValid);
    Arbitrary<String> longKeys = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(120).ofMaxLength(300);
    return Arbitraries.oneOf(ascii, any, longKeys, Arbitraries.of("k", "é", "€", "😀", "a😀b€"));
  }

  @Property
  void aLookupEqualsAndHashesAsTheStoredEntry(@ForAll("keys") String key, @ForAll byte[] value) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    byte[] packed = Key.pack(key, utf8.length, value);
    Key stored = Key.of(packed);
    Key lookup = Key.lookup(key);
    assertEquals(stored, lookup);
    assertEquals(lookup, stored);
    assertEquals(stored.hashCode(), lookup.hashCode());
    assertEquals(0, stored.compareTo(lookup));
    assertEquals(key, stored.text());
    assertEquals(utf8.length + value.length, Key.weight(packed));
    assertArrayEquals(value, Arrays.copyOfRange(packed, Key.valueOffset(packed), packed.length));
    assertArrayEquals(utf8, Arrays.copyOfRange(packed, Key.valueOffset(packed) - utf8.length, Key.valueOffset(packed)));
  }

  @Property
  void differentKeysAreNotEqual(@ForAll("keys") String one, @ForAll("keys") String other) {
    Assume.that(!one.equals(other));
    Key stored = Key.of(Key.pack(one, one.getBytes(StandardCharsets.UTF_8).length, new byte[0]));
    assertNotEquals(stored, Key.lookup(other));
    assertNotEquals(Key.lookup(other), stored);
    assertEquals(Integer.signum(Arrays.compareUnsigned(
            one.getBytes(StandardCharsets.UTF_8), other.getBytes(StandardCharsets.UTF_8))),
        Integer.signum(stored.compareTo(Key.lookup(other))));
  }
}
