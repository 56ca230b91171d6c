//! Reading an existing database's tables (for `inspectdb`): columns, types, keys, foreign keys,
//! as roan's model descriptions, on each backend.

use super::{Field, FieldType, ModelState, OnDelete};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};

/// A column whose type roan had to guess (`inspectdb` marks it).
#[derive(Debug, Clone)]
pub struct Guess {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The database's own type name.
    pub db_type: String,
}

fn text(r: &QueryResult, col: &str) -> String {
    r.try_get::<String>("", col)
        .or_else(|_| {
            r.try_get::<Option<String>>("", col)
                .map(|v| v.unwrap_or_default())
        })
        .unwrap_or_default()
}

fn number(r: &QueryResult, col: &str) -> Option<i64> {
    r.try_get::<i64>("", col)
        .ok()
        .or_else(|| r.try_get::<i32>("", col).ok().map(i64::from))
        .or_else(|| r.try_get::<Option<i64>>("", col).ok().flatten())
        .or_else(|| {
            r.try_get::<Option<i32>>("", col)
                .ok()
                .flatten()
                .map(i64::from)
        })
        .or_else(|| r.try_get::<u64>("", col).ok().map(|n| n as i64))
        .or_else(|| {
            r.try_get::<Option<u64>>("", col)
                .ok()
                .flatten()
                .map(|n| n as i64)
        })
}

/// A database type name as roan's field type, with a max length; `None` for a guess.
fn field_type(db_type: &str) -> (Option<FieldType>, Option<u32>) {
    let t = db_type.to_lowercase();
    let length = t
        .split_once('(')
        .and_then(|(_, rest)| rest.trim_end_matches(')').split(',').next())
        .and_then(|n| n.trim().parse::<u32>().ok());
    let base = t.split('(').next().unwrap_or("").trim();
    let ft = match base {
        "integer" | "int" | "int4" | "mediumint" | "serial" => FieldType::Integer,
        "bigint" | "int8" | "bigserial" => FieldType::BigInteger,
        "smallint" | "int2" | "smallserial" => FieldType::SmallInteger,
        "tinyint" if length == Some(1) => FieldType::Boolean,
        "tinyint" => FieldType::SmallInteger,
        "boolean" | "bool" => FieldType::Boolean,
        "varchar" | "character varying" | "char" | "character" | "nvarchar" => FieldType::String,
        "text" | "longtext" | "mediumtext" | "tinytext" | "clob" => FieldType::Text,
        "real" | "float4" | "float" => FieldType::Float,
        "double" | "double precision" | "float8" => FieldType::Double,
        // SQLite has the names sea-query gives its columns (`datetime_text`, ...).
        "date" | "date_text" => FieldType::Date,
        "time" | "time without time zone" | "time_text" => FieldType::Time,
        "datetime"
        | "timestamp"
        | "timestamp without time zone"
        | "datetime_text"
        | "timestamp_text" => FieldType::DateTime,
        "timestamptz" | "timestamp with time zone" | "timestamp_with_timezone_text" => {
            FieldType::DateTimeTz
        }
        "uuid" | "uuid_text" => FieldType::Uuid,
        "json" | "jsonb" | "json_text" | "jsonb_text" => FieldType::Json,
        "blob" | "bytea" | "longblob" | "varbinary" | "binary" => FieldType::Binary,
        _ => return (None, None),
    };
    let length = matches!(ft, FieldType::String).then_some(length).flatten();
    (Some(ft), length)
}

/// The names of the tables (roan's own migration table left out).
pub async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        DbBackend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
        _ => {
            "SELECT CAST(table_name AS CHAR) AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    Ok(rows
        .iter()
        .map(|r| text(r, "t"))
        .filter(|t| t != "roan_migrations")
        .collect())
}

