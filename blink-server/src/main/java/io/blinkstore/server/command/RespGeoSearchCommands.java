package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.SortedSets.Members;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.GeoMatches.Point;
import io.blinkstore.server.command.GeoSearchRequests.Parsed;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's geo searches ({@code georadiusGeneric} in {@code src/geo.c}): {@code GEOSEARCH},
 * {@code GEOSEARCHSTORE}, {@code GEORADIUS}, {@code GEORADIUSBYMEMBER} and their {@code _RO} forms. The key's type
 * is checked first, then the arguments in Redis's order, each error as Redis words it; the search reads the cells
 * {@link GeoAreas} chooses and {@link GeoMatches} orders the matches. A reply is refused past the output cap; a
 * store replaces its destination as {@code ZRANGESTORE} does (the dispatcher runs it with the gate held exclusive).
 */
final class RespGeoSearchCommands {
  /** What {@code zsets.read} answers for a key that holds nothing, so the search runs without a set. */
  private static final Object MISSING = new Object();

  /** The command's kind: where the centre and the size come from, and whether it may store. */
  private enum Kind { RADIUS, RADIUS_RO, MEMBER, MEMBER_RO, SEARCH, SEARCH_STORE }

  private final ZsetAccess access;

  RespGeoSearchCommands(ZsetAccess access) {
    this.access = access;
  }

  void register(CommandTable commands) {
    commands.add("georadius", -6, Keys.ONE, (c, a) -> search(c, a, Kind.RADIUS), WRITE, DENYOOM, MOVABLEKEYS);
    commands.add("georadius_ro", -6, Keys.ONE, (c, a) -> search(c, a, Kind.RADIUS_RO), READONLY);
    commands.add("georadiusbymember", -5, Keys.ONE, (c, a) -> search(c, a, Kind.MEMBER), WRITE, DENYOOM,
        MOVABLEKEYS);
    commands.add("georadiusbymember_ro", -5, Keys.ONE, (c, a) -> search(c, a, Kind.MEMBER_RO), READONLY);
    commands.add("geosearch", -7, Keys.ONE, (c, a) -> search(c, a, Kind.SEARCH), READONLY);
    commands.add("geosearchstore", -8, new Keys(1, 2, 1), (c, a) -> search(c, a, Kind.SEARCH_STORE), WRITE,
        DENYOOM);
  }

  /** Whether a {@code GEORADIUS} or {@code GEORADIUSBYMEMBER} line may store (a {@code STORE} word after its base). */
  static boolean mayStore(byte[][] args) {
    for (int i = 5; i < args.length; i++) {
      String word = Arguments.lowerCase(args[i]);
      if (word.equals("store") || word.equals("storedist")) {
        return true;
      }
    }
    return false;
  }

  private Result search(ClientState client, byte[][] args, Kind kind) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    int keyAt = kind == Kind.SEARCH_STORE ? 2 : 1;
    long cap = access.maxReplyBytes();
    Object outcome;
    try {
      outcome = zsets.read(client.key(args[keyAt]), set -> run(set, args, kind, cap), MISSING);
      if (outcome == MISSING) {
        outcome = run(null, args, kind, cap);
      }
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
    if (outcome instanceof Result result) {
      return result;
    }
    Found found = (Found) outcome;
    Parsed request = found.request();
    byte[] storeKey = request.storeKey();
    if (storeKey == null) {
      return reply(found.points(), request);
    }
    List<byte[]> members = new ArrayList<>(found.points().size());
    double[] scores = new double[found.points().size()];
    for (Point point : found.points()) {
      scores[members.size()] = request.storeDist() ? point.distance() / point.conversion() : point.score();
      members.add(point.member());
    }
    return new Result.Int(access.replace(zsets, client, storeKey, members, scores, members.size(),
        kind == Kind.SEARCH_STORE ? "geosearchstore" : "georadiusstore"));
  }

  /** What a search found, for the request. */
  private record Found(Parsed request, List<Point> points) {}

  /**
   * Parses and runs the request on {@code set} ({@code null}: the key holds nothing): an error, an empty reply, or
   * what was {@link Found} to be stored or answered.
   */
  private static Object run(@Nullable Members set, byte[][] args, Kind kind, long cap) {
    Object parsed = GeoSearchRequests.parse(set, args, kind == Kind.RADIUS || kind == Kind.RADIUS_RO,
        kind == Kind.MEMBER || kind == Kind.MEMBER_RO, kind == Kind.RADIUS || kind == Kind.MEMBER,
        kind == Kind.SEARCH_STORE);
    if (!(parsed instanceof Parsed request)) {
      return parsed;
    }
    GeoShape shape = request.shape();
    if (set == null || shape == null) {
      return request.storeKey() != null ? new Found(request, List.of()) : Result.EMPTY_ARRAY;
    }
    GeoMatches.Order order = request.order();
    if (request.count() != 0 && order == GeoMatches.Order.NONE && !request.any()) {
      order = GeoMatches.Order.ASC;
    }
    long limit = request.storeKey() != null ? Long.MAX_VALUE : cap;
    return new Found(request, List.copyOf(GeoMatches.find(set, shape, order, request.count(), request.any(), limit)));
  }

  /**
   * The reply: each member alone, or, with options, an array of the member, its distance in the unit (a bulk string
   * of four decimals), its score (an integer) and its coordinates (as {@code GEOPOS} writes them), in that order.
   */
  private static Result reply(List<Point> points, Parsed request) {
    boolean options = request.withDist() || request.withHash() || request.withCoord();
    List<Result> reply = new ArrayList<>(points.size());
    for (Point point : points) {
      Result member = new Result.Bulk(point.member());
      if (!options) {
        reply.add(member);
        continue;
      }
      List<Result> item = new ArrayList<>(4);
      item.add(member);
      if (request.withDist()) {
        item.add(Result.bulk(Geohashes.fixed4(point.distance() / point.conversion())));
      }
      if (request.withHash()) {
        item.add(new Result.Int((long) point.score()));
      }
      if (request.withCoord()) {
        item.add(new Result.Array(List.of(new Result.Double(point.longitude(), Geohashes.human(point.longitude())),
            new Result.Double(point.latitude(), Geohashes.human(point.latitude())))));
      }
      reply.add(new Result.Array(item));
    }
    return new Result.Array(reply);
  }
}
