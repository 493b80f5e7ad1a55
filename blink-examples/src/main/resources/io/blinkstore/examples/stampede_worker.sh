# A bash worker of StampedeExample: the Blink Store text protocol through one nc connection (a coprocess).
# Usage: bash stampede_worker.sh PORT QUERY_MS LEASE_MS
# Connects, prints "ready", then for each line "MODE KEY VALUE" on stdin (the go signal; VALUE is the database's
# row for KEY) reads KEY and prints "queries=N value=V". MODE "lease": GETL, and on LEASE query and FILL, on WAIT
# ask again after the hinted ms; "plain": GET, and on a miss query and SET. Exits when stdin ends.
set -euo pipefail
port=$1 query_ms=$2 lease_ms=$3

coproc BLINK { nc 127.0.0.1 "$port"; }

request() {
  printf '%s\n' "$1" >&"${BLINK[1]}"
  if ! IFS= read -r reply <&"${BLINK[0]}" || [[ $reply == ERROR* ]]; then
    echo "$1: ${reply:-the server closed the connection}" >&2
    exit 1
  fi
}

# sleep_ms MS: sleeps MS milliseconds.
sleep_ms() {
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# query ROW: the database query, which takes QUERY_MS.
query() {
  sleep_ms "$query_ms"
  queries=$((queries + 1))
  value=$1
}

read_plain() {
  request "GET $1"
  if [[ $reply == VALUE* ]]; then
    value="$(printf '%s' "${reply#VALUE }" | base64 -d)"
  else
    query "$2"
    request "SET $1 $value"
  fi
}

read_leased() {
  while true; do
    request "GETL $1 $lease_ms"
    case $reply in
      VALUE*)
        value="$(printf '%s' "${reply#VALUE }" | base64 -d)"
        return
        ;;
      LEASE*)
        query "$2"
        request "FILL $1 ${reply#LEASE } 0 $(printf '%s' "$value" | base64 | tr -d '\n')"
        return
        ;;
      *) sleep_ms "${reply#WAIT }" ;;
    esac
  done
}

request PING
echo ready
while read -r mode key row; do
  queries=0
  if [ "$mode" = lease ]; then read_leased "$key" "$row"; else read_plain "$key" "$row"; fi
  echo "queries=$queries value=$value"
done
printf 'QUIT\n' >&"${BLINK[1]}"
