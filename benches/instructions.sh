#!/usr/bin/env bash
# Instructions per request of the same template page as throughput.sh, for the roan project and
# the bare axum + minijinja handler, counted by valgrind's callgrind. Unlike requests per second,
# the count repeats from run to run whatever else the machine is doing, so it shows what a change
# to the request path costs. Prints both counts and their ratio (bare / roan).
source "$(dirname "$0")/common.sh"
for tool in wrk valgrind callgrind_control; do
    command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install wrk valgrind" >&2; exit 1; }
done
DURATION=${DURATION:-8s}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${pid:-0}"; rm -rf "$work"' EXIT

build_page_project "$work"

# count NAME COMMAND...: starts the server under callgrind, warms it up, zeroes the counters,
# sends requests for $DURATION, dumps, and prints instructions per request.
count() {
    local name=$1 port=$2 out="$work/callgrind.$1"
    shift 2
    (cd "$project" && exec valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1) &
    pid=$!
    wait_for "http://127.0.0.1:$port/bench/page/" "ITEM 19" 120
    wrk -t1 -c4 -d2s "http://127.0.0.1:$port/bench/page/" >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    local requests
    requests=$(wrk -t1 -c4 -d"$DURATION" "http://127.0.0.1:$port/bench/page/" | awk '/requests in/ {print $1}')
    callgrind_control -d "$pid" >/dev/null 2>&1
    stop "$pid"
    local dump total
    dump=$(ls -t "$out".* | head -1)
    total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
    echo "$name $requests $total" | awk '{printf "%s: %d requests, %d instructions per request\n", $1, $2, $3 / $2}'
    echo "$(( total / requests ))" > "$work/$name.per_request"
}

roan_port=$(free_port)
base_port=$(free_port)
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error
count roan "$roan_port" "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload
count bare "$base_port" "$base_bin" "$project/templates" "$base_port"
python3 - "$(cat "$work/roan.per_request")" "$(cat "$work/bare.per_request")" <<'PY'
import sys
roan, bare = int(sys.argv[1]), int(sys.argv[2])
print(f"ratio bare/roan: {bare / roan:.2f} (roan does {roan / bare:.2f}x the bare handler's work)")
PY
