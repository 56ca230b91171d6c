#!/usr/bin/env bash
# dumpdata of 100,000 rows: seconds and peak RSS of a roan project's release binary, beside
# Django 5.2's dumpdata of the same rows (in a venv; PyPI must be reachable the first time).
# Target: roan's RSS under 50 MB (it reads a thousand rows at a time).
source "$(dirname "$0")/common.sh"
ROWS=${ROWS:-100000}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'rm -rf "$work"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 1; }

(cd "$work" && "$ROAN" startproject fx_bench >/dev/null)
cd "$work/fx_bench"
"$ROAN" startapp polls >/dev/null
cat > src/polls/models.rs <<'RS'
//! The tutorial's question, for the benchmark.

pub mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub question_text: String,
        pub pub_date: Option<DateTime>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
RS
sed -i 's|        // roan:models|        .model::<models::question::Entity>()\n        // roan:models|' src/polls/mod.rs
"$ROAN" makemigrations >/dev/null
echo "building in release mode..."
cargo build --quiet --release
bin="$CARGO_TARGET_DIR/release/fx_bench"
"$bin" migrate >/dev/null
sqlite3 db.sqlite3 "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < $ROWS) INSERT INTO polls_question (question_text, pub_date) SELECT 'Question ' || x, '2026-11-20 10:00:00' FROM s"

/usr/bin/time -f "%e %M" -o "$work/roan.time" "$bin" dumpdata polls -o "$work/roan.json" 2>/dev/null
read -r roan_s roan_kb < "$work/roan.time"
objects=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/roan.json")
echo "roan:   $objects objects in $roan_s s, peak RSS $((roan_kb / 1024)) MB (target: < 50 MB)"

venv="${DJANGO_VENV:-$HOME/.cache/roan/django-venv}"
if ! "$venv/bin/python" -c "import django" >/dev/null 2>&1; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q "django==5.2.*"
fi
django_s=$("$venv/bin/python" "$BENCH_DIR/../tests/support/django_polls.py" bench-dump "$ROWS" "$work/django.json")
echo "Django: $ROWS objects in $django_s s (dumpdata itself, setup excluded)"
python3 -c "print(f'roan / Django time: {float(\"$roan_s\") / float(\"$django_s\"):.2f}')"
