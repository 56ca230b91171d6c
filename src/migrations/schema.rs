//! The SQL of each operation on each backend.
//!
//! CREATE TABLE goes through sea-query (types, quoting and auto increment per backend); ALTERs are
//! written here because sea-query panics on the ALTERs SQLite cannot do. On SQLite, what ALTER
//! TABLE cannot change is done as Django does: create the new table, copy the rows, drop the old
//! one, rename, recreate the indexes. Index and constraint names are derived from the table and
//! column (`blog_post_slug_uniq`), so every backend can find them again without introspection.

use super::{Operation, ProjectState};
use crate::db::{DefaultValue, Field, FieldType, ModelState, OnDelete};
use sea_orm::DbBackend;
use sea_orm::sea_query::{
    Alias, ColumnDef, Expr, ForeignKey, ForeignKeyAction, MysqlQueryBuilder, PostgresQueryBuilder,
    SchemaStatementBuilder, SqliteQueryBuilder, Table,
};

type Sql = Vec<String>;

/// Quotes an identifier for the backend.
pub fn quote(name: &str, b: DbBackend) -> String {
    match b {
        DbBackend::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn build(stmt: &impl SchemaStatementBuilder, b: DbBackend) -> String {
    match b {
        DbBackend::MySql => stmt.to_string(MysqlQueryBuilder),
        DbBackend::Postgres => stmt.to_string(PostgresQueryBuilder),
        _ => stmt.to_string(SqliteQueryBuilder),
    }
}

/// A name for a derived index or constraint, at most 60 characters (PostgreSQL allows 63,
/// MySQL 64).
pub fn derived_name(table: &str, column: &str, suffix: &str) -> String {
    let full = format!("{table}_{column}_{suffix}");
    if full.len() <= 60 {
        return full;
    }
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
        (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{}_{:08x}_{suffix}", &full[..40], hash as u32)
}

/// A literal for a default value.
pub fn literal(value: &DefaultValue, b: DbBackend) -> String {
    match value {
        DefaultValue::Bool(v) => match b {
            DbBackend::Sqlite => if *v { "1" } else { "0" }.into(),
            _ => if *v { "TRUE" } else { "FALSE" }.into(),
        },
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) => format!("{f:?}"),
        DefaultValue::Str(s) => format!("'{}'", s.replace('\'', "''")),
        DefaultValue::Sql(s) => s.clone(),
    }
}

/// A value of the field's type for rows that must get one (reverse of a removal).
pub fn zero_value(field: &Field) -> DefaultValue {
    match field.field_type {
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger => {
            DefaultValue::Int(0)
        }
        FieldType::Float | FieldType::Double | FieldType::Decimal => DefaultValue::Float(0.0),
        FieldType::Boolean => DefaultValue::Bool(false),
        FieldType::Date => DefaultValue::Str("1970-01-01".into()),
        FieldType::Time => DefaultValue::Str("00:00:00".into()),
        FieldType::DateTime | FieldType::DateTimeTz => {
            DefaultValue::Str("1970-01-01 00:00:00".into())
        }
        FieldType::Uuid => DefaultValue::Str("00000000-0000-0000-0000-000000000000".into()),
        FieldType::Json => DefaultValue::Str("null".into()),
        _ => DefaultValue::Str(String::new()),
    }
}

fn default_expr(value: &DefaultValue) -> Expr {
    match value {
        DefaultValue::Bool(v) => Expr::val(*v),
        DefaultValue::Int(i) => Expr::val(*i),
        DefaultValue::Float(f) => Expr::val(*f),
        DefaultValue::Str(s) => Expr::val(s.clone()),
        DefaultValue::Sql(s) => Expr::cust(s.clone()),
    }
}

fn fk_action(a: OnDelete) -> ForeignKeyAction {
    match a {
        OnDelete::Cascade => ForeignKeyAction::Cascade,
        OnDelete::Restrict => ForeignKeyAction::Restrict,
        OnDelete::SetNull => ForeignKeyAction::SetNull,
        OnDelete::SetDefault => ForeignKeyAction::SetDefault,
        OnDelete::NoAction => ForeignKeyAction::NoAction,
    }
}

/// The column definition of a field; `default` overrides the field's own (a one-off fill).
///
/// On MySQL/MariaDB a date-time or time column keeps microseconds (`DATETIME(6)`, `TIME(6)`, as
/// Django creates them); a bare `DATETIME` would round every value to the second.
fn column_def(
    field: &Field,
    default: Option<&DefaultValue>,
    with_pk: bool,
    b: DbBackend,
) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(&field.name));
    let mysql = b == DbBackend::MySql;
    match field.field_type {
        FieldType::SmallInteger => c.small_integer(),
        FieldType::Integer => c.integer(),
        FieldType::BigInteger => c.big_integer(),
        FieldType::Float => c.float(),
        FieldType::Double => c.double(),
        FieldType::Decimal => match field.decimal {
            Some((p, s)) => c.decimal_len(p, s),
            None => c.decimal(),
        },
        FieldType::String => match field.max_length {
            Some(n) => c.string_len(n),
            None => c.string(),
        },
        FieldType::Text => c.text(),
        FieldType::Boolean => c.boolean(),
        FieldType::Date => c.date(),
        FieldType::Time if mysql => c.custom(Alias::new("TIME(6)")),
        FieldType::Time => c.time(),
        FieldType::DateTime if mysql => c.custom(Alias::new("DATETIME(6)")),
        FieldType::DateTime => c.date_time(),
        FieldType::DateTimeTz if mysql => c.custom(Alias::new("TIMESTAMP(6)")),
        FieldType::DateTimeTz => c.timestamp_with_time_zone(),
        FieldType::Uuid => c.uuid(),
        FieldType::Json => c.json(),
        FieldType::Binary => c.blob(),
    };
    if field.null {
        c.null();
    } else {
        c.not_null();
    }
    if with_pk && field.primary_key {
        c.primary_key();
    }
    if field.auto_increment {
        c.auto_increment();
    }
    if let Some(d) = default.or(field.default.as_ref()) {
        c.default(default_expr(d));
    }
    c
}

