#!/usr/bin/env bash
# Seconds from saving a view edit under `roan runserver` (autoreload) to the new response,
# five edits, each printed, then the median. Target: <= 3 s on 2 cores.
source "$(dirname "$0")/common.sh"
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'rm -rf "$work"' EXIT
(cd "$work" && "$ROAN" startproject reload_bench >/dev/null)
cd "$work/reload_bench"
"$ROAN" startapp blog >/dev/null
edit_loop blog | sed 's/^median: \(.*\)/median: \1 s from saving a view edit to the new response (target: <= 3 s)/'
