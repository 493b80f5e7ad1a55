/**
 * Not API: the protocol-neutral command layer. {@code CommandTable} declares every command once
 * ({@code CommandSpec}, {@code CommandFlag}); {@code Dispatcher} is the one path a command takes (lookup, arity,
 * sign-in, heap guard, the call, errors, statistics); operations return a {@code Result}, never bytes, and keep
 * per-connection state in a {@code ClientState}. The store they see is wrapped by {@code EntrySizeLimits} and
 * {@code LeaseInvalidatingStore}.
 *
 * <p>Public only so that the codecs and the transport reach it; it may change in any release.
 */
@NullMarked
package io.blinkstore.server.command;

import org.jspecify.annotations.NullMarked;
