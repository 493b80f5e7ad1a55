package io.blinkstore.server.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * Replication's bytes and handshake, apart from its state ({@link Replication}): commands as RESP arrays of bulk
 * strings (the stream, and {@link PrimaryLink}'s requests), stream ids, {@code REPLCONF}'s options, addresses.
 */
final class ReplicationWire {
  private ReplicationWire() {}

  /** A command as RESP's array of bulk strings. */
  static void encode(ByteArrayOutputStream out, byte[][] args) {
    out.writeBytes(ascii("*" + args.length + "\r\n"));
    for (byte[] arg : args) {
      out.writeBytes(ascii("$" + arg.length + "\r\n"));
      out.writeBytes(arg);
      out.write('\r');
      out.write('\n');
    }
  }

  static String randomHex() {
    StringBuilder hex = new StringBuilder(40);
    while (hex.length() < 40) {
      hex.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
    }
    return hex.toString();
  }

  static String host(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * {@code REPLCONF option value ...}: {@code listening-port}, {@code ip-address}, {@code capa}, {@code rdb-only}
   * answered {@code +OK}; {@code ACK offset} records what the replica has and, as {@code GETACK}, answers nothing.
   */
  static Result replconf(ClientState client, byte[][] args, BiConsumer<ClientState, Long> ack) {
    if (args.length % 2 == 0) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    for (int i = 1; i < args.length; i += 2) {
      String option = Arguments.lowerCase(args[i]);
      switch (option) {
        case "listening-port" -> {
          Long port = Arguments.integer(args[i + 1]);
          if (port == null) {
            return RespKeyCommands.NOT_AN_INTEGER;
          }
          client.replicaPort(port);
        }
        case "ack" -> {
          Long acked = Arguments.integer(args[i + 1]);
          if (acked != null) {
            ack.accept(client, acked);
          }
          client.dropThisReply();
          return Result.OK;
        }
        case "getack" -> {
          client.dropThisReply(); // a primary has nothing to acknowledge
          return Result.OK;
        }
        case "ip-address", "capa", "rdb-only", "rdb-filter-only" -> { }
        default -> {
          return Result.error("Unrecognized REPLCONF option: " + new String(args[i], StandardCharsets.UTF_8));
        }
      }
    }
    return Result.OK;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