/// The SQL type of a field for ALTER COLUMN (PostgreSQL).
fn pg_type(field: &Field) -> String {
    match field.field_type {
        FieldType::SmallInteger => "smallint".into(),
        FieldType::Integer => "integer".into(),
        FieldType::BigInteger => "bigint".into(),
        FieldType::Float => "real".into(),
        FieldType::Double => "double precision".into(),
        FieldType::Decimal => match field.decimal {
            Some((p, s)) => format!("numeric({p}, {s})"),
            None => "numeric".into(),
        },
        FieldType::String => match field.max_length {
            Some(n) => format!("varchar({n})"),
            None => "varchar".into(),
        },
        FieldType::Text => "text".into(),
        FieldType::Boolean => "bool".into(),
        FieldType::Date => "date".into(),
        FieldType::Time => "time".into(),
        FieldType::DateTime => "timestamp without time zone".into(),
        FieldType::DateTimeTz => "timestamp with time zone".into(),
        FieldType::Uuid => "uuid".into(),
        FieldType::Json => "json".into(),
        FieldType::Binary => "bytea".into(),
    }
}

/// Whether the field has a derived unique index.
fn has_uniq(f: &Field) -> bool {
    f.unique && !f.primary_key
}

/// Whether the field has a derived plain index.
fn has_idx(f: &Field) -> bool {
    f.db_index && !f.unique && !f.primary_key
}

fn fk_name(table: &str, column: &str) -> String {
    derived_name(table, column, "fk")
}

