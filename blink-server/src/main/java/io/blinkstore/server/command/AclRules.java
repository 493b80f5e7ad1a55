package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * What one ACL user may do, as Redis 7.0's user and root selector hold it ({@code src/acl.c}): on or off, its
 * passwords (SHA-256 digests in lower-case hex, never the passwords), the commands it may run (a bit per command
 * of the {@link AclCommandIndex}, with Redis's first-argument exceptions such as {@code +select|0}), its key
 * patterns (each for reading, writing or both) and its channel patterns. Changed only on a private copy while
 * {@code ACL SETUSER} applies its rules ({@link AclRuleParser}); a user publishes the finished copy and never
 * changes it again, so a command checks it without a lock.
 */
final class AclRules {
  /** A key pattern's permission to read ({@code %R~}). */
  static final int READ = 1;
  /** A key pattern's permission to write ({@code %W~}). */
  static final int WRITE = 2;
  /** Both ({@code ~}, {@code %RW~}). */
  static final int READ_WRITE = READ | WRITE;

  /** Redis's payload flags; which one a user has, if any ({@code reset} gives {@code sanitize-payload}). */
  enum Payload { NONE, SKIP_SANITIZE, SANITIZE }

  /** One key pattern and what it permits. */
  record KeyPattern(String pattern, byte[] bytes, int flags) {
    KeyPattern(String pattern, int flags) {
      this(pattern, pattern.getBytes(StandardCharsets.ISO_8859_1), flags);
    }

    /** As ACL LIST writes it: {@code ~p}, {@code %R~p} or {@code %W~p}. */
    String describe() {
      return (flags == READ_WRITE ? "~" : flags == READ ? "%R~" : "%W~") + pattern;
    }
  }

  boolean enabled;
  Payload payload = Payload.NONE;
  boolean nopass;
  final List<String> passwords;
  /** The commands it may run, by id. */
  final BitSet allowed;
  /** {@code +@all} (or {@code allcommands}) was the last word on every command: future ones too. */
  boolean future;
  /** Every command is allowed, as after {@code +@all} with no {@code -} since. */
  boolean allCommands;
  /** For a command it may not run, the first arguments with which it may ({@code +select|0}), by id. */
  final TreeMap<Integer, List<String>> firstArgs;
  boolean allKeys;
  final List<KeyPattern> keys;
  boolean allChannels;
  final List<String> channels;

  /** The rules of a new user, as Redis creates one: off, no password, no command, key or channel. */
  AclRules(int commands) {
    this(new ArrayList<>(), new BitSet(commands), new TreeMap<>(), new ArrayList<>(), new ArrayList<>());
  }

  private AclRules(List<String> passwords, BitSet allowed, TreeMap<Integer, List<String>> firstArgs,
      List<KeyPattern> keys, List<String> channels) {
    this.passwords = passwords;
    this.allowed = allowed;
    this.firstArgs = firstArgs;
    this.keys = keys;
    this.channels = channels;
  }

  /** A copy to change, whose changes this one does not see. */
  AclRules copy() {
    TreeMap<Integer, List<String>> args = new TreeMap<>();
    firstArgs.forEach((id, list) -> args.put(id, new ArrayList<>(list)));
    AclRules copy = new AclRules(new ArrayList<>(passwords), (BitSet) allowed.clone(), args,
        new ArrayList<>(keys), new ArrayList<>(channels));
    copy.enabled = enabled;
    copy.payload = payload;
    copy.nopass = nopass;
    copy.future = future;
    copy.allCommands = allCommands;
    copy.allKeys = allKeys;
    copy.allChannels = allChannels;
    return copy;
  }

  /** Whether it may run every command on every key and channel: the check costs nothing then. */
  boolean unrestricted() {
    return allCommands && allKeys && allChannels;
  }

  /** Whether connections must present a password: it is off, or has no {@code nopass}. */
  boolean requiresAuth() {
    return !enabled || !nopass;
  }

  /**
   * Whether {@code password} signs in as this user: it is on, and {@code nopass} or the password's digest is
   * one of its digests, compared in constant time (each digest compared whole, {@link MessageDigest#isEqual}).
   */
  boolean accepts(byte[] password) {
    return acceptsDigest(digest(password));
  }

  /** As {@link #accepts}, given the password's {@link #digest}. */
  boolean acceptsDigest(String passwordDigest) {
    if (!enabled) {
      return false;
    }
    if (nopass) {
      return true;
    }
    byte[] digest = passwordDigest.getBytes(StandardCharsets.ISO_8859_1);
    boolean matched = false;
    for (String stored : passwords) {
      matched |= MessageDigest.isEqual(digest, stored.getBytes(StandardCharsets.ISO_8859_1));
    }
    return matched;
  }

  /** The bytes the rules hold, roughly: what a user counts against the users' shared bound. */
  long size() {
    long bytes = 256 + allowed.size() / 8;
    for (String password : passwords) {
      bytes += 64 + password.length();
    }
    for (KeyPattern key : keys) {
      bytes += 64 + 2L * key.pattern().length();
    }
    for (String channel : channels) {
      bytes += 64 + channel.length();
    }
    for (List<String> args : firstArgs.values()) {
      for (String arg : args) {
        bytes += 64 + arg.length();
      }
    }
    return bytes;
  }

  /** The SHA-256 digest of {@code password} in lower-case hex, as Redis keeps and shows passwords. */
  static String digest(byte[] password) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
