#!/usr/bin/env bash
# churn.sh: RSS per entry of one server under a read/write churn, sampled every second, as JSON lines on stdout.
#
#   blink-bench/churn.sh blink [--memory-limit 600MB]   # our server through bin/blink-store (its defaults)
#   blink-bench/churn.sh redis                          # redis-server 7.0.15, persistence off, no maxmemory
#
# Loads ENTRIES entries (default 1,000,000; 11-byte keys, 100-byte values), then runs churns of 80% GET / 20% SET,
# each request's key drawn uniformly:
#   one-connection     CHURN1 seconds (default 180), overwrites of the loaded keys, 1 connection, 16 in flight;
#   eight-connections  CHURN2 seconds (default 120), the same from 8 connections with 16 in flight each;
#   paced              CHURN4 seconds (default 60, after 5 s of warm-up), overwrites from 8 connections at a fixed
#                      RATE (default 50,000 requests/s, below either server's capacity here), so that its latency
#                      percentiles count the time a request waited for its turn (a stall shows in every request it
#                      delays);
#   eviction           CHURN3 seconds (default 120), 8 x 16 in flight over twice the key space, so that half the
#                      SETs write new keys into a full store, which evicts (replaced entries die old): our server is
#                      started with --max-entries ENTRIES, Redis gets maxmemory = its used_memory after loading and
#                      allkeys-lru, so both hold about ENTRIES entries.
# It prints one JSON line per phase with the RSS before loading, after loading, and the median and maximum of the
# samples of the phase's last half (the steady state), each also per entry as (RSS - RSS before loading) / entries
# held; the throughput and the clients' latency percentiles of the phase; and, for our server, the GC pauses logged
# during it (count, max and total, from -Xlog:gc). Every process it starts is stopped by PID on exit. Extra
# arguments go to the server (ours: after `serve`; Redis: after its own options). BLINK_JAVA_OPTS, JAVA_HOME,
# BLINK_HEAP and BLINK_GC reach bin/blink-store as usual, so candidates can be compared. A phase of 0 s is skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${1:?usage: churn.sh blink|redis [server options...]}"
shift
ENTRIES="${ENTRIES:-1000000}" CHURN1="${CHURN1:-180}" CHURN2="${CHURN2:-120}" CHURN3="${CHURN3:-120}"
CHURN4="${CHURN4:-60}" RATE="${RATE:-50000}" LABEL="${LABEL:-$server}"
work="$(mktemp -d /tmp/blink-churn.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
if [ "$server" = redis ]; then
  protocol=resp
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no "$@" >"$work/server.log" 2>&1 &
else
  protocol=blink
  BLINK_JAVA_OPTS="${BLINK_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log:uptime" \
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" --max-entries "$ENTRIES" "$@" >"$work/server.log" 2>&1 &
fi
pid=$!
pids+=("$pid")
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
sleep 1

rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$pid/status"; }
held() { # the entries the server holds now
  if [ "$server" = redis ]; then
    redis-cli -p "$port" dbsize
  else
    printf 'STATS\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3; head -1 <&3" \
      | sed -n 's/.*keys=\([0-9]*\).*/\1/p'
  fi
}
keyspace=$ENTRIES
bench() { "$root/bin/blink-bench" load -q -p "$port" --protocol "$protocol" -d 100 -r "$keyspace" "$@"; }

# sample SECONDS FILE: one RSS reading a second into FILE, in the background; sets sampler
sample() {
  ( for _ in $(seq "$1"); do rss >>"$2"; sleep 1; done ) &
  sampler=$!
}

rss_idle=$(rss)
bench --preload -n 0
sleep 2
rss_loaded=$(rss)

phase() { # NAME SECONDS WARMUP load options...: WARMUP seconds of the same load first, not measured
  local name=$1 seconds=$2 warmup=$3
  shift 3
  [ "$seconds" -gt 0 ] || return 0
  local samples="$work/$name.rss" json started
  : >"$samples"
  started=$(( $(ps -o etimes= -p "$pid") + warmup ))
  sample $(( seconds + warmup )) "$samples"
  json=$(bench --json --duration "$seconds" --warmup "$warmup" --ratio 4:1 "$@")
  wait "$sampler" 2>/dev/null || true
  python3 - "$LABEL" "$name" "$ENTRIES" "$(held)" "$rss_idle" "$rss_loaded" "$samples" "$json" "$work/gc.log" \
    "$started" "$(uptime | sed 's/.*load average: //')" <<'PY'
import json, re, statistics, sys
label, name, entries, held, idle, loaded, samples, result, gc_log, started, load = sys.argv[1:]
entries, idle, loaded = int(entries), int(idle), int(loaded)
held = int(held) if held.strip() else entries
rss = [int(line) for line in open(samples) if line.strip()]
steady = rss[len(rss) // 2:] or rss
median, peak = statistics.median(steady), max(rss)
result = json.loads(result)
latency = result["latency_us"]
out = {"label": label, "phase": name, "entries": entries, "held": held, "rss_idle": idle, "rss_loaded": loaded,
       "rss_steady_median": median, "rss_max": peak,
       "per_entry_loaded": round((loaded - idle) / entries, 1),
       "per_entry_steady": round((median - idle) / held, 1),
       "per_entry_max": round((peak - idle) / held, 1),
       "throughput": round(result["throughput"]), "errors": result["errors"],
       "p50_us": latency["p50"], "p99_us": latency["p99"], "p99_9_us": latency["p99_9"], "max_us": latency["max"],
       "latency_mode": result["latency_mode"], "load_average": load}
try:
    # Pauses of the phase: the uptime stamps of -Xlog:gc from the phase's start.
    pauses = []
    for line in open(gc_log):
        m = re.match(r"\[(\d+\.\d+)s\].*Pause.* (\d+\.\d+)ms", line)
        if m and float(m.group(1)) >= float(started):
            pauses.append(float(m.group(2)))
    out["gc_pauses"] = len(pauses)
    out["gc_pause_max_ms"] = max(pauses, default=0)
    out["gc_pause_total_ms"] = round(sum(pauses), 1)
except FileNotFoundError:
    pass
print(json.dumps(out))
PY
}
phase one-connection "$CHURN1" 0 -c 1 -P 16
phase eight-connections "$CHURN2" 0 -c 8 -P 16
phase paced "$CHURN4" 5 -c 8 -P 16 --rate "$RATE"
if [ "$CHURN3" -gt 0 ] && [ "$server" = redis ]; then
  redis-cli -p "$port" config set maxmemory "$(redis-cli -p "$port" info memory | tr -d '\r' \
    | awk -F: '$1 == "used_memory" { print $2 }')" >/dev/null
  redis-cli -p "$port" config set maxmemory-policy allkeys-lru >/dev/null
fi
keyspace=$(( 2 * ENTRIES ))
phase eviction "$CHURN3" 0 -c 8 -P 16