/// CREATE TABLE `table` for a model, with its foreign keys, then its indexes.
pub fn create_table(model: &ModelState, table: &str, b: DbBackend) -> Sql {
    let mut stmt = Table::create();
    stmt.table(Alias::new(table));
    let pk: Vec<&Field> = model.fields.iter().filter(|f| f.primary_key).collect();
    let single_pk = pk.len() == 1;
    for f in &model.fields {
        stmt.col(column_def(f, None, single_pk, b));
    }
    if pk.len() > 1 {
        let mut idx = sea_orm::sea_query::Index::create();
        for f in &pk {
            idx.col(Alias::new(&f.name));
        }
        stmt.primary_key(&mut idx);
    }
    for f in &model.fields {
        if let Some(fk) = &f.foreign_key {
            stmt.foreign_key(
                ForeignKey::create()
                    .name(fk_name(&model.table, &f.name))
                    .from(Alias::new(table), Alias::new(&f.name))
                    .to(Alias::new(&fk.to_table), Alias::new(&fk.to_column))
                    .on_delete(fk_action(fk.on_delete)),
            );
        }
    }
    let mut sql = vec![build(&stmt, b)];
    sql.extend(create_indexes(model, b));
    sql
}

/// CREATE INDEX for a model's derived (unique, db_index, foreign key) and named indexes.
fn create_indexes(model: &ModelState, b: DbBackend) -> Sql {
    let mut sql = Vec::new();
    for f in &model.fields {
        sql.extend(field_indexes(&model.table, f, b));
    }
    for idx in &model.indexes {
        sql.push(named_index_sql(&model.table, idx, b));
    }
    sql
}

/// A named index of a model: a unique one is a UNIQUE constraint on PostgreSQL and MariaDB
/// (SQLite cannot add constraints, so a unique index there).
fn named_index_sql(table: &str, idx: &crate::db::Index, b: DbBackend) -> String {
    if idx.unique && b != DbBackend::Sqlite {
        let cols: Vec<String> = idx.columns.iter().map(|c| quote(c, b)).collect();
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
            quote(table, b),
            quote(&idx.name, b),
            cols.join(", ")
        )
    } else {
        create_index_sql(table, &idx.name, &idx.columns, idx.unique, b)
    }
}

fn drop_named_index_sql(table: &str, name: &str, unique: bool, b: DbBackend) -> String {
    if unique && b == DbBackend::Postgres {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            quote(table, b),
            quote(name, b)
        )
    } else {
        drop_index_sql(table, name, b)
    }
}

fn field_indexes(table: &str, f: &Field, b: DbBackend) -> Sql {
    let mut sql = Vec::new();
    if has_uniq(f) {
        sql.push(create_index_sql(
            table,
            &derived_name(table, &f.name, "uniq"),
            std::slice::from_ref(&f.name),
            true,
            b,
        ));
    }
    if has_idx(f) {
        sql.push(create_index_sql(
            table,
            &derived_name(table, &f.name, "idx"),
            std::slice::from_ref(&f.name),
            false,
            b,
        ));
    }
    sql
}

fn create_index_sql(
    table: &str,
    name: &str,
    columns: &[String],
    unique: bool,
    b: DbBackend,
) -> String {
    let cols: Vec<String> = columns.iter().map(|c| quote(c, b)).collect();
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if unique { "UNIQUE " } else { "" },
        quote(name, b),
        quote(table, b),
        cols.join(", ")
    )
}

fn drop_index_sql(table: &str, name: &str, b: DbBackend) -> String {
    match b {
        DbBackend::MySql => format!("DROP INDEX {} ON {}", quote(name, b), quote(table, b)),
        _ => format!("DROP INDEX {}", quote(name, b)),
    }
}

fn rename_index_sql(table: &str, old: &str, new: &str, b: DbBackend) -> String {
    match b {
        DbBackend::MySql => format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            quote(table, b),
            quote(old, b),
            quote(new, b)
        ),
        _ => format!("ALTER INDEX {} RENAME TO {}", quote(old, b), quote(new, b)),
    }
}

