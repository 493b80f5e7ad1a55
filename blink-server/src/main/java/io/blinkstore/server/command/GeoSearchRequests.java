package io.blinkstore.server.command;

import io.blinkstore.internal.SortedSets.Members;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of Redis 7.0's geo searches, read as {@code georadiusGeneric} ({@code src/geo.c}) reads them, with
 * its errors and their order: the centre and size of {@code GEORADIUS}/{@code GEORADIUSBYMEMBER} first, then the
 * options left to right (a bad value answers at once), then the checks across options. With the key holding
 * nothing, a centre member is not looked up (nor, for {@code GEORADIUSBYMEMBER}, its radius read), as in Redis.
 */
final class GeoSearchRequests {
  private static final Result.Error NO_MEMBER = Result.error("could not decode requested zset member");
  private static final Result.Error ANY_WITHOUT_COUNT = Result.error("the ANY argument requires COUNT argument");
  private static final Result.Error UNIT = Result.error("unsupported unit provided. please use M, KM, FT, MI");

  private GeoSearchRequests() {}

  /**
   * A parsed request.
   *
   * @param shape the area searched, or {@code null} when the key holds nothing (no centre was looked up)
   * @param storeKey the destination of a store, or {@code null} for a reply
   */
  record Parsed(@Nullable GeoShape shape, boolean withDist, boolean withHash, boolean withCoord,
      GeoMatches.Order order, long count, boolean any, byte @Nullable [] storeKey, boolean storeDist) {}

  /** A shape being read: the centre and the size, each once given. */
  private static final class Shape {
    double longitude;
    double latitude;
    boolean box;
    double radius;
    double width;
    double height;
    double conversion;
  }

