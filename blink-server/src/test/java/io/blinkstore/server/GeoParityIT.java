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
 * from a script, and scripts' conversion of the replies. Skipped where {@code redis-server} is not installed.
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

  private void assertRepliesMatchRedis(List<List<String>> requests) throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }
}
