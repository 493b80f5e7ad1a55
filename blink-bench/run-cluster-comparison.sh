#!/usr/bin/env bash
# BlinkRedis beside Lettuce alone on a local Redis Cluster (3 primaries, no replicas, loopback ports picked free):
# the same GET/SET load through each, alternating, in one JVM (blink-bench cluster-throughput). Prints every round,
# the medians and their ratio, with uptime and top before and after. About ROUNDS x 2 x DURATION seconds plus a
# warm-up of each. Stops every server it started, by PID, on exit, Ctrl-C or failure.
#
#   blink-bench/run-cluster-comparison.sh                      # ROUNDS=5 DURATION=5 THREADS=32
#   ROUNDS=3 DURATION=3 THREADS=16 blink-bench/run-cluster-comparison.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

nodes=()
for i in 1 2 3; do
  port="$(free_port)"
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --cluster-enabled yes \
    --cluster-port "$(free_port)" --cluster-config-file nodes.conf --dir "$dir/$port" >"$dir/$port/redis.log" 2>&1 &
  pids+=("$!")
  nodes+=("127.0.0.1:$port")
done
for node in "${nodes[@]}"; do
  until redis-cli -p "${node#*:}" ping >/dev/null 2>&1; do sleep 0.05; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-yes >"$dir/create.log"
for node in "${nodes[@]}"; do
  until redis-cli -p "${node#*:}" cluster info | grep -q cluster_state:ok; do sleep 0.05; done
done

echo "== $(date -u +%FT%TZ), $(nproc) CPUs; before:"; uptime; top -bn1 | head -15
address="redis-cluster://$(IFS=,; echo "${nodes[*]}")"
"$root/bin/blink-bench" cluster-throughput --address "$address" --threads "${THREADS:-32}" \
  --rounds "${ROUNDS:-5}" --duration "${DURATION:-5}"
echo "== after:"; uptime