fn drop_fk_sql(table: &str, column: &str, b: DbBackend) -> String {
    let what = if b == DbBackend::MySql {
        "FOREIGN KEY"
    } else {
        "CONSTRAINT"
    };
    format!(
        "ALTER TABLE {} DROP {what} {}",
        quote(table, b),
        quote(&fk_name(table, column), b)
    )
}

fn add_fk_sql(table: &str, f: &Field, b: DbBackend) -> Option<String> {
    let fk = f.foreign_key.as_ref()?;
    Some(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}",
        quote(table, b),
        quote(&fk_name(table, &f.name), b),
        quote(&f.name, b),
        quote(&fk.to_table, b),
        quote(&fk.to_column, b),
        fk.on_delete.sql()
    ))
}

/// SQLite's table rebuild: `copy` gives, for each column of `after`, the expression over the old
/// table that fills it.
fn remake_table(
    after: &ModelState,
    old_table: &str,
    copy: &[(String, String)],
    b: DbBackend,
) -> Sql {
    let tmp = format!("new__{}", after.table);
    let mut sql = create_table(after, &tmp, b);
    // The indexes are created after the rename, under their real table name.
    sql.truncate(1);
    let cols: Vec<String> = copy.iter().map(|(c, _)| quote(c, b)).collect();
    let exprs: Vec<String> = copy.iter().map(|(_, e)| e.clone()).collect();
    if !copy.is_empty() {
        sql.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote(&tmp, b),
            cols.join(", "),
            exprs.join(", "),
            quote(old_table, b)
        ));
    }
    sql.push(format!("DROP TABLE {}", quote(old_table, b)));
    sql.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote(&tmp, b),
        quote(&after.table, b)
    ));
    sql.extend(create_indexes(after, b));
    sql
}

/// Copy list for a rebuild: every column of `after` that existed in `before` (possibly under
/// `renamed_from`) keeps its values; `special` overrides the expression of one column.
fn copy_list(
    before: &ModelState,
    after: &ModelState,
    renamed: Option<(&str, &str)>,
    special: Option<(&str, String)>,
) -> Vec<(String, String)> {
    let b = DbBackend::Sqlite;
    after
        .fields
        .iter()
        .filter_map(|f| {
            if let Some((col, expr)) = &special
                && f.name == *col
            {
                return Some((f.name.clone(), expr.clone()));
            }
            let source = match renamed {
                Some((old, new)) if new == f.name => old.to_string(),
                _ => f.name.clone(),
            };
            before
                .field(&source)
                .map(|_| (f.name.clone(), quote(&source, b)))
        })
        .collect()
}

fn model<'a>(state: &'a ProjectState, app: &str, name: &str) -> Result<&'a ModelState, String> {
    state
        .model(app, name)
        .ok_or_else(|| format!("model {app}.{name} is not in the migration state"))
}

