#!/usr/bin/env bash
# run-comparison.sh: Blink Store beside Redis on this machine, same client, same run; writes markdown and SVG.
#
#   blink-bench/run-comparison.sh            # the full suite (about 30 minutes on 2 vCPUs)
#   QUICK=1 blink-bench/run-comparison.sh    # a smoke run of every step (about 6 minutes); its numbers mean nothing
#
# Steps: install redis-server, redis-tools and python3 from Debian if missing (apt-get, as root or with sudo);
# build blink-bench/target/benchmarks.jar and blink-server/target/blink-store.jar; run JMH (store vs bare
# Caffeine, codec) with no server up; start Redis (persistence off) and our server on loopback, free ports, the
# same memory settings; run each throughput and latency workload in alternating rounds (Blink, Redis, Redis,
# Blink, ...); run redis-benchmark against both (ours only if it answers RESP); measure memory per entry, RSS per
# entry under a read/write churn (blink-bench/churn.sh), the hit ratio at equal entry counts and at equal RSS, on
# fresh servers; stop everything by PID (also on Ctrl-C or failure); render the tables and charts.
#
# Output: $OUT (default blink-bench/target/comparison): results.jsonl (every raw result), results.md (tables ready
# for docs/BENCHMARKS.md), logs. Charts go to $CHARTS: docs/bench/ in the full run, $OUT in QUICK mode.
#
# Knobs (environment): QUICK, OUT, CHARTS, ROUNDS, DURATION and WARMUP (seconds per load run), KEYSPACE,
# MEM_KEYS, TRACE_KEYS, TRACE_REQUESTS, TRACE_FRACTION (share of the trace's keys the budget holds),
# CHURN1 and CHURN2 (seconds of the two churn phases), CHURN_LIMIT (our --memory-limit in the memory and churn
# steps), RSS_TARGET_MIB,
# RSS_TRACE_KEYS, RSS_TRACE_REQUESTS (the equal-RSS hit ratio), REDIS_BENCH_REQUESTS, JMH_OPTS (extra JMH flags),
# SKIP_JMH=1, SKIP_BUILD=1,
# STEPS (a comma-separated subset of jmh,throughput,latency,redis-benchmark,memory,hit-ratio,churn,rss-hit-ratio;
# default all of them), BASELINE (the root of another checkout of this project, built with its own
# `mvn -DskipTests -pl blink-bench -am package`: its server joins the throughput, latency and redis-benchmark rounds
# as "baseline", alternating with ours and Redis's, for a before/after in one session), e.g.
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -B -q -DskipTests -pl blink-bench -am package)
#   BASELINE=/tmp/before STEPS=throughput,latency,redis-benchmark SKIP_JMH=1 blink-bench/run-comparison.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

QUICK="${QUICK:-0}"
if [ "$QUICK" = 1 ]; then
  ROUNDS="${ROUNDS:-1}" DURATION="${DURATION:-1}" WARMUP="${WARMUP:-0.5}"
  MEM_KEYS="${MEM_KEYS:-100000}" TRACE_REQUESTS="${TRACE_REQUESTS:-200000}"
  REDIS_BENCH_REQUESTS="${REDIS_BENCH_REQUESTS:-20000}"
  JMH_OPTS="${JMH_OPTS:--wi 1 -w 200ms -i 1 -r 300ms}"
  CHURN1="${CHURN1:-10}" CHURN2="${CHURN2:-10}" RSS_TRACE_KEYS="${RSS_TRACE_KEYS:-400000}"
  RSS_TRACE_REQUESTS="${RSS_TRACE_REQUESTS:-400000}" RSS_TARGET_MIB="${RSS_TARGET_MIB:-128}"
  OUT="${OUT:-$root/blink-bench/target/comparison-quick}"
  CHARTS="${CHARTS:-$OUT}"
else
  ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-4}" WARMUP="${WARMUP:-2}"
  MEM_KEYS="${MEM_KEYS:-1000000}" TRACE_REQUESTS="${TRACE_REQUESTS:-1000000}"
  REDIS_BENCH_REQUESTS="${REDIS_BENCH_REQUESTS:-200000}"
  JMH_OPTS="${JMH_OPTS:--wi 1 -w 1s -i 3 -r 1s}"
  CHURN1="${CHURN1:-180}" CHURN2="${CHURN2:-120}" RSS_TRACE_KEYS="${RSS_TRACE_KEYS:-4000000}"
  RSS_TRACE_REQUESTS="${RSS_TRACE_REQUESTS:-8000000}" RSS_TARGET_MIB="${RSS_TARGET_MIB:-256}"
  OUT="${OUT:-$root/blink-bench/target/comparison}"
  CHARTS="${CHARTS:-$root/docs/bench}"
