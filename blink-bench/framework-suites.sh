#!/usr/bin/env bash
# framework-suites.sh: framework cache backends' own test suites, run against Blink Store and against redis-server
# in the same run; prints a markdown table of passes per suite and the names of the tests that fail on ours only.
#
#   blink-bench/framework-suites.sh /path/to/connect-redis /path/to/keyv
#
# Each argument is a checkout of one of these (nothing of them enters this repository):
#   connect-redis  git clone --branch v9.0.0 https://github.com/tj/connect-redis   (express-session store, node-redis 5)
#   keyv           git clone --branch 2026-01-20 https://github.com/jaredwray/keyv  (@keyv/redis 5.1.6, node-redis 5)
#   django-redis   git clone --branch 5.2.0 https://github.com/jazzband/django-redis (Django's cache backend, redis-py)
#   rails          git clone --branch v6.1.7.10 https://github.com/rails/rails  (Rails' RedisCacheStore; only its
#                  activesupport/ and tools/ are used, with Debian's ruby-activesupport 6.1.7.10 gems beside it)
# Their dependencies come from npm (connect-redis: npm; keyv: pnpm 9 through npx; both on Node 18 or later) and from
# Debian for django-redis (apt-get install -y python3-django python3-pytest python3-pytest-django python3-pytest-mock
# python3-msgpack python3-lz4 python3-redis; its tests run under /usr/bin/python3, once per settings module that
# needs no server we lack: the sentinel one is left out on both sides, the zstd one where pyzstd is missing), and for
# Rails (apt-get install -y ruby ruby-activesupport ruby-redis ruby-minitest ruby-mocha ruby-connection-pool
# ruby-rack; activesupport's test/cache/stores/redis_cache_store_test.rb with the pure-Ruby driver, on 6379).
# connect-redis's setup starts `redis-server --port 18543` itself: for our column a stand-in `redis-server` on the
# PATH starts `bin/blink-store serve` on that port instead. keyv's tests connect to localhost:6379 (some with the
# address written in the test), so 6379 must be free; its cluster and sentinel tests need servers neither side has
# here and are left out on both sides. django-redis's settings use 127.0.0.1:6379 (databases 1 and 2) and the Unix
# socket /tmp/redis.sock.
#
# Knobs (environment): OUT (default blink-bench/target/framework-suites: JSON results, logs, table.md),
# MEMORY_LIMIT (ours, default 256MB), SKIP_BUILD=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: blink-bench/framework-suites.sh CHECKOUT..." >&2; exit 2; }
OUT="${OUT:-$root/blink-bench/target/framework-suites}"
MEMORY_LIMIT="${MEMORY_LIMIT:-256MB}"
mkdir -p "$OUT/shim"
for tool in node npx redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "framework-suites: $tool missing" >&2; exit 2; }
done
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$root/blink-server/target/blink-store.jar" ]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl blink-server -am package) >&2
fi
real_redis="$(command -v redis-server)"

# The stand-in: serves Blink Store on the port a test setup asked redis-server for.
cat >"$OUT/shim/redis-server" <<SHIM
#!/usr/bin/env bash
port=6379
while [ \$# -gt 0 ]; do
  case "\$1" in --port) port=\$2; shift 2 ;; *) shift ;; esac
done
exec "$root/bin/blink-store" serve --tcp "127.0.0.1:\$port" --memory-limit "$MEMORY_LIMIT"
SHIM
chmod +x "$OUT/shim/redis-server"

# shellcheck source=server-process.sh
source "$root/blink-bench/server-process.sh"

