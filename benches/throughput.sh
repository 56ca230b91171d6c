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

(cd "$work" && "$ROAN" startproject tp_bench >/dev/null)
project="$work/tp_bench"
(cd "$project" && "$ROAN" startapp bench >/dev/null)
cp "$BENCH_DIR/baseline/page.html" "$project/templates/bench/page.html"
cat >> "$project/src/bench/views.rs" <<'RS'

/// The benchmark page: twenty items through a template that extends base.html.
pub async fn page(request: HttpRequest) -> roan::Result<Response> {
    let items: Vec<_> = (0..20)
        .map(|i| roan::context! { id => i, title => format!("Item {i}") })
        .collect();
    render(&request, "bench/page.html", roan::context! { items })
}
RS
sed -i 's|vec!\[path("", views::index).name("index")\]|vec![path("", views::index).name("index"), path("page/", views::page).name("page")]|' "$project/src/bench/urls.rs"

echo "building both in release mode..."
cargo build --quiet --release --manifest-path "$project/Cargo.toml"
cargo build --quiet --release --manifest-path "$BENCH_DIR/baseline/Cargo.toml"

roan_port=$(free_port)
base_port=$(free_port)
(cd "$project" && DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error exec "$CARGO_TARGET_DIR/release/tp_bench" runserver "127.0.0.1:$roan_port" --noreload >/dev/null 2>&1) &
roan_pid=$!
"$CARGO_TARGET_DIR/release/roan-bench-baseline" "$project/templates" "$base_port" >/dev/null 2>&1 &
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
