#!/usr/bin/env bash
# Real pages of the Django tutorial's polls app, written in a generated roan project as a user
# writes them (benches/pages/), against a bare axum + sea-orm + minijinja server doing the same
# queries and rendering the same templates (benches/baseline, src/pages.rs), on the same database:
#
#   list    GET  /polls/          the latest 5 of 1000 questions (ORDER BY + LIMIT)
#   detail  GET  /polls/1/        the question, its choices (a second query), a CSRF-protected
#                                 form; no cookie is sent, so the CSRF cookie is set each time
#   vote    POST /polls/1/vote/   with a logged-in session and a valid CSRF token: one UPDATE
#                                 (votes = votes + 1), then a redirect
#   me      GET  /polls/me/       login_required: the session row and the user
#
# roan runs with its default middleware (security headers, sessions, messages, auth, CSRF) and
# DEBUG=false. For SQLite and PostgreSQL (BACKENDS="sqlite postgres"), each page with keep-alive
# and with Connection: close: wrk in the same run, roan and bare alternating (each goes first in
# every other round), ROUNDS rounds of
# DURATION; prints the medians of req/s, their ratio, p99 latency, and each server's peak RSS
# under load.
# Then (unless CALLGRIND=0) instructions per request of each page on SQLite under callgrind,
# which repeat from run to run whatever else the machine is doing. BACKENDS= (empty) skips the
# req/s part; CALLGRIND_KEEP=DIR keeps each page's callgrind file there (DIR/roan.vote, ...) for
# callgrind_annotate.
# Targets (2 cores): each page >= 0.85x the bare server keep-alive, p99 within 1.3x, RSS <= 25 MB.
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
BACKENDS=${BACKENDS-sqlite postgres}
CALLGRIND=${CALLGRIND:-1}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${roan_pid:-0}"; stop "${base_pid:-0}"; rm -rf "$work"' EXIT

