/**
 * Blink Store: a fast, byte-bounded, thread-safe key-value store for the JVM.
 *
 * <p>{@link io.blinkstore.BlinkStore} is the whole contract; {@link io.blinkstore.BlinkStore#builder()} makes an
 * in-process store. The same contract is implemented by the network client in {@code blink-client}. Beside the
 * rules {@link io.blinkstore.BlinkStore}'s own documentation lists, every implementation honours these:
 *
 * <ul>
 *   <li><b>Nulls</b>: no argument may be {@code null} ({@link NullPointerException}); reads of an absent key
 *       return {@code null}.
 *   <li><b>Expiry</b>: an entry may carry a time to live
 *       ({@link io.blinkstore.BlinkStore#set(String, byte[], java.time.Duration)},
 *       {@link io.blinkstore.BlinkStore#expire}); once it has passed, the entry is gone for every read and from
 *       {@link io.blinkstore.BlinkStore#usage()} at once. A plain {@link io.blinkstore.BlinkStore#set(String,
 *       byte[])} drops any earlier time to live, as Redis's {@code SET} does.
 *   <li>After {@link io.blinkstore.BlinkStore#close()}, every operation but {@code close()} throws
 *       {@link IllegalStateException}.
 * </ul>
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
