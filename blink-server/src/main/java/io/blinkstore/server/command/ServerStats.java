package io.blinkstore.server.command;

/**
 * The store's figures and the server's, taken together by {@link ServerCounters#stats}: the one source of the text
 * {@code STATS} line, RESP {@code INFO} and the metrics endpoint, each of which renders them its own way.
 * {@code expiring} counts the entries held that have a time to live.
 */
public record ServerStats(long keys, long usage, long limit, long hits, long misses, long evictions,
    long expirations, long expiring, ServerFigures server) {}
