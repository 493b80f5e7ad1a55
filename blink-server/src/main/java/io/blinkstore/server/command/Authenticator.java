package io.blinkstore.server.command;

import static io.blinkstore.internal.Text.isWhitespace;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The shared-secret check: the one place that decides whether a connection has authenticated, whatever
 * protocol it speaks. A connection authenticates by presenting the server's token ({@link #authenticate});
 * until then {@link #isAuthenticated} is false. The comparison takes the same time whatever the token's
 * content or length: both sides are hashed with SHA-256 and the digests compared with
 * {@link MessageDigest#isEqual}. Thread-safe; one instance per server.
 */
public final class Authenticator {
  private static final AttributeKey<Boolean> AUTHENTICATED = AttributeKey.valueOf("blink-authenticated");

  private final byte[] tokenDigest;
  /** The default user, once the dispatcher has made it: its passwords are what a token is checked against. */
  private volatile @Nullable AclUser defaultUser;

  /**
   * Returns {@code token} if a client can present it in either protocol. The text protocol trims {@code AUTH}'s
   * argument as it trims every request line, and a request ends at the first line break, so a token that starts or
   * ends with whitespace, or holds a line break, could never authenticate there. Whitespace inside is kept as sent.
   *
   * @throws IllegalArgumentException if the token is empty, starts or ends with whitespace, or holds a line break
   */
  public static String requirePresentable(String token) {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the auth token must not be empty");
    }
    if (isWhitespace(token.charAt(0)) || isWhitespace(token.charAt(token.length() - 1))) {
      throw new IllegalArgumentException("the auth token must not start or end with whitespace: the text protocol"
          + " trims AUTH's argument, so it could never match");
    }
    if (token.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("the auth token must not contain a line break: a text-protocol request"
          + " ends at the first, so it could never be sent");
    }
    return token;
  }

  /**
   * @throws IllegalArgumentException if no client could present {@code token} ({@link #requirePresentable})
   */
  public Authenticator(String token) {
    requirePresentable(Objects.requireNonNull(token, "token"));
    this.tokenDigest = sha256(token.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code connection} has presented the right token. */
  public boolean isAuthenticated(Channel connection) {
    return Boolean.TRUE.equals(connection.attr(AUTHENTICATED).get());
  }

  /**
   * Checks {@code token} and records the outcome on {@code connection}: a wrong token also ends an earlier
   * authentication.
   *
   * @return whether the token is right
   */
  public boolean authenticate(Channel connection, byte[] token) {
    boolean right = matches(token);
    connection.attr(AUTHENTICATED).set(right);
    return right;
  }

  /**
   * Whether {@code token} is the server's token, in constant time; once {@link #checkWith} has named the default
   * user, whether it is one of that user's passwords now ({@code ACL SETUSER default} may have changed them).
   */
  boolean matches(byte[] token) {
    AclUser user = defaultUser;
    return user != null ? user.rules().accepts(token) : MessageDigest.isEqual(tokenDigest, sha256(token));
  }

  /** Checks tokens against {@code user}'s passwords from now on: the default user, whom the text protocol signs in as. */
  void checkWith(AclUser user) {
    this.defaultUser = user;
  }

  /** The token's SHA-256 digest in lower-case hex, as the default user keeps it. */
  String digest() {
    return HexFormat.of().formatHex(tokenDigest);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
