/**
 * Not API: code that blink-core, blink-client and blink-server share, kept once here instead of copied into
 * each (a module of its own for three small classes would add a jar to every user's class path for nothing).
 * Public only so that those modules can reach it; it may change in any release, and applications must not use
 * it.
 */
@NullMarked
package io.blinkstore.internal;

import org.jspecify.annotations.NullMarked;
