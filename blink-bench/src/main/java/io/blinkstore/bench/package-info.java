/**
 * The benchmarks: {@code bin/blink-bench}'s commands (load, latency, footprint, hit ratio, attack, cluster
 * throughput) and the JMH benchmarks, with what they share (docs/BENCHMARKS.md says how each is run). Tools, not
 * API.
 */
@NullMarked
package io.blinkstore.bench;

import org.jspecify.annotations.NullMarked;
