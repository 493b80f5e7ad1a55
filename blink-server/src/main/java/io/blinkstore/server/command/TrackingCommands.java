package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code CLIENT TRACKING}, {@code CLIENT CACHING}, {@code CLIENT GETREDIR} and {@code CLIENT TRACKINGINFO}, with
 * Redis 7.0's argument checks, their order and its error texts ({@code clientCommand} in {@code networking.c}),
 * over {@link ClientTracking}.
 */
final class TrackingCommands {
  private static final String OVERLAP = "Prefixes for a single client must not overlap.";

  private final ClientTracking tracking;
  private final Map<Long, ClientState> clients;

  TrackingCommands(ClientTracking tracking, Map<Long, ClientState> clients) {
    this.tracking = tracking;
    this.clients = clients;
  }

  void register(CommandTable table) {
    table.add("client|tracking", -3, Keys.NONE, this::tracking, NOSCRIPT, LOADING, STALE);
    table.add("client|caching", 3, Keys.NONE, TrackingCommands::caching, NOSCRIPT, LOADING, STALE);
    table.add("client|getredir", 2, Keys.NONE, (client, args) -> {
      TrackingMode mode = client.tracking();
      return new Result.Int(mode == null ? -1 : mode.redirect);
    }, NOSCRIPT, LOADING, STALE);
    table.add("client|trackinginfo", 2, Keys.NONE, (client, args) -> info(client), NOSCRIPT, LOADING, STALE);
  }

