#!/usr/bin/env bash
# churn.sh: RSS per entry of one server under a read/write churn, sampled every second, as JSON lines on stdout.
#
#   blink-bench/churn.sh blink [--memory-limit 512MB]   # our server through bin/blink-store (its defaults)
#   blink-bench/churn.sh redis                          # redis-server 7.0.15, persistence off, no maxmemory
#
# Loads ENTRIES entries (default 1,000,000; 11-byte keys, 100-byte values), then runs two churns of 80% GET / 20%
# overwriting SET over the same keys: CHURN1 seconds (default 180) from one connection with 16 requests in flight,
# then CHURN2 seconds (default 120) from 8 connections with 16 in flight each. It prints one JSON line per phase
# with the RSS before loading, after loading, and the median and maximum of the samples of the phase's last half
# (the steady state), each also per entry as (RSS - RSS before loading) / entries; the throughput of the phase;
# and, for our server, the GC pauses logged during it (max and total, from -Xlog:gc). Every process it starts is
# stopped by PID on exit. Extra arguments go to the server (ours: after `serve`; Redis: after its own options).
# BLINK_JAVA_OPTS, JAVA_HOME and BLINK_HEAP reach bin/blink-store as usual, so candidates can be compared.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${1:?usage: churn.sh blink|redis [server options...]}"
shift
ENTRIES="${ENTRIES:-1000000}" CHURN1="${CHURN1:-180}" CHURN2="${CHURN2:-120}" LABEL="${LABEL:-$server}"
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
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" "$@" >"$work/server.log" 2>&1 &
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
bench() { "$root/bin/blink-bench" load -q -p "$port" --protocol "$protocol" -d 100 -r "$ENTRIES" "$@"; }

# sample SECONDS FILE: one RSS reading a second into FILE, in the background; sets sampler
sample() {
  ( for _ in $(seq "$1"); do rss >>"$2"; sleep 1; done ) &
  sampler=$!
}

rss_idle=$(rss)
bench --preload -n 0
sleep 2
rss_loaded=$(rss)

phase() { # NAME SECONDS load options...
  local name=$1 seconds=$2
  shift 2
  local samples="$work/$name.rss" json gc_from
  gc_from=$(date +%s.%N)
  : >"$samples"
  sample "$seconds" "$samples"
  json=$(bench --json --duration "$seconds" --warmup 0 --ratio 4:1 "$@")
  wait "$sampler" 2>/dev/null || true
  python3 - "$LABEL" "$name" "$ENTRIES" "$rss_idle" "$rss_loaded" "$samples" "$json" "$work/gc.log" \
    "$(ps -o etimes= -p "$pid")" "$seconds" <<'PY'
import json, re, statistics, sys
label, name, entries, idle, loaded, samples, result, gc_log, elapsed, seconds = sys.argv[1:]
entries, idle, loaded = int(entries), int(idle), int(loaded)
rss = [int(line) for line in open(samples) if line.strip()]
steady = rss[len(rss) // 2:] or rss
median, peak = statistics.median(steady), max(rss)
out = {"label": label, "phase": name, "entries": entries, "rss_idle": idle, "rss_loaded": loaded,
       "rss_steady_median": median, "rss_max": peak,
       "per_entry_loaded": round((loaded - idle) / entries, 1),
       "per_entry_steady": round((median - idle) / entries, 1),
       "per_entry_max": round((peak - idle) / entries, 1),
       "throughput": round(json.loads(result)["throughput"])}
try:
    # Pauses of the phase: the uptime stamps of -Xlog:gc within its last `seconds` seconds.
    start = float(elapsed) - float(seconds)
    pauses = []
    for line in open(gc_log):
        m = re.match(r"\[(\d+\.\d+)s\].*Pause.* (\d+\.\d+)ms", line)
        if m and float(m.group(1)) >= start:
            pauses.append(float(m.group(2)))
    out["gc_pauses"] = len(pauses)
    out["gc_pause_max_ms"] = max(pauses, default=0)
    out["gc_pause_total_ms"] = round(sum(pauses), 1)
except FileNotFoundError:
    pass
print(json.dumps(out))
PY
}
phase one-connection "$CHURN1" -c 1 -P 16
phase eight-connections "$CHURN2" -c 8 -P 16