/// The statements that apply `op` (from state `before` to state `after`) on backend `b`.
pub fn forwards(
    op: &Operation,
    app: &str,
    before: &ProjectState,
    after: &ProjectState,
    b: DbBackend,
) -> Result<Sql, String> {
    let sqlite = b == DbBackend::Sqlite;
    Ok(match op {
        Operation::CreateModel { name, .. } => {
            let m = model(after, app, name)?;
            create_table(m, &m.table, b)
        }
        Operation::DeleteModel { name } => {
            let m = model(before, app, name)?;
            vec![format!("DROP TABLE {}", quote(&m.table, b))]
        }
        Operation::RenameModel { old, new, .. } => {
            let old_m = model(before, app, old)?;
            let new_m = model(after, app, new)?;
            let mut sql = vec![match b {
                DbBackend::MySql => format!(
                    "RENAME TABLE {} TO {}",
                    quote(&old_m.table, b),
                    quote(&new_m.table, b)
                ),
                _ => format!(
                    "ALTER TABLE {} RENAME TO {}",
                    quote(&old_m.table, b),
                    quote(&new_m.table, b)
                ),
            }];
            sql.extend(rename_derived(old_m, new_m, b));
            sql
        }
        Operation::AddField {
            model: name,
            field,
            fill,
        } => {
            let m = model(after, app, name)?;
            let old = model(before, app, name)?;
            let simple = field.foreign_key.is_none()
                && !field.unique
                && fill.is_none()
                && (field.null || field.default.is_some());
            if sqlite && !simple {
                let expr = fill
                    .as_ref()
                    .or(field.default.as_ref())
                    .map(|v| literal(v, b))
                    .unwrap_or_else(|| "NULL".into());
                remake_table(
                    m,
                    &old.table,
                    &copy_list(old, m, None, Some((&field.name, expr))),
                    b,
                )
            } else {
                let mut stmt = Table::alter();
                stmt.table(Alias::new(&m.table)).add_column(column_def(
                    field,
                    fill.as_ref(),
                    false,
                    b,
                ));
                let mut sql = vec![build(&stmt, b)];
                if fill.is_some() && field.default.is_none() {
                    sql.push(format!(
                        "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                        quote(&m.table, b),
                        quote(&field.name, b)
                    ));
                }
                if !sqlite {
                    sql.extend(add_fk_sql(&m.table, field, b));
                }
                sql.extend(field_indexes(&m.table, field, b));
                sql
            }
        }
        Operation::RemoveField {
            model: name,
            name: column,
        } => {
            let m = model(after, app, name)?;
            let old = model(before, app, name)?;
            if sqlite {
                remake_table(m, &old.table, &copy_list(old, m, None, None), b)
            } else {
                let f = old
                    .field(column)
                    .ok_or_else(|| format!("field {column} is not on {app}.{name}"))?;
                let mut sql = Vec::new();
                if f.foreign_key.is_some() {
                    sql.push(drop_fk_sql(&old.table, column, b));
                }
                if b == DbBackend::MySql {
                    for idx in old.indexes.iter().filter(|i| i.columns.contains(column)) {
                        sql.push(drop_index_sql(&old.table, &idx.name, b));
                    }
                }
                sql.push(format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote(&old.table, b),
                    quote(column, b)
                ));
                sql
            }
        }
        Operation::AlterField {
            model: name,
            field,
            fill,
        } => {
            let m = model(after, app, name)?;
            let old = model(before, app, name)?;
            let was = old
                .field(&field.name)
                .ok_or_else(|| format!("field {} is not on {app}.{name}", field.name))?;
            if sqlite {
                let col = quote(&field.name, b);
                let expr = match fill {
                    Some(v) => format!("COALESCE({col}, {})", literal(v, b)),
                    None => col,
                };
                remake_table(
                    m,
                    &old.table,
                    &copy_list(old, m, None, Some((&field.name, expr))),
                    b,
                )
            } else {
                alter_column(&m.table, was, field, fill.as_ref(), b)
            }
        }
        Operation::RenameField {
            model: name,
            old: from,
            new: to,
        } => {
            let m = model(after, app, name)?;
            let old = model(before, app, name)?;
            if sqlite && old.field(from).is_some_and(|f| f.foreign_key.is_some()) {
                remake_table(m, &old.table, &copy_list(old, m, Some((from, to)), None), b)
            } else {
                let mut sql = vec![format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote(&m.table, b),
                    quote(from, b),
                    quote(to, b)
                )];
                sql.extend(rename_derived(old, m, b));
                sql
            }
        }
        Operation::AddIndex { model: name, index }
        | Operation::AddConstraint {
            model: name,
            constraint: index,
        } => {
            let m = model(after, app, name)?;
            vec![named_index_sql(&m.table, index, b)]
        }
        Operation::RemoveIndex {
            model: name,
            name: index,
        }
        | Operation::RemoveConstraint {
            model: name,
            name: index,
        } => {
            let m = model(before, app, name)?;
            let unique = m.indexes.iter().any(|i| &i.name == index && i.unique);
            vec![drop_named_index_sql(&m.table, index, unique, b)]
        }
        Operation::RunSql { sql, .. } => sql.clone(),
        // Run by the executor, not as SQL.
        Operation::RunRust { .. } => Vec::new(),
    })
}

