/**
 * Not API: the server's side of a connection, below any protocol. The first byte chooses the codec
 * ({@code ProtocolDetector}, {@code ProtocolPipeline}); {@code CommandHandler} runs one connection's requests in
 * order with backpressure and batched flushes; the limits that keep bad input from hurting the server live here
 * ({@code ConnectionLimits}, {@code ClientMemory}, {@code DirectMemoryGuard}, {@code SignInDeadline},
 * {@code HttpRejector}, {@code SpareDescriptor}), and so does the metrics endpoint.
 *
 * <p>Public only so that {@code io.blinkstore.server} can wire it; it may change in any release.
 */
@NullMarked
package io.blinkstore.server.transport;

import org.jspecify.annotations.NullMarked;
