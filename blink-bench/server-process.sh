# server-process.sh: sourced by redis-suite.sh and framework-suites.sh. One server at a time, started by the caller
# in the background with its PID in $pid; stop_server stops it (also on exit), wait_for_port waits for PONG.

pid=""
stop_server() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap stop_server EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() { # PORT: until the server answers PING (at most 30 s), or its process is gone
  local port=$1
  for _ in $(seq 1 300); do
    if redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null | grep -q PONG; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
