package io.blinkstore.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis 7.0's {@code GEOADD}, {@code GEOPOS}, {@code GEODIST} and {@code GEOHASH}, sent to our server and to a real
 * {@code redis-server} (started here on a Unix socket), get byte-for-byte the same replies in RESP2 and RESP3: the
 * scores {@code GEOADD} stores (read back by {@code ZSCORE} and {@code ZRANGE}), the coordinates of each cell's
 * centre, distances in every unit, standard geohashes, the edges of the valid ranges, positions read from scores
 * {@code ZADD} wrote, every error in Redis's order, {@code WRONGTYPE} both ways, {@code GEOADD} in {@code MULTI} and
 * from a script, and scripts' conversion of the replies. The searches ({@code GEOSEARCH}, {@code GEOSEARCHSTORE},
 * {@code GEORADIUS}, {@code GEORADIUSBYMEMBER} and their {@code _RO} forms, 304 requests): 300 pseudo-random places
 * searched around eleven centres (poles, the antimeridian, latitudes where the step changes) at radii from 0 to past
 * half the earth, boxes, centres on longitude 180 exactly (where Redis misses the cells east of it), every option
 * and unit, ties, {@code COUNT} with and without {@code ANY}, stores and what they leave (any type replaced, nothing
 * found deletes), every error in Redis's order, {@code WRONGTYPE} before any argument, {@code WATCH}, {@code MULTI},
 * scripts, and {@code COMMAND INFO}/{@code GETKEYS}/{@code DOCS}.
 * Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class GeoParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
      List.of("ZRANGE", "Sicily", "0", "-1", "WITHSCORES"),
      List.of("ZSCORE", "Sicily", "Palermo"),
      List.of("GEOPOS", "Sicily", "Palermo", "Catania", "NonExisting"),
      List.of("GEOPOS", "Sicily"),
      List.of("GEOPOS", "missing", "Palermo"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "km"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "MI"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "ft"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "M"),
      List.of("GEODIST", "Sicily", "Palermo", "Palermo"),
      List.of("GEODIST", "Sicily", "Palermo", "Foo"),
      List.of("GEODIST", "missing", "Palermo", "Catania"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "yards"),
      List.of("GEODIST", "missing", "Palermo", "Catania", "yards"),
      List.of("GEODIST", "Sicily", "Palermo", "Catania", "km", "extra"),
      List.of("GEODIST", "Sicily", "Palermo"),
      List.of("GEOHASH", "Sicily", "Palermo", "Catania", "NonExisting"),
      List.of("GEOHASH", "missing", "Palermo"),
      List.of("GEOHASH", "Sicily"),
      List.of("GEOADD", "edges", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "origin",
          "-0", "-0", "negzero", "179.99999999", "-85", "e", "-0.00001", "0.00001", "tiny", "0x1p-3", "1e1", "hex"),
      List.of("ZRANGE", "edges", "0", "-1", "WITHSCORES"),
      List.of("GEOPOS", "edges", "ne", "sw", "origin", "negzero", "e", "tiny", "hex"),
      List.of("GEOHASH", "edges", "ne", "sw", "origin", "negzero", "e", "tiny", "hex"),
      List.of("GEODIST", "edges", "ne", "sw", "km"),
      List.of("GEODIST", "edges", "origin", "tiny"),
      List.of("GEODIST", "edges", "ne", "e", "mi"),
      List.of("GEOADD", "Sicily", "NX", "13", "38", "Palermo", "13", "38", "Agrigento"),
      List.of("GEOADD", "Sicily", "XX", "13", "38", "Palermo", "13", "37", "Trapani"),
      List.of("GEOADD", "Sicily", "XX", "CH", "13.5", "38", "Palermo", "13", "37", "Trapani"),
      List.of("GEOADD", "Sicily", "ch", "nx", "14", "38", "Palermo", "14", "37", "Ragusa"),
      List.of("GEOADD", "Sicily", "CH", "14", "37", "Ragusa"),
      List.of("GEOPOS", "Sicily", "Palermo", "Agrigento", "Trapani", "Ragusa"),
      List.of("GEOADD", "Sicily", "NX", "XX", "13", "38", "x"),
      List.of("GEOADD", "Sicily", "nx", "xx", "ch"),
      List.of("GEOADD", "Sicily", "ch", "ch", "ch"),
      List.of("GEOADD", "Sicily", "13", "38", "x", "14"),
      List.of("GEOADD", "Sicily", "XX", "13", "38"),
      List.of("GEOADD", "Sicily", "200", "100", "x"),
      List.of("GEOADD", "Sicily", "13", "38", "ok", "-180.0000001", "10", "x"),
      List.of("GEOADD", "Sicily", "13", "85.05112879", "x"),
      List.of("GEOADD", "Sicily", "-0.0000001", "-86", "x"),
      List.of("GEOADD", "Sicily", "inf", "10", "x"),
      List.of("GEOADD", "Sicily", "10", "-inf", "x"),
      List.of("GEOADD", "Sicily", "13.5", "38.25", "x", "1e400", "10", "y"),
      List.of("GEOADD", "Sicily", "abc", "10", "x"),
      List.of("GEOADD", "Sicily", "10", "nan", "x"),
      List.of("GEOADD", "Sicily", " 10", "10", "x"),
      List.of("GEOADD", "Sicily", "10", "", "x"),
      List.of("GEOADD", "Sicily", "500", "abc", "x"),
      List.of("EXISTS", "ok", "x"),
      List.of("ZCARD", "Sicily"),
      List.of("SET", "str", "v"),
      List.of("GEOADD", "str", "13", "38", "x"),
      List.of("GEOADD", "str", "200", "38", "x"),
      List.of("GEOPOS", "str", "x"),
      List.of("GEOPOS", "str"),
      List.of("GEOHASH", "str", "x"),
      List.of("GEODIST", "str", "x", "y"),
      List.of("GEODIST", "str", "x", "y", "parsecs"),
      List.of("GET", "Sicily"),
      List.of("TYPE", "Sicily"),
      List.of("ZADD", "scores", "0", "zero", "1", "one", "-1", "negative", "4503599627370495", "top",
          "4503599627370496", "past", "1e19", "huge", "3.7", "fraction"),
      List.of("GEOPOS", "scores", "zero", "one", "negative", "top", "past", "huge", "fraction"),
      List.of("GEOHASH", "scores", "zero", "one", "top", "past", "fraction"),
      List.of("GEODIST", "scores", "zero", "top"),
      List.of("GEOADD"),
      List.of("GEOADD", "k", "1", "2"),
      List.of("GEOPOS"),
      List.of("GEOHASH"),
      List.of("GEODIST", "k", "a"),
      List.of("MULTI"),
      List.of("GEOADD", "tx", "13", "38", "a", "14", "37", "b"),
      List.of("GEOADD", "tx", "300", "38", "c"),
      List.of("GEOADD", "tx", "13"),
      List.of("GEODIST", "tx", "a", "b"),
      List.of("EXEC"),
      List.of("MULTI"),
      List.of("GEOADD", "tx", "13", "38", "a", "14", "37", "b"),
      List.of("GEOPOS", "tx", "a"),
      List.of("EXEC"),
      List.of("EVAL", "return redis.call('geoadd', KEYS[1], 13.361389, 38.115556, 'p', 15.087269, 37.502669, 'c')",
          "1", "lua"),
      List.of("EVAL", "return redis.call('geopos', KEYS[1], 'p', 'x')", "1", "lua"),
      List.of("EVAL", "return redis.call('geodist', KEYS[1], 'p', 'c', 'km')", "1", "lua"),
      List.of("EVAL", "return redis.call('geohash', KEYS[1], 'p', 'x')", "1", "lua"),
      List.of("EVAL", "return redis.pcall('geoadd', KEYS[1], 500, 0, 'bad')", "1", "lua"),
      List.of("EVAL", "return redis.call('zscore', KEYS[1], 'c')", "1", "lua"),
      List.of("EVAL", "redis.setresp(3) return redis.call('geopos', KEYS[1], 'p', 'x')", "1", "lua"),
      List.of("EVAL", "redis.setresp(3) return tostring(redis.call('geopos', KEYS[1], 'p')[1][2].double * 2)",
          "1", "lua"),
      List.of("EVAL", "redis.setresp(3) return redis.call('geodist', KEYS[1], 'p', 'c')", "1", "lua"));

  /** The searches: every command, every option, each error in Redis's order, the edges of the globe. */
  private static final List<List<String>> SEARCHES = searches();

  private static List<List<String>> searches() {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
        "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2", "14.015482", "37.311741", "Caltanissetta",
        "13.583333", "37.316667", "Agrigento"));
    requests.add(List.of("GEOADD", "world", "0", "85", "n1", "90", "85.05", "n2", "-179.99", "85", "n3", "179.99",
        "-85", "s1", "0", "-85.05112878", "s2", "179.9", "0", "am1", "-179.9", "0", "am2", "180", "10", "am3",
        "-180", "-10", "am4", "0", "0", "origin", "10", "10", "tieB", "10", "10", "tieA", "10", "10", "tieC",
        "-73.9857", "40.7484", "nyc", "151.2093", "-33.8688", "sydney", "139.6917", "35.6895", "tokyo"));
    requests.add(List.of("ZADD", "world", "3.7", "fraction", "0", "zero"));
    // Pseudo-random places (a fixed linear congruential sequence), for the cells and the sorting
    List<String> many = new ArrayList<>(List.of("GEOADD", "many"));
    long state = 42;
    for (int i = 0; i < 300; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      double longitude = -180 + 360 * ((state >>> 11) / (double) (1L << 53));
      state = state * 6364136223846793005L + 1442695040888963407L;
      double latitude = -85 + 170 * ((state >>> 11) / (double) (1L << 53));
      many.addAll(List.of(String.format("%.6f", longitude), String.format("%.6f", latitude), "m" + i));
    }
    requests.add(many);
    String[][] centres = {{"15", "37"}, {"0", "0"}, {"179.95", "0.5"}, {"-179.95", "-0.5"}, {"0", "84.9"},
        {"-120", "-84.5"}, {"45", "66.5"}, {"-60", "-80.5"}, {"180", "85.05112878"}, {"-180", "-85.05112878"},
        {"180", "0"}};
    String[] radii = {"0", "1", "50", "200", "1000", "5000", "12000", "20000", "25000"};
    for (String[] centre : centres) {
      for (String radius : radii) {
        requests.add(List.of("GEORADIUS", "many", centre[0], centre[1], radius, "km", "WITHDIST", "ASC"));
      }
      requests.add(List.of("GEOSEARCH", "many", "FROMLONLAT", centre[0], centre[1], "BYBOX", "3000", "800", "km",
          "WITHDIST", "WITHCOORD", "DESC"));
      requests.add(List.of("GEOSEARCH", "world", "FROMLONLAT", centre[0], centre[1], "BYRADIUS", "3000", "km",
          "WITHDIST", "WITHHASH", "WITHCOORD"));
      requests.add(List.of("GEOSEARCH", "many", "FROMLONLAT", centre[0], centre[1], "BYRADIUS", "4000", "km",
          "COUNT", "5"));
    }
    String[][] lines = {
        {"GEORADIUS", "Sicily", "15", "37", "200", "km"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "withhash", "withcoord", "withdist", "asc"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "KM", "DESC", "COUNT", "2"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "Km", "COUNT", "2", "ANY"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2", "ANY", "DESC"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "100"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "9223372036854775807", "ASC", "DESC"},
        {"GEORADIUS", "Sicily", "15", "37", "200000", "m", "WITHDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "656168", "ft", "WITHDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "124.27", "mi", "WITHDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "inf", "km", "WITHDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "0", "m", "WITHDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "1e-300", "m"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST", "ASC"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "0", "km", "WITHDIST", "WITHCOORD"},
        {"GEORADIUSBYMEMBER", "Sicily", "Agrigento", "100", "km", "COUNT", "1"},
        {"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC"},
        {"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "DESC", "WITHHASH"},
        {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "ASC", "WITHDIST"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "0", "0", "km"},
        {"GEOSEARCH", "Sicily", "BYBOX", "200", "100", "mi", "FROMLONLAT", "14", "37.5", "DESC"},
        {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMMEMBER", "Catania", "BYRADIUS", "1", "m",
            "BYRADIUS", "90", "km"},
        {"geosearch", "world", "frommember", "tieB", "byradius", "10", "km", "withdist"},
        {"GEOSEARCH", "world", "FROMMEMBER", "tieB", "BYRADIUS", "100", "km", "ASC"},
        {"GEOSEARCH", "world", "FROMMEMBER", "tieB", "BYRADIUS", "100", "km", "DESC"},
        {"GEOSEARCH", "world", "FROMMEMBER", "fraction", "BYRADIUS", "1", "km", "WITHHASH", "WITHCOORD"},
        {"GEOSEARCH", "world", "FROMLONLAT", "0", "0", "BYBOX", "inf", "inf", "km"},
        {"GEOSEARCH", "world", "FROMLONLAT", "0", "0", "BYRADIUS", "20037", "km", "ASC", "WITHDIST"},
        {"GEORADIUS", "world", "179.99", "-85", "500", "km", "WITHDIST", "WITHCOORD"},
        {"GEORADIUS", "world", "-179.99", "85", "500", "km", "WITHDIST", "WITHCOORD"},
        // Longitude 180 exactly: Redis reads no cell of the grid's first column (CI's GeoSearchProperties case)
        {"GEOADD", "rim", "176.6602", "-1.7874", "p10", "172.2868", "31.13", "p15", "-154.2606", "-21.2212", "p18",
            "-179.9", "50", "north", "-179.99", "-0.1", "east", "0.5", "0.5", "mid"},
        {"GEOSEARCH", "rim", "FROMLONLAT", "180", "0", "BYRADIUS", "3658.44047201", "km", "ASC", "WITHDIST"},
        {"GEOSEARCH", "rim", "FROMLONLAT", "-180", "0", "BYRADIUS", "3658.44047201", "km", "ASC", "WITHDIST"},
        {"GEORADIUS", "rim", "180.0", "0", "10", "km", "WITHDIST"},
        {"GEORADIUS", "rim", "-180.0", "0", "10", "km", "WITHDIST"},
        {"GEOSEARCH", "rim", "FROMLONLAT", "180", "60", "BYBOX", "8000", "8000", "km", "ASC", "WITHCOORD"},
        {"GEORADIUS", "rim", "180", "-60", "20000", "km", "ASC", "WITHHASH"},
        {"GEORADIUS", "rim", "179.99999999", "0", "20000", "km", "ASC"},
        {"GEOSEARCH", "rim", "FROMLONLAT", "180", "0", "BYRADIUS", "4000", "km", "COUNT", "2", "ANY"},
        // Errors, in Redis's order
        {"GEORADIUS", "Sicily", "200", "37", "-1", "parsecs"},
        {"GEORADIUS", "Sicily", "x", "37", "-1", "parsecs"},
        {"GEORADIUS", "Sicily", "15", "37", "x", "parsecs"},
        {"GEORADIUS", "Sicily", "15", "37", "-1", "parsecs"},
        {"GEORADIUS", "Sicily", "15", "37", "nan", "km"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "parsecs", "bad"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "bad", "COUNT", "0"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0", "bad"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "-1"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "1.5"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "9223372036854775808"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY", "WITHDIST", "STORE", "x"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STOREDIST"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "FROMMEMBER", "Palermo"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "BYRADIUS", "1", "km"},
        {"GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "x"},
        {"GEORADIUSBYMEMBER", "Sicily", "nobody", "-1", "parsecs"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "-1", "parsecs"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "1", "parsecs"},
        {"GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "1", "km", "STOREDIST", "x"},
        {"GEORADIUSBYMEMBER", "missing", "nobody", "-1", "parsecs"},
        {"GEORADIUSBYMEMBER", "missing", "nobody", "-1", "parsecs", "bad"},
        {"GEORADIUSBYMEMBER", "missing", "nobody", "1", "km", "ANY"},
        {"GEOSEARCH", "Sicily", "FROMMEMBER", "nobody", "BYRADIUS", "-1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"},
        {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "-1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "-1", "parsecs"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "parsecs"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "BYRADIUS", "1", "km"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "99", "BYRADIUS", "1", "km"},
        {"GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "WITHDIST"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "WITHDIST"},
        {"GeoSearch", "Sicily", "FROMLONLAT", "15", "37", "ANY", "COUNT", "1"},
        {"geoSEARCH", "Sicily", "FROMLONLAT", "15", "37", "ANY"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST"},
        {"GEOSEARCH", "missing", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km", "WITHDIST"},
        {"GEOSEARCH", "missing", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "0"},
        {"GEOSEARCH", "missing", "BYRADIUS", "1", "km"},
        {"GEORADIUS", "missing", "15", "37", "1", "km"},
        {"GEORADIUS_RO", "missing", "15", "37", "-1", "km"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHDIST"},
        {"geosearchstore", "dst", "Sicily", "FROMLONLAT", "15", "37", "WITHCOORD"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT"},
        {"GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "x", "WITHHASH"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "1", "km", "WITHCOORD", "STOREDIST", "x"},
        {"GEORADIUS", "Sicily", "15", "37", "1"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "1"},
        {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1"},
        // Stores: the destination replaced (any type), deleted when nothing is found, a missing source included
        {"SET", "dst", "a string"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
        {"TYPE", "dst"},
        {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST", "COUNT",
            "3", "DESC"},
        {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
        {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "300", "300", "mi", "STOREDIST"},
        {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst2"},
        {"ZRANGE", "dst2", "0", "-1", "WITHSCORES"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst2", "ASC", "COUNT", "2"},
        {"ZRANGE", "dst2", "0", "-1", "WITHSCORES"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "a", "STOREDIST", "b"},
        {"EXISTS", "a", "b"},
        {"ZRANGE", "b", "0", "-1", "WITHSCORES"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "mi", "STOREDIST", "dst3"},
        {"ZRANGE", "dst3", "0", "-1", "WITHSCORES"},
        {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "mi", "STORE", "dst3", "COUNT", "1", "ANY"},
        {"ZRANGE", "dst3", "0", "-1", "WITHSCORES"},
        {"GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
        {"EXISTS", "dst3"},
        {"GEORADIUS", "missing", "15", "37", "200", "km", "STORE", "dst2"},
        {"EXISTS", "dst2"},
        {"GEOSEARCHSTORE", "dst", "missing", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km"},
        {"EXISTS", "dst"},
        {"GEOSEARCHSTORE", "Sicily2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km"},
        {"GEOSEARCHSTORE", "Sicily2", "Sicily2", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km"},
        {"GEOPOS", "Sicily2", "Palermo", "Catania"},
        // Wrong types: the key's type is checked before any argument
        {"SET", "str", "v"},
        {"GEORADIUS", "str", "500", "37", "-1", "parsecs"},
        {"GEORADIUS_RO", "str", "15", "37", "1", "km"},
        {"GEORADIUSBYMEMBER", "str", "x", "-1", "km"},
        {"GEORADIUSBYMEMBER_RO", "str", "x", "1", "km"},
        {"GEOSEARCH", "str", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "bad"},
        {"GEOSEARCHSTORE", "dst", "str", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"},
        {"GEOSEARCHSTORE", "str", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"},
        {"GET", "str"},
        {"GEORADIUS", "str", "15", "37", "1", "km", "STORE", "dst"},
        {"RPUSH", "list", "a"},
        {"GEOSEARCH", "list", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"},
        // Transactions, WATCH, scripts
        {"WATCH", "watched"},
        {"GEOSEARCHSTORE", "watched", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
        {"MULTI"},
        {"PING"},
        {"EXEC"},
        {"WATCH", "watched"},
        {"GEOSEARCHSTORE", "watched", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
        {"MULTI"},
        {"PING"},
        {"EXEC"},
        {"MULTI"},
        {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "tx"},
        {"GEOSEARCH", "tx", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km", "WITHDIST"},
        {"GEOSEARCH", "tx", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"},
        {"EXEC"},
        {"EVAL", "return redis.call('geosearch', KEYS[1], 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC',"
            + " 'WITHDIST', 'WITHCOORD', 'WITHHASH')", "1", "Sicily"},
        {"EVAL", "redis.setresp(3) return redis.call('georadius_ro', KEYS[1], 15, 37, 200, 'km', 'ASC',"
            + " 'WITHCOORD')", "1", "Sicily"},
        {"EVAL", "return redis.pcall('georadius', KEYS[1], 15, 37, 200, 'km', 'STORE', 'lua')", "1", "Sicily"},
        {"EVAL", "return redis.pcall('geosearch', KEYS[1], 'FROMLONLAT', 15, 37)", "1", "Sicily"},
        // Introspection: movable keys, key specifications, GETKEYS
        {"COMMAND", "INFO", "georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch",
            "geosearchstore"},
        {"COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "STORE", "a", "STOREDIST", "b"},
        {"COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "COUNT", "5"},
        {"COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "store"},
        {"COMMAND", "GETKEYSANDFLAGS", "GEORADIUSBYMEMBER", "k", "m", "1", "km", "storedist", "d"},
        {"COMMAND", "GETKEYSANDFLAGS", "GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
        {"COMMAND", "GETKEYS", "GEOSEARCH", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
        {"COMMAND", "DOCS", "geosearch", "georadius"},
    };
    for (String[] line : lines) {
      requests.add(List.of(line));
    }
    return requests;
  }

  @TempDir Path dir;
  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void geoCommandsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(REQUESTS);
  }

  @Test
  void geoCommandsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    assertRepliesMatchRedis(requests);
  }

  @Test
  void geoSearchesAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(SEARCHES);
  }

  @Test
  void geoSearchesInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(SEARCHES);
    assertRepliesMatchRedis(requests);
  }

  private void assertRepliesMatchRedis(List<List<String>> requests) throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }
}
