#!/usr/bin/env bash
# script-throughput.sh: Lua script throughput, Blink Store beside redis-server, same client, same run.
#
#   blink-bench/script-throughput.sh                         # 5 alternating rounds of 100,000 requests a script
#   ROUNDS=3 REQUESTS=20000 blink-bench/script-throughput.sh  # a shorter run
#
# Starts redis-server (persistence off) and our server (bin/blink-store serve, the launcher's defaults) on free
# loopback ports, loads two scripts into each with SCRIPT LOAD: `return 1` (no key) and
# `return redis.call('INCR', KEYS[1])` (one key, random among KEYSPACE keys), and runs
# `redis-benchmark -n REQUESTS -c CLIENTS -P PIPELINE EVALSHA <sha> ...` against each in alternating rounds (Blink
# then Redis, then Redis then Blink, ...), after one unrecorded warm-up run of WARMUP requests on each (our JIT). Prints every round's requests per second, then per script the medians and
# the ratio ours/Redis as a markdown table, with `uptime` before and after (other work on the machine shows there).
# Stops both servers by PID, also on failure or Ctrl-C.
#
# Knobs (environment): ROUNDS (5), REQUESTS (100000), WARMUP (50000), CLIENTS (50), PIPELINE (1), KEYSPACE (100000),
# MEMORY_LIMIT (ours, 256MB), SKIP_BUILD=1 (use blink-server/target/blink-store.jar as it is), OUT (default
# blink-bench/target/script-throughput: the servers' logs and table.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-5}" REQUESTS="${REQUESTS:-100000}" WARMUP="${WARMUP:-50000}" CLIENTS="${CLIENTS:-50}" PIPELINE="${PIPELINE:-1}"
KEYSPACE="${KEYSPACE:-100000}" MEMORY_LIMIT="${MEMORY_LIMIT:-256MB}"
OUT="${OUT:-$root/blink-bench/target/script-throughput}"
mkdir -p "$OUT"
for tool in redis-server redis-cli redis-benchmark python3; do
  command -v "$tool" >/dev/null || { echo "script-throughput: $tool missing (Debian: redis-server, redis-tools)" >&2; exit 2; }
done
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$root/blink-server/target/blink-store.jar" ]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl blink-server -am package) >&2
fi

# shellcheck source=server-process.sh
source "$root/blink-bench/server-process.sh" # free_port, and wait_for_port PORT (for the process $pid)
pids=()
stop_all() { # both servers are up at once: server-process.sh's stop_server knows one
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
trap stop_all EXIT INT TERM

blink_port=$(free_port)
"$root/bin/blink-store" serve --tcp "127.0.0.1:$blink_port" --memory-limit "$MEMORY_LIMIT" >"$OUT/blink.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for_port "$blink_port" || { echo "script-throughput: our server did not start ($OUT/blink.log)" >&2; exit 1; }
redis_port=$(free_port)
mkdir -p "$OUT/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT/redis" >"$OUT/redis.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for_port "$redis_port" || { echo "script-throughput: redis-server did not start" >&2; exit 1; }

# name|script|the arguments after the sha
scripts=("return-1|return 1|0" "incr-1-key|return redis.call('INCR', KEYS[1])|1 script:__rand_int__")

rps() { # REQUESTS PORT SHA ARGS...: requests per second of one redis-benchmark run
  local requests=$1 port=$2
  shift 2
  timeout 600 redis-benchmark -h 127.0.0.1 -p "$port" -n "$requests" -c "$CLIENTS" -P "$PIPELINE" -r "$KEYSPACE" \
    --csv EVALSHA "$@" | awk -F'","' 'NR == 2 { print $2 }'
}

echo "uptime before: $(uptime)"
results="$OUT/results.txt"
: >"$results"
for entry in "${scripts[@]}"; do
  IFS='|' read -r name script args <<<"$entry"
  for server in blink redis; do
    port_var="${server}_port"
    sha=$(redis-cli -h 127.0.0.1 -p "${!port_var}" SCRIPT LOAD "$script")
    [ "${#sha}" = 40 ] || { echo "script-throughput: SCRIPT LOAD on $server answered '$sha'" >&2; exit 1; }
    # shellcheck disable=SC2086 # the arguments are words
    echo "$name $server warm-up $(rps "$WARMUP" "${!port_var}" "$sha" $args)"
  done
  for round in $(seq "$ROUNDS"); do
    order=(blink redis)
    [ $((round % 2)) = 0 ] && order=(redis blink)
    for server in "${order[@]}"; do
      port_var="${server}_port"
      # shellcheck disable=SC2086 # the arguments are words
      value=$(rps "$REQUESTS" "${!port_var}" "$sha" $args)
      echo "$name $server $round $value" | tee -a "$results"
    done
  done
done
echo "uptime after: $(uptime)"

python3 - "$results" <<'PY' | tee "$OUT/table.md"
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, server, _, value = line.split()
    runs.setdefault(name, {}).setdefault(server, []).append(float(value))
print("| script | Blink Store req/s (median) | redis-server req/s (median) | ours/Redis | rounds |")
print("| --- | ---: | ---: | ---: | ---: |")
for name, by in runs.items():
    ours, theirs = statistics.median(by["blink"]), statistics.median(by["redis"])
    print(f"| {name} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f} | {len(by['blink'])} |")
PY
