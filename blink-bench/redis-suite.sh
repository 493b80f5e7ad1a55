#!/usr/bin/env bash
# redis-suite.sh: Redis's own test suite, run in external mode against Blink Store and against redis-server in the
# same run, one unit at a time, each unit on fresh servers; prints a markdown table of passes per unit.
#
#   blink-bench/redis-suite.sh /path/to/redis-7.0.15                      # the eleven units of docs/resp.md
#   blink-bench/redis-suite.sh /path/to/redis-7.0.15 unit/type/string     # some units
#
# The Redis checkout is only read and run (its tests/ and runtest); nothing of it enters this repository. Get it
# with `git clone --branch 7.0.15 --depth 1 https://github.com/redis/redis`; it needs `tclsh` (Debian: tcl) and a
# `redis-server` on the PATH (Debian: redis-server, 7.0.15 on bookworm) for the side-by-side column.
#
# Knobs (environment): OUT (default blink-bench/target/redis-suite: one log per unit and server, table.md),
# UNIT_TIMEOUT (seconds per unit and server, default 600), MEMORY_LIMIT (ours, default 512MB; Redis runs without
# maxmemory; both with maxmemory-policy noeviction, Redis's default, and with DEBUG enabled, as the suite's own
# configuration has it), PROTOCOL (ours' --protocol: auto, the default, or resp, which takes a first request that
# is not an array as Redis does: unit/protocol's and unit/other's first-byte tests), SKIP_REDIS=1 (ours only),
# SKIP_BUILD=1, SKIP_TESTS (below).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
redis_src="$(cd "${1:?usage: blink-bench/redis-suite.sh REDIS_CHECKOUT [unit/...]}" && pwd)"
shift
units=("$@")
if [ ${#units[@]} -eq 0 ]; then
  units=(unit/type/string unit/type/incr unit/expire unit/keyspace unit/protocol unit/multi unit/scan
    unit/info-command unit/other unit/introspection unit/introspection-2)
fi
OUT="${OUT:-$root/blink-bench/target/redis-suite}"
UNIT_TIMEOUT="${UNIT_TIMEOUT:-600}"
MEMORY_LIMIT="${MEMORY_LIMIT:-512MB}"
PROTOCOL="${PROTOCOL:-auto}"
mkdir -p "$OUT"

[ -x "$redis_src/runtest" ] || { echo "redis-suite: no runtest in $redis_src" >&2; exit 2; }
command -v tclsh >/dev/null || { echo "redis-suite: tclsh missing (apt-get install -y tcl)" >&2; exit 2; }
if [ "${SKIP_REDIS:-0}" != 1 ]; then
  command -v redis-server >/dev/null || { echo "redis-suite: redis-server missing (or SKIP_REDIS=1)" >&2; exit 2; }
fi
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$root/blink-server/target/blink-store.jar" ]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl blink-server -am package) >&2
fi

# shellcheck source=server-process.sh
source "$root/blink-bench/server-process.sh"

start_server() { # $1: blink | redis, $2: port, $3: log
  case "$1" in
    # Each its own folder: the suite's SAVE, BGSAVE, DEBUG RELOAD and appendonly tests write files there. DEBUG is
    # enabled on both, as in the suite's default.conf (enable-debug-command yes). Ours refuses writes instead of
    # evicting (--maxmemory-policy noeviction): the configuration of the redis-server it is compared with, whose
    # default policy that is (unit/multi's OOM tests lower maxmemory and expect refusals, not evictions).
    blink) mkdir -p "$3.dir"
      "$root/bin/blink-store" serve --tcp "127.0.0.1:$2" --memory-limit "$MEMORY_LIMIT" --maxmemory-policy noeviction \
      --snapshot "$3.dir/blink.snapshot" --enable-debug-command yes --protocol "$PROTOCOL" >"$3.server" 2>&1 & ;;
    redis) mkdir -p "$3.dir"
      redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize no --dir "$3.dir" \
      --enable-debug-command yes \
      >"$3.server" 2>&1 & ;;
  esac
  pid=$!
  wait_for_port "$2"
}

# Prints "passed failed": [ok] lines, and [err] plus [exception] lines (an exception ends the unit early, so the
# tests after it count as neither).
count() {
  local ok err plain
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$1")
  ok=$(grep -c '^\[ok\]:' <<<"$plain" || true)
  err=$(grep -cE '^\[(err|exception)\]:' <<<"$plain" || true)
  echo "$ok $err"
}

run_unit() { # $1: server kind, $2: unit; prints "passed failed"
  local log port
  log="$OUT/$(echo "$2" | tr / _).$1.log"
  port=$(free_port)
  if ! start_server "$1" "$port" "$log"; then
    stop_server
    echo "0 0"
    return
  fi
  # The runner listens for its test clients on a port below --baseport (21079 by default): a base of our own
  # keeps two runs on one machine apart.
  (cd "$redis_src" && timeout "$UNIT_TIMEOUT" ./runtest --host 127.0.0.1 --port "$port" --singledb \
    --baseport $((20000 + RANDOM % 20000)) --clients 1 --ignore-encoding --ignore-digest --durable --timeout "$UNIT_TIMEOUT" \
    "${skips[@]}" --single "$2") >"$log" 2>&1 || true
  stop_server
  count "$log"
}

# SKIP_TESTS: test names, one per line, that the runner skips on both servers (its --skiptest), for a test that can
# hang a whole unit here (type/list's `BRPOPLPUSH with multiple blocked clients` assumes requests sent on three
# connections run in the order they were sent; ours run each connection on its own event loop, docs/resp.md).
skips=()
while IFS= read -r name; do
  [ -n "$name" ] && skips+=(--skiptest "$name")
done <<<"${SKIP_TESTS:-}"

table="$OUT/table.md"
{
  echo "| unit | Blink Store passed | redis-server passed | ratio | Blink Store failed |"
  echo "| --- | ---: | ---: | ---: | ---: |"
} >"$table"
total_ours=0 total_redis=0
for unit in "${units[@]}"; do
  read -r ours ours_failed < <(run_unit blink "$unit")
  redis=0
  [ "${SKIP_REDIS:-0}" = 1 ] || read -r redis _ < <(run_unit redis "$unit")
  total_ours=$((total_ours + ours)) total_redis=$((total_redis + redis))
  ratio=$(awk -v a="$ours" -v b="$redis" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')
  echo "| ${unit#unit/} | $ours | $redis | $ratio | $ours_failed |" | tee -a "$table"
done
ratio=$(awk -v a="$total_ours" -v b="$total_redis" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')
echo "| **all** | **$total_ours** | **$total_redis** | **$ratio** | |" | tee -a "$table"
echo "redis-suite: logs and table in $OUT" >&2