port_free() { # PORT
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_on() { # SERVER PORT [UNIX_SOCKET]: our server or redis-server on 127.0.0.1:PORT, until it answers PING
  if [ "$1" = redis ]; then
    local unix=()
    [ -z "${3:-}" ] || { rm -f "$3"; unix=(--unixsocket "$3" --unixsocketperm 700); }
    "$real_redis" --port "$2" --bind 127.0.0.1 --save '' --appendonly no "${unix[@]}" >>"$OUT/$1-server.log" 2>&1 &
  elif [ -n "${3:-}" ]; then
    "$root/bin/blink-store" serve --tcp "127.0.0.1:$2" --unix "$3" --memory-limit "$MEMORY_LIMIT" \
      >>"$OUT/$1-server.log" 2>&1 &
  else
    "$OUT/shim/redis-server" --port "$2" >>"$OUT/$1-server.log" 2>&1 &
  fi
  pid=$!
  wait_for_port "$2" || { echo "framework-suites: $1 did not start on $2" >&2; return 1; }
}

connect_redis() { # CHECKOUT SERVER: the suite spawns the server itself
  local dir=$1 server=$2 path=$PATH
  port_free 18543 || { echo "framework-suites: port 18543 is taken" >&2; return 1; }
  [ -d "$dir/node_modules/redis" ] || (cd "$dir" && npm install --no-audit --no-fund redis@5 >"$OUT/npm.log" 2>&1)
  [ "$server" = redis ] || path="$OUT/shim:$PATH"
  (cd "$dir" && PATH="$path" timeout 300 npx vitest run --reporter=json --outputFile="$OUT/connect-redis-$server.json") \
    >"$OUT/connect-redis-$server.log" 2>&1 || true
}

keyv() { # CHECKOUT SERVER
  local dir=$1 server=$2 pnpm=(npx -y pnpm@9)
  port_free 6379 || { echo "framework-suites: port 6379 is taken (keyv's tests need it)" >&2; return 1; }
  if [ ! -d "$dir/packages/test-suite/dist" ]; then
    (cd "$dir" && "${pnpm[@]}" install --filter "@keyv/redis..." --filter "@keyv/mono-repo" \
      && "${pnpm[@]}" --filter @keyv/serialize run build && "${pnpm[@]}" --filter keyv run build \
      && "${pnpm[@]}" --filter @keyv/test-suite run build) >"$OUT/pnpm.log" 2>&1
  fi
  start_on "$server" 6379
  (cd "$dir/packages/redis" && timeout 300 npx vitest run --exclude test/cluster.test.ts \
    --exclude test/sentinel.test.ts --reporter=json --outputFile="$OUT/keyv-$server.json") \
    >"$OUT/keyv-$server.log" 2>&1 || true
  stop_server
}

# The launcher's first start writes its class-data archive, which takes seconds: connect-redis's setup waits 1.5 s.
start_on blink "$(free_port)"
stop_server

django_redis() { # CHECKOUT SERVER: one pytest run per settings module, each on a fresh server
  local dir=$1 server=$2 settings
  port_free 6379 || { echo "framework-suites: port 6379 is taken (django-redis's settings need it)" >&2; return 1; }
  mkdir -p "$OUT/django-redis-$server"
  rm -f "$OUT/django-redis-$server"/*.xml
  for settings in sqlite sqlite_herd sqlite_json sqlite_lz4 sqlite_msgpack sqlite_sharding sqlite_usock sqlite_zlib \
      sqlite_zstd; do
    if [ "$settings" = sqlite_zstd ] && ! /usr/bin/python3 -c 'import pyzstd' 2>/dev/null; then continue; fi
    start_on "$server" 6379 /tmp/redis.sock
    (cd "$dir/tests" && PYTHONPATH="$dir:$dir/tests" timeout 600 /usr/bin/python3 -m pytest -q -p no:cacheprovider \
      -o addopts="" -W ignore::DeprecationWarning --ds="settings.$settings" \
      --junitxml="$OUT/django-redis-$server/$settings.xml") >"$OUT/django-redis-$server-$settings.log" 2>&1 || true
    stop_server
  done
}

rails() { # CHECKOUT SERVER: a minitest reporter that prints each result with its name
  local dir=$1 server=$2
  port_free 6379 || { echo "framework-suites: port 6379 is taken (Rails' RedisCacheStore tests need it)" >&2; return 1; }
  start_on "$server" 6379
  (cd "$dir/activesupport" && REDIS_DRIVER=ruby timeout 600 ruby -Ilib -Itest -e '
require "./test/cache/stores/redis_cache_store_test.rb"
class NamesReporter < Minitest::AbstractReporter
  def record(result)
    puts "\nRESULT #{result.result_code} #{result.klass}##{result.name}"
  end
end
module Minitest
  def self.plugin_names_init(_options)
    reporter << NamesReporter.new
  end
end
Minitest.load_plugins
Minitest.extensions << "names"') >"$OUT/rails-$server.log" 2>&1 || true
  stop_server
}

suites=()
for checkout in "$@"; do
  dir="$(cd "$checkout" && pwd)"
  name=""
  [ ! -f "$dir/package.json" ] \
    || name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$dir/package.json")
  [ ! -d "$dir/django_redis" ] || name=django-redis
  [ ! -f "$dir/activesupport/lib/active_support/cache/redis_cache_store.rb" ] || name=rails
  case "$name" in
    connect-redis) suite=connect-redis ;;
    @keyv/mono-repo) suite=keyv ;;
    django-redis) suite=django-redis ;;
    rails) suite=rails ;;
    *) echo "framework-suites: $dir is not connect-redis, keyv, django-redis or rails" >&2; exit 2 ;;
  esac
  for server in redis blink; do
    echo "[$(date +%T)] $suite against $server" >&2
    rm -f "$OUT/$suite-$server.json"
    case "$suite" in
      keyv) keyv "$dir" "$server" ;;
      django-redis) django_redis "$dir" "$server" ;;
      rails) rails "$dir" "$server" ;;
      *) connect_redis "$dir" "$server" ;;
    esac
  done
  suites+=("$suite")
done

python3 - "$OUT" "${suites[@]}" <<'PY' | tee "$OUT/table.md"
import glob, json, os, re, sys
import xml.etree.ElementTree as ET
out, suites = sys.argv[1], sys.argv[2:]
def junit(folder):
    status = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        settings = os.path.basename(path)[:-4]
        for case in ET.parse(path).iter("testcase"):
            kind = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
            status[(settings, case.get("classname", "") + "::" + case.get("name", ""), 1)] = (
                "passed" if kind == "passed" else "skipped" if kind == "skipped" else "failed")
    return (len(status) if status else None), status
def minitest(path):
    """Each result the suite's reporter printed: RESULT <. F E S> <class#test>."""
    text = open(path).read() if os.path.exists(path) else ""
    codes = {".": "passed", "S": "skipped"}
    status = {("", name, 1): codes.get(code, "failed")
              for code, name in re.findall(r"^RESULT (\S) (.+)$", text, re.M)}
    return (len(status) if status else None), status
def results(suite, server):
    if suite == "rails":
        return minitest(os.path.join(out, f"rails-{server}.log"))
    if suite == "django-redis":
        return junit(os.path.join(out, f"{suite}-{server}"))
    path = os.path.join(out, f"{suite}-{server}.json")
    if not os.path.exists(path):
        return None, {}
    r = json.load(open(path))
    status, seen = {}, {}
    for f in r["testResults"]:
        for t in f["assertionResults"]:
            name = (os.path.basename(f["name"]), t["fullName"])
            seen[name] = seen.get(name, 0) + 1  # a suite may run a test of the same name twice
            status[name + (seen[name],)] = t["status"]
    return r["numTotalTests"], status
print("| suite | tests | Redis 7.0.15 passes | Blink Store passes | ours / Redis's |")
print("|---|---|---|---|---|")
failing = {}
for s in suites:
    total, redis = results(s, "redis")
    _, blink = results(s, "blink")
    rp = sum(v == "passed" for v in redis.values())
    bp = sum(v == "passed" for v in blink.values())
    print(f"| {s} | {total if total is not None else 'n/a'} | {rp} | {bp} | {bp / rp:.0%} |" if rp else
          f"| {s} | {total} | {rp} | {bp} | n/a |")
    failing[s] = sorted(n for n, v in redis.items() if v == "passed" and blink.get(n) != "passed")
for s, names in failing.items():
    if names:
        print(f"\n{s}: passes on Redis, not on ours ({len(names)}):")
        for n in names:
            print(f"- {n[0] + ': ' if n[0] else ''}{n[1]}" + (f" (run {n[2]})" if n[2] > 1 else ""))
PY
