package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.SortedSets;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis 7.0's geo commands that add and read positions ({@code GEOADD}, {@code GEOPOS}, {@code GEODIST},
 * {@code GEOHASH}) on a sorted set whose scores are {@link Geohashes}' 52-bit cells, with Redis's replies and errors:
 * {@code GEOADD} checks its options, pairs and coordinates, then is a {@code ZADD} of the cells (so {@code ZSCORE}
 * answers the same bytes as Redis's); coordinates are written as Redis's {@code %.17Lf} without trailing zeros (a
 * RESP3 double of that text), distances with four decimals. {@code GEOPOS} and {@code GEOHASH} replies that
 * would pass the output cap are refused ({@link ZsetAccess#measured}).
 */
final class RespGeoCommands {
  private static final Result.Error UNIT = Result.error("unsupported unit provided. please use M, KM, FT, MI");

  private final ZsetAccess access;
  private final RespSortedSetCommands zadd;

  RespGeoCommands(ZsetAccess access) {
    this.access = access;
    this.zadd = new RespSortedSetCommands(access);
  }

  void register(CommandTable commands) {
    commands.add("geoadd", -5, Keys.ONE, this::add, WRITE, DENYOOM);
    commands.add("geopos", -2, Keys.ONE, this::pos, READONLY);
    commands.add("geodist", -4, Keys.ONE, this::dist, READONLY);
    commands.add("geohash", -2, Keys.ONE, this::hash, READONLY);
  }

  /** {@code GEOADD key [NX|XX] [CH] longitude latitude member ...}, checked in Redis's order, then a ZADD. */
  private Result add(ClientState client, byte[][] args) {
    int at = 2;
    boolean nx = false;
    boolean xx = false;
    for (; at < args.length; at++) {
      String option = Arguments.lowerCase(args[at]);
      if (option.equals("nx")) {
        nx = true;
      } else if (option.equals("xx")) {
        xx = true;
      } else if (!option.equals("ch")) {
        break;
      }
    }
    if ((args.length - at) % 3 != 0 || nx && xx) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    int elements = (args.length - at) / 3;
    byte[][] zaddArgs = new byte[at + 2 * elements][];
    System.arraycopy(args, 0, zaddArgs, 0, at);
    for (int i = 0; i < elements; i++) {
      int triple = at + 3 * i;
      Double longitude = Scores.score(args[triple]);
      Double latitude = longitude == null ? null : Scores.score(args[triple + 1]);
      if (longitude == null || latitude == null) {
        return Scores.NOT_A_FLOAT;
      }
      if (!Geohashes.valid(longitude, latitude)) {
        return Result.error("invalid longitude,latitude pair " + Geohashes.cFixed6(longitude) + ','
            + Geohashes.cFixed6(latitude));
      }
      long cell = Geohashes.encode(longitude, latitude);
      zaddArgs[at + 2 * i] = Long.toString(cell).getBytes(StandardCharsets.US_ASCII);
      zaddArgs[at + 2 * i + 1] = args[triple + 2];
    }
    return zadd.add(client, zaddArgs, false);
  }

  /** The scores of {@code args[2..]} in the sorted set of {@code args[1]}, NaN for a member (or key) not there. */
  private double[] scores(SortedSets zsets, ClientState client, byte[][] args) {
    double[] none = new double[args.length - 2];
    java.util.Arrays.fill(none, Double.NaN);
    return zsets.read(client.key(args[1]), set -> {
      double[] found = new double[args.length - 2];
      for (int i = 2; i < args.length; i++) {
        found[i - 2] = set.score(args[i]);
      }
      return found;
    }, none);
  }

  /** {@code GEOPOS key member ...}: each member's position, or a null array. */
  private Result pos(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    double[] scores = scores(zsets, client, args);
    return access.measured(client, scores.length, i -> {
      if (Double.isNaN(scores[i])) {
        return new Result.NullArray();
      }
      double[] xy = Geohashes.decode(scores[i]);
      return new Result.Array(List.of(new Result.Double(xy[0], Geohashes.human(xy[0])),
          new Result.Double(xy[1], Geohashes.human(xy[1]))));
    });
  }

  /** {@code GEOHASH key member ...}: each member's standard 11-character geohash, or null. */
  private Result hash(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    double[] scores = scores(zsets, client, args);
    return access.measured(client, scores.length,
        i -> Double.isNaN(scores[i]) ? Result.NULL : Result.bulk(Geohashes.standard(scores[i])));
  }

  /** {@code GEODIST key member1 member2 [M|KM|FT|MI]}: the unit is checked before the key is read. */
  private Result dist(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    if (args.length > 5) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    double toMeters = args.length == 5 ? metersPer(Arguments.lowerCase(args[4])) : 1;
    if (toMeters < 0) {
      return UNIT;
    }
    double[] scores = scores(zsets, client, args.length == 5 ? java.util.Arrays.copyOf(args, 4) : args);
    if (Double.isNaN(scores[0]) || Double.isNaN(scores[1])) {
      return Result.NULL;
    }
    double[] from = Geohashes.decode(scores[0]);
    double[] to = Geohashes.decode(scores[1]);
    return Result.bulk(Geohashes.fixed4(Geohashes.distance(from[0], from[1], to[0], to[1]) / toMeters));
  }

  /** Metres per {@code unit}, -1 for a unit Redis does not know. */
  static double metersPer(String unit) {
    return switch (unit) {
      case "m" -> 1;
      case "km" -> 1000;
      case "ft" -> 0.3048;
      case "mi" -> 1609.34;
      default -> -1;
    };
  }
}
