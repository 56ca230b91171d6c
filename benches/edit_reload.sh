#!/usr/bin/env bash
# Seconds from saving a view edit under `roan runserver` (autoreload) to the new response,
# five edits, each printed, then the median. Target: <= 3 s on 2 cores.
source "$(dirname "$0")/common.sh"
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${pid:-0}"; rm -rf "$work"' EXIT
(cd "$work" && "$ROAN" startproject reload_bench >/dev/null)
cd "$work/reload_bench"
"$ROAN" startapp blog >/dev/null
cat >> src/blog/views.rs <<'RS'

/// Plain text, edited by the benchmark.
pub async fn hello() -> &'static str {
    "edit 0"
}
RS
sed -i 's|path("", views::index).name("index")|path("", views::index).name("index"), path("hello/", views::hello)|' src/blog/urls.rs
port=$(free_port)
"$ROAN" runserver "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/blog/hello/" "edit 0"
times=()
for i in 1 2 3 4 5; do
    sleep 1
    start=$(now)
    sed -i "s|\"edit $((i - 1))\"|\"edit $i\"|" src/blog/views.rs
    wait_for "http://127.0.0.1:$port/blog/hello/" "edit $i" 300
    t=$(elapsed "$start" "$(now)")
    echo "edit $i: $t s"
    times+=("$t")
done
printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | sed 's/^/median: /; s/$/ s from saving a view edit to the new response (target: <= 3 s)/'