fi
KEYSPACE="${KEYSPACE:-100000}"
TRACE_KEYS="${TRACE_KEYS:-200000}"
TRACE_FRACTION="${TRACE_FRACTION:-0.17}"
# 600 MiB: its heap (1,105 MiB) and the store's heap capacity (70% of it, 773 MiB: 3.5 million entries of 111 bytes)
# hold MEM_KEYS = 1,000,000 entries; kept from issue 17's third round, whose fixed entry bound 512 MiB did not hold.
CHURN_LIMIT="${CHURN_LIMIT:-600MB}"
VALUE=100
# Both servers get room for every key of the throughput runs, so neither evicts there.
SERVER_MEMORY=256MB
REDIS_MAXMEMORY=256mb

mkdir -p "$OUT" "$CHARTS"
results="$OUT/results.jsonl"
: > "$results"
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" | tee -a "$OUT/run.log" >&2; }
started_at=$(date +%s)
STEPS="${STEPS:-jmh,throughput,latency,redis-benchmark,memory,hit-ratio,churn,rss-hit-ratio}"
BASELINE="${BASELINE:-}"
step() { # NAME: whether this run includes that step
  [[ ",$STEPS," == *",$1,"* ]]
}
if [ -n "$BASELINE" ] && [ ! -x "$BASELINE/bin/blink-store" ]; then
  log "BASELINE=$BASELINE has no bin/blink-store"
  exit 2
fi

# ---- prerequisites ---------------------------------------------------------------------------------------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v jcmd >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building blink-bench and blink-server jars"
  mvn -B -q -Dstyle.color=never -DskipTests -pl blink-bench -am package >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log" >&2; exit 1; }
fi
jar="$root/blink-bench/target/benchmarks.jar"
bench=("$root/bin/blink-bench")

# ---- process handling: everything we start is recorded and stopped by PID ----------------------------------------
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # PORT PID: until the port accepts, the process dies, or 30 s pass
  local i
  for i in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { log "process $2 died before listening on $1"; return 1; }
    sleep 0.1
  done
  log "nothing listens on port $1 after 30 s"
  return 1
}

