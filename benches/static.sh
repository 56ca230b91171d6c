#!/usr/bin/env bash
# Static files in production: requests per second for a 50 KB CSS file served brotli-compressed
# by a generated project's own server (DEBUG off, STATIC_ROOT from collectstatic) against nginx
# serving the same collected directory with brotli_static, measured with wrk in the same run,
# alternating; prints both and the ratio (target >= 0.7). Then collectstatic's time for 1,000
# files, copied and post-processed (hashing, CSS rewriting, .gz and .br).
source "$(dirname "$0")/common.sh"
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install wrk nginx libnginx-mod-http-brotli-static" >&2; exit 1; }
done
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'stop "${roan_pid:-0}"; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

(cd "$work" && "$ROAN" startproject st_bench >/dev/null)
project="$work/st_bench"
python3 - "$project/static/css/big.css" <<'PY'
import sys
rules = [f".c{i} {{ margin: {i % 7}px auto; color: #{i * 2654435761 % 0xffffff:06x}; }}\n" for i in range(2000)]
text = "".join(rules)
while len(text) < 50_000:
    text += text
open(sys.argv[1], "w").write(text[:50_000])
PY
echo "building the project in release mode..."
cargo build --quiet --release --manifest-path "$project/Cargo.toml"
bin="$CARGO_TARGET_DIR/release/st_bench"
(cd "$project" && "$bin" collectstatic --noinput -v 0)
hashed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['paths']['css/big.css'])" "$project/staticfiles/staticfiles.json")
url_path="/static/$hashed"

roan_port=$(free_port)
nginx_port=$(free_port)
(cd "$project" && DEBUG=false ALLOWED_HOSTS=127.0.0.1 RUST_LOG=error exec "$bin" runserver "127.0.0.1:$roan_port" --noreload >/dev/null 2>&1) &
roan_pid=$!
modules=""
# Debian's module snippets name their files relative to nginx's own prefix.
for m in /etc/nginx/modules-enabled/*.conf; do
    [ -e "$m" ] && modules+="$(sed 's|load_module modules/|load_module /usr/lib/nginx/modules/|' "$m")"$'\n'
done
cat > "$work/nginx.conf" <<CONF
$modules
worker_processes 2;
# The collected files sit in a private temporary directory: read them as whoever runs this.
user $(id -un);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$nginx_port;
        location /static/ {
            alias $project/staticfiles/;
            gzip_static on;
            brotli_static on;
            expires max;
        }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
wait_for "http://127.0.0.1:$roan_port$url_path" ".c1 " 60
wait_for "http://127.0.0.1:$nginx_port$url_path" ".c1 " 60
for port in "$roan_port" "$nginx_port"; do
    enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: br' "http://127.0.0.1:$port$url_path" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding" {print $2}')
    [ "$enc" = "br" ] || echo "warning: port $port answered Content-Encoding '${enc:-none}', not br" >&2
done

rps() { wrk -t2 -c32 -d"$DURATION" -H 'Accept-Encoding: br' "$1" | awk '/Requests\/sec/ {print $2}'; }
rs=(); ns=()
for r in $(seq 1 "$ROUNDS"); do
    a=$(rps "http://127.0.0.1:$roan_port$url_path")
    b=$(rps "http://127.0.0.1:$nginx_port$url_path")
    echo "round $r: roan $a req/s, nginx $b req/s"
    rs+=("$a"); ns+=("$b")
done
python3 - "${rs[*]}" "${ns[*]}" <<'PY'
import statistics, sys
r = statistics.median(map(float, sys.argv[1].split()))
n = statistics.median(map(float, sys.argv[2].split()))
print(f"median, 50 KB CSS as br: roan {r:.0f} req/s, nginx {n:.0f} req/s, ratio {r / n:.2f} (target >= 0.7)")
PY
echo "max RSS of roan's server: $(awk '/VmHWM/ {print $2, $3}' /proc/$roan_pid/status)"
stop "$roan_pid"

# collectstatic for 1,000 files: 800 small CSS files that reference images, 200 images.
python3 - "$project/static" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(200):
    os.makedirs(f"{root}/many/img", exist_ok=True)
    open(f"{root}/many/img/i{i}.png", "wb").write(os.urandom(2000))
for i in range(800):
    os.makedirs(f"{root}/many/css", exist_ok=True)
    body = "".join(f".r{j} {{ background: url(../img/i{(i + j) % 200}.png); padding: {j}px }}\n" for j in range(40))
    open(f"{root}/many/css/c{i}.css", "w").write(body)
PY
rm -rf "$project/staticfiles"
start=$(now)
(cd "$project" && "$bin" collectstatic --noinput -v 0)
first=$(elapsed "$start" "$(now)")
start=$(now)
(cd "$project" && "$bin" collectstatic --noinput -v 0)
again=$(elapsed "$start" "$(now)")
echo "collectstatic, 1,002 files (release binary): first run ${first} s, again (nothing modified) ${again} s"
