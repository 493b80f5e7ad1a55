package io.blinkstore.server.command;

import java.util.Locale;

/**
 * The server's figures: those at the end of a text {@code STATS} line, {@code uptime_seconds=… connections=…
 * total_connections=… commands=… hit_ratio=…} (the hit ratio is hits / (hits + misses), 0 before any lookup),
 * and {@code evicted_clients=…} at its very end; {@code clientBytes}, what client connections hold together,
 * is in RESP {@code INFO} and the metrics only, as {@code outputLimitDisconnections} is (connections closed for
 * {@code --max-output-bytes}).
 */
public record ServerFigures(long uptimeSeconds, int connections, long totalConnections, long commands,
    double hitRatio, long evictedClients, long clientBytes, long outputLimitDisconnections) {
  /** The hit ratio as every report prints it: four decimals after a dot ({@code 0.8512}). */
  public String hitRatioText() {
    return String.format(Locale.ROOT, "%.4f", hitRatio);
  }
}
