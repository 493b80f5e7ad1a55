package io.blinkstore.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates made for one test run with the JDK's {@code keytool} (no other tool needed): a private CA, a server
 * certificate it signed for {@code 127.0.0.1}, and a client certificate it signed, for Redis's default
 * {@code tls-auth-clients yes}. Elliptic-curve keys (P-256), valid for two days.
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
  private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

  /** Makes every file in {@code dir}. */
  static TestCertificates generate(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Files.createDirectories(dir);
    keyPair(dir, "ca.p12", "ca", "CN=Blink Store test CA", "-ext", "bc:c");
    keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
    signed(dir, "server", "CN=127.0.0.1", "SAN=ip:127.0.0.1", "EKU=serverAuth");
    keytool(dir, "-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
    writePrivateKey(dir.resolve("server.p12"), "server", dir.resolve("server.key"));
    signed(dir, "client", "CN=blink-test-client", "EKU=clientAuth", "KU=digitalSignature");
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12");
    keyPair(dir, "stranger.p12", "stranger", "CN=Another CA", "-ext", "bc:c");
    keytool(dir, "-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-file", "stranger.pem");
    return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
        dir.resolve("client.p12"), dir.resolve("truststore.p12"), dir.resolve("stranger.pem"));
  }

  /**
   * A key pair {@code name} in {@code name.p12} whose certificate the CA signs with {@code extensions}; the
   * store then holds the whole chain (the CA's certificate, then the signed one under {@code name}).
   */
  private static void signed(Path dir, String name, String subject, String... extensions)
      throws IOException, InterruptedException {
    String store = name + ".p12";
    keyPair(dir, store, name, subject);
    keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
    List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
        "-infile", name + ".csr", "-outfile", name + ".signed", "-validity", "2"));
    for (String extension : extensions) {
      sign.addAll(List.of("-ext", extension));
    }
    keytool(dir, sign.toArray(String[]::new));
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
    keytool(dir, "-importcert", "-noprompt", "-alias", name, "-file", name + ".signed", "-keystore", store);
  }

  private static void keyPair(Path dir, String store, String alias, String subject, String... more)
      throws IOException, InterruptedException {
    List<String> arguments = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", subject, "-validity", "2", "-keystore", store));
    arguments.addAll(List.of(more));
    keytool(dir, arguments.toArray(String[]::new));
  }

  private static void keytool(Path dir, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(KEYTOOL.toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Tools.run(dir, command);
  }

  /** Writes the private key of {@code alias} as PKCS#8 PEM, which Redis (OpenSSL) reads; keytool cannot. */
  private static void writePrivateKey(Path store, String alias, Path pem) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    Key key = keyStore.getKey(alias, PASSWORD.toCharArray());
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
  }
}
