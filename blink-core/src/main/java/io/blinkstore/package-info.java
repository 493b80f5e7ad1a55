/**
 * Blink Store: a fast, byte-bounded, thread-safe key-value store for the JVM.
 *
 * <p>{@link io.blinkstore.BlinkStore} is the whole contract; {@link io.blinkstore.BlinkStore#builder()} makes an
 * in-process store. The same contract is implemented by the network client in {@code blink-client}.
 *
 * <pre>{@code
 * try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
 *   store.set("greeting", "hello");
 *   String value = store.getString("greeting"); // "hello"
 *   long bytes = store.usage();                 // 8 + 5 = 13
 * }
 * }</pre>
 */
@NullMarked
package io.blinkstore;

import org.jspecify.annotations.NullMarked;
