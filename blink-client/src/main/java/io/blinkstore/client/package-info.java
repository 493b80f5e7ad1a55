/**
 * The Java client of a Blink Store server: {@link io.blinkstore.client.BlinkClient} implements the
 * {@link io.blinkstore.BlinkStore} contract over TCP or a Unix domain socket, in the Blink Store text protocol or
 * in RESP2 (which also reaches Redis and Valkey), synchronously and, through
 * {@link io.blinkstore.client.BlinkClient#async()}, with {@link java.util.concurrent.CompletableFuture}s.
 * Options are {@link io.blinkstore.client.BlinkClientOptions}; failures are the typed
 * {@link io.blinkstore.BlinkException}s of this package. Its only dependency is {@code blink-core}.
 */
@NullMarked
package io.blinkstore.client;

import org.jspecify.annotations.NullMarked;