(cd "$work" && "$ROAN" startproject pages_bench >/dev/null)
project="$work/pages_bench"
(cd "$project" && "$ROAN" startapp polls >/dev/null)
cp "$BENCH_DIR/pages/models.rs" "$BENCH_DIR/pages/views.rs" "$BENCH_DIR/pages/urls.rs" "$project/src/polls/"
cp "$BENCH_DIR"/pages/templates/polls/*.html "$project/templates/polls/"
sed -i 's|// roan:models|.model::<models::question::Entity>().model::<models::choice::Entity>()\n        // roan:models|' "$project/src/polls/mod.rs"
echo "building both in release mode..."
cargo build --quiet --release --manifest-path "$project/Cargo.toml" --features roan/postgres
cargo build --quiet --release --manifest-path "$BENCH_DIR/baseline/Cargo.toml"
roan_bin="$CARGO_TARGET_DIR/release/pages_bench"
base_bin="$CARGO_TARGET_DIR/release/roan-bench-baseline"
(cd "$project" && "$roan_bin" makemigrations polls >/dev/null)
# The migration is new source: build again so the binary carries it.
cargo build --quiet --release --manifest-path "$project/Cargo.toml" --features roan/postgres

python3 - "$work/polls.json" <<'PY'
import json, sys
rows = []
for q in range(1, 1001):
    rows.append({"model": "polls.question", "pk": q, "fields": {
        "question_text": f"Question number {q}?",
        "pub_date": f"2026-{1 + q // 100:02d}-{1 + q % 28:02d}T{q % 24:02d}:{q % 60:02d}:00"}})
    for c in range(3):
        rows.append({"model": "polls.choice", "pk": 3 * (q - 1) + c + 1, "fields": {
            "question": q, "choice_text": f"Choice {c + 1}", "votes": 0}})
json.dump(rows, open(sys.argv[1], "w"))
PY

export DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error
password=bench-password-$$

# prepare URL: a fresh database at URL with the tables, the polls and a user.
prepare() {
    local url=$1
    export DATABASE_URL=$url
    (cd "$project" && "$roan_bin" migrate >/dev/null && "$roan_bin" loaddata "$work/polls.json" >/dev/null &&
        ROAN_SUPERUSER_PASSWORD=$password "$roan_bin" createsuperuser --noinput --username bench --email bench@example.com >/dev/null)
}

# login PORT: logs in through the login form; sets session and csrf (the cookies' values).
login() {
    local base="http://127.0.0.1:$1" jar="$work/jar"
    rm -f "$jar"
    curl -fs -c "$jar" "$base/accounts/login/" >/dev/null
    csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
    curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=bench" \
        --data-urlencode "password=$password" --data-urlencode "csrfmiddlewaretoken=$csrf" "$base/accounts/login/"
    session=$(awk '$6 == "sessionid" {print $7}' "$jar")
    [ -n "$session" ] || { echo "could not log in at $base" >&2; exit 1; }
    cat > "$work/vote.lua" <<LUA
wrk.method = "POST"
wrk.body = "csrfmiddlewaretoken=$csrf&choice=1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sessionid=$session; csrftoken=$csrf"
LUA
}

pages="list detail vote me"
# wrk_page PAGE PORT [ARGS...]: wrk's output for PAGE on PORT.
wrk_page() {
    local page=$1 port=$2 base="http://127.0.0.1:$2"
    shift 2
    case $page in
        list) wrk "$@" "$base/polls/" ;;
        detail) wrk "$@" "$base/polls/1/" ;;
        vote) wrk "$@" -s "$work/vote.lua" "$base/polls/1/vote/" ;;
        me) wrk "$@" -H "Cookie: sessionid=$session" "$base/polls/me/" ;;
    esac
}

# check PORT: every page answers as it should before anything is measured.
check() {
    local base="http://127.0.0.1:$1"
    curl -fs "$base/polls/" | grep -q "Question number 1000?" || { echo "list page wrong at $base" >&2; exit 1; }
    curl -fsi "$base/polls/1/" | grep -qi "set-cookie: csrftoken=" || { echo "detail page sets no CSRF cookie at $base" >&2; exit 1; }
    curl -fs "$base/polls/1/" | grep -q 'name="csrfmiddlewaretoken"' || { echo "detail page has no form at $base" >&2; exit 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sessionid=$session; csrftoken=$csrf" \
        --data "csrfmiddlewaretoken=$csrf&choice=1" "$base/polls/1/vote/")" = 302 ] || { echo "vote not redirected at $base" >&2; exit 1; }
    curl -fs -H "Cookie: sessionid=$session" "$base/polls/me/" | grep -q "Hello, bench." || { echo "me page wrong at $base" >&2; exit 1; }
}

# checkpoint: on SQLite, folds the write-ahead log back into the database between runs. Under
# constant load SQLite cannot checkpoint, so the votes grow the WAL, and every later read (of
# either server) searches a longer log; each run starts from the same state instead.
checkpoint() {
    [ "$backend" = sqlite ] || return 0
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$project/db.sqlite3"
}

# run_roan, run_bare: one wrk run of $page with $args against each server, into $a and $b.
run_roan() { checkpoint; a=$(wrk_page "$page" "$roan_port" "${args[@]}"); }
run_bare() { checkpoint; b=$(wrk_page "$page" "$base_port" "${args[@]}"); }

# p99 of a wrk --latency output, in ms.
p99() { awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; print v}'; }

start_servers() {
    roan_port=$(free_port)
    base_port=$(free_port)
    (cd "$project" && exec "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload >"$work/roan.log" 2>&1) &
    roan_pid=$!
    "$base_bin" "$project/templates" "$base_port" "$1" >"$work/base.log" 2>&1 &
    base_pid=$!
    wait_for "http://127.0.0.1:$roan_port/polls/" "Question" 60
    wait_for "http://127.0.0.1:$base_port/polls/" "Question" 60
}

results="$work/results"
: > "$results"
for backend in $BACKENDS; do
    case $backend in
        sqlite) url="sqlite://$project/db.sqlite3?mode=rwc"; rm -f "$project"/db.sqlite3* ;;
        postgres)
            # synchronous_commit off for this database: each vote's commit then does not wait
            # for the disk, whose stalls (50-300 ms on a shared machine) otherwise decide both
            # servers' p99 on the vote page. (A crash of PostgreSQL could lose the last commits.)
            psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS roan_pages_bench" -c "CREATE DATABASE roan_pages_bench" \
                -c "ALTER DATABASE roan_pages_bench SET synchronous_commit = off" >/dev/null
            url="$PG/roan_pages_bench" ;;
        *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 1 ;;
    esac
    prepare "$url"
    start_servers "$url"
    login "$roan_port"
    check "$roan_port"
    check "$base_port"
    # Peak RSS from here on: logging in hashed a password (argon2 takes 19 MiB for a moment).
    echo 5 > "/proc/$roan_pid/clear_refs"
    echo 5 > "/proc/$base_pid/clear_refs"
    for mode in keep-alive close; do
        args=(-t2 -c32 -d"$DURATION" --latency)
        [ "$mode" = close ] && args+=(-H "Connection: close")
        for page in $pages; do
            for r in $(seq 1 "$ROUNDS"); do
                # Who goes first alternates, so neither always follows the page before (the
                # votes' writes leave PostgreSQL vacuuming and checkpointing for a while).
                if [ $((r % 2)) = 1 ]; then run_roan; run_bare; else run_bare; run_roan; fi
                for out in "$a" "$b"; do
                    if echo "$out" | grep -q "Non-2xx or 3xx"; then
                        echo "$page: errors under load: $(echo "$out" | grep "Non-2xx")" >&2
                        exit 1
                    fi
                done
                echo "$backend $mode $page $(echo "$a" | awk '/Requests\/sec/ {print $2}') $(echo "$a" | p99) $(echo "$b" | awk '/Requests\/sec/ {print $2}') $(echo "$b" | p99)" >> "$results"
            done
            tail -n "$ROUNDS" "$results" | awk '{printf "%s %s %-6s roan %8.0f req/s p99 %6.2f ms | bare %8.0f req/s p99 %6.2f ms\n", $1, $2, $3, $4, $5, $6, $7}'
        done
    done
    # The peak, and what is resident at the end in the process's own memory (RssAnon) and in
    # pages of the executable and libraries (RssFile: shared by every process of the binary).
    rss() { awk '/VmHWM/ {h = $2} /RssAnon/ {a = $2} /RssFile/ {f = $2} END {printf "%s kB (at the end %s kB own, %s kB executable and libraries)", h, a, f}' "/proc/$1/status"; }
    echo "$backend peak RSS: roan $(rss "$roan_pid"), bare $(rss "$base_pid")" | tee -a "$work/rss"
    stop "$roan_pid"
    stop "$base_pid"
done

if [ -n "$BACKENDS" ]; then
echo
echo "medians of $ROUNDS rounds, wrk -t2 -c32 -d$DURATION:"
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    backend, mode, page, *nums = line.split()
    runs[(backend, mode, page)].append(list(map(float, nums)))
print(f"{'backend':9} {'mode':11} {'page':7} {'roan req/s':>11} {'bare req/s':>11} {'ratio':>6} {'roan p99':>9} {'bare p99':>9} {'p99 x':>6}")
for (backend, mode, page), rows in runs.items():
    r, rp, b, bp = (statistics.median(col) for col in zip(*rows))
    print(f"{backend:9} {mode:11} {page:7} {r:11.0f} {b:11.0f} {r / b:6.2f} {rp:7.2f}ms {bp:7.2f}ms {rp / bp:6.2f}")
print("targets: ratio >= 0.85 (keep-alive), p99 x <= 1.3, RSS <= 25 MB")
PY
cat "$work/rss"
fi

[ "$CALLGRIND" = 0 ] && exit 0
for tool in valgrind callgrind_control; do
    command -v "$tool" >/dev/null || { echo "$tool is needed for instructions per request: apt-get install valgrind (or CALLGRIND=0)" >&2; exit 1; }
done
echo
echo "instructions per request (callgrind, SQLite, keep-alive):"
backend=sqlite
url="sqlite://$project/db.sqlite3?mode=rwc"
export DATABASE_URL=$url
[ -f "$project/db.sqlite3" ] || prepare "$url"
# count NAME PORT COMMAND...: each page's instructions per request in a server run under callgrind.
count() {
    local name=$1 port=$2 out="$work/callgrind.$1"
    shift 2
    (cd "$project" && exec valgrind --tool=callgrind --callgrind-out-file="$out.%p" "$@" >/dev/null 2>&1) &
    pid=$!
    wait_for "http://127.0.0.1:$port/polls/" "Question" 180
    for page in $pages; do
        checkpoint
        wrk_page "$page" "$port" -t1 -c4 -d2s >/dev/null
        callgrind_control -z "$pid" >/dev/null 2>&1
        local requests total dump
        requests=$(wrk_page "$page" "$port" -t1 -c4 -d"${CALLGRIND_DURATION:-5s}" | awk '/requests in/ {print $1}')
        callgrind_control -d "$pid" >/dev/null 2>&1
        dump=$(ls -t "$out".* | head -1)
        total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
        echo "$page $name $(( total / requests ))" >> "$work/instructions"
        if [ -n "${CALLGRIND_KEEP:-}" ]; then
            mkdir -p "$CALLGRIND_KEEP" && mv "$dump" "$CALLGRIND_KEEP/$name.$page"
        else
            rm -f "$dump"
        fi
    done
    stop "$pid"
}
roan_port=$(free_port)
base_port=$(free_port)
login_port=$(free_port)
# The session for the counted requests comes from a normal server on the same database.
(cd "$project" && exec "$roan_bin" runserver "127.0.0.1:$login_port" --noreload >/dev/null 2>&1) &
roan_pid=$!
wait_for "http://127.0.0.1:$login_port/polls/" "Question" 60
login "$login_port"
stop "$roan_pid"
count roan "$roan_port" "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload
count bare "$base_port" "$base_bin" "$project/templates" "$base_port" "$url"
python3 - "$work/instructions" <<'PY'
import sys
n = {}
for line in open(sys.argv[1]):
    page, name, count = line.split()
    n[(page, name)] = int(count)
for page in dict.fromkeys(p for p, _ in n):
    r, b = n[(page, "roan")], n[(page, "bare")]
    print(f"{page:7} roan {r:>10,} bare {b:>10,}  roan does {r / b:.2f}x the bare server's work")
PY
