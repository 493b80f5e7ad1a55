package io.blinkstore.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/** The outcome of one load run: what was asked, what was measured; printed for people or as JSON. */
record LoadResult(
    String target,
    String protocol,
    int connections,
    int pipeline,
    int threads,
    String ratio,
    String keys,
    long keySpace,
    int valueBytes,
    double rate,
    long requests,
    long hits,
    long misses,
    long errors,
    long unanswered,
    @Nullable String firstError,
    double seconds,
    double clientCpuCores,
    Histogram latency) {

  double throughput() {
    return seconds > 0 ? requests / seconds : 0;
  }

  /** A latency percentile in microseconds. */
  double micros(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }

  String latencyMode() {
    return rate > 0
        ? "fixed rate: latency from each request's due time (coordinated omission corrected)"
        : "closed loop: latency from each request's send time (coordinated omission not corrected)";
  }

  String human() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "%s %s: %d connections, pipeline %d, %s keys over %d, %d-byte values,"
            + " GET:SET %s%s%n", protocol, target, connections, pipeline, keys, keySpace, valueBytes, ratio,
        rate > 0 ? String.format(Locale.ROOT, ", %.0f req/s target", rate) : ""));
    text.append(String.format(Locale.ROOT, "  %,d requests in %.2f s: %,.0f req/s (client CPU %.2f cores)%n",
        requests, seconds, throughput(), clientCpuCores));
    text.append(String.format(Locale.ROOT, "  latency us: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f%n",
        micros(50), micros(99), micros(99.9), latency.getMaxValue() / 1000.0, latency.getMean() / 1000.0));
    text.append("  ").append(latencyMode()).append(String.format("%n"));
    if (hits + misses > 0) {
      text.append(String.format(Locale.ROOT, "  GET hits %,d, misses %,d%n", hits, misses));
    }
    if (errors > 0 || unanswered > 0) {
      text.append(String.format(Locale.ROOT, "  ERRORS: %,d error replies%s, %,d unanswered%n", errors,
          firstError != null ? " (first: " + firstError + ")" : "", unanswered));
    }
    return text.toString();
  }

  String json() {
    return "{" + Json.field("target", target) + "," + Json.field("protocol", protocol)
        + "," + Json.field("connections", connections) + "," + Json.field("pipeline", pipeline)
        + "," + Json.field("threads", threads) + "," + Json.field("ratio", ratio) + "," + Json.field("keys", keys)
        + "," + Json.field("key_space", keySpace) + "," + Json.field("value_bytes", valueBytes)
        + "," + Json.field("rate", rate) + "," + Json.field("requests", requests)
        + "," + Json.field("hits", hits) + "," + Json.field("misses", misses)
        + "," + Json.field("errors", errors) + "," + Json.field("unanswered", unanswered)
        + "," + Json.field("first_error", firstError) + "," + Json.field("seconds", seconds)
        + "," + Json.field("throughput", throughput()) + "," + Json.field("client_cpu_cores", clientCpuCores)
        + ",\"latency_us\":{" + Json.field("p50", micros(50)) + "," + Json.field("p90", micros(90))
        + "," + Json.field("p99", micros(99)) + "," + Json.field("p99_9", micros(99.9))
        + "," + Json.field("max", latency.getMaxValue() / 1000.0) + "," + Json.field("mean", latency.getMean() / 1000.0)
        + "}," + Json.field("latency_mode", latencyMode()) + "}";
  }
}