/// The model a table describes, and the columns whose type was a guess (read as text).
pub async fn inspect(
    db: &impl ConnectionTrait,
    table: &str,
) -> Result<(ModelState, Vec<Guess>), DbErr> {
    let backend = db.get_database_backend();
    let q = |sql: String| Statement::from_string(backend, sql);
    let quoted = table.replace('\'', "''");
    // (name, type, nullable, pk, auto, unique)
    let mut columns: Vec<(String, String, bool, bool, bool, bool)> = Vec::new();
    let mut fks: Vec<(String, String, String)> = Vec::new();
    match backend {
        DbBackend::Sqlite => {
            for r in db
                .query_all_raw(q(format!("PRAGMA table_info('{quoted}')")))
                .await?
            {
                let pk = number(&r, "pk").unwrap_or(0) > 0;
                let ty = text(&r, "type");
                let auto = pk && ty.eq_ignore_ascii_case("integer");
                columns.push((
                    text(&r, "name"),
                    ty,
                    number(&r, "notnull").unwrap_or(0) == 0 && !pk,
                    pk,
                    auto,
                    false,
                ));
            }
            for r in db
                .query_all_raw(q(format!("PRAGMA foreign_key_list('{quoted}')")))
                .await?
            {
                fks.push((text(&r, "from"), text(&r, "table"), text(&r, "to")));
            }
            for idx in db
                .query_all_raw(q(format!("PRAGMA index_list('{quoted}')")))
                .await?
            {
                if number(&idx, "unique").unwrap_or(0) == 0 || text(&idx, "origin") == "pk" {
                    continue;
                }
                let name = text(&idx, "name").replace('\'', "''");
                let cols = db
                    .query_all_raw(q(format!("PRAGMA index_info('{name}')")))
                    .await?;
                if let [one] = cols.as_slice() {
                    let col = text(one, "name");
                    if let Some(c) = columns.iter_mut().find(|c| c.0 == col) {
                        c.5 = true;
                    }
                }
            }
        }
        DbBackend::Postgres => {
            let sql = format!(
                "SELECT c.column_name::text AS name, \
                   CASE WHEN c.character_maximum_length IS NOT NULL \
                        THEN c.data_type || '(' || c.character_maximum_length || ')' \
                        ELSE c.data_type END AS type, \
                   c.is_nullable::text AS nullable, COALESCE(c.column_default, '') AS dflt, \
                   COALESCE(c.is_identity, 'NO')::text AS ident \
                 FROM information_schema.columns c \
                 WHERE c.table_schema = 'public' AND c.table_name = '{quoted}' \
                 ORDER BY c.ordinal_position"
            );
            let keys = db
                .query_all_raw(q(format!(
                    "SELECT k.column_name::text AS name, t.constraint_type::text AS kind, \
                       (SELECT count(*) FROM information_schema.key_column_usage k2 \
                        WHERE k2.constraint_name = t.constraint_name)::bigint AS n \
                     FROM information_schema.table_constraints t \
                     JOIN information_schema.key_column_usage k \
                       ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name \
                     WHERE t.table_schema = 'public' AND t.table_name = '{quoted}' \
                       AND t.constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
                )))
                .await?;
            for r in db.query_all_raw(q(sql)).await? {
                let name = text(&r, "name");
                let of = |kind: &str| {
                    keys.iter().any(|k| {
                        text(k, "name") == name
                            && text(k, "kind") == kind
                            && number(k, "n") == Some(1)
                    })
                };
                let pk = of("PRIMARY KEY");
                let unique = of("UNIQUE");
                columns.push((
                    name,
                    text(&r, "type"),
                    text(&r, "nullable") == "YES",
                    pk,
                    text(&r, "dflt").starts_with("nextval(") || text(&r, "ident") == "YES",
                    unique,
                ));
            }
            for r in db
                .query_all_raw(q(format!(
                    "SELECT kcu.column_name::text AS col, ccu.table_name::text AS tbl, \
                       ccu.column_name::text AS to_col \
                     FROM information_schema.table_constraints tc \
                     JOIN information_schema.key_column_usage kcu \
                       ON tc.constraint_name = kcu.constraint_name \
                     JOIN information_schema.constraint_column_usage ccu \
                       ON ccu.constraint_name = tc.constraint_name \
                     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = '{quoted}'"
                )))
                .await?
            {
                fks.push((text(&r, "col"), text(&r, "tbl"), text(&r, "to_col")));
            }
        }
        _ => {
            for r in db
                .query_all_raw(q(format!(
                    "SELECT CAST(column_name AS CHAR) AS name, CAST(column_type AS CHAR) AS type, \
                       CAST(is_nullable AS CHAR) AS nullable, CAST(column_key AS CHAR) AS ckey, \
                       CAST(extra AS CHAR) AS extra \
                     FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = '{quoted}' \
                     ORDER BY ordinal_position"
                )))
                .await?
            {
                let key = text(&r, "ckey");
                columns.push((
                    text(&r, "name"),
                    text(&r, "type"),
                    text(&r, "nullable") == "YES",
                    key == "PRI",
                    text(&r, "extra").contains("auto_increment"),
                    key == "UNI",
                ));
            }
            for r in db
                .query_all_raw(q(format!(
                    "SELECT CAST(column_name AS CHAR) AS col, \
                       CAST(referenced_table_name AS CHAR) AS tbl, \
                       CAST(referenced_column_name AS CHAR) AS to_col \
                     FROM information_schema.key_column_usage \
                     WHERE table_schema = DATABASE() AND table_name = '{quoted}' \
                       AND referenced_table_name IS NOT NULL"
                )))
                .await?
            {
                fks.push((text(&r, "col"), text(&r, "tbl"), text(&r, "to_col")));
            }
        }
    }
    if columns.is_empty() {
        return Err(DbErr::Custom(format!("table '{table}' does not exist")));
    }
    let mut guesses = Vec::new();
    let fields = columns
        .into_iter()
        .map(|(name, ty, null, pk, auto, unique)| {
            let (ft, max_length) = field_type(&ty);
            let ft = ft.unwrap_or_else(|| {
                guesses.push(Guess {
                    table: table.to_string(),
                    column: name.clone(),
                    db_type: ty.clone(),
                });
                FieldType::Text
            });
            let mut f = Field::new(&name, ft);
            f.max_length = max_length;
            f.null = null;
            f.primary_key = pk;
            f.auto_increment = pk && auto;
            f.unique = unique && !pk;
            if let Some((_, to_table, to_column)) = fks.iter().find(|(c, _, _)| *c == name) {
                f.foreign_key = Some(super::ForeignKey {
                    to_table: to_table.clone(),
                    to_column: to_column.clone(),
                    on_delete: OnDelete::NoAction,
                });
            }
            f
        })
        .collect();
    Ok((
        ModelState {
            app: String::new(),
            name: table.to_string(),
            table: table.to_string(),
            fields,
            indexes: Vec::new(),
        },
        guesses,
    ))
}

