package io.blinkstore.server.command;

import java.util.Arrays;
import java.util.List;

/**
 * One connection's client-side caching mode, as {@code CLIENT TRACKING ON} set it (Redis's {@code CLIENT_TRACKING*}
 * flags): where its invalidations go ({@code redirect}, 0 for itself), whether it gets every key under its
 * {@code prefixes} ({@code bcast}) or those it read, which reads count ({@code optin}, {@code optout}, with
 * {@code CLIENT CACHING}), and whether its own writes are left out ({@code noloop}). A new mode replaces it at each
 * {@code CLIENT TRACKING ON}, keeping the prefixes; only {@link #brokenRedirect} changes, from any thread.
 */
final class TrackingMode {
  final long redirect;
  final boolean bcast;
  final boolean optin;
  final boolean optout;
  final boolean noloop;
  /** The BCAST prefixes, in byte order (as Redis lists them); the empty prefix is every key. */
  final List<byte[]> prefixes;
  /** Set once an invalidation finds the redirect's connection gone (the {@code R} flag). */
  volatile boolean brokenRedirect;

  TrackingMode(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop, List<byte[]> prefixes) {
    this.redirect = redirect;
    this.bcast = bcast;
    this.optin = optin;
    this.optout = optout;
    this.noloop = noloop;
    this.prefixes = prefixes.stream().sorted(Arrays::compareUnsigned).toList();
  }

  /**
   * Whether a read of the connection's counts: not in BCAST mode, and, in {@code OPTIN} mode, only after
   * {@code CLIENT CACHING YES}; in {@code OPTOUT} mode, unless after {@code CLIENT CACHING NO}.
   */
  boolean remembersReads(boolean caching) {
    return !bcast && !(optin && !caching) && !(optout && caching);
  }
}
