#!/usr/bin/env bash
# The sweep benchmark of vigil-http, with wrk as the reference in the same run.
#
#   benchmarks/run.sh                      # 3 rounds, 5,000 resources, 16 connections
#   ROUNDS=5 RESOURCES=10000 benchmarks/run.sh
#   OKHTTP_FLOOR=1 benchmarks/run.sh       # also OkHttp alone (OkHttpFloor), blocking and async
#
# Needs: nginx and wrk (Debian: apt-get install nginx wrk), curl, a JDK 17, and the build
# (done here with ./mvnw -o package -pl benchmarks -am; SKIP_BUILD=1 skips it).
#
# What it does, touching nothing but 127.0.0.1:
#  1. generates a static fake cloud in a temporary directory: a listing of RESOURCES resources in
#     pages of PAGE_SIZE linked by "next" (/v1/resources/page-N.json), and one metrics document per
#     resource (/v1/resources/vm-00001/metrics ...);
#  2. serves it with nginx (access log off, keep-alive without a request limit) on a free port of
#     127.0.0.1;
#  3. per round: wrk -t2 -c16 against one metrics URL, and wrk with walk.lua that requests every
#     resource's metrics URL in turn: the reference rates; then dev.vigil.benchmarks.SweepBenchmark
#     in a JVM of its own: WARMUP sweeps, then SWEEPS measured sweeps with CONCURRENCY requests in
#     flight, printing resources/s, client CPU µs and bytes allocated per resource, and the TCP
#     connections it opened (from nginx's stub_status; CONCURRENCY is the ideal);
#  4. prints the median and the spread (min..max) of each figure over the rounds, and the load
#     average seen before each round (the machine may be shared);
#  5. stops nginx and removes the directory, also on failure or Ctrl-C.
set -euo pipefail

RESOURCES=${RESOURCES:-5000}
PAGE_SIZE=${PAGE_SIZE:-500}
CONCURRENCY=${CONCURRENCY:-16}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20} # 5 are not enough on 2 cores: C2 is still compiling the request path
SWEEPS=${SWEEPS:-10}
WRK_THREADS=${WRK_THREADS:-2}
WRK_DURATION=${WRK_DURATION:-10s}
NGINX_WORKERS=${NGINX_WORKERS:-1}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC}
MVN_FLAGS=${MVN_FLAGS:--o}
TOKEN=benchmark-token

root=$(cd "$(dirname "$0")/.." && pwd)
for tool in nginx wrk curl java; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install nginx wrk curl)" >&2; exit 1; }
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building vigil-benchmarks"
  (cd "$root" && ./mvnw -B -q $MVN_FLAGS package -pl benchmarks -am -DskipTests)
fi
# VIGIL_CLASSPATH runs another build (a copy of benchmarks/target/classes and lib/ of an older
# commit, say) against the same server, for before/after comparisons.
classpath=${VIGIL_CLASSPATH:-"$root/benchmarks/target/classes:$root/benchmarks/target/lib/*"}

work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
nginx_pid=
cleanup() {
  if [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -TERM "$nginx_pid" 2>/dev/null || true # not QUIT: a background job of a script ignores it
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== generating $RESOURCES resources in $work"
www="$work/www"
mkdir -p "$www/v1/resources" "$work/tmp"
seq -f "$www/v1/resources/vm-%05g" 1 "$RESOURCES" | xargs mkdir -p
awk -v n="$RESOURCES" -v size="$PAGE_SIZE" -v dir="$www/v1/resources" 'BEGIN {
  pages = int((n + size - 1) / size)
  for (p = 1; p <= pages; p++) {
    f = sprintf("%s/page-%d.json", dir, p)
    printf "{\"items\":[" > f
    for (i = (p - 1) * size + 1; i <= p * size && i <= n; i++) {
      printf "%s{\"id\":\"vm-%05d\",\"region\":\"eu-west-%d\",\"type\":\"m5.large\",\"state\":\"running\"}", \
        (i > (p - 1) * size + 1 ? "," : ""), i, i % 3 + 1 > f
    }
    printf "],\"next\":%s}\n", (p < pages ? sprintf("\"/v1/resources/page-%d.json\"", p + 1) : "null") > f
    close(f)
  }
  for (i = 1; i <= n; i++) {
    f = sprintf("%s/vm-%05d/metrics", dir, i)
    printf "{\"id\":\"vm-%05d\",\"timestamp\":\"2026-12-01T00:00:00Z\",\"metrics\":{\"cpu_usage\":%.3f,\"memory_usage\":%.3f,\"disk_usage\":%.3f,\"network_in_bytes\":%d,\"network_out_bytes\":%d}}\n", \
      i, (i % 100) / 100, (i % 37) / 37, (i % 11) / 11, i * 1000, i * 700 > f
    close(f)
  }
}'
chmod -R a+rX "$work" # nginx workers run as nobody when started by root

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))
cat >"$work/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  open_file_cache max=$((RESOURCES + 1000)) inactive=300s;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $www;
    location = /nginx_status { stub_status; } # "accepts": connections opened so far
  }
}
EOF
nginx -p "$work" -e "$work/error.log" -c "$work/nginx.conf" &
nginx_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$base/v1/resources/page-1.json" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/error.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "$base/v1/resources/vm-00001/metrics"
echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///') serving on $base ($NGINX_WORKERS worker(s)); $(nproc) cores"