/// Renames the derived indexes and foreign keys whose names follow a renamed table or column.
fn rename_derived(old: &ModelState, new: &ModelState, b: DbBackend) -> Sql {
    let mut sql = Vec::new();
    for (was, now) in old.fields.iter().zip(&new.fields) {
        for (suffix, present) in [("uniq", has_uniq(was)), ("idx", has_idx(was))] {
            let from = derived_name(&old.table, &was.name, suffix);
            let to = derived_name(&new.table, &now.name, suffix);
            if present && from != to {
                sql.push(match b {
                    DbBackend::Sqlite => format!(
                        "DROP INDEX {}; {}",
                        quote(&from, b),
                        create_index_sql(
                            &new.table,
                            &to,
                            std::slice::from_ref(&now.name),
                            suffix == "uniq",
                            b
                        )
                    ),
                    _ => rename_index_sql(&new.table, &from, &to, b),
                });
            }
        }
        let (from, to) = (
            fk_name(&old.table, &was.name),
            fk_name(&new.table, &now.name),
        );
        if was.foreign_key.is_some() && from != to {
            match b {
                DbBackend::Postgres => sql.push(format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    quote(&new.table, b),
                    quote(&from, b),
                    quote(&to, b)
                )),
                DbBackend::MySql => {
                    sql.push(format!(
                        "ALTER TABLE {} DROP FOREIGN KEY {}",
                        quote(&new.table, b),
                        quote(&from, b)
                    ));
                    sql.extend(add_fk_sql(&new.table, now, b));
                }
                // SQLite keeps constraint names only in the table's text; nothing finds them by
                // name, so nothing to do.
                _ => {}
            }
        }
    }
    // Split the SQLite "DROP; CREATE" pairs into statements.
    sql.into_iter()
        .flat_map(|s| s.split("; ").map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn alter_column(
    table: &str,
    was: &Field,
    now: &Field,
    fill: Option<&DefaultValue>,
    b: DbBackend,
) -> Sql {
    let t = quote(table, b);
    let c = quote(&now.name, b);
    let mut sql = Vec::new();
    let fk_changed = was.foreign_key != now.foreign_key || (was.field_type != now.field_type);
    if was.foreign_key.is_some() && fk_changed {
        sql.push(drop_fk_sql(table, &was.name, b));
    }
    if has_uniq(was) && !has_uniq(now) {
        sql.push(drop_index_sql(
            table,
            &derived_name(table, &was.name, "uniq"),
            b,
        ));
    }
    if has_idx(was) && !has_idx(now) {
        sql.push(drop_index_sql(
            table,
            &derived_name(table, &was.name, "idx"),
            b,
        ));
    }
    if let Some(v) = fill {
        sql.push(format!(
            "UPDATE {t} SET {c} = {} WHERE {c} IS NULL",
            literal(v, b)
        ));
    }
    match b {
        DbBackend::MySql => {
            let mut stmt = Table::alter();
            stmt.table(Alias::new(table))
                .modify_column(column_def(now, None, false, b));
            sql.push(build(&stmt, b));
        }
        _ => {
            let type_changed = was.field_type != now.field_type
                || was.max_length != now.max_length
                || was.decimal != now.decimal;
            if type_changed {
                let ty = pg_type(now);
                sql.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty} USING {c}::{ty}"
                ));
            }
            if was.default != now.default {
                sql.push(match &now.default {
                    Some(d) => format!(
                        "ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {}",
                        literal(d, b)
                    ),
                    None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"),
                });
            }
            if was.null != now.null {
                sql.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {c} {} NOT NULL",
                    if now.null { "DROP" } else { "SET" }
                ));
            }
        }
    }
    if has_uniq(now) && !has_uniq(was) {
        sql.push(create_index_sql(
            table,
            &derived_name(table, &now.name, "uniq"),
            std::slice::from_ref(&now.name),
            true,
            b,
        ));
    }
    if has_idx(now) && !has_idx(was) {
        sql.push(create_index_sql(
            table,
            &derived_name(table, &now.name, "idx"),
            std::slice::from_ref(&now.name),
            false,
            b,
        ));
    }
    if now.foreign_key.is_some() && fk_changed {
        sql.extend(add_fk_sql(table, now, b));
    }
    sql
}

