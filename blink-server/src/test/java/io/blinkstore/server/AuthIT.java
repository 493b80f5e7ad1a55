package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared-secret token and the Unix socket's permissions, over real sockets. */
@Timeout(60)
class AuthIT {
  private static final String TOKEN = "s3cret token";

  @TempDir Path dir;
  private BlinkServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void nothingButAuthAndQuitIsExecutedBeforeTheRightToken(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    server = TestServers.start(transport, dir, 1 << 20, builder -> builder.authToken(TOKEN));
    try (LineClient client = endpoint.connect(server)) {
      client.send("SET k stolen\nGET k\nSTATS\nAUTH\nAUTH wrong\nAUTH " + TOKEN + "x\nSET k still-not\n");
      assertEquals(List.of("ERROR NOAUTH authentication required", "ERROR NOAUTH authentication required",
          "ERROR NOAUTH authentication required", "ERROR AUTH requires token", "ERROR WRONGPASS invalid auth token",
          "ERROR WRONGPASS invalid auth token", "ERROR NOAUTH authentication required"), client.readLines(7));
      client.send("auth " + TOKEN + "\nGET k\nSET k mine\nGET k\n");
      assertEquals(List.of("OK", "NOT_FOUND", "OK", "VALUE bWluZQ=="), client.readLines(4),
          "pipelined after AUTH, the lines are executed; nothing before it was");
      assertEquals("ERROR WRONGPASS invalid auth token", client.request("AUTH nope"));
      assertEquals("ERROR NOAUTH authentication required", client.request("GET k"), "a wrong token logs out");
    }
    try (LineClient other = endpoint.connect(server)) {
      assertEquals("ERROR NOAUTH authentication required", other.request("GET k"), "authentication is per connection");
      assertEquals("OK", other.request("AUTH " + TOKEN));
      assertEquals("VALUE bWluZQ==", other.request("GET k"));
      other.send("QUIT\n").assertEndOfStream();
    }
  }

  /**
   * Issue 16: a connection that never signed in held its slot for ever, so such connections could fill
   * {@code --max-connections} and a client with the token was refused. Now each is closed at the sign-in
   * deadline, and at the bound the one waiting longest to sign in makes room for a new connection.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void connectionsThatDoNotSignInCannotKeepAClientWithTheTokenOut(BlinkServer.Transport transport,
      Endpoint endpoint) throws Exception {
    Duration deadline = Duration.ofSeconds(1); // ample for AUTH to arrive, on a loaded machine too
    server = TestServers.start(transport, dir, 1 << 20,
        builder -> builder.authToken(TOKEN).maxConnections(3).authTimeout(deadline));
    try (LineClient first = endpoint.connect(server);
        LineClient second = endpoint.connect(server);
        LineClient signedIn = endpoint.connect(server)) {
      assertEquals("OK", signedIn.request("AUTH " + TOKEN));
      assertEquals("ERROR NOAUTH authentication required", second.request("GET k"));
      try (LineClient newcomer = endpoint.connect(server)) {
        assertEquals("OK", newcomer.request("AUTH " + TOKEN), "the server is full, but makes room");
        first.assertEndOfStream(); // the one waiting longest
        assertEquals("OK", newcomer.request("SET k v"));
      }
      second.assertEndOfStream(); // at its deadline
      Thread.sleep(deadline.toMillis()); // well past every deadline
      assertEquals("VALUE dg==", signedIn.request("GET k"), "a connection that signed in is kept");
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void withoutATokenAuthIsAnErrorAndEverythingIsServed(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    server = TestServers.start(transport, dir, 1 << 20);
    try (LineClient client = endpoint.connect(server)) {
      assertEquals("ERROR AUTH called without any auth token configured", client.request("AUTH " + TOKEN));
      assertEquals("OK", client.request("SET k v"));
    }
  }

  @Test
  void theUnixSocketIsCreatedWithMode0660ByDefault() throws Exception {
    server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.unixPath())));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.TestServers#transports")
  void theUnixSocketModeIsConfigurableAndTheSocketStillServesItsOwner(BlinkServer.Transport transport)
      throws Exception {
    server = TestServers.start(transport, dir, 1 << 20,
        builder -> builder.unixMode(BlinkStoreCli.parseMode("0600")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.unixPath())));
    try (LineClient client = LineClient.unix(server.unixPath())) {
      assertEquals("OK", client.request("SET k v"));
    }
  }
}
