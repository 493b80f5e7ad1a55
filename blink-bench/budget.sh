#!/usr/bin/env bash
# budget.sh: does the server stay within 2 x its memory limit + 64 MiB whatever it is sent? RSS sampled every 0.2 s.
#
#   blink-bench/budget.sh                 # --memory-limit 64MB, the launcher's defaults
#   LIMIT=256MB SECONDS_EACH=60 blink-bench/budget.sh
#
# Two loads against one fresh server each: (1) "mixed": five writers at once, SET only over RESP, values of 1 B,
# 4 KiB, 256 KiB, 512 KiB (G1 packs them three to a 2 MiB region: the worst waste under 1 MiB) and 900 KiB (the
# largest a 1 MiB request holds), each over its own keys, for SECONDS_EACH seconds
# (default 20); (2) "tiny": 2,000,000 distinct keys with 1-byte values, pipelined. Prints one JSON line per load:
# the budget, the largest RSS sampled, whether the server was still alive and answering at the end, and the
# out-of-memory refusals the writers got. Every process it starts is stopped by PID on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIMIT="${LIMIT:-64MB}" SECONDS_EACH="${SECONDS_EACH:-20}"
work="$(mktemp -d /tmp/blink-budget.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

limit_bytes=$(python3 -c "
import re, sys
m = re.fullmatch(r'(\d+)\s*([kmgt]?)i?b?', sys.argv[1].strip().lower())
print(int(m.group(1)) << {'': 0, 'k': 10, 'm': 20, 'g': 30, 't': 40}[m.group(2)])" "$LIMIT")
budget=$(( 2 * limit_bytes + (64 << 20) ))

start_server() { # sets port, pid
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" --memory-limit "$LIMIT" >>"$work/server.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

measure() { # NAME, then the writers' commands (one per argument, PORT standing for the port) run at once
  local name=$1
  shift
  start_server
  local samples="$work/$name.rss" writers=() command
  ( while kill -0 "$pid" 2>/dev/null; do awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$pid/status" 2>/dev/null; sleep 0.2; done ) \
    >"$samples" &
  local sampler=$!
  pids+=("$sampler")
  for command in "$@"; do
    bash -c "${command//PORT/$port}" >>"$work/$name.writers" 2>&1 &
    writers+=($!)
  done
  for command in "${writers[@]}"; do wait "$command" || true; done
  local alive=false
  if kill -0 "$pid" 2>/dev/null && [ "$(timeout 5 redis-cli -p "$port" PING 2>/dev/null)" = PONG ]; then alive=true; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  kill "$sampler" 2>/dev/null || true
  python3 - "$name" "$LIMIT" "$budget" "$samples" "$alive" "$work/$name.writers" "$work/server.log" <<'PY'
import json, sys
name, limit, budget, samples, alive, writers, log = sys.argv[1:]
rss = [int(line) for line in open(samples) if line.strip()]
text = open(writers).read()
print(json.dumps({"load": name, "memory_limit": limit, "budget_mib": int(budget) >> 20,
                  "rss_max_mib": round(max(rss) / 2**20, 1), "samples": len(rss),
                  "within_budget": max(rss) <= int(budget), "alive_at_end": alive == "true",
                  "out_of_memory_error": "OutOfMemoryError" in open(log).read()}))
PY
}

bench="$root/bin/blink-bench"
mixed=()
for size in 1 4096 262144 524288 900000; do
  mixed+=("$bench load -q --json -p PORT --protocol resp --ratio 0:1 -c 2 -P 4 -d $size -r 100000 \
    --duration $SECONDS_EACH --warmup 0 --keys uniform --seed $size")
done
measure mixed "${mixed[@]}"
measure tiny "$bench load -q -p PORT --protocol resp --preload -n 0 -d 1 -r 2000000"
