/**
 * Not API: the original text protocol's codec. {@code TextProtocolDecoder} and {@code CommandParser} turn a line
 * into a {@code Command}, {@code TextCommands} maps each word onto the command layer's operation of the same
 * meaning, and {@code ReplyEncoder} writes the original's byte-exact reply lines. It never imports the RESP codec.
 *
 * <p>Public only so that the transport and the REPL can reach it; it may change in any release.
 */
@NullMarked
package io.blinkstore.server.protocol.text;

import org.jspecify.annotations.NullMarked;
