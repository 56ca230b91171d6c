#!/usr/bin/env bash
# Requests per second of a generated project's template page against a bare axum + minijinja
# handler rendering the same templates with the same context, both release builds, measured with
# wrk in the same run, alternating. Prints both and the ratio. Target: ratio >= 0.8.
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${roan_pid:-0}"; stop "${base_pid:-0}"; rm -rf "$work"' EXIT

build_page_project "$work"

roan_port=$(free_port)
base_port=$(free_port)
(cd "$project" && DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error exec "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload >/dev/null 2>&1) &
roan_pid=$!
"$base_bin" "$project/templates" "$base_port" >/dev/null 2>&1 &
base_pid=$!
wait_for "http://127.0.0.1:$roan_port/bench/page/" "ITEM 19" 60
wait_for "http://127.0.0.1:$base_port/bench/page/" "ITEM 19" 60
if ! diff <(curl -fs "http://127.0.0.1:$roan_port/bench/page/") <(curl -fs "http://127.0.0.1:$base_port/bench/page/") >/dev/null; then
    echo "warning: the two pages differ" >&2
fi

rps() { wrk -t2 -c32 -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
rs=(); bs=()
for r in $(seq 1 "$ROUNDS"); do
    a=$(rps "http://127.0.0.1:$roan_port/bench/page/")
    b=$(rps "http://127.0.0.1:$base_port/bench/page/")
    echo "round $r: roan $a req/s, bare axum + minijinja $b req/s"
    rs+=("$a"); bs+=("$b")
done
python3 - "${rs[*]}" "${bs[*]}" <<'PY'
import statistics, sys
r = statistics.median(map(float, sys.argv[1].split()))
b = statistics.median(map(float, sys.argv[2].split()))
print(f"median: roan {r:.0f} req/s, bare {b:.0f} req/s, ratio {r / b:.2f} (target >= 0.8)")
PY
for pid in $roan_pid $base_pid; do
    echo "max RSS of pid $pid: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
done
