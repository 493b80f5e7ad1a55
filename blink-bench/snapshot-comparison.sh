#!/usr/bin/env bash
# snapshot-comparison.sh: saving and restarting with 1M entries, our snapshots beside Redis's RDB, same machine,
# same data, rounds alternating (A B A B).
#
#   blink-bench/snapshot-comparison.sh                 # 1,000,000 entries (13-byte keys, 100-byte values), 3 rounds
#   ENTRIES=200000 ROUNDS=1 SERVERS=redis blink-bench/snapshot-comparison.sh   # smaller, one server
#
# Each round, for each server (ours through bin/blink-store with --snapshot, redis-server 7.0.15 with its RDB in a
# fresh directory): load ENTRIES entries (13-byte keys k000000000000..., 100-byte values) with `redis-cli --pipe`, then
#   - SAVE: the caller's wall time, the file's size, and the most memory the save took beyond the process's before
#     (proportional set size, Pss, of the server and of any child it forks, sampled every 5 ms);
#   - BGSAVE under writes: one `redis-benchmark` client overwriting the same keys (pipeline 16) while a BGSAVE runs,
#     and the most memory beyond the start in that time (Redis's fork copies the pages the writes touch);
#   - restart: SIGTERM (ours saves on it, Redis is told `SHUTDOWN NOSAVE`, its RDB is already written), then a new
#     process on the same file: the time to its first PING reply, and to a DBSIZE of ENTRIES (Redis answers
#     -LOADING until its load ends; ours loads before it listens), and its RSS then.
# Prints a line per measurement and one JSON line of medians per server. Needs redis-server, redis-cli and
# redis-benchmark (Debian's redis-server and redis-tools) and python3. Every server binds 127.0.0.1 on a free port.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENTRIES="${ENTRIES:-1000000}" ROUNDS="${ROUNDS:-3}" MEMORY_LIMIT="${MEMORY_LIMIT:-1GB}" SERVERS="${SERVERS:-blink redis}"
work="$(mktemp -d)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -z "$p" ] || kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$ENTRIES" "$work/load.resp" <<'EOF'
import base64, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(19)
with open(path, "wb") as out:
    for i in range(n):
        key = b"k%012d" % i  # redis-benchmark's k__rand_int__, so that its writes overwrite these keys
        value = base64.b64encode(rnd.randbytes(75))  # 100 bytes that compress as little as real data
        out.write(b"*3\r\n$3\r\nSET\r\n$13\r\n" + key + b"\r\n$100\r\n" + value + b"\r\n")
EOF

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }

