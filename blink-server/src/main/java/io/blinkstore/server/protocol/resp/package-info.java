/**
 * Not API: the RESP codec. {@code RespDecoder} turns bytes into requests within the limits of docs/resp.md,
 * {@code RespSession} runs them through the command layer, {@code RespEncoder} writes a {@code Result} as RESP2.
 * It never imports the text codec.
 *
 * <p>Public only so that the transport can install it; it may change in any release.
 */
@NullMarked
package io.blinkstore.server.protocol.resp;

import org.jspecify.annotations.NullMarked;