fn rust_type(f: &Field) -> &'static str {
    match f.field_type {
        FieldType::SmallInteger => "i16",
        FieldType::Integer => "i32",
        FieldType::BigInteger => "i64",
        FieldType::Float => "f32",
        FieldType::Double | FieldType::Decimal => "f64",
        FieldType::String | FieldType::Text => "String",
        FieldType::Boolean => "bool",
        FieldType::Date => "Date",
        FieldType::Time => "Time",
        FieldType::DateTime => "DateTime",
        FieldType::DateTimeTz => "DateTimeUtc",
        FieldType::Uuid => "Uuid",
        FieldType::Json => "Json",
        FieldType::Binary => "Vec<u8>",
    }
}

/// A module of sea-orm entities (roan's dense format) for these models: what `inspectdb`
/// prints. `guesses` are marked with a comment, as Django's "This field type is a guess.".
pub fn entities(models: &[ModelState], guesses: &[Guess]) -> String {
    let mut out = String::from(
        "//! Models read from an existing database by `roan inspectdb`. Check them (a field type\n\
         //! marked as a guess may need a change), then register each one on its app with\n\
         //! `.unmanaged_model::<models::<table>::Entity>()`: roan uses the table but `makemigrations`\n\
         //! leaves it alone, as Django's `managed = False`.\n",
    );
    for m in models {
        let module = m
            .table
            .to_lowercase()
            .replace(|c: char| !c.is_alphanumeric(), "_");
        out.push_str(&format!(
            "\npub mod {module} {{\n    use sea_orm::entity::prelude::*;\n\n    #[sea_orm::model]\n    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n    #[sea_orm(table_name = \"{}\")]\n    pub struct Model {{\n",
            m.table
        ));
        let single_pk = m.fields.iter().filter(|f| f.primary_key).count() == 1;
        for f in &m.fields {
            if guesses
                .iter()
                .any(|g| g.table == m.table && g.column == f.name)
            {
                let db_type = guesses
                    .iter()
                    .find(|g| g.column == f.name)
                    .map(|g| g.db_type.as_str())
                    .unwrap_or("");
                out.push_str(&format!(
                    "        // This field type is a guess: the column is `{db_type}`.\n"
                ));
            }
            let mut attrs = Vec::new();
            if f.primary_key {
                attrs.push("primary_key".to_string());
                if single_pk && !f.auto_increment {
                    attrs.push("auto_increment = false".to_string());
                }
            }
            if f.unique {
                attrs.push("unique".into());
            }
            match (f.field_type, f.max_length) {
                (FieldType::String, Some(n)) => {
                    attrs.push(format!("column_type = \"String(StringLen::N({n}))\""))
                }
                (FieldType::Text, _) => attrs.push("column_type = \"Text\"".into()),
                _ => {}
            }
            if !attrs.is_empty() {
                out.push_str(&format!("        #[sea_orm({})]\n", attrs.join(", ")));
            }
            let ty = rust_type(f);
            let ty = if f.null {
                format!("Option<{ty}>")
            } else {
                ty.to_string()
            };
            let ident = if matches!(
                f.name.as_str(),
                "type"
                    | "struct"
                    | "fn"
                    | "ref"
                    | "mod"
                    | "use"
                    | "self"
                    | "match"
                    | "loop"
                    | "move"
            ) {
                format!("r#{}", f.name)
            } else {
                f.name.clone()
            };
            out.push_str(&format!("        pub {ident}: {ty},\n"));
            if let Some(fk) = &f.foreign_key
                && let Some(rel) = f.name.strip_suffix("_id").filter(|r| !r.is_empty())
                && models.iter().any(|o| o.table == fk.to_table)
            {
                let target = fk
                    .to_table
                    .to_lowercase()
                    .replace(|c: char| !c.is_alphanumeric(), "_");
                out.push_str(&format!(
                    "        #[sea_orm(belongs_to, from = \"{}\", to = \"{}\")]\n        pub {rel}: BelongsTo<super::{target}::Entity>,\n",
                    f.name, fk.to_column
                ));
            }
        }
        out.push_str("    }\n\n    impl ActiveModelBehavior for ActiveModel {}\n}\n");
    }
    out
}
