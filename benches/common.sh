# Shared helpers for the benchmark scripts (sourced, not run).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
if [ -z "${ROAN:-}" ]; then
    (cd "$REPO" && cargo build --quiet --bin roan)
    ROAN="$REPO/target/debug/roan"
fi
export ROAN
unset DEBUG SECRET_KEY DATABASE_URL RUST_LOG

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# wait_for URL PATTERN TIMEOUT: until the body of URL contains PATTERN.
wait_for() {
    local url=$1 pattern=$2 timeout=${3:-900} start
    start=$(now)
    until curl -fs "$url" 2>/dev/null | grep -q -- "$pattern"; do
        if python3 -c "import sys; sys.exit(0 if $(now) - $start > $timeout else 1)"; then
            echo "timed out waiting for '$pattern' at $url" >&2
            return 1
        fi
        sleep 0.05
    done
}

stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# build_page_project WORK: a generated project with an app whose page/ view renders twenty items
# through a template extending base.html, and the bare axum + minijinja baseline rendering the
# same templates; both release builds in $CARGO_TARGET_DIR. Sets project, roan_bin, base_bin.
build_page_project() {
    local work=$1
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
    roan_bin="$CARGO_TARGET_DIR/release/tp_bench"
    base_bin="$CARGO_TARGET_DIR/release/roan-bench-baseline"
}

# edit_loop APP: in the current project, with app APP installed, adds a hello/ view, runs
# `roan runserver`, saves five one-line edits of it and prints the seconds from each save to the
# new response, then "median: N". Stops the server. Sets edit_times.
edit_loop() {
    local app=$1 port pid i start
    cat >> "src/$app/views.rs" <<'RS'

/// Plain text, edited by the benchmark.
pub async fn hello() -> &'static str {
    "edit 0"
}
RS
    sed -i 's|path("", views::index).name("index")|path("", views::index).name("index"), path("hello/", views::hello)|' "src/$app/urls.rs"
    port=$(free_port)
    "$ROAN" runserver "127.0.0.1:$port" >"server-edit-loop.log" 2>&1 &
    pid=$!
    wait_for "http://127.0.0.1:$port/$app/hello/" "edit 0"
    edit_times=()
    for i in 1 2 3 4 5; do
        sleep 1
        start=$(now)
        sed -i "s|\"edit $((i - 1))\"|\"edit $i\"|" "src/$app/views.rs"
        wait_for "http://127.0.0.1:$port/$app/hello/" "edit $i" 300
        edit_times+=("$(elapsed "$start" "$(now)")")
        echo "edit $i: ${edit_times[-1]} s"
    done
    stop "$pid"
    echo "median: $(printf '%s\n' "${edit_times[@]}" | sort -n | sed -n 3p)"
}
