# A bash worker of SidecarExample: the Blink Store text protocol through one nc connection (a coprocess).
# Usage: bash worker.sh PORT NAME INDEX WORKERS   (prints one summary line)
set -euo pipefail
port=$1 name=$2 index=$3 workers=$4
count=300

coproc BLINK { nc 127.0.0.1 "$port"; }

request() {
  printf '%s\n' "$1" >&"${BLINK[1]}"
  IFS= read -r reply <&"${BLINK[0]}"
}

row() {
  local desc
  printf -v desc '%*s' $((200 + $1 % 100)) ''
  printf 'id=%d;name=product-%d;price=%d;desc=%s' "$1" "$1" $(($1 * 37 % 1000)) "${desc// /x}"
}

db_calls=0 verified=0
for ((n = 0; n < count; n++)); do
  i=$(( (n + index * count / workers) % count ))
  request "GET product:$i"
  expected="$(row "$i")"
  if [ "$reply" = "NOT_FOUND" ]; then
    db_calls=$((db_calls + 1))
    request "SET product:$i $expected"
  elif [ "$(printf '%s' "${reply#VALUE }" | base64 -d)" = "$expected" ]; then
    verified=$((verified + 1))
  fi
done
# The writer is another process, which may still be starting: wait for its notice, up to a generous deadline.
notice=""
deadline=$((SECONDS + 30))
while true; do
  request "GET notice"
  if [ "$reply" != "NOT_FOUND" ]; then
    notice="$(printf '%s' "${reply#VALUE }" | base64 -d)"
    break
  fi
  ((SECONDS < deadline)) || break
  sleep 0.01
done
printf 'QUIT\n' >&"${BLINK[1]}"
echo "worker=$name lookups=$count db_calls=$db_calls verified=$verified notice=$notice"
