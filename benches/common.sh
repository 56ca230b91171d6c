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