  /** {@code CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP]}. */
  private Result tracking(ClientState client, byte[][] args) {
    long redirect = 0;
    boolean bcast = false;
    boolean optin = false;
    boolean optout = false;
    boolean noloop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int j = 3; j < args.length; j++) {
      boolean more = j < args.length - 1;
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("redirect") && more) {
        j++;
        if (redirect != 0) {
          return Result.error("A client can only redirect to a single other client");
        }
        Long id = Arguments.integer(args[j]);
        if (id == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        if (!clients.containsKey(id)) {
          return Result.error("The client ID you want redirect to does not exist");
        }
        redirect = id;
      } else if (option.equals("bcast")) {
        bcast = true;
      } else if (option.equals("optin")) {
        optin = true;
      } else if (option.equals("optout")) {
        optout = true;
      } else if (option.equals("noloop")) {
        noloop = true;
      } else if (option.equals("prefix") && more) {
        prefixes.add(args[++j]);
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    switch (Arguments.lowerCase(args[2])) {
      case "on" -> {
        Result refused = refusal(client.tracking(), bcast, optin, optout, prefixes);
        if (refused != null) {
          return refused;
        }
        tracking.enable(client, redirect, bcast, optin, optout, noloop, prefixes);
      }
      case "off" -> tracking.disable(client);
      default -> {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    return Result.OK;
  }

  /** Redis's checks of {@code CLIENT TRACKING ON}'s options against each other and the current mode, in its order. */
  private static @Nullable Result refusal(@Nullable TrackingMode current, boolean bcast, boolean optin,
      boolean optout, List<byte[]> prefixes) {
    if (!bcast && !prefixes.isEmpty()) {
      return Result.error("PREFIX option requires BCAST mode to be enabled");
    }
    if (current != null && current.bcast != bcast) {
      return Result.error("You can't switch BCAST mode on/off before disabling tracking for this client, and then"
          + " re-enabling it with a different mode.");
    }
    if (bcast && (optin || optout)) {
      return Result.error("OPTIN and OPTOUT are not compatible with BCAST");
    }
    if (optin && optout) {
      return Result.error("You can't specify both OPTIN mode and OPTOUT mode");
    }
    if (current != null && (optin && current.optout || optout && current.optin)) {
      return Result.error("You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then"
          + " re-enabling it with a different mode.");
    }
    return bcast ? overlap(current, prefixes) : null;
  }

  /**
   * Redis's {@code checkPrefixCollisionsOrReply}: a prefix that is a prefix of (or equal to) one the connection has,
   * or of another one given after it, is refused (two prefixes would send one key twice); the first given that
   * collides is named, with the first prefix it collides with (the connection's first, in byte order, as Redis finds
   * them). Redis compares each given prefix with every other, in time quadratic in their number; here sorting finds
   * the collisions, so 30,000 prefixes cost milliseconds.
   */
  private static @Nullable Result overlap(@Nullable TrackingMode current, List<byte[]> prefixes) {
    List<byte[]> existing = current == null ? List.of() : current.prefixes;
    int first = Integer.MAX_VALUE;
    byte[] collision = null;
    for (int i = 0; i < prefixes.size() && collision == null && !existing.isEmpty(); i++) {
      collision = firstOverlapping(existing, prefixes.get(i));
      first = i;
    }
    int provided = firstColliding(prefixes);
    if (collision != null && first <= provided) {
      return Result.error("Prefix '" + Arguments.text(prefixes.get(first)) + "' overlaps with an existing prefix '"
          + Arguments.text(collision) + "'. " + OVERLAP);
    }
    if (provided == Integer.MAX_VALUE) {
      return null;
    }
    byte[] prefix = prefixes.get(provided);
    for (int j = provided + 1; j < prefixes.size(); j++) {
      if (overlaps(prefix, prefixes.get(j))) {
        return Result.error("Prefix '" + Arguments.text(prefix) + "' overlaps with another provided prefix '"
            + Arguments.text(prefixes.get(j)) + "'. " + OVERLAP);
      }
    }
    throw new IllegalStateException("a colliding prefix collides with none after it");
  }

  /**
   * The first of {@code existing} (in byte order, as kept) that {@code prefix} overlaps, or {@code null}. The kept
   * prefixes overlap one another only through the empty prefix ({@code BCAST} without {@code PREFIX} adds it
   * unchecked, as in Redis), which overlaps every prefix; of the others, one may be a prefix of {@code prefix} (the
   * one just before it in byte order) or several may begin with it (those just after it, the first of them first).
   */
  private static byte @Nullable [] firstOverlapping(List<byte[]> existing, byte[] prefix) {
    if (existing.get(0).length == 0) {
      return existing.get(0);
    }
    int at = Collections.binarySearch(existing, prefix, Arrays::compareUnsigned);
    if (at >= 0) {
      return existing.get(at);
    }
    int after = -(at + 1);
    if (after > 0 && overlaps(existing.get(after - 1), prefix)) {
      return existing.get(after - 1);
    }
    return after < existing.size() && overlaps(prefix, existing.get(after)) ? existing.get(after) : null;
  }

  /**
   * The least index of a given prefix that overlaps another given one, or {@link Integer#MAX_VALUE}: the one Redis
   * names, since its partner, if before it, would collide too and be less. In byte order a prefix comes just before
   * the ones that begin with it, so a stack of the prefixes each of which begins the next finds every collision.
   */
  private static int firstColliding(List<byte[]> prefixes) {
    Integer[] order = new Integer[prefixes.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(prefixes.get(a), prefixes.get(b)));
    boolean[] colliding = new boolean[order.length];
    ArrayDeque<Integer> beginning = new ArrayDeque<>();
    for (int i : order) {
      while (!beginning.isEmpty() && !overlaps(prefixes.get(beginning.peek()), prefixes.get(i))) {
        beginning.pop();
      }
      if (!beginning.isEmpty()) {
        colliding[i] = true;
        colliding[beginning.peek()] = true;
      }
      beginning.push(i);
    }
    for (int i = 0; i < colliding.length; i++) {
      if (colliding[i]) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  private static boolean overlaps(byte[] a, byte[] b) {
    int length = Math.min(a.length, b.length);
    return Arrays.equals(a, 0, length, b, 0, length);
  }

  /** {@code CLIENT CACHING YES|NO}: for the next command only, in {@code OPTIN} ({@code YES}) or {@code OPTOUT} mode. */
  private static Result caching(ClientState client, byte[][] args) {
    TrackingMode mode = client.tracking();
    if (mode == null) {
      return Result.error("CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or"
          + " OPTOUT mode enabled");
    }
    switch (Arguments.lowerCase(args[2])) {
      case "yes" -> {
        if (!mode.optin) {
          return Result.error("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        }
      }
      case "no" -> {
        if (!mode.optout) {
          return Result.error("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        }
      }
      default -> {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    client.caching(true);
    return Result.OK;
  }

  /** {@code CLIENT TRACKINGINFO}: a map of {@code flags} (a set), {@code redirect} and {@code prefixes}. */
  private static Result info(ClientState client) {
    TrackingMode mode = client.tracking();
    List<Result> flags = new ArrayList<>();
    flags.add(Result.bulk(mode == null ? "off" : "on"));
    List<Result> prefixes = new ArrayList<>();
    if (mode != null) {
      if (mode.bcast) {
        flags.add(Result.bulk("bcast"));
      }
      if (mode.optin) {
        flags.add(Result.bulk("optin"));
        if (client.caching()) {
          flags.add(Result.bulk("caching-yes"));
        }
      }
      if (mode.optout) {
        flags.add(Result.bulk("optout"));
        if (client.caching()) {
          flags.add(Result.bulk("caching-no"));
        }
      }
      if (mode.noloop) {
        flags.add(Result.bulk("noloop"));
      }
      if (mode.brokenRedirect) {
        flags.add(Result.bulk("broken_redirect"));
      }
      mode.prefixes.forEach(prefix -> prefixes.add(new Result.Bulk(prefix)));
    }
    return new Result.Map(List.of(Result.bulk("flags"), new Result.Set(flags), Result.bulk("redirect"),
        new Result.Int(mode == null ? -1 : mode.redirect), Result.bulk("prefixes"), new Result.Array(prefixes)));
  }
}
