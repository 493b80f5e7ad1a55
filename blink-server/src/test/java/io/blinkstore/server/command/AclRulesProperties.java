package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * {@code ACL SETUSER}'s rules against a model written from Redis 7.0's {@code ACLSetUser}: any series of rules,
 * given in two {@code SETUSER}s, leaves the user's {@code ACL LIST} line the model writes (flags, password digests,
 * key and channel patterns, {@code +@all}/{@code -@all} and {@code GET}'s difference), and a {@code SETUSER} with
 * a rule the model refuses (a password or digest not there, a pattern after {@code allkeys}/{@code allchannels})
 * answers an error and changes nothing.
 */
class AclRulesProperties {
  private static final BlinkStore STORE = BlinkStore.builder().build();
  private static final Dispatcher DISPATCHER = new Dispatcher(STORE);
  private static final ClientState CLIENT = DISPATCHER.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
  private static final AtomicInteger USERS = new AtomicInteger();

  @AfterContainer
  static void close() {
    STORE.close();
  }

  @Property(tries = 500)
  void listLineFollowsTheModel(@ForAll("rules") List<String> first, @ForAll("rules") List<String> second) {
    String name = "u" + USERS.incrementAndGet();
    Model model = new Model();
    String expectedLine = null;
    for (List<String> rules : List.of(first, second)) {
      List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", name));
      args.addAll(rules);
      Result reply = run(args.toArray(String[]::new));
      Model next = model.copy();
      if (next.apply(rules)) {
        assertEquals(Result.OK, reply, rules::toString);
        model = next;
        expectedLine = "user " + name + " " + model.line();
      } else {
        assertInstanceOf(Result.Error.class, reply, rules::toString);
      }
      assertEquals(expectedLine, line(name), rules::toString);
    }
    run("ACL", "DELUSER", name);
  }

  private static String line(String name) {
    Result list = run("ACL", "LIST");
    for (Result line : ((Result.Array) list).elements()) {
      String text = java.nio.charset.StandardCharsets.ISO_8859_1.decode(((Result.Bulk) line).bytes().duplicate())
          .toString();
      if (text.startsWith("user " + name + " ")) {
        return text;
      }
    }
    return null;
  }

  private static Result run(String... args) {
    return RespTester.copied(DISPATCHER.dispatch(CLIENT, RespTester.toBytes(args)));
  }

  @Provide
  Arbitrary<List<String>> rules() {
    return Arbitraries.of("on", "off", "nopass", "resetpass", ">a", ">b", "<a", "<b", "#" + AclRules.digest(
        "c".getBytes()), "!" + AclRules.digest("c".getBytes()), "~k*", "~j", "%R~k*", "%W~r", "%RW~j", "allkeys",
        "resetkeys", "&c", "&d*", "allchannels", "resetchannels", "+@all", "-@all", "+get", "-get", "reset",
        "allcommands", "nocommands", "sanitize-payload", "skip-sanitize-payload", "~*", "&*").list().ofMaxSize(8);
  }

  /** The user as Redis's rules leave it, written from {@code src/acl.c}. */
  private static final class Model {
    boolean enabled;
    String payload;
    boolean nopass;
    List<String> passwords = new ArrayList<>();
    boolean allKeys;
    Map<String, Integer> keys = new LinkedHashMap<>();
    boolean allChannels;
    List<String> channels = new ArrayList<>();
    boolean future;
    boolean get;

    Model copy() {
      Model copy = new Model();
      copy.enabled = enabled;
      copy.payload = payload;
      copy.nopass = nopass;
      copy.passwords = new ArrayList<>(passwords);
      copy.allKeys = allKeys;
      copy.keys = new LinkedHashMap<>(keys);
      copy.allChannels = allChannels;
      copy.channels = new ArrayList<>(channels);
      copy.future = future;
      copy.get = get;
      return copy;
    }

    /** Applies every rule; false if one is refused. */
    boolean apply(List<String> rules) {
      for (String rule : rules) {
        if (!apply(rule)) {
          return false;
        }
      }
      return true;
    }

    private boolean apply(String rule) {
      switch (rule) {
        case "on" -> enabled = true;
        case "off" -> enabled = false;
        case "nopass" -> {
          nopass = true;
          passwords.clear();
        }
        case "resetpass" -> {
          nopass = false;
          passwords.clear();
        }
        case "sanitize-payload", "skip-sanitize-payload" -> payload = rule;
        case "allkeys", "~*" -> {
          allKeys = true;
          keys.clear();
        }
        case "resetkeys" -> {
          allKeys = false;
          keys.clear();
        }
        case "allchannels", "&*" -> {
          allChannels = true;
          channels.clear();
        }
        case "resetchannels" -> {
          allChannels = false;
          channels.clear();
        }
        case "+@all", "allcommands" -> {
          future = true;
          get = true;
        }
        case "-@all", "nocommands" -> {
          future = false;
          get = false;
        }
        case "+get" -> get = true;
        case "-get" -> get = false;
        case "reset" -> {
          nopass = false;
          passwords.clear();
          allKeys = false;
          keys.clear();
          allChannels = false;
          channels.clear();
          enabled = false;
          payload = "sanitize-payload";
          future = false;
          get = false;
        }
        default -> {
          return applyPattern(rule);
        }
      }
      return true;
    }

    private boolean applyPattern(String rule) {
      switch (rule.charAt(0)) {
        case '>', '#' -> {
          String hash = rule.charAt(0) == '>' ? AclRules.digest(rule.substring(1).getBytes()) : rule.substring(1);
          if (!passwords.contains(hash)) {
            passwords.add(hash);
          }
          nopass = false;
          return true;
        }
        case '<', '!' -> {
          String hash = rule.charAt(0) == '<' ? AclRules.digest(rule.substring(1).getBytes()) : rule.substring(1);
          return passwords.remove(hash);
        }
        case '~', '%' -> {
          if (allKeys) {
            return false;
          }
          int tilde = rule.indexOf('~');
          String flags = rule.substring(0, tilde);
          int permission = flags.equals("%R") ? 1 : flags.equals("%W") ? 2 : 3;
          keys.merge(rule.substring(tilde + 1), permission, (a, b) -> a | b);
          return true;
        }
        default -> {
          if (allChannels) {
            return false;
          }
          if (!channels.contains(rule.substring(1))) {
            channels.add(rule.substring(1));
          }
          return true;
        }
      }
    }

    String line() {
      StringJoiner line = new StringJoiner(" ");
      line.add(enabled ? "on" : "off");
      if (nopass) {
        line.add("nopass");
      }
      if (payload != null) {
        line.add(payload);
      }
      passwords.forEach(password -> line.add("#" + password));
      if (allKeys) {
        line.add("~*");
      } else {
        keys.forEach((pattern, permission) -> line.add((permission == 3 ? "~" : permission == 1 ? "%R~" : "%W~")
            + pattern));
      }
      if (allChannels) {
        line.add("&*");
      } else {
        line.add("resetchannels");
        channels.forEach(channel -> line.add("&" + channel));
      }
      line.add(future ? "+@all" : "-@all");
      if (get != future) {
        line.add(get ? "+get" : "-get");
      }
      return line.toString();
    }
  }
}
