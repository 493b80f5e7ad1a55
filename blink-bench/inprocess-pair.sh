#!/usr/bin/env bash
# inprocess-pair.sh: the in-process store's GET and SET CPU cost in two builds, side by side in one JVM.
#
#   blink-bench/inprocess-pair.sh A_CHECKOUT[:view] B_CHECKOUT[:view]
#
# Each checkout must have blink-core/target/blink-core-*.jar (`mvn -B -DskipTests -pl blink-core -am package`).
# ":view" runs that build's store without the transactions' gate (io.blinkstore.internal.Isolation's view; builds
# from issue 23 part A on). Both stores (16,384 keys, 100-byte values) live in one JVM, each build in its own class
# loader; loops of 1,000,000 operations alternate between them (blink-bench/pair/Pair.java), so the two see the
# same machine. Prints thread CPU per operation and the median per-rep ratio B/A, for get then set.
# Knobs: OPS (per rep, 1000000), REPS (15), ROUNDS (2: each op runs twice, A and B swapped the second time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
side() { local dir=${1%%:*} mode=""; [[ $1 == *:* ]] && mode=":${1#*:}"; ls "$dir"/blink-core/target/blink-core-*.jar | grep -v -e sources -e tests | head -1 | tr -d '\n'; echo "$mode"; }
a=$(side "$1"); b=$(side "$2")
caffeine=$(ls ~/.m2/repository/com/github/ben-manes/caffeine/caffeine/*/caffeine-*.jar | grep -v sources | sort -V | tail -1)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
javac -d "$work" -cp "${a%%:*}" "$here/pair/Loop.java"
javac -d "$work" "$here/pair/Pair.java"
for op in get set; do
  for round in $(seq 1 "${ROUNDS:-2}"); do
    if (( round % 2 )); then first=$a; second=$b; echo "== $op, round $round: A=$1 B=$2"
    else first=$b; second=$a; echo "== $op, round $round: A=$2 B=$1"; fi
    java -Xms1g -Xmx1g -cp "$work" Pair "$op" "${OPS:-1000000}" "${REPS:-15}" "$work" "$caffeine" "$first" "$second"
  done
done