cat >"$work/walk.lua" <<'EOF'
-- Requests every resource's metrics URL in turn; each wrk thread starts at another resource.
local n, i = 1, 0
function init(args)
  n = tonumber(args[1])
  i = math.random(n)
end
function request()
  i = i % n + 1
  return wrk.format("GET", string.format("/v1/resources/vm-%05d/metrics", i))
end
EOF

wrk_rate() { # prints wrk's Requests/sec, failing on socket errors or non-2xx answers
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"$WRK_DURATION" -H "Authorization: Bearer $TOKEN" "$@")
  if grep -qE 'Socket errors|Non-2xx' <<<"$out"; then echo "$out" >&2; return 1; fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

accepted() { # connections nginx has accepted so far (this request's included)
  curl -fsS "$base/nginx_status" | awk 'NR == 3 { print $1 }'
}

results="$work/results"
: >"$results"
for round in $(seq "$ROUNDS"); do
  load=$(uptime | sed 's/.*load average: //')
  echo "== round $round/$ROUNDS (load average before: $load)"
  single=$(wrk_rate "$base/v1/resources/vm-00001/metrics")
  walk=$(wrk_rate -s "$work/walk.lua" "$base/" -- "$RESOURCES")
  echo "wrk one URL: $single requests/s; wrk walking all $RESOURCES URLs: $walk requests/s"
  accepted_before=$(accepted)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -cp "$classpath" dev.vigil.benchmarks.SweepBenchmark \
    "$base/" "$RESOURCES" "$CONCURRENCY" "$WARMUP" "$SWEEPS" >"$work/vigil.log"
  connections=$(($(accepted) - accepted_before - 1))
  cat "$work/vigil.log"
  if [[ "${OKHTTP_FLOOR:-0}" == 1 ]]; then # OkHttp alone, blocking and async: the floor
    for mode in sync async; do
      # shellcheck disable=SC2086
      java $JAVA_OPTS -cp "$classpath" dev.vigil.benchmarks.OkHttpFloor \
        "$base/" "$RESOURCES" "$CONCURRENCY" "$WARMUP" "$SWEEPS" "$mode" | grep '^FLOOR'
    done
  fi
  vigil=$(grep '^RESULT' "$work/vigil.log")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$vigil"; }
  rate=$(get resources_per_s)
  echo "round=$round load1=${load%%,*} wrk_single=$single wrk_walk=$walk vigil=$rate" \
    "ratio_single=$(awk -v a="$rate" -v b="$single" 'BEGIN { printf "%.3f", a / b }')" \
    "ratio_walk=$(awk -v a="$rate" -v b="$walk" 'BEGIN { printf "%.3f", a / b }')" \
    "cpu_us=$(get cpu_us_per_resource) bytes=$(get bytes_per_resource)" \
    "threads_started=$(get threads_started) threads_ended=$(get threads_ended)" \
    "connections=$connections" | tee -a "$results"
done

summary() { # name unit: median and min..max of one field over the rounds
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$results" | sort -g | awk -v name="$1" -v unit="$2" '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "  %-14s median %10.3f  (min %.3f, max %.3f) %s\n", name, m, v[1], v[NR], unit }'
}
echo
echo "== summary: $ROUNDS rounds, $RESOURCES resources, $CONCURRENCY connections," \
  "$SWEEPS measured sweeps per round after $WARMUP warm-up sweeps; $(nproc) cores"
summary wrk_single "requests/s (wrk -t$WRK_THREADS -c$CONCURRENCY, one metrics URL)"
summary wrk_walk "requests/s (wrk -t$WRK_THREADS -c$CONCURRENCY, walk.lua over every metrics URL)"
summary vigil "resources/s (Vigil sweep, listing included)"
summary ratio_single "Vigil / wrk one URL"
summary ratio_walk "Vigil / wrk walk"
summary cpu_us "client CPU µs per resource (process CPU time)"
summary bytes "bytes allocated per resource (all threads)"
summary connections "TCP connections Vigil opened in all its sweeps (nginx stub_status)"
summary load1 "1-minute load average before each round"
echo "  load average now: $(uptime | sed 's/.*load average: //')"
