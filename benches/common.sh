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
