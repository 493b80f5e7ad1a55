package io.blinkstore.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates made for one test run with {@code openssl} (Debian's openssl package; {@code .ci/run} installs it): a
 * private CA, a server certificate it signed for {@code 127.0.0.1}, a client certificate it signed (Redis asks
 * clients for one by default, {@code tls-auth-clients yes}), and the certificate of another CA. The client's key
 * store and a trust store holding the CA are written with the JDK's {@link KeyStore}. Elliptic-curve keys
 * (P-256), valid for two days. Four {@code openssl} runs of a few milliseconds each: {@code keytool}, a JVM start
 * per step, took some 15 seconds of every build for the same files.
 *
 * @param caPem the CA's certificate (PEM): the server's {@code tls-ca-cert-file}, and what the client trusts
 * @param serverCertificate the server's certificate (PEM), {@code tls-cert-file}
 * @param serverKey the server's private key (PKCS#8 PEM), {@code tls-key-file}
 * @param clientKeyStore the client's key and certificate chain (PKCS#12, password {@link #PASSWORD})
 * @param trustStore a trust store holding the CA's certificate (PKCS#12, password {@link #PASSWORD})
 * @param strangerPem a certificate of another CA, which did not sign the server's
 */
record TestCertificates(Path caPem, Path serverCertificate, Path serverKey, Path clientKeyStore, Path trustStore,
    Path strangerPem) {

  static final String PASSWORD = "changeit";
  static final Path OPENSSL = Path.of("/usr/bin/openssl");

  /** What each certificate may do: a CA signs; the server's names 127.0.0.1; the client's proves a client. */
  private static final String CONFIG = String.join("\n",
      "[req]",
      "distinguished_name = subject",
      "prompt = no",
      "[subject]",
      "[ca]",
      "basicConstraints = critical, CA:TRUE",
      "keyUsage = critical, keyCertSign, cRLSign",
      "[server]",
      "basicConstraints = CA:FALSE",
      "subjectAltName = IP:127.0.0.1",
      "extendedKeyUsage = serverAuth",
      "[client]",
      "basicConstraints = CA:FALSE",
      "keyUsage = digitalSignature",
      "extendedKeyUsage = clientAuth",
      "");

  /** Skips the calling test if there is no {@code openssl}. */
  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(OPENSSL), OPENSSL + " is missing (Debian package openssl)");
  }

  /** Makes every file in {@code dir}. */
  static TestCertificates generate(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
    certificate(dir, "ca", "/CN=Blink Store test CA", "ca", false);
    certificate(dir, "server", "/CN=127.0.0.1", "server", true);
    certificate(dir, "client", "/CN=blink-test-client", "client", true);
    certificate(dir, "stranger", "/CN=Another CA", "ca", false);

    KeyStore client = emptyStore();
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(dir, "client.key")));
    client.setKeyEntry("client", key, PASSWORD.toCharArray(),
        new Certificate[] {read(dir, "client.pem"), read(dir, "ca.pem")});
    write(client, dir.resolve("client.p12"));
    KeyStore trust = emptyStore();
    trust.setCertificateEntry("ca", read(dir, "ca.pem"));
    write(trust, dir.resolve("truststore.p12"));
    return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
        dir.resolve("client.p12"), dir.resolve("truststore.p12"), dir.resolve("stranger.pem"));
  }

  /**
   * A new key ({@code name.key}, PKCS#8 PEM) and its certificate ({@code name.pem}) for {@code subject}, with the
   * extensions of the config's section {@code extensions}: signed by the CA made before, or by itself.
   */
  private static void certificate(Path dir, String name, String subject, String extensions, boolean signedByCa)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "req", "-config", "openssl.cnf", "-x509",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc", "-keyout", name + ".key", "-out",
        name + ".pem", "-subj", subject, "-days", "2", "-extensions", extensions));
    if (signedByCa) {
      command.addAll(List.of("-CA", "ca.pem", "-CAkey", "ca.key"));
    }
    Tools.run(dir, command);
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static void write(KeyStore store, Path file) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
  }

  private static Certificate read(Path dir, String pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(dir.resolve(pem))) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The bytes between a PEM file's BEGIN and END lines. */
  private static byte[] pemBody(Path dir, String pem) throws IOException {
    String text = Files.readString(dir.resolve(pem));
    String body = text.substring(text.indexOf('\n', text.indexOf("-----BEGIN")) + 1, text.indexOf("-----END"));
    return Base64.getMimeDecoder().decode(body);
  }
}
