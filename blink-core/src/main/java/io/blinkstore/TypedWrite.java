package io.blinkstore;

import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One write of a typed value, as a type's operations describe it to {@link TypedAccess#update}: run under the key's
 * lock in the map and the value's monitor, re-weighed after, refused before it changes anything if the value could
 * grow past the store's limit or heap capacity.
 *
 * @param type the class of value the write works on; a key holding anything else is a {@link WrongTypeException}
 * @param create makes an empty value from its key's packed array when the key has no live value, or {@code null}
 *     if the write does nothing to an absent key (it then answers {@code absent})
 * @param growBytes the most bytes the write can add to the value (fields, values, elements), not counting the key
 * @param growElements the most elements the write can add
 * @param change the write itself: it must check everything that can refuse it before it changes anything, since
 *     a refusal thrown half way would leave the value half changed
 * @param absent what the write answers for an absent key when {@code create} is {@code null}
 * @param modified whether an answer means the value was modified (watchers are marked, the write hook runs)
 * @param <T> the type of value
 * @param <R> what the write answers
 */
record TypedWrite<T extends TypedValue, R>(Class<T> type, @Nullable Function<byte[], T> create, long growBytes,
    long growElements, Function<? super T, R> change, R absent, Predicate<? super R> modified) {}