/// The index or constraint `name` of a model, as it was before it was removed.
fn named_index(
    state: &ProjectState,
    app: &str,
    m: &str,
    name: &str,
) -> Result<crate::db::Index, String> {
    model(state, app, m)?
        .indexes
        .iter()
        .find(|i| i.name == name)
        .cloned()
        .ok_or_else(|| format!("index or constraint {name} is not on {app}.{m}"))
}

/// The operation that undoes `op`, given the state before it ran.
pub fn reverse(op: &Operation, app: &str, before: &ProjectState) -> Result<Operation, String> {
    Ok(match op {
        Operation::CreateModel { name, .. } => Operation::delete_model(name),
        Operation::DeleteModel { name } => {
            let m = model(before, app, name)?;
            Operation::create_model(name, &m.table, m.fields.clone(), m.indexes.clone())
        }
        Operation::RenameModel { old, new, .. } => {
            let m = model(before, app, old)?;
            Operation::rename_model(new, old, &m.table)
        }
        Operation::AddField {
            model: m, field, ..
        } => Operation::remove_field(m, &field.name),
        Operation::RemoveField { model: m, name } => {
            let f = model(before, app, m)?
                .field(name)
                .ok_or_else(|| format!("field {name} is not on {app}.{m}"))?
                .clone();
            if f.null || f.default.is_some() {
                Operation::add_field(m, f)
            } else {
                let zero = zero_value(&f);
                Operation::add_field_filled(m, f, zero)
            }
        }
        Operation::AlterField {
            model: m, field, ..
        } => {
            let old = model(before, app, m)?
                .field(&field.name)
                .ok_or_else(|| format!("field {} is not on {app}.{m}", field.name))?
                .clone();
            if field.null && !old.null {
                let zero = old.default.clone().unwrap_or_else(|| zero_value(&old));
                Operation::alter_field_filled(m, old, zero)
            } else {
                Operation::alter_field(m, old)
            }
        }
        Operation::RenameField { model: m, old, new } => Operation::rename_field(m, new, old),
        Operation::AddIndex { model: m, index } => Operation::remove_index(m, &index.name),
        Operation::AddConstraint {
            model: m,
            constraint,
        } => Operation::remove_constraint(m, &constraint.name),
        Operation::RemoveConstraint { model: m, name } => {
            Operation::add_constraint(m, named_index(before, app, m, name)?)
        }
        Operation::RemoveIndex { model: m, name } => {
            Operation::add_index(m, named_index(before, app, m, name)?)
        }
        Operation::RunSql {
            reverse: Some(r), ..
        } => Operation::RunSql {
            sql: r.clone(),
            reverse: None,
        },
        Operation::RunRust {
            forward,
            backward: Some(b),
        } => Operation::RunRust {
            forward: *b,
            backward: Some(*forward),
        },
        Operation::RunRust { backward: None, .. } => {
            return Err(
                "a RunRust operation without a backward function cannot be unapplied".into(),
            );
        }
        Operation::RunSql { reverse: None, .. } => {
            return Err("a RunSql operation without reverse SQL cannot be unapplied".into());
        }
    })
}
