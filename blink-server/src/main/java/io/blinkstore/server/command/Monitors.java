package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connections in {@code MONITOR} mode, and the feed of every command run, by any client of either protocol,
 * to them, in Redis's line format: {@code +<unix seconds>.<micros> [0 <addr>] "cmd" "arg" ...}. Administrative
 * commands ({@link CommandFlag#ADMIN}) are not shown, as in Redis. With no monitor, a command costs one volatile
 * read here. Each line is handed to the monitor's {@link ClientConnection#monitor}, which holds it to the
 * monitor's output bound (closing a monitor that does not keep up) and counts it against
 * {@code --max-client-memory}.
 */
final class Monitors {
  private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

  private final List<ClientState> monitors = new CopyOnWriteArrayList<>();
  private final long maxPendingBytes;

  /** Monitors closed once more than {@code maxPendingBytes} of their lines wait for them. */
  Monitors(long maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
  }

  /** {@code MONITOR}: the connection receives the feed from now on (a second {@code MONITOR} changes nothing). */
  Result monitor(ClientState client, byte[][] args) {
    if (!client.monitoring()) {
      client.monitoring(true);
      monitors.add(client);
    }
    return Result.OK;
  }

  /** The connection has closed. */
  void closed(ClientState client) {
    if (client.monitoring()) {
      monitors.remove(client);
    }
  }

  /** The connection leaves {@code MONITOR} mode ({@code RESET}): it receives no more lines. */
  void stop(ClientState client) {
    closed(client);
    client.monitoring(false);
  }

  /**
   * Shows {@code args}, run by {@code client}, to every monitor, unless {@code spec} is administrative or shows
   * itself ({@link CommandFlag#SKIP_MONITOR}).
   */
  void feed(CommandSpec spec, ClientState client, byte[][] args) {
    if (!spec.has(CommandFlag.ADMIN) && !spec.has(CommandFlag.SKIP_MONITOR)) {
      show(client, args);
    }
  }

  /** Shows {@code args}, run by {@code client}, to every monitor. */
  void show(ClientState client, byte[][] args) {
    if (monitors.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Result.Simple line =
        new Result.Simple(line(client, redacted(args), now.getEpochSecond() * 1_000_000 + now.getNano() / 1000));
    for (ClientState monitor : monitors) {
      monitor.connection().monitor(line, line.text().length() + 3, maxPendingBytes);
    }
  }

  /**
   * {@code args} with each secret replaced by {@code (redacted)}, as Redis's commands redact theirs while they parse
   * ({@code redactClientCommandArgument}): {@code AUTH}'s arguments, {@code HELLO ... AUTH}'s user name and
   * password, {@code ACL SETUSER}'s every argument, {@code MIGRATE}'s {@code AUTH} and {@code AUTH2} arguments ({@link MigrateKeys#secrets}).
   */
  static byte[][] redacted(byte[][] args) {
    List<Integer> secrets = new ArrayList<>();
    switch (Arguments.lowerCase(args[0])) {
      case "auth" -> {
        for (int i = 1; i < args.length && args.length <= 3; i++) {
          secrets.add(i);
        }
      }
      case "hello" -> helloSecrets(args, secrets);
      case "acl" -> {
        for (int i = 2; i < args.length && Arguments.lowerCase(args[1]).equals("setuser"); i++) {
          secrets.add(i); // the user's name and every rule, as Redis's ACL SETUSER redacts them
        }
      }
      case "migrate" -> secrets.addAll(MigrateKeys.secrets(args));
      default -> {
        return args;
      }
    }
    byte[][] shown = args.clone();
    secrets.forEach(i -> shown[i] = REDACTED);
    return shown;
  }

  /** {@code HELLO}'s secrets: each {@code AUTH}'s two arguments its parse reaches ({@code helloCommand}). */
  private static void helloSecrets(byte[][] args, List<Integer> secrets) {
    if (args.length < 2) {
      return;
    }
    Long version = Arguments.integer(args[1]);
    if (version == null || version < 2 || version > 3) {
      return;
    }
    for (int j = 2; j < args.length; j++) {
      int more = args.length - 1 - j;
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("auth") && more >= 2) {
        secrets.add(++j);
        secrets.add(++j);
      } else if (option.equals("setname") && more >= 1) {
        j++;
      } else {
        return;
      }
    }
  }

  /** The line for {@code args} run by {@code client} at {@code micros} since the epoch, without its "+" and CRLF. */
  static String line(ClientState client, byte[][] args, long micros) {
    StringBuilder line = new StringBuilder(64);
    line.append(micros / 1_000_000).append('.');
    String fraction = Long.toString(micros % 1_000_000);
    line.append("0".repeat(6 - fraction.length())).append(fraction);
    line.append(" [0 ").append(client.connection().monitorSource()).append(']');
    for (byte[] arg : args) {
      line.append(' ');
      quote(line, arg);
    }
    return line.toString();
  }

  /** Appends {@code arg} quoted as Redis's {@code sdscatrepr} does. */
  private static void quote(StringBuilder line, byte[] arg) {
    line.append('"');
    for (byte b : arg) {
      switch (b) {
        case '\\', '"' -> line.append('\\').append((char) b);
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        case 7 -> line.append("\\a");
        case '\b' -> line.append("\\b");
        default -> {
          if (b >= ' ' && b <= '~') {
            line.append((char) b);
          } else {
            line.append("\\x").append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
          }
        }
      }
    }
    line.append('"');
  }
}
