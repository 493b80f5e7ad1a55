package io.blinkstore.server.command;

/**
 * The kind of a {@link Result.Error}, the first word of a Redis error, which clients match on (Jedis and Lettuce
 * map {@code NOAUTH}, {@code WRONGPASS}, {@code OOM}, {@code BUSY}, ... to their own exceptions). The kinds Redis
 * 7 answers with that this server answers or will: a command that Blink Store does not have yet has its kind
 * here, so that adding it adds no protocol code.
 */
public enum ErrorKind {
  /** Any error without a kind of its own: a syntax error, a wrong number of arguments, an unknown command. */
  ERR,
  /** An operation against a key holding the wrong kind of value. */
  WRONGTYPE,
  /** A write refused for memory: over {@code maxmemory} in Redis, heap nearly full or entry too large here. */
  OOM,
  /** A command from a connection that must sign in first. */
  NOAUTH,
  /** A wrong password or token. */
  WRONGPASS,
  /** A command, key or channel the connection's ACL user may not use. */
  NOPERM,
  /** A protocol version ({@code HELLO}) that the server does not speak. */
  NOPROTO,
  /** {@code EXEC} of a transaction that queued an invalid command. */
  EXECABORT,
  /** A command refused while a script runs. */
  BUSY,
  /** {@code EVALSHA} of a script the server does not know. */
  NOSCRIPT,
  /** A command refused while the data set loads. */
  LOADING,
  /** A blocking pop ended by another client's {@code CLIENT UNBLOCK ... ERROR}. */
  UNBLOCKED,
  /** {@code SCRIPT KILL} with no script running. */
  NOTBUSY,
  /** {@code SCRIPT KILL} of a script that has written. */
  UNKILLABLE,
  /** A write sent to a read-only replica. */
  READONLY,
  /** A command a replica whose link is down refuses ({@code replica-serve-stale-data no}). */
  MASTERDOWN,
  /** A write a primary refuses for want of replicas ({@code min-replicas-to-write}). */
  NOREPLICAS,
  /**
   * A kind of the error's own, named by the first word of its message (a script's
   * {@code redis.error_reply("MYKIND ...")}): its line is the message alone.
   */
  OTHER;

  /**
   * The kind that begins {@code line} ({@code "WRONGPASS invalid ..."}).
   *
   * @throws IllegalArgumentException if {@code line} does not begin with a kind and a space
   */
  static ErrorKind of(String line) {
    int space = line.indexOf(' ');
    String word = space < 0 ? "" : line.substring(0, space);
    for (ErrorKind kind : values()) {
      if (kind != OTHER && kind.name().equals(word)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("an error line begins with its kind: " + line);
  }
}