stop() { # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

start_blink() { # MEMORY_LIMIT [serve options...]; sets blink_port, blink_pid
  blink_port=$(free_port)
  "$root/bin/blink-store" serve --tcp "127.0.0.1:$blink_port" --memory-limit "$1" "${@:2}" \
    >>"$OUT/blink-server.log" 2>&1 &
  blink_pid=$!
  pids+=("$blink_pid")
  wait_port "$blink_port" "$blink_pid"
}

start_baseline() { # MEMORY_LIMIT; sets baseline_port, baseline_pid (the BASELINE checkout's server)
  baseline_port=$(free_port)
  "$BASELINE/bin/blink-store" serve --tcp "127.0.0.1:$baseline_port" --memory-limit "$1" \
    >>"$OUT/baseline-server.log" 2>&1 &
  baseline_pid=$!
  pids+=("$baseline_pid")
  wait_port "$baseline_port" "$baseline_pid"
}

start_redis() { # MAXMEMORY POLICY; sets redis_port, redis_pid
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --maxmemory "$1" --maxmemory-policy "$2" >>"$OUT/redis-server.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  wait_port "$redis_port" "$redis_pid"
}

start_echo() { # sets echo_port, echo_pid
  echo_port=$(free_port)
  "${bench[@]}" echo-server --tcp "127.0.0.1:$echo_port" --exit-after 3600 >>"$OUT/echo-server.log" 2>&1 &
  echo_pid=$!
  pids+=("$echo_pid")
  wait_port "$echo_port" "$echo_pid"
}

cpu_ticks() { # PID: user + system clock ticks so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

rss_bytes() { # PID
  awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

record() { # JSON object text
  printf '%s\n' "$1" >>"$results"
}

# load SUITE WORKLOAD SERVER ROUND PORT SERVER_PID PROTOCOL [load options...]: one run, recorded with server CPU
load() {
  local suite=$1 workload=$2 server=$3 round=$4 port=$5 pid=$6 protocol=$7
  shift 7
  local before after json status=0
  if ! kill -0 "$pid" 2>/dev/null; then
    log "  $server exited before $workload round $round: see $OUT/*-server.log"
    exit 1
  fi
  before=$(cpu_ticks "$pid")
  json=$("${bench[@]}" load --json -q -p "$port" --protocol "$protocol" --duration "$DURATION" --warmup "$WARMUP" \
    -d "$VALUE" -r "$KEYSPACE" "$@" 2>>"$OUT/load.log") || status=$?
  after=$(cpu_ticks "$pid")
  if [ -z "$json" ]; then
    log "  $server $workload round $round failed (exit $status): see $OUT/load.log"
    return 0
  fi
  local seconds
  seconds=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["seconds"] + float(sys.argv[2]))' \
    "$json" "$WARMUP")
  record "{\"suite\":\"$suite\",\"workload\":\"$workload\",\"server\":\"$server\",\"round\":$round,\
\"server_cpu_cores\":$(python3 -c "print(round(($after - $before) / $(getconf CLK_TCK) / $seconds, 3))"),\
\"result\":$json}"
  log "  $server $workload round $round: $(python3 -c 'import json, sys; r = json.loads(sys.argv[1])
print("%s req/s, p50 %.1f us, errors %d" % (format(r["throughput"], ",.0f"), r["latency_us"]["p50"], r["errors"]))' \
    "$json")"
}

# ---- machine ----------------------------------------------------------------------------------------------------
{
  printf '{"suite":"machine","cpus":%s,"cpu_model":"%s","kernel":"%s","java":"%s","redis":"%s",' \
    "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(uname -r)" \
    "$(java -version 2>&1 | sed -n 1p | tr -d '"')" "$(redis-server --version | awk '{ print $3 }' | cut -d= -f2)"
  printf '"memory_kb":%s,"loadavg_before":"%s","quick":%s,"rounds":%s,"duration":%s,"warmup":%s,"date":"%s"}\n' \
    "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$QUICK" "$ROUNDS" \
    "$DURATION" "$WARMUP" "$(date -u +%Y-%m-%dT%H:%MZ)"
} >>"$results"

# ---- JMH, with no server running ------------------------------------------------------------------------------
if [ "${SKIP_JMH:-0}" != 1 ] && step jmh; then
  for threads in 1 2; do
    log "JMH: BlinkStore vs bare Caffeine, $threads thread(s)"
    # shellcheck disable=SC2086
    java -jar "$jar" 'StoreBenchmark\.(get|getStored|set|deleteThenSet)$' -t "$threads" -f 1 $JMH_OPTS \
      -rf json -rff "$OUT/jmh-store-t$threads.json" \
      >"$OUT/jmh-store-t$threads.log" 2>&1 || { log "JMH failed: see $OUT/jmh-store-t$threads.log"; exit 1; }
  done
  log "JMH: text protocol codec"
  # shellcheck disable=SC2086
  java -jar "$jar" CodecBenchmark -f 1 $JMH_OPTS -rf json -rff "$OUT/jmh-codec.json" >"$OUT/jmh-codec.log" 2>&1 \
    || { log "JMH failed: see $OUT/jmh-codec.log"; exit 1; }
fi

# ---- throughput and latency, both servers up, alternating -------------------------------------------------------
if step throughput || step latency || step redis-benchmark; then
log "starting servers"
start_blink "$SERVER_MEMORY"
start_redis "$REDIS_MAXMEMORY" allkeys-lru
start_echo
answers_resp() { # PORT
  [ "$(timeout 5 redis-cli -p "$1" PING 2>/dev/null || true)" = PONG ]
}
blink_resp=0 baseline_resp=0
if answers_resp "$blink_port"; then
  blink_resp=1
  log "our server answers RESP: it is measured over RESP too"
else
  log "our server does not answer RESP PING: RESP rows for it are skipped"
fi
record "{\"suite\":\"resp-support\",\"blink_resp\":$blink_resp}"
if [ -n "$BASELINE" ]; then
  start_baseline "$SERVER_MEMORY"
  answers_resp "$baseline_port" && baseline_resp=1
  record "{\"suite\":\"baseline\",\"path\":\"$BASELINE\",\"commit\":\"$(git -C "$BASELINE" rev-parse --short HEAD 2>/dev/null)\",\"resp\":$baseline_resp}"
  "${bench[@]}" load -q -p "$baseline_port" --protocol blink --preload -n 0 -d "$VALUE" -r "$KEYSPACE" 2>>"$OUT/load.log"
fi

"${bench[@]}" load -q -p "$blink_port" --protocol blink --preload -n 0 -d "$VALUE" -r "$KEYSPACE" 2>>"$OUT/load.log"
"${bench[@]}" load -q -p "$redis_port" --protocol resp --preload -n 0 -d "$VALUE" -r "$KEYSPACE" 2>>"$OUT/load.log"

targets() { # ROUND: the servers in this round's order (A B, then B A), with port, pid and protocol
  local list=("blink $blink_port $blink_pid blink" "redis $redis_port $redis_pid resp")
  [ "$blink_resp" = 1 ] && list+=("blink-resp $blink_port $blink_pid resp")
  [ -n "$BASELINE" ] && list+=("baseline $baseline_port $baseline_pid blink")
  [ "$baseline_resp" = 1 ] && list+=("baseline-resp $baseline_port $baseline_pid resp")
  if [ $(( $1 % 2 )) -eq 0 ]; then
    local reversed=() i
    for (( i = ${#list[@]} - 1; i >= 0; i-- )); do reversed+=("${list[$i]}"); done
    list=("${reversed[@]}")
  fi
  printf '%s\n' "${list[@]}"
}

step throughput && for workload in "get 1 1:0" "set 1 0:1" "get 16 1:0" "set 16 0:1"; do
  read -r op pipeline ratio <<<"$workload"
  name="$op-c50-p$pipeline"
  log "throughput: $name"
  for round in $(seq "$ROUNDS"); do
    while read -r server port pid protocol; do
      load throughput "$name" "$server" "$round" "$port" "$pid" "$protocol" -c 50 -P "$pipeline" --ratio "$ratio"
    done < <(targets "$round")
  done
done

step latency && log "latency: 1 connection, pipeline 1, GET, and the echo floor"
step latency && for round in $(seq "$ROUNDS"); do
  while read -r server port pid protocol; do
    # The echo floor sends a line holding the 100-byte value and gets it back: a GET's reply size, no server work.
    ratio=1:0
    [ "$server" = echo ] && ratio=0:1
    load latency get-c1-p1 "$server" "$round" "$port" "$pid" "$protocol" -c 1 -P 1 --ratio "$ratio"
  done < <(targets "$round"; echo "echo $echo_port $echo_pid echo")
done

# ---- redis-benchmark against both ---------------------------------------------------------------------------------
redis_benchmark() { # SERVER PORT PIPELINE
  local csv
  csv=$(timeout 300 redis-benchmark -h 127.0.0.1 -p "$2" -t set,get -d "$VALUE" -r "$KEYSPACE" -c 50 -P "$3" \
    -n "$REDIS_BENCH_REQUESTS" --csv 2>>"$OUT/redis-benchmark.log") || true
  python3 - "$1" "$3" "$csv" >>"$results" <<'PY'
import csv, io, json, sys
server, pipeline, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for row in csv.DictReader(io.StringIO(text)):
    print(json.dumps({"suite": "redis-benchmark", "server": server, "pipeline": pipeline, "test": row["test"],
                      "rps": float(row["rps"]), "p50_ms": float(row.get("p50_latency_ms") or "nan")}))
PY
}
step redis-benchmark && for pipeline in 1 16; do
  log "redis-benchmark -t set,get -d $VALUE -c 50 -P $pipeline"
  redis_benchmark redis "$redis_port" "$pipeline"
  if [ "$blink_resp" = 1 ]; then
    redis_benchmark blink "$blink_port" "$pipeline"
  fi
  if [ "$baseline_resp" = 1 ]; then
    redis_benchmark baseline "$baseline_port" "$pipeline"
  fi
done
stop "$echo_pid"
stop "$blink_pid"
stop "$redis_pid"
[ -z "$BASELINE" ] || stop "$baseline_pid"
fi

# ---- memory per entry: fresh servers, MEM_KEYS entries of ~11-byte keys and 100-byte values -------------------------
jvm_live_heap() { # PID: bytes of live objects, from the class histogram (which runs a full GC first)
  jcmd "$1" GC.class_histogram 2>/dev/null | awk '/^Total/ { print $3 }'
}
settle_redis() { # PORT: waits (at most 5 s) until used_memory is steady: a key table being rehashed counts twice
  local i previous="" now
  for i in $(seq 17); do
    sleep 0.3
    now=$(redis_info "$1" used_memory)
    [ "$now" = "$previous" ] && return 0
    previous=$now
  done
}
entries_held() { # SERVER PORT: the entry count, from STATS (ours) or DBSIZE (Redis)
  if [ "$1" = redis ]; then
    redis-cli -p "$2" dbsize
  else
    printf 'STATS\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$2; cat >&3; head -1 <&3" \
      | sed -n 's/.*keys=\([0-9]*\).*/\1/p'
  fi
}
redis_info() { # PORT FIELD
  redis-cli -p "$1" info memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}
if step memory; then
log "memory: $MEM_KEYS entries"
# Our limit must hold MEM_KEYS entries within its heap capacity too (docs/operations.md, Sizing): CHURN_LIMIT does.
start_blink "$CHURN_LIMIT"
start_redis 0 noeviction
sleep 1
blink_heap0=$(jvm_live_heap "$blink_pid"); blink_rss0=$(rss_bytes "$blink_pid")
redis_used0=$(redis_info "$redis_port" used_memory); redis_rss0=$(rss_bytes "$redis_pid")
"${bench[@]}" load -q -p "$blink_port" --protocol blink --preload -n 0 -d "$VALUE" -r "$MEM_KEYS" 2>>"$OUT/load.log"
"${bench[@]}" load -q -p "$redis_port" --protocol resp --preload -n 0 -d "$VALUE" -r "$MEM_KEYS" 2>>"$OUT/load.log"
blink_keys=$(entries_held blink "$blink_port")
blink_heap=$(jvm_live_heap "$blink_pid"); blink_rss=$(rss_bytes "$blink_pid")
redis_keys=$(entries_held redis "$redis_port")
settle_redis "$redis_port"
redis_used=$(redis_info "$redis_port" used_memory); redis_rss=$(rss_bytes "$redis_pid")
record "{\"suite\":\"memory\",\"entries\":$MEM_KEYS,\"key_bytes\":11,\"value_bytes\":$VALUE,\
\"blink\":{\"keys\":${blink_keys:-null},\"live_heap_before\":$blink_heap0,\"live_heap\":$blink_heap,\
\"rss_before\":$blink_rss0,\"rss\":$blink_rss},\
\"redis\":{\"keys\":$redis_keys,\"used_memory_before\":$redis_used0,\"used_memory\":$redis_used,\
\"rss_before\":$redis_rss0,\"rss\":$redis_rss}}"
stop "$blink_pid"
stop "$redis_pid"
fi

# ---- hit ratio: same trace, same number of entries held ----------------------------------------------------------
if step hit-ratio; then
# Redis's maxmemory counts its own overhead; our limit counts key + value bytes only. So the budgets are matched
# by entries held: Redis gets the used_memory it reports holding TRACE_FRACTION of the keys; it then holds a few
# percent more once the trace runs (read from DBSIZE at the end of its allkeys-lru run), and our server gets the
# key + value bytes of exactly that many entries.
capacity=$(python3 -c "print(round($TRACE_KEYS * $TRACE_FRACTION))")
log "hit ratio: $TRACE_REQUESTS requests over $TRACE_KEYS keys, memory for about $capacity entries"
start_redis 0 noeviction
"${bench[@]}" load -q -p "$redis_port" --protocol resp --preload -n 0 -d "$VALUE" -r "$capacity" 2>>"$OUT/load.log"
settle_redis "$redis_port"
redis_budget=$(redis_info "$redis_port" used_memory)
stop "$redis_pid"
held=""
hit_ratio() { # SERVER POLICY PORT PROTOCOL BUDGET; sets held
  local json
  json=$("${bench[@]}" hit-ratio --json -p "$3" --protocol "$4" -r "$TRACE_KEYS" -n "$TRACE_REQUESTS" -d "$VALUE" \
    2>>"$OUT/load.log") || { log "  hit-ratio on $1 $2 failed"; return 0; }
  held=$(entries_held "$1" "$3")
  record "{\"suite\":\"hit-ratio\",\"server\":\"$1\",\"policy\":\"$2\",\"budget\":$5,\"capacity\":$capacity,\
\"held\":${held:-null},\"result\":$json}"
  log "  $1 $2: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hit_ratio"])' "$json") with $held entries"
}
redis_held=""
for policy in allkeys-lru allkeys-lfu; do
  start_redis "$redis_budget" "$policy"
  hit_ratio redis "$policy" "$redis_port" resp "$redis_budget"
  [ -n "$redis_held" ] || redis_held=$held
  stop "$redis_pid"
done
blink_budget=$(( ${redis_held:-$capacity} * (11 + VALUE) ))
start_blink "$blink_budget"
hit_ratio blink w-tinylfu "$blink_port" blink "$blink_budget"
stop "$blink_pid"
fi

# ---- RSS per entry under churn: the launcher's defaults against Redis, MEM_KEYS entries ---------------------------
if step churn; then
for server in blink redis; do
  log "churn: $server, $MEM_KEYS entries, ${CHURN1} s from 1 connection then ${CHURN2} s from 8 (80% GET, P=16)"
  options=()
  [ "$server" = blink ] && options=(--memory-limit "$CHURN_LIMIT")
  ENTRIES="$MEM_KEYS" CHURN1="$CHURN1" CHURN2="$CHURN2" "$root/blink-bench/churn.sh" "$server" "${options[@]}" \
      2>>"$OUT/churn.log" | while read -r line; do
    record "{\"suite\":\"churn\",\"server\":\"$server\",\"result\":$line}"
    log "  $line"
  done
done
fi

# ---- hit ratio at equal RSS: each server configured so that its RSS settles at RSS_TARGET_MIB --------------------
if step rss-hit-ratio; then
# One calibration run each: the memory setting is scaled by (target - idle RSS) / (RSS at the end - idle RSS), then
# the measured run replays the same trace on a fresh server; the RSS it ends at is recorded beside the hit ratio.
rss_trace() { # SERVER PORT PROTOCOL PID: replays the trace, prints "HIT_RATIO RSS_BYTES"
  local json
  json=$("${bench[@]}" hit-ratio --json -p "$2" --protocol "$3" -r "$RSS_TRACE_KEYS" -n "$RSS_TRACE_REQUESTS" \
    -d "$VALUE" 2>>"$OUT/load.log") || { log "  hit-ratio on $1 failed"; return 1; }
  echo "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hit_ratio"])' "$json") $(rss_bytes "$4")"
}
target=$(( RSS_TARGET_MIB << 20 ))
redis_setting=$(( target * 9 / 10 )) blink_setting=$(( target * 4 / 10 ))
rss_pass() { # PASS SERVER: one run at the server's setting; calibrates it, or records the measured run
  local pass=$1 server=$2 setting port pid protocol policy field idle ratio rss
  if [ "$server" = redis ]; then
    setting=$redis_setting protocol=resp policy=allkeys-lfu field=maxmemory
    start_redis "$setting" "$policy"
    port=$redis_port pid=$redis_pid
  else
    setting=$blink_setting protocol=blink policy=w-tinylfu field=memory_limit
    # The trace's entries are 11 + 100 bytes: the entry bound and the heap for exactly the entries the limit holds
    # (the defaults plan for entries of any size, down to one byte, and would bind first).
    local entries=$(( setting / (11 + VALUE) ))
    BLINK_HEAP="$(( (setting + entries * 160) * 10 / 7 / 1048576 + 1 ))m" start_blink "$setting" --max-entries "$entries"
    port=$blink_port pid=$blink_pid
  fi
  idle=$(rss_bytes "$pid")
  read -r ratio rss < <(rss_trace "$server" "$port" "$protocol" "$pid")
  stop "$pid"
  if [ "$pass" = measure ]; then
    record "{\"suite\":\"hit-ratio-rss\",\"server\":\"$server\",\"policy\":\"$policy\",\"$field\":$setting,\
\"rss\":$rss,\"target\":$target,\"hit_ratio\":$ratio}"
    log "  $server $policy: hit ratio $ratio at RSS $(( rss >> 20 )) MiB ($field $setting)"
  else
    setting=$(python3 -c "print(int($setting * max(0.25, min(4, ($target - $idle) / max(1, $rss - $idle)))))")
    if [ "$server" = redis ]; then redis_setting=$setting; else blink_setting=$setting; fi
  fi
}
log "hit ratio at equal RSS: $RSS_TRACE_REQUESTS requests over $RSS_TRACE_KEYS keys, RSS target $RSS_TARGET_MIB MiB"
for pass in calibrate measure; do
  rss_pass "$pass" redis
  rss_pass "$pass" blink
done
fi

# ---- report -----------------------------------------------------------------------------------------------------
record "{\"suite\":\"elapsed\",\"seconds\":$(( $(date +%s) - started_at )),\"loadavg_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
python3 "$root/blink-bench/report.py" "$OUT" "$CHARTS" >"$OUT/results.md"
log "done in $(( $(date +%s) - started_at )) s: $OUT/results.md, charts in $CHARTS"