  /**
   * The request of {@code args} on {@code set} ({@code null}: none), or the error to answer.
   *
   * @param coords {@code GEORADIUS}: the centre and radius follow the key
   * @param member {@code GEORADIUSBYMEMBER}: a member and the radius follow the key
   * @param canStore whether {@code STORE}/{@code STOREDIST key} are options
   * @param searchStore {@code GEOSEARCHSTORE}: the destination precedes the key, {@code STOREDIST} is a flag
   */
  static Object parse(@Nullable Members set, byte[][] args, boolean coords, boolean member, boolean canStore,
      boolean searchStore) {
    boolean search = !coords && !member;
    Shape shape = new Shape();
    int base;
    byte[] storeKey = null;
    if (coords) {
      base = 6;
      Result.Error error = centre(args, 2, shape);
      if (error == null) {
        error = distance(args, 4, shape);
      }
      if (error != null) {
        return error;
      }
    } else if (member) {
      base = 5;
      if (set != null) {
        if (!centreOf(set, args[2], shape)) {
          return NO_MEMBER;
        }
        Result.Error error = distance(args, 3, shape);
        if (error != null) {
          return error;
        }
      }
    } else {
      base = searchStore ? 3 : 2;
      storeKey = searchStore ? args[1] : null;
    }
    boolean withDist = false;
    boolean withHash = false;
    boolean withCoord = false;
    boolean fromMember = false;
    boolean fromLonLat = false;
    boolean byRadius = false;
    boolean byBox = false;
    boolean any = false;
    boolean storeDist = false;
    GeoMatches.Order order = GeoMatches.Order.NONE;
    long count = 0;
    int remaining = args.length - base;
    for (int i = 0; i < remaining; i++) {
      int at = base + i;
      String option = Arguments.lowerCase(args[at]);
      if (option.equals("withdist")) {
        withDist = true;
      } else if (option.equals("withhash")) {
        withHash = true;
      } else if (option.equals("withcoord")) {
        withCoord = true;
      } else if (option.equals("any")) {
        any = true;
      } else if (option.equals("asc")) {
        order = GeoMatches.Order.ASC;
      } else if (option.equals("desc")) {
        order = GeoMatches.Order.DESC;
      } else if (option.equals("count") && i + 1 < remaining) {
        Long value = Arguments.integer(args[at + 1]);
        if (value == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        if (value <= 0) {
          return Result.error("COUNT must be > 0");
        }
        count = value;
        i++;
      } else if ((option.equals("store") || option.equals("storedist")) && i + 1 < remaining && canStore) {
        storeKey = args[at + 1];
        storeDist = option.equals("storedist");
        i++;
      } else if (option.equals("storedist") && searchStore) {
        storeDist = true;
      } else if (option.equals("frommember") && i + 1 < remaining && search && !fromLonLat) {
        if (set != null && !centreOf(set, args[at + 1], shape)) {
          return NO_MEMBER;
        }
        fromMember = true;
        i++;
      } else if (option.equals("fromlonlat") && i + 2 < remaining && search && !fromMember) {
        Result.Error error = centre(args, at + 1, shape);
        if (error != null) {
          return error;
        }
        fromLonLat = true;
        i += 2;
      } else if (option.equals("byradius") && i + 2 < remaining && search && !byBox) {
        Result.Error error = distance(args, at + 1, shape);
        if (error != null) {
          return error;
        }
        shape.box = false;
        byRadius = true;
        i += 2;
      } else if (option.equals("bybox") && i + 3 < remaining && search && !byRadius) {
        Result.Error error = box(args, at + 1, shape);
        if (error != null) {
          return error;
        }
        shape.box = true;
        byBox = true;
        i += 3;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    if (storeKey != null && (withDist || withHash || withCoord)) {
      return Result.error((searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
          + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    }
    if (search && !(fromMember || fromLonLat)) {
      return Result.error("exactly one of FROMMEMBER or FROMLONLAT can be specified for " + Arguments.text(args[0]));
    }
    if (search && !(byRadius || byBox)) {
      return Result.error("exactly one of BYRADIUS and BYBOX can be specified for " + Arguments.text(args[0]));
    }
    if (any && count == 0) {
      return ANY_WITHOUT_COUNT;
    }
    GeoShape area = set == null ? null : new GeoShape(shape.longitude, shape.latitude, shape.box, shape.radius,
        shape.width, shape.height, shape.conversion);
    return new Parsed(area, withDist, withHash, withCoord, order, count, any, storeKey, storeDist);
  }

  /** Reads a longitude and latitude at {@code at}, as {@code GEOADD} checks them. */
  private static Result.@Nullable Error centre(byte[][] args, int at, Shape shape) {
    Double longitude = Scores.score(args[at]);
    Double latitude = longitude == null ? null : Scores.score(args[at + 1]);
    if (longitude == null || latitude == null) {
      return Scores.NOT_A_FLOAT;
    }
    if (!Geohashes.valid(longitude, latitude)) {
      return Result.error("invalid longitude,latitude pair " + Geohashes.cFixed6(longitude) + ','
          + Geohashes.cFixed6(latitude));
    }
    shape.longitude = longitude;
    shape.latitude = latitude;
    return null;
  }

  /** The position of {@code member} as the centre; false if the set has no such member. */
  private static boolean centreOf(Members set, byte[] member, Shape shape) {
    double score = set.score(member);
    if (Double.isNaN(score)) {
      return false;
    }
    double[] xy = Geohashes.decode(score);
    shape.longitude = xy[0];
    shape.latitude = xy[1];
    return true;
  }

  /** Reads {@code radius unit} at {@code at}. */
  private static Result.@Nullable Error distance(byte[][] args, int at, Shape shape) {
    Double radius = Scores.score(args[at]);
    if (radius == null) {
      return Result.error("need numeric radius");
    }
    if (radius < 0) {
      return Result.error("radius cannot be negative");
    }
    shape.radius = radius;
    return unit(args[at + 1], shape);
  }

  /** Reads {@code width height unit} at {@code at}. */
  private static Result.@Nullable Error box(byte[][] args, int at, Shape shape) {
    Double width = Scores.score(args[at]);
    if (width == null) {
      return Result.error("need numeric width");
    }
    Double height = Scores.score(args[at + 1]);
    if (height == null) {
      return Result.error("need numeric height");
    }
    if (height < 0 || width < 0) {
      return Result.error("height or width cannot be negative");
    }
    shape.width = width;
    shape.height = height;
    return unit(args[at + 2], shape);
  }

  private static Result.@Nullable Error unit(byte[] arg, Shape shape) {
    double toMeters = RespGeoCommands.metersPer(Arguments.lowerCase(arg));
    if (toMeters < 0) {
      return UNIT;
    }
    shape.conversion = toMeters;
    return null;
  }
}
