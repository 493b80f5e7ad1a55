package io.blinkstore.server.command;

/**
 * One ACL user: its name and its rules. The rules are replaced whole ({@code ACL SETUSER} builds a copy and
 * publishes it here), never changed in place, so a connection signed in as this user reads them with one volatile
 * read and no lock, and sees a change from its next command on.
 */
final class AclUser {
  private final String name;
  private volatile AclRules rules;

  /** A user named {@code name} (its bytes as ISO-8859-1 text) with {@code rules}, which must not change afterwards. */
  AclUser(String name, AclRules rules) {
    this.name = name;
    this.rules = rules;
  }

  String name() {
    return name;
  }

  AclRules rules() {
    return rules;
  }

  /** Publishes new rules, which must not change afterwards. */
  void rules(AclRules rules) {
    this.rules = rules;
  }
}