start_server() { # NAME DIR: starts it on $port, sets $pid
  if [ "$1" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$2" --dbfilename dump.rdb \
      >>"$2/server.log" 2>&1 &
  else
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$port" --memory-limit "$MEMORY_LIMIT" \
      --snapshot "$2/blink.snap" --snapshot-interval 24h --snapshot-writes 0 >>"$2/server.log" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
}

wait_pong() { # prints ms until PING answers PONG
  local t0; t0=$(now_ms)
  until [ "$(cli ping 2>/dev/null)" = PONG ]; do
    kill -0 "$pid" 2>/dev/null || { echo "server died" >&2; exit 1; }
    sleep 0.002
  done
  echo $(( $(now_ms) - t0 ))
}

pss_kib() { # the server's Pss plus its children's (Redis's fork), in KiB
  local total=0 p v
  for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

sample_peak() { # samples pss_kib every 5 ms into $1 until the file $2 exists
  local peak=0 v
  while [ ! -e "$2" ]; do
    v=$(pss_kib); [ "$v" -gt "$peak" ] && peak=$v
    sleep 0.005
  done
  echo "$peak" >"$1"
}

saving() { cli info persistence | tr -d '\r' | grep -q '^rdb_bgsave_in_progress:1'; }

results="$work/results"
: >"$results"
for round in $(seq "$ROUNDS"); do
  for server in $SERVERS; do
    dir="$work/$server-$round"; mkdir -p "$dir"
    port=$(free_port)
    start_server "$server" "$dir"
    wait_pong >/dev/null
    cli --pipe <"$work/load.resp" >/dev/null
    [ "$(cli dbsize)" = "$ENTRIES" ] || { echo "$server: DBSIZE $(cli dbsize), not $ENTRIES" >&2; exit 1; }
    base=$(pss_kib)

    rm -f "$dir/stop"; sample_peak "$dir/peak" "$dir/stop" & sampler=$!
    t0=$(now_ms); cli save >/dev/null; save_ms=$(( $(now_ms) - t0 ))
    touch "$dir/stop"; wait "$sampler"
    save_extra=$(( $(cat "$dir/peak") - base ))
    file="$dir/dump.rdb"; [ "$server" = blink ] && file="$dir/blink.snap"
    file_bytes=$(stat -c %s "$file")

    redis-benchmark -h 127.0.0.1 -p "$port" -c 1 -P 16 -r "$ENTRIES" -n $(( ENTRIES * 4 )) -q \
      SET k__rand_int__ "$(printf 'v%.0s' $(seq 100))" >/dev/null 2>&1 & writer=$!
    sleep 0.5
    base_w=$(pss_kib)
    rm -f "$dir/stop"; sample_peak "$dir/peak" "$dir/stop" & sampler=$!
    t0=$(now_ms); cli bgsave >/dev/null
    sleep 0.05
    while saving; do sleep 0.01; done
    bgsave_ms=$(( $(now_ms) - t0 ))
    touch "$dir/stop"; wait "$sampler"
    bgsave_extra=$(( $(cat "$dir/peak") - base_w ))
    kill "$writer" 2>/dev/null || true; wait "$writer" 2>/dev/null || true
    cli save >/dev/null # the file the restart loads: the whole data set as it stands
    keys=$(cli dbsize)

    t0=$(now_ms)
    if [ "$server" = redis ]; then cli shutdown nosave >/dev/null 2>&1 || true; else kill -TERM "$pid"; fi
    wait "$pid" 2>/dev/null || true
    stop_ms=$(( $(now_ms) - t0 ))
    t0=$(now_ms)
    start_server "$server" "$dir"
    first_ms=$(wait_pong)
    until [ "$(cli dbsize 2>/dev/null)" = "$keys" ]; do sleep 0.002; done
    loaded_ms=$(( $(now_ms) - t0 ))
    rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    if [ "$server" = redis ]; then cli shutdown nosave >/dev/null 2>&1 || true; else kill "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
    echo "$server round $round: SAVE ${save_ms} ms, file $(( file_bytes / 1048576 )) MiB, extra $(( save_extra / 1024 )) MiB;" \
      "BGSAVE under writes ${bgsave_ms} ms, extra $(( bgsave_extra / 1024 )) MiB; stop ${stop_ms} ms;" \
      "restart: first reply ${first_ms} ms, all ${ENTRIES} keys ${loaded_ms} ms, RSS $(( rss_kib / 1024 )) MiB" >&2
    echo "$server $save_ms $file_bytes $save_extra $bgsave_ms $bgsave_extra $stop_ms $first_ms $loaded_ms $rss_kib" >>"$results"
    rm -rf "$dir"
  done
done

python3 - "$results" "$ENTRIES" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *values = line.split()
    rows.setdefault(name, []).append(list(map(int, values)))
fields = ["save_ms", "file_bytes", "save_extra_kib", "bgsave_under_writes_ms", "bgsave_extra_kib", "stop_ms",
          "restart_first_reply_ms", "restart_all_keys_ms", "restart_rss_kib"]
for name, runs in rows.items():
    print(json.dumps({"server": name, "entries": int(sys.argv[2]), "rounds": len(runs), "loadavg_after": sys.argv[3],
                      **{f + "_median": statistics.median(col) for f, col in zip(fields, zip(*runs))}}))
EOF
