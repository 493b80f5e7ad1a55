package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Store keys made from any cache name and key are valid store keys, and different inputs never share one. */
class CacheKeysProperties {

  @Property(tries = 2000)
  void anyNameAndKeyMakeAValidStoreKey(@ForAll String name, @ForAll String key) {
    String storeKey = new CacheKeys(null, name).entryKey("g1", key);
    assertTrue(BlinkStore.isValidKey(storeKey), storeKey);
    assertTrue(BlinkStore.isValidKey(new CacheKeys(null, name).generationKey()));
  }

  @Property(tries = 2000)
  void differentKeysMakeDifferentStoreKeys(@ForAll String name, @ForAll String a, @ForAll String b) {
    Assume.that(!a.equals(b));
    CacheKeys keys = new CacheKeys(null, name);
    assertNotEquals(keys.entryKey("g1", a), keys.entryKey("g1", b));
  }

  /** Keys made of the escape's own characters, where an escape written out could pass for what it escapes. */
  @Property(tries = 5000)
  void differentKeysOfEscapeLikeTextMakeDifferentStoreKeys(@ForAll("escapeLike") String a,
      @ForAll("escapeLike") String b) {
    Assume.that(!a.equals(b));
    CacheKeys keys = new CacheKeys(null, "c");
    assertNotEquals(keys.entryKey("g1", a), keys.entryKey("g1", b));
  }

  @Property(tries = 2000)
  void differentCachesNeverShareAStoreKey(@ForAll String nameA, @ForAll String nameB, @ForAll String keyA,
      @ForAll String keyB) {
    Assume.that(!nameA.equals(nameB));
    String a = new CacheKeys(null, nameA).entryKey("g1", keyA);
    String b = new CacheKeys(null, nameB).entryKey("g1", keyB);
    assertNotEquals(a, b);
    assertNotEquals(new CacheKeys(null, nameA).generationKey(), b, "a generation key is never an entry's");
  }

  @Property
  void escapingIsTheIdentityOnPlainText(@ForAll("plain") String text) {
    assertEquals(text, CacheKeys.escape(text, false));
  }

  @Example
  void anEscapeTypedAsAKeyIsNotTheCharacterItStandsFor() {
    CacheKeys keys = new CacheKeys(null, "c");
    assertNotEquals(keys.entryKey("g1", " "), keys.entryKey("g1", "%0020"));
    assertNotEquals(new CacheKeys(null, "a:b").entryKey("g1", "c"), new CacheKeys(null, "a").entryKey("b", "c"));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> escapeLike() {
    return net.jqwik.api.Arbitraries.strings().withChars("% 02:").ofMaxLength(7);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> plain() {
    return net.jqwik.api.Arbitraries.strings().alpha().numeric().withChars("-_./:");
  }
}
