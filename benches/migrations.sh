#!/usr/bin/env bash
# makemigrations and migrate times for a project with 50 models (SQLite), the build excluded:
# the project's binary is run directly. Target: both together <= 2 s on 2 cores.
source "$(dirname "$0")/common.sh"
MODELS=${MODELS:-50}
work=$(mktemp -d)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/roan/bench-target}"
trap 'rm -rf "$work"' EXIT
(cd "$work" && "$ROAN" startproject mig_bench >/dev/null)
cd "$work/mig_bench"
"$ROAN" startapp shop >/dev/null
python3 - "$MODELS" <<'PY'
import sys
n = int(sys.argv[1])
out = ["//! Generated models for the benchmark."]
for i in range(n):
    fk = ""
    if i > 0:
        fk = f'''
        pub root_id: i32,
        #[sea_orm(belongs_to, from = "root_id", to = "id", on_delete = "Cascade")]
        pub root: BelongsTo<super::m0::Entity>,'''
    children = ""
    out.append(f'''
pub mod m{i} {{
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "shop_m{i}")]
    pub struct Model {{
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(100))", indexed)]
        pub name: String,
        pub note: Option<String>,
        #[sea_orm(default_value = 0)]
        pub count: i32,{fk}{children}
    }}

    impl ActiveModelBehavior for ActiveModel {{}}
}}''')
open("src/shop/models.rs", "w").write("\n".join(out) + "\n")
mod = open("src/shop/mod.rs").read()
regs = "".join(f"        .model::<models::m{i}::Entity>()\n" for i in range(n))
open("src/shop/mod.rs", "w").write(mod.replace("        // roan:models", regs + "        // roan:models"))
PY
manifest="$work/mig_bench/Cargo.toml"
echo "building the project ($MODELS models)..."
cargo build --quiet --manifest-path "$manifest"
exe="$CARGO_TARGET_DIR/debug/mig_bench"
start=$(now)
"$exe" makemigrations --noinput >"$work/make.log"
t1=$(elapsed "$start" "$(now)")
created=$(grep -c "+ Create model" "$work/make.log" || true)
cargo build --quiet --manifest-path "$manifest"
start=$(now)
"$exe" migrate >"$work/migrate.log"
t2=$(elapsed "$start" "$(now)")
tables=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/mig_bench/db.sqlite3').execute(\"select count(*) from sqlite_master where type='table' and name like 'shop_m%'\").fetchone()[0])")
[ "$created" = "$MODELS" ] && [ "$tables" = "$MODELS" ] || { echo "expected $MODELS models and tables, got $created and $tables" >&2; cat "$work/make.log" "$work/migrate.log" >&2; exit 1; }
echo "makemigrations: $t1 s, migrate: $t2 s, together: $(python3 -c "print(f'{$t1 + $t2:.2f}')") s for $MODELS models (target: <= 2 s)"
