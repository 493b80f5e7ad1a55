#!/usr/bin/env bash
# startup.sh: start to first reply, and idle RSS, of `bin/blink-store serve` (or of redis-server), over N starts.
#
#   blink-bench/startup.sh            # our server through the launcher, 21 starts
#   blink-bench/startup.sh redis      # redis-server 7.0.15, persistence off, for comparison
#   RUNS=31 blink-bench/startup.sh
#
# Each start: note the time, start the server on a free loopback port, send `PING` (the text protocol's, and
# RESP's inline form) every 2 ms until a `PONG` comes back, note the time, wait IDLE seconds (default 2) and read
# the server's RSS, then stop it with SIGTERM and wait for it. The first start is a warm-up (it may build the jar
# or the class-data archive) and is left out. Prints each start's figures, then one JSON line with the medians.
# Extra arguments go to the server; BLINK_JAVA_OPTS, JAVA_HOME and BLINK_HEAP reach bin/blink-store as usual.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${1:-blink}"
[ "$#" -gt 0 ] && shift
RUNS="${RUNS:-21}" IDLE="${IDLE:-2}"
pid=""
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true' EXIT

wait_reply() { # PORT: polls until PONG, every 2 ms, at most 30 s
  local i
  for i in $(seq 15000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'PING\r\n' >&3 && read -r -t 1 line <&3 && [[ "$line" == *PONG* ]]) \
        2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.002
  done
  return 1
}

results=()
for run in $(seq 0 "$RUNS"); do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  start=$(date +%s%N)
  if [ "$server" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no "$@" >/dev/null 2>&1 &
  else
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" "$@" >/dev/null 2>&1 &
  fi
  pid=$!
  wait_reply "$port" || { echo "start $run: no reply" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep "$IDLE"
  rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ "$run" -gt 0 ]; then
    echo "start $run: first reply after $ms ms; idle RSS $(( rss_kib / 1024 )) MiB, $threads threads" >&2
    results+=("$ms $rss_kib $threads")
  fi
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [list(map(int, line.split())) for line in sys.stdin if line.strip()]
ms, rss, threads = zip(*rows)
print(json.dumps({"server": sys.argv[1], "starts": len(rows), "first_reply_ms_median": statistics.median(ms),
                  "first_reply_ms_min": min(ms), "first_reply_ms_max": max(ms),
                  "idle_rss_mib_median": round(statistics.median(rss) / 1024, 1), "threads": statistics.median(threads)}))
' "$server"
