#!/usr/bin/env bash
# Forms per second: a generated project's view that binds a ten-field form to a POST body,
# validates it (one field wrong) and renders it again with the error, against a bare axum +
# minijinja handler doing the same by hand (benches/baseline, /bench/form/). Release builds,
# wrk in the same run, alternating rounds; prints both, the ratio (target >= 0.8), and RSS.
# Then (unless CALLGRIND=0) each one's instructions per form under callgrind, and their ratio.
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${roan_pid:-0}"; stop "${base_pid:-0}"; rm -rf "$work"' EXIT

(cd "$work" && "$ROAN" startproject fm_bench >/dev/null)
project="$work/fm_bench"
(cd "$project" && "$ROAN" startapp bench >/dev/null)
cat >> "$project/src/bench/views.rs" <<'RS'

fn contact_form() -> roan::forms::Form {
    use roan::forms::*;
    Form::new()
        .field("name", CharField::new().max_length(100))
        .field("email", EmailField::new())
        .field("age", IntegerField::new().min_value(0).max_value(150))
        .field("website", URLField::new().required(false))
        .field("subject", CharField::new().max_length(200))
        .field("message", CharField::new().widget(Widget::Textarea))
        .field("newsletter", BooleanField::new().required(false))
        .field("priority", ChoiceField::new([("low", "Low"), ("normal", "Normal"), ("high", "High")]))
        .field("date", DateField::new())
        .field("code", SlugField::new())
}

/// The benchmark: bind, validate, render again with the errors.
pub async fn form(request: HttpRequest, data: roan::forms::FormData) -> roan::Result<Response> {
    let form = contact_form().bind(data);
    let _ = form.is_valid();
    render(&request, "bench/form.html", roan::context! { form })
}
RS
sed -i 's|vec!\[path("", views::index).name("index")\]|vec![path("", views::index).name("index"), path("form/", axum::routing::post(views::form)).csrf_exempt()]|' "$project/src/bench/urls.rs"
echo '<form method="post">{{ form }}</form>' > "$project/templates/bench/form.html"
cp "$BENCH_DIR/baseline/form.html" "$project/templates/bench/form_baseline.html"
echo "building both in release mode..."
cargo build --quiet --release --manifest-path "$project/Cargo.toml"
cargo build --quiet --release --manifest-path "$BENCH_DIR/baseline/Cargo.toml"
roan_bin="$CARGO_TARGET_DIR/release/fm_bench"
base_bin="$CARGO_TARGET_DIR/release/roan-bench-baseline"

body='name=Ann+Example&email=not-an-address&age=42&website=https%3A%2F%2Fexample.com&subject=Hello&message=A+longer+message+body&newsletter=on&priority=normal&date=2026-12-01&code=ann-42'
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA

roan_port=$(free_port)
base_port=$(free_port)
(cd "$project" && DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error exec "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload >/dev/null 2>&1) &
roan_pid=$!
"$base_bin" "$project/templates" "$base_port" >/dev/null 2>&1 &
base_pid=$!
post() { curl -fs -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" "$1"; }
for url in "http://127.0.0.1:$roan_port/bench/form/" "http://127.0.0.1:$base_port/bench/form/"; do
    for _ in $(seq 1 600); do post "$url" >/dev/null 2>&1 && break; sleep 0.1; done
    post "$url" | grep -q "Enter a valid email address." || { echo "no form error at $url" >&2; exit 1; }
done

rps() { wrk -t2 -c32 -d"$DURATION" -s "$work/post.lua" "$1" | awk '/Requests\/sec/ {print $2}'; }
rs=(); bs=()
for r in $(seq 1 "$ROUNDS"); do
    a=$(rps "http://127.0.0.1:$roan_port/bench/form/")
    b=$(rps "http://127.0.0.1:$base_port/bench/form/")
    echo "round $r: roan $a forms/s, hand-written axum + minijinja $b forms/s"
    rs+=("$a"); bs+=("$b")
done
python3 - "${rs[*]}" "${bs[*]}" <<'PY'
import statistics, sys
r = statistics.median(map(float, sys.argv[1].split()))
b = statistics.median(map(float, sys.argv[2].split()))
print(f"median: roan {r:.0f} forms/s, hand-written {b:.0f} forms/s, ratio {r / b:.2f} (target >= 0.8)")
PY
for pid in $roan_pid $base_pid; do
    echo "max RSS of pid $pid: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
done

# Then (unless CALLGRIND=0) instructions per form under callgrind, which repeat from run to run
# whatever else the machine is doing.
[ "${CALLGRIND:-1}" = 0 ] && exit 0
command -v valgrind >/dev/null || { echo "valgrind is needed for instructions per form: apt-get install valgrind (or CALLGRIND=0)" >&2; exit 1; }
stop "$roan_pid"
stop "$base_pid"
count() {
    local name=$1 port=$2 out="$work/callgrind.$1"
    shift 2
    (cd "$project" && DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error exec valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1) &
    pid=$!
    for _ in $(seq 1 1200); do post "http://127.0.0.1:$port/bench/form/" >/dev/null 2>&1 && break; sleep 0.1; done
    wrk -t1 -c4 -d2s -s "$work/post.lua" "http://127.0.0.1:$port/bench/form/" >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    local requests total dump
    requests=$(wrk -t1 -c4 -d"${CALLGRIND_DURATION:-5s}" -s "$work/post.lua" "http://127.0.0.1:$port/bench/form/" | awk '/requests in/ {print $1}')
    callgrind_control -d "$pid" >/dev/null 2>&1
    stop "$pid"
    dump=$(ls -t "$out".* | head -1)
    total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
    echo "$(( total / requests ))" > "$work/$name.per_form"
}
roan_port=$(free_port)
count roan "$roan_port" "$roan_bin" runserver "127.0.0.1:$roan_port" --noreload
base_port=$(free_port)
count bare "$base_port" "$base_bin" "$project/templates" "$base_port"
python3 - "$(cat "$work/roan.per_form")" "$(cat "$work/bare.per_form")" <<'PY'
import sys
roan, bare = int(sys.argv[1]), int(sys.argv[2])
print(f"instructions per form (callgrind): roan {roan:,}, hand-written {bare:,}; ratio {bare / roan:.2f} (target >= 0.8)")
PY
