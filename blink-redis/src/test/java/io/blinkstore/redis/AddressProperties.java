package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any user, password, hosts and database written into an address as the class javadoc of {@link BlinkRedis} says
 * (user and password percent-encoded) are read back exactly, and the address's text never shows the password.
 */
class AddressProperties {

  @Property(tries = 500)
  void whatIsWrittenIsReadBack(@ForAll("credentials") String user, @ForAll("credentials") String password,
      @ForAll("hosts") List<Address.Host> hosts, @ForAll("kinds") Address.Kind kind, @ForAll boolean tls,
      @ForAll("databases") int database) {
    int db = kind == Address.Kind.CLUSTER ? 0 : database;
    List<Address.Host> written = kind == Address.Kind.STANDALONE ? hosts.subList(0, 1) : hosts;
    String primary = kind == Address.Kind.SENTINEL ? "primary-" + database : null;
    String scheme = (tls ? "rediss" : "redis") + switch (kind) {
      case STANDALONE -> "";
      case SENTINEL -> "-sentinel";
      case CLUSTER -> "-cluster";
    };
    List<String> names = new ArrayList<>();
    written.forEach(host -> names.add(host.toString()));
    String text = scheme + "://" + encode(user) + ":" + encode(password) + "@" + String.join(",", names)
        + (db == 0 ? "" : "/" + db) + (primary == null ? "" : "#" + primary);

    Address address = Address.parse(text);

    assertEquals(new Address(kind, tls, written, user.isEmpty() ? null : user, password, db, primary), address);
    assertFalse(password.length() > 3 && address.toString().contains(password), address::toString);
  }

  /** Percent-encoding as in a URI: a space is %20 (a + stays a +). */
  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Provide
  Arbitrary<String> credentials() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('é', '€', 'ж').ofMaxLength(20);
  }

  @Provide
  Arbitrary<List<Address.Host>> hosts() {
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.').ofMinLength(1).ofMaxLength(12)
            .filter(name -> Character.isLetter(name.charAt(0))),
        Arbitraries.integers().between(0, 255).list().ofSize(4)
            .map(parts -> String.join(".", parts.stream().map(String::valueOf).toList())),
        Arbitraries.of("::1", "fe80::1", "2001:db8::7"));
    return Combinators.combine(names, Arbitraries.integers().between(1, 65_535)).as(Address.Host::new)
        .list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<Address.Kind> kinds() {
    return Arbitraries.of(Address.Kind.class);
  }

  @Provide
  Arbitrary<Integer> databases() {
    return Arbitraries.integers().between(0, 15);
  }
}
