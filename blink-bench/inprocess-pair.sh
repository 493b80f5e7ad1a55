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
# The second loader's side runs slower in the same JVM (1.04-1.09x on 2026-12-06, either build), so one round's
# B/A mixes that bias with the builds' difference; after every pair of rounds (the sides swapped) the script
# prints both apart: B_CHECKOUT over A_CHECKOUT = sqrt(r1 / r2), the bias = sqrt(r1 * r2), r1 and r2 the two
# rounds' medians.
# Knobs: OPS (per rep, 1000000), REPS (15), ROUNDS (2: each op runs twice, A and B swapped the second time; keep
# it even).
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
    out=$(java -Xms1g -Xmx1g -cp "$work" Pair "$op" "${OPS:-1000000}" "${REPS:-15}" "$work" "$caffeine" "$first" \
      "$second")
    echo "$out"
    ratio=$(sed -n 's/.*B\/A per rep: median \([0-9.]*\).*/\1/p' <<<"$out")
    if (( round % 2 )); then r1=$ratio; else
      python3 -c 'import math, sys; r1, r2 = float(sys.argv[1]), float(sys.argv[2])
print(f"{sys.argv[3]}: {sys.argv[5]} over {sys.argv[4]}, the side bias removed: {math.sqrt(r1 / r2):.2f} (bias {math.sqrt(r1 * r2):.2f})")' \
        "$r1" "$ratio" "$op" "$1" "$2"
    fi
  done
done
