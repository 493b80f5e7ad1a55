/**
 * The server's API: {@link io.blinkstore.server.BlinkServer} and its {@link io.blinkstore.server.BlinkServerBuilder}
 * to embed it, and {@link io.blinkstore.server.BlinkStoreCli}, the {@code blink-store serve} command. The rest of
 * this package (the launcher's JVM sizing, signal handlers, the stale Unix socket check, the REPL) is
 * package-private.
 *
 * <p>The sub-packages are internals, split by role: {@code transport} (event loops' handlers, connection and memory
 * limits), {@code command} (the command table, the dispatcher, the operations and their results),
 * {@code protocol.text} and {@code protocol.resp} (the two codecs, which never import each other). Their classes
 * are public only so that the packages reach one another; they are not API and may change in any release.
 */
@NullMarked
package io.blinkstore.server;

import org.jspecify.annotations.NullMarked;
