#!/usr/bin/env bash
# Seconds from `roan startproject` to the first 200 from `roan runserver`: with a cold (empty)
# target directory, then for a second project sharing it. Target: second project <= 10 s.
source "$(dirname "$0")/common.sh"
work=$(mktemp -d)
export CARGO_TARGET_DIR="$work/target"
trap 'rm -rf "$work"' EXIT

measure() {
    local name=$1 port start pid
    port=$(free_port)
    start=$(now)
    (cd "$work" && "$ROAN" startproject "$name" >/dev/null)
    (cd "$work/$name" && exec "$ROAN" runserver "127.0.0.1:$port" --noreload >"$work/$name.log" 2>&1) &
    pid=$!
    wait_for "http://127.0.0.1:$port/" "install worked"
    echo "$name: $(elapsed "$start" "$(now)") s from startproject to the first 200"
    stop "$pid"
}

measure cold_site
measure second_site
echo "(target: second project <= 10 s on 2 cores)"
