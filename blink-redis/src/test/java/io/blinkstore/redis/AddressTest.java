package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

  @Test
  void oneServerWithItsDefaultPort() {
    Address address = Address.parse("redis://cache.internal");
    assertEquals(Address.Kind.STANDALONE, address.kind());
    assertFalse(address.tls());
    assertEquals(List.of(new Address.Host("cache.internal", 6379)), address.hosts());
    assertNull(address.user());
    assertNull(address.password());
    assertEquals(0, address.database());
  }

  @Test
  void anAclUserAndPasswordPercentEncodedAndADatabase() {
    Address address = Address.parse("rediss://app%40team:p%3Ass%2Fw+rd@10.0.0.1:6380/3");
    assertTrue(address.tls());
    assertEquals("app@team", address.user());
    assertEquals("p:ss/w+rd", address.password());
    assertEquals(3, address.database());
    assertEquals(List.of(new Address.Host("10.0.0.1", 6380)), address.hosts());
  }

  @Test
  void aPasswordAloneIsForTheDefaultUser() {
    Address address = Address.parse("redis://:secret@127.0.0.1:7000");
    assertNull(address.user());
    assertEquals("secret", address.password());
    assertEquals(address, Address.parse("redis://secret@127.0.0.1:7000"));
  }

  @Test
  void aClusterNamesAnyOfItsNodesIpv6Included() {
    Address address = Address.parse("rediss-cluster://u:p@127.0.0.1:7000,[::1]:7001,node-3");
    assertEquals(Address.Kind.CLUSTER, address.kind());
    assertTrue(address.tls());
    assertEquals(List.of(new Address.Host("127.0.0.1", 7000), new Address.Host("::1", 7001),
        new Address.Host("node-3", 6379)), address.hosts());
  }

  @Test
  void sentinelsWithTheirDefaultPortAndThePrimarysName() {
    Address address = Address.parse("redis-sentinel://:pw@s1,s2:26380/2#my%20primary");
    assertEquals(Address.Kind.SENTINEL, address.kind());
    assertEquals(List.of(new Address.Host("s1", 26379), new Address.Host("s2", 26380)), address.hosts());
    assertEquals("my primary", address.primaryName());
    assertEquals(2, address.database());
  }

  @Test
  void itsTextHidesThePassword() {
    assertEquals("redis-cluster://u:***@127.0.0.1:7000,[::1]:7001",
        Address.parse("redis-cluster://u:hunter2@127.0.0.1:7000,[::1]:7001").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Address.parse("redis://u:hunter2@host:99999"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  /** A raw % in a password is refused as an address, quoting no part of the password (URLDecoder quotes two bytes). */
  @ParameterizedTest
  @ValueSource(strings = {"redis://u:50%off@host", "redis://u:ends-in-%@host", "redis://:50%of@host"})
  void aBadPercentEncodingIsRefusedWithoutShowingThePassword(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Address.parse(text));
    assertTrue(e.getMessage().startsWith("unsupported Redis address redis://***@host: a %"), e.getMessage());
    assertFalse(e.getMessage().contains("of"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cache.internal:6379", "blink://127.0.0.1", "http://h", "redis://", "redis://h:0",
      "redis://h:x", "redis://a,b", "redis://h/x", "redis://h/-1", "redis-cluster://h/1", "redis-sentinel://s",
      "redis://h#primary", "redis://h?timeout=1s", "redis-cluster://h,,i", "redis://[::1", "redis://[::1]x"})
  void whatIsNotAnAddressIsRefused(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Address.parse(text));
    assertTrue(e.getMessage().startsWith("unsupported Redis address"), e.getMessage());
  }
}
