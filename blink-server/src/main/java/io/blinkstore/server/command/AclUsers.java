package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The server's ACL users, by name (in byte order, as {@code ACL USERS} lists them), with the {@code default} user
 * every connection starts as: on, every command, key and channel, and {@code nopass} or, with the server's auth
 * token, that token as its one password. All users share one bound, {@link #MAX_USERS} users and
 * {@link #MAX_RULE_BYTES} of rules ({@link AclRules#size}: passwords, key and channel patterns, first arguments),
 * so that {@code ACL SETUSER} in a loop cannot exhaust the heap. Changes are made under this object's lock; a
 * connection reads its user's rules without one ({@link AclUser}).
 */
final class AclUsers {
  /** The most users, {@code default} included. */
  static final int MAX_USERS = 10_000;
  /** The most bytes all users' rules hold together ({@link AclRules#size}). */
  static final long MAX_RULE_BYTES = 16L << 20;
  static final String DEFAULT = "default";

  static final Result.Error TOO_MANY = Result.error("ACL SETUSER refused: the users would pass the server's"
      + " bound of " + MAX_USERS + " users and " + (MAX_RULE_BYTES >> 20) + " MB of rules");

  private final @Nullable String tokenDigest;
  private final TreeMap<String, AclUser> users = new TreeMap<>();
  private long ruleBytes;
  /** The connections a deleted user's are closed among. */
  private final Map<Long, ClientState> clients;
  final AclLog log = new AclLog(System::currentTimeMillis);
  // Made by complete(), which the dispatcher calls once its command table is whole, before any connection.
  @SuppressWarnings("NullAway.Init")
  private AclCommandIndex index;
  @SuppressWarnings("NullAway.Init")
  private AclRuleParser parser;
  @SuppressWarnings("NullAway.Init")
  private AclDescription description;
  @SuppressWarnings("NullAway.Init")
  private AclUser defaultUser;
  @SuppressWarnings("NullAway.Init")
  private AclUser primaryUser;

  /**
   * The users of a server whose default user's password has the SHA-256 digest {@code tokenDigest} (lower-case
   * hex; {@code null}: none, {@code nopass}), and whose connections are {@code clients}.
   */
  AclUsers(@Nullable String tokenDigest, Map<Long, ClientState> clients) {
    this.tokenDigest = tokenDigest;
    this.clients = clients;
  }

  /** Numbers the commands of {@code table}, now whole, and creates the default user. */
  void complete(CommandTable table) {
    index = new AclCommandIndex(table);
    parser = new AclRuleParser(index);
    description = new AclDescription(index);
    AclRules rules = new AclRules(index.size());
    for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
      parser.apply(rules, op);
    }
    if (tokenDigest != null) {
      rules.passwords.add(tokenDigest);
      rules.nopass = false;
    }
    defaultUser = new AclUser(DEFAULT, rules);
    users.put(DEFAULT, defaultUser);
    AclRules everything = new AclRules(index.size());
    for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
      parser.apply(everything, op);
    }
    primaryUser = new AclUser(DEFAULT, everything);
    ruleBytes = rules.size();
  }

  AclCommandIndex index() {
    return index;
  }

  AclDescription description() {
    return description;
  }

  AclUser defaultUser() {
    return defaultUser;
  }

  /**
   * {@code client}, signed in as the user a primary's commands run as on this replica ({@link PrimaryLink}): every command, key and channel
   * whatever {@code ACL SETUSER default} says, and never listed, as Redis's master client runs with no user. A
   * replica that refused its primary's writes would drift from it.
   */
  ClientState asPrimary(ClientState client) {
    client.signIn(primaryUser);
    return client;
  }

  synchronized @Nullable AclUser get(String name) {
    return users.get(name);
  }

  synchronized List<AclUser> all() {
    return new ArrayList<>(users.values());
  }

  /**
   * {@code ACL SETUSER name op...}: the rules applied in order to a copy of the user's (or a new user's), which
   * replaces them only if every rule applied and the users stay within their bound; Redis's error otherwise.
   */
  synchronized Result setUser(String name, List<String> ops) {
    if (AclRuleParser.hasSpaces(name)) {
      return Result.error("Usernames can't contain spaces or null characters");
    }
    List<String> merged = mergeSelectors(ops);
    if (merged == null) {
      return Result.error("Unmatched parenthesis in acl selector starting at '" + openingOf(ops) + "'.");
    }
    AclUser user = users.get(name);
    AclRules rules = user != null ? user.rules().copy() : new AclRules(index.size());
    for (String op : merged) {
      String error = parser.apply(rules, op);
      if (error != null) {
        return Result.error(safe("Error in ACL SETUSER modifier '" + op + "': " + error));
      }
    }
    long bytes = ruleBytes - (user == null ? 0 : user.rules().size()) + rules.size();
    if (bytes > MAX_RULE_BYTES || user == null && users.size() >= MAX_USERS) {
      return TOO_MANY;
    }
    ruleBytes = bytes;
    if (user == null) {
      users.put(name, new AclUser(name, rules));
    } else {
      user.rules(rules);
    }
    return Result.OK;
  }

  /**
   * {@code ACL DELUSER name...}: the number deleted; every connection signed in as one of them is signed out
   * and closed (the {@code current} one once its reply is written), as in Redis.
   */
  synchronized Result deleteUsers(List<String> names, ClientState current) {
    if (names.contains(DEFAULT)) {
      return Result.error("The 'default' user cannot be removed");
    }
    int deleted = 0;
    for (String name : names) {
      AclUser user = users.remove(name);
      if (user != null) {
        ruleBytes -= user.rules().size();
        deleted++;
        closeConnectionsOf(user, current);
      }
    }
    return new Result.Int(deleted);
  }

  private void closeConnectionsOf(AclUser user, ClientState current) {
    List<ClientState> signedIn = new ArrayList<>();
    for (ClientState client : clients.values()) {
      if (client.user() == user) {
        signedIn.add(client);
      }
    }
    if (current.user() == user && !signedIn.contains(current)) {
      signedIn.add(current);
    }
    for (ClientState client : signedIn) {
      client.signOut();
      if (client == current) {
        client.closeAfterReply();
      } else {
        client.connection().close();
      }
    }
  }

  /**
   * Signs {@code client} in as {@code username} if {@code password} is one of its passwords (and it is on);
   * a refusal is logged ({@code ACL LOG}, its object the command's name as sent, {@code command}). The user is
   * found, its passwords compared and the connection signed in under the users' lock, which {@link #deleteUsers}
   * holds too: a user deleted meanwhile is either not found or finds the connection signed in, and closes it. The
   * password is hashed before, so that a long one holds no one up.
   */
  boolean authenticate(ClientState client, byte[] username, byte[] password, byte[] command) {
    String digest = AclRules.digest(password);
    synchronized (this) {
      AclUser user = users.get(Arguments.text(username));
      if (user != null && user.rules().acceptsDigest(digest)) {
        client.signIn(user);
        return true;
      }
    }
    log.add(AclLog.Reason.AUTH, client.transaction() != null ? AclLog.Context.MULTI : AclLog.Context.TOPLEVEL,
        Arguments.text(command), Arguments.text(username), RespClientCommands.line(client, client, new byte[0][]));
    return false;
  }

  /**
   * Redis's {@code ACLMergeSelectorArguments}: a selector written over several arguments ({@code (~x}
   * {@code +get)}) as one; {@code null} if one is never closed.
   */
  private static @Nullable List<String> mergeSelectors(List<String> ops) {
    List<String> merged = new ArrayList<>();
    StringBuilder selector = null;
    for (String op : ops) {
      if (selector == null && op.startsWith("(") && !op.endsWith(")")) {
        selector = new StringBuilder(op);
      } else if (selector != null) {
        selector.append(' ').append(op);
        if (op.endsWith(")")) {
          merged.add(selector.toString());
          selector = null;
        }
      } else {
        merged.add(op);
      }
    }
    return selector == null ? merged : null;
  }

  private static String openingOf(List<String> ops) {
    String opening = "";
    boolean open = false;
    for (String op : ops) {
      if (!open && op.startsWith("(") && !op.endsWith(")")) {
        opening = op;
        open = true;
      } else if (open && op.endsWith(")")) {
        open = false;
      }
    }
    return opening;
  }

  /** An error line as Redis's {@code addReplyErrorSdsSafe} makes it: line breaks become spaces. */
  static String safe(String message) {
    return message.replace('\r', ' ').replace('\n', ' ');
  }

  /** The name as bytes, for replies. */
  static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.ISO_8859_1);
  }
}
