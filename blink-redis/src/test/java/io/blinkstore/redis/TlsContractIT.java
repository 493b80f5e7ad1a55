package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import io.blinkstore.client.BlinkConnectionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} over TLS ({@code rediss://}) to a {@code redis-server} with {@code --tls-port},
 * certificates made in the test with {@code openssl} ({@link TestCertificates}): the server's signed by a private
 * CA that the store trusts ({@link BlinkRedisOptions.Builder#trustedCertificates}), and, since Redis asks clients for
 * a certificate by default ({@code tls-auth-clients yes}), the store's own
 * ({@link BlinkRedisOptions.Builder#keyStore}). The store logs in as the ACL user. Then what TLS refuses: an
 * untrusted server, a certificate for another host, no client certificate. Skipped, saying so, where
 * {@code redis-server} was built without TLS or {@code openssl} is missing.
 */
class TlsContractIT extends RedisStoreContract {
  @TempDir static Path dir;
  private static TestCertificates certificates;
  private static RedisProcess redis;
  private static int tlsPort;

  @BeforeAll
  static void startRedisWithTls() throws Exception {
    RedisProcess.assumeInstalled();
    TestCertificates.assumeInstalled();
    assumeTrue(supportsTls(), "this redis-server was built without TLS (--tls-port is unknown to it)");
    certificates = TestCertificates.generate(dir.resolve("certificates"));
    tlsPort = RedisProcess.freePort();
    redis = TestRedis.startWithAclUser(dir.resolve("redis"), RedisProcess.freePort(), "--tls-port",
        Integer.toString(tlsPort), "--tls-cert-file", certificates.serverCertificate().toString(), "--tls-key-file",
        certificates.serverKey().toString(), "--tls-ca-cert-file", certificates.caPem().toString());
  }

  /** A server without TLS stops at {@code --tls-port} as an unknown option; one with it, at having no port. */
  private static boolean supportsTls() throws Exception {
    Path probe = dir.resolve("probe");
    Files.createDirectories(probe);
    try {
      Tools.run(probe, List.of(RedisProcess.BINARY.toString(), "--port", "0", "--tls-port", "0"));
      return false;
    } catch (IOException exited) {
      return exited.getMessage().contains("not listen anywhere");
    }
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    TestRedis.emptyWithZeroedCounters(redis);
    return BlinkRedis.connect(address(), TestRedis.options().trustedCertificates(certificates.caPem())
        .keyStore(certificates.clientKeyStore(), TestCertificates.PASSWORD.toCharArray()).build());
  }

  private static String address() {
    return TestRedis.aclUserAddress("rediss", tlsPort);
  }

  @Test
  void aTrustStoreHoldingTheCaIsTrustedToo() {
    try (BlinkRedis store = BlinkRedis.connect(address(), TestRedis.options()
        .trustStore(certificates.trustStore(), TestCertificates.PASSWORD.toCharArray())
        .keyStore(certificates.clientKeyStore(), TestCertificates.PASSWORD.toCharArray()).build())) {
      store.set("over-tls", "yes");
      assertEquals("yes", store.getString("over-tls"));
    }
  }

  @Test
  void aServerSignedByAnotherCaIsRefused() {
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> BlinkRedis.connect(address(),
        TestRedis.options().trustedCertificates(certificates.strangerPem())
            .keyStore(certificates.clientKeyStore(), TestCertificates.PASSWORD.toCharArray()).build()));
    assertTrue(e.getMessage().contains("127.0.0.1:" + tlsPort), e.getMessage());
  }

  /**
   * The server's certificate names 127.0.0.1 only: reached as {@code localhost} (the same server, the same trusted
   * CA), it is refused, as a certificate stolen from another host would be.
   */
  @Test
  void aCertificateThatDoesNotNameTheHostConnectedToIsRefused() {
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> BlinkRedis.connect(
        address().replace("@127.0.0.1:", "@localhost:"), TestRedis.options().trustedCertificates(certificates.caPem())
            .keyStore(certificates.clientKeyStore(), TestCertificates.PASSWORD.toCharArray()).build()));
    assertTrue(e.getMessage().contains("No name matching localhost"), e.getMessage()); // the JDK's words
  }

  @Test
  void theJdksDefaultTrustRefusesAPrivateCa() {
    assertThrows(BlinkConnectionException.class, () -> BlinkRedis.connect(address(), TestRedis.options()
        .keyStore(certificates.clientKeyStore(), TestCertificates.PASSWORD.toCharArray()).build()));
  }

  @Test
  void withoutAClientCertificateTheServerRefusesTheStore() {
    assertThrows(BlinkConnectionException.class, () -> BlinkRedis.connect(address(),
        TestRedis.options().trustedCertificates(certificates.caPem()).build()));
  }

  @Test
  void thePlainPortOfTheSameServerNeedsNoTlsOptions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlinkRedis.connect(
        TestRedis.aclUserAddress("redis", redis.port()), TestRedis.options().trustedCertificates(certificates.caPem())
            .build()));
    assertTrue(e.getMessage().contains("an address without TLS"), e.getMessage());
  }
}
