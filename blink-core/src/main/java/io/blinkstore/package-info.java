/**
 * Blink Store: a fast, byte-bounded, thread-safe key-value store for the JVM.
 *
 * <p>{@link io.blinkstore.BlinkStore} is the whole contract; {@link io.blinkstore.BlinkStore#builder()} makes an
 * in-process store. The same contract is implemented by the network client in {@code blink-client}.
 */
@NullMarked
package io.blinkstore;

import org.jspecify.annotations.NullMarked;
