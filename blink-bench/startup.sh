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
# or the class-data archive) and is left out. Besides the wall time it notes the CPU time (user + system, every
# thread, the launcher's shell included) the process had used when the reply came, which a busy machine disturbs far
# less, and our server's own "ready in" (JVM uptime when it listened). Prints each start's figures, then one JSON
# line with the medians, the load average before and after, and the JDK.
# Extra arguments go to the server; BLINK_JAVA_OPTS, JAVA_HOME and BLINK_HEAP reach bin/blink-store as usual.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${1:-blink}"
[ "$#" -gt 0 ] && shift
RUNS="${RUNS:-21}" IDLE="${IDLE:-2}"
pid=""
log="$(mktemp)"
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true; rm -f "$log"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
ticks="$(getconf CLK_TCK)"

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
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no "$@" >"$log" 2>&1 &
  else
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" "$@" >"$log" 2>&1 &
  fi
  pid=$!
  wait_reply "$port" || { echo "start $run: no reply" >&2; cat "$log" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  # utime + stime (fields 14 and 15; the command name, field 2, has no spaces here), in clock ticks
  cpu_ms=$(awk -v hz="$ticks" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat")
  sleep "$IDLE"
  ready_ms=$(sed -n 's/.*; ready in \([0-9]*\) ms.*/\1/p' "$log" | head -1)
  rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ "$run" -gt 0 ]; then
    echo "start $run: first reply after $ms ms (CPU $cpu_ms ms${ready_ms:+, ready in $ready_ms ms}); idle RSS" \
      "$(( rss_kib / 1024 )) MiB, $threads threads" >&2
    results+=("$ms $rss_kib $threads $cpu_ms ${ready_ms:--1}")
  fi
done
if [ "$server" = redis ]; then
  jdk=""
else
  jdk="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | sed -n 's/.*Runtime Environment[^(]*(\(build \)\{0,1\}\([^)]*\)).*/\2/p' | head -1)"
fi
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [list(map(int, line.split())) for line in sys.stdin if line.strip()]
ms, rss, threads, cpu, ready = zip(*rows)
ready = [r for r in ready if r >= 0]
print(json.dumps({"server": sys.argv[1], "starts": len(rows), "first_reply_ms_median": statistics.median(ms),
                  "first_reply_ms_min": min(ms), "first_reply_ms_max": max(ms),
                  "cpu_ms_median": statistics.median(cpu), "cpu_ms_min": min(cpu), "cpu_ms_max": max(cpu),
                  "ready_in_ms_median": statistics.median(ready) if ready else None,
                  "idle_rss_mib_median": round(statistics.median(rss) / 1024, 1), "threads": statistics.median(threads),
                  "load_before": sys.argv[2], "load_after": sys.argv[3], "jdk": sys.argv[4] or None}))
' "$server" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$jdk"
