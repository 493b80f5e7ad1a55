# A bash worker of SidecarExample: the Blink Store text protocol through one nc connection (a coprocess).
# Usage: bash worker.sh PORT NAME INDEX WORKERS   (prints one summary line, then obeys its standard input:
# "write TEXT" stores TEXT under the key notice and prints "wrote"; "read" prints "notice=" and that key's value)
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
echo "worker=$name lookups=$count db_calls=$db_calls verified=$verified"
# Then the example's orders, one a line: "write TEXT" stores the notice, "read" reads it once.
while IFS= read -r command; do
  case "$command" in
    "write "*)
      request "SET notice ${command#write }"
      echo "wrote"
      ;;
    read)
      request "GET notice"
      notice=NOT_FOUND
      [ "$reply" = "NOT_FOUND" ] || notice="$(printf '%s' "${reply#VALUE }" | base64 -d)"
      echo "notice=$notice"
      ;;
    *)
      echo "unknown command: $command" >&2
      exit 1
      ;;
  esac
done
printf 'QUIT\n' >&"${BLINK[1]}"
