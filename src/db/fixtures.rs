//! Fixtures in Django's format: `dumpdata` writes, `loaddata` reads
//! `[{"model": "polls.question", "pk": 1, "fields": {...}}]` (or one object a line, JSONL),
//! foreign keys under the field's name (`"question": 1`), dates as DjangoJSONEncoder writes
//! them (`2026-11-20T10:00:00`), decimals as strings, many-to-many fields as lists of primary
//! keys (`"groups": [1, 2]`).

use super::objects::{self, ObjectError, Row};
use super::{Field, FieldType, ManyToMany, ModelState};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use serde_json::{Map, Value as Json};
use std::io::Write;

/// A fixture's serialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array of objects.
    Json,
    /// One JSON object a line.
    Jsonl,
}

impl Format {
    /// The format a file name's extension names (`.json`, `.jsonl`, maybe with `.gz`).
    pub fn of_path(path: &str) -> Option<Format> {
        let path = path.strip_suffix(".gz").unwrap_or(path);
        if path.ends_with(".jsonl") {
            Some(Format::Jsonl)
        } else if path.ends_with(".json") {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// Why a dump or a load failed; a load changes nothing then.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The fixture is not valid JSON or not Django's shape.
    #[error("Problem installing fixture '{fixture}': {message}")]
    Malformed {
        /// The fixture.
        fixture: String,
        /// What is wrong.
        message: String,
    },
    /// One object could not be stored.
    #[error("Problem installing fixture '{fixture}': Could not load {model}(pk={pk}): {message}")]
    Object {
        /// The fixture.
        fixture: String,
        /// `app.model`.
        model: String,
        /// Its primary key.
        pk: String,
        /// What failed, naming the field.
        message: String,
    },
    /// Writing the output failed.
    #[error("cannot write the dump: {0}")]
    Io(#[from] std::io::Error),
    /// A model operation failed.
    #[error(transparent)]
    Data(#[from] ObjectError),
    /// The database refused.
    #[error("{0}")]
    Db(#[from] sea_orm::DbErr),
}

/// The name a field has in a fixture: a foreign key's without `_id`, as Django's.
fn fixture_name(f: &Field) -> &str {
    match (&f.foreign_key, f.name.strip_suffix("_id")) {
        (Some(_), Some(base)) if !base.is_empty() => base,
        _ => &f.name,
    }
}

/// A value read from the database as DjangoJSONEncoder writes it.
fn encode(f: &Field, value: Json) -> Json {
    match (f.field_type, value) {
        (FieldType::DateTime, Json::String(s)) => Json::String(s.replacen(' ', "T", 1)),
        (FieldType::DateTimeTz, Json::String(s)) => Json::String(
            chrono::DateTime::parse_from_rfc3339(&s)
                .map(|d| {
                    d.with_timezone(&chrono::Utc)
                        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                        .to_string()
                        .replace(".000Z", "Z")
                })
                .unwrap_or(s),
        ),
        (_, v) => v,
    }
}

fn pk_field(model: &ModelState) -> Option<&Field> {
    model.fields.iter().find(|f| f.primary_key)
}

/// One object of a fixture, as Django writes it: `model`, `pk`, then `fields` in the model's
/// order.
fn object(model: &ModelState, row: &Row) -> (Json, Json, Vec<(String, Json)>) {
    let pk = pk_field(model).map(|f| f.name.as_str());
    let key = pk.and_then(|p| row.get(p).cloned()).unwrap_or(Json::Null);
    let fields = model
        .fields
        .iter()
        .filter(|f| Some(f.name.as_str()) != pk)
        .map(|f| {
            let value = row.get(&f.name).cloned().unwrap_or(Json::Null);
            (fixture_name(f).to_string(), encode(f, value))
        })
        .collect();
    (Json::String(model.label()), key, fields)
}

/// An object as Python's `json.dumps` writes it: `", "` and `": "` between items, or with
/// `indent` spaces a level (the object itself at the outer level).
fn write_object(
    out: &mut dyn Write,
    (model, pk, fields): &(Json, Json, Vec<(String, Json)>),
    indent: Option<usize>,
) -> std::io::Result<()> {
    let j = |v: &Json| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    match indent {
        None => {
            write!(
                out,
                "{{\"model\": {}, \"pk\": {}, \"fields\": {{",
                j(model),
                j(pk)
            )?;
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.write_all(b", ")?;
                }
                write!(
                    out,
                    "{}: {}",
                    j(&Json::String(name.clone())),
                    compact(value)
                )?;
            }
            out.write_all(b"}}")
        }
        Some(n) => {
            let one = " ".repeat(n);
            let two = " ".repeat(2 * n);
            write!(
                out,
                "{{\n{one}\"model\": {},\n{one}\"pk\": {},\n{one}\"fields\": {{",
                j(model),
                j(pk)
            )?;
            for (i, (name, value)) in fields.iter().enumerate() {
                out.write_all(if i > 0 { b",\n" } else { b"\n" })?;
                write!(
                    out,
                    "{two}{}: {}",
                    j(&Json::String(name.clone())),
                    compact(value)
                )?;
            }
            if fields.is_empty() {
                out.write_all(b"}")?;
            } else {
                write!(out, "\n{one}}}")?;
            }
            out.write_all(b"\n}")
        }
    }
}

/// Writes the rows of `models` (in order, each by primary key) as a fixture, reading a page at
/// a time so a large table never sits in memory; `pks` limits a single model to those keys.
/// The fields of `many` that belong to a model follow its columns, as lists of the other
/// side's keys. Gives how many objects were written.
pub async fn dump(
    db: &impl ConnectionTrait,
    models: &[&ModelState],
    many: &[ManyToMany],
    pks: &[String],
    format: Format,
    indent: Option<usize>,
    out: &mut dyn Write,
) -> Result<u64, FixtureError> {
    const PAGE: u64 = 1000;
    let mut written = 0u64;
    if format == Format::Json {
        out.write_all(b"[")?;
    }
    for model in models {
        let Some(pk) = pk_field(model) else { continue };
        let links: Vec<&ManyToMany> = many.iter().filter(|m| m.model == model.table).collect();
        let mut last: Option<Json> = None;
        loop {
            let mut q = Query::select();
            q.from(Alias::new(&model.table));
            for f in &model.fields {
                q.column(Alias::new(&f.name));
            }
            if !pks.is_empty() {
                let keys: Vec<sea_orm::sea_query::Value> = pks
                    .iter()
                    .filter_map(|k| objects::convert(pk, k).ok().flatten())
                    .collect();
                q.and_where(Expr::col(Alias::new(&pk.name)).is_in(keys));
            }
            if let Some(after) = &last
                && let Ok(Some(v)) = objects::value_of(pk, after)
            {
                q.and_where(Expr::col(Alias::new(&pk.name)).gt(v));
            }
            q.order_by(Alias::new(&pk.name), Order::Asc).limit(PAGE);
            let rows: Vec<Row> = db
                .query_all(&q)
                .await?
                .iter()
                .map(|r| objects::to_row(model, r))
                .collect();
            let count = rows.len() as u64;
            let mut linked = linked(db, &links, pk, &rows).await?;
            for row in &rows {
                last = row.get(&pk.name).cloned();
                let mut value = object(model, row);
                if !links.is_empty() {
                    let key = row.get(&pk.name).map(objects::value_text);
                    for (link, keys) in links.iter().zip(&mut linked) {
                        let keys = key.as_deref().and_then(|k| keys.remove(k));
                        value
                            .2
                            .push((link.name.clone(), Json::Array(keys.unwrap_or_default())));
                    }
                }
                match format {
                    Format::Json => {
                        if written > 0 {
                            out.write_all(if indent.is_some() { b"," } else { b", " })?;
                        }
                        if indent.is_some() {
                            out.write_all(b"\n")?;
                        }
                        write_object(out, &value, indent)?;
                    }
                    Format::Jsonl => {
                        write_object(out, &value, None)?;
                        out.write_all(b"\n")?;
                    }
                }
                written += 1;
            }
            if count < PAGE {
                break;
            }
        }
    }
    if format == Format::Json {
        if indent.is_some() && written > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"]\n")?;
    }
    out.flush()?;
    Ok(written)
}

/// For each field of `links`, the keys each row of a page is linked to, by the row's key as
/// text: one query per field and page.
async fn linked(
    db: &impl ConnectionTrait,
    links: &[&ManyToMany],
    pk: &Field,
    rows: &[Row],
) -> Result<Vec<std::collections::HashMap<String, Vec<Json>>>, FixtureError> {
    let mut out = vec![std::collections::HashMap::new(); links.len()];
    if rows.is_empty() {
        return Ok(out);
    }
    let keys: Vec<sea_orm::sea_query::Value> = rows
        .iter()
        .filter_map(|r| r.get(&pk.name))
        .filter_map(|k| objects::value_of(pk, k).ok().flatten())
        .collect();
    for (link, by_row) in links.iter().zip(&mut out) {
        let mut q = Query::select();
        q.from(Alias::new(&link.through))
            .column(Alias::new(&link.source.name))
            .column(Alias::new(&link.target.name))
            .and_where(Expr::col(Alias::new(&link.source.name)).is_in(keys.clone()))
            .order_by(Alias::new(&link.source.name), Order::Asc)
            .order_by(Alias::new(&link.target.name), Order::Asc);
        for r in db.query_all(&q).await? {
            let source = objects::value_text(&objects::read(&r, &link.source));
            let target = objects::read(&r, &link.target);
            by_row.entry(source).or_insert_with(Vec::new).push(target);
        }
    }
    Ok(out)
}

/// JSON with Python's default separators (`", "` and `": "`), as Django's dumpdata writes
/// without `--indent`.
fn compact(value: &Json) -> String {
    struct Python;
    impl serde_json::ser::Formatter for Python {
        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
            writer.write_all(b": ")
        }
    }
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Python);
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8(buf).unwrap_or_default()
}

/// One object read from a fixture.
#[derive(Debug, Clone)]
pub struct FixtureObject {
    /// `app.model`.
    pub model: String,
    /// The primary key, when given.
    pub pk: Json,
    /// The fields by fixture name.
    pub fields: Map<String, Json>,
}

/// Reads a fixture's text.
pub fn parse(
    text: &str,
    format: Format,
    fixture: &str,
) -> Result<Vec<FixtureObject>, FixtureError> {
    let malformed = |message: String| FixtureError::Malformed {
        fixture: fixture.to_string(),
        message,
    };
    let values: Vec<Json> = match format {
        Format::Json => match serde_json::from_str::<Json>(text) {
            Ok(Json::Array(items)) => items,
            Ok(_) => return Err(malformed("a JSON fixture is a list of objects".into())),
            Err(e) => return Err(malformed(e.to_string())),
        },
        Format::Jsonl => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Json>(l).map_err(|e| malformed(e.to_string())))
            .collect::<Result<_, _>>()?,
    };
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let Json::Object(mut o) = v else {
                return Err(malformed(format!("object {} is not a JSON object", i + 1)));
            };
            let model = match o.remove("model") {
                Some(Json::String(m)) => m.to_lowercase(),
                _ => return Err(malformed(format!("object {} has no \"model\"", i + 1))),
            };
            let fields = match o.remove("fields") {
                Some(Json::Object(f)) => f,
                None => Map::new(),
                Some(_) => {
                    return Err(malformed(format!(
                        "\"fields\" of object {} is not an object",
                        i + 1
                    )));
                }
            };
            Ok(FixtureObject {
                model,
                pk: o.remove("pk").unwrap_or(Json::Null),
                fields,
            })
        })
        .collect()
}

/// The order models can be loaded in: a model after those its foreign keys point at.
fn load_order<'a>(models: &[&'a ModelState]) -> Vec<&'a ModelState> {
    let mut done: Vec<&ModelState> = Vec::new();
    let mut left: Vec<&ModelState> = models.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|m| {
            m.fields.iter().all(|f| match &f.foreign_key {
                Some(fk) => fk.to_table == m.table || !left.iter().any(|o| o.table == fk.to_table),
                None => true,
            })
        });
        // A cycle: take the next one; the database checks the keys at commit where it can.
        let i = ready.unwrap_or(0);
        done.push(left.remove(i));
    }
    done
}

/// Loads fixture objects into the database in one transaction: each row is inserted, or
/// updated when its primary key exists; models in an order their foreign keys allow. A
/// many-to-many field of `many` replaces the row's links, once every row is stored. Nothing is
/// stored if anything fails, and the error names the object and the field.
pub async fn load(
    db: &DatabaseConnection,
    registry: &[ModelState],
    many: &[ManyToMany],
    objects: &[(String, Vec<FixtureObject>)],
    ignore_nonexistent: bool,
) -> Result<u64, FixtureError> {
    let mut models: Vec<&ModelState> = Vec::new();
    for (fixture, objs) in objects {
        for o in objs {
            let model = registry
                .iter()
                .find(|m| m.label().to_lowercase() == o.model)
                .ok_or_else(|| FixtureError::Malformed {
                    fixture: fixture.clone(),
                    message: format!("Invalid model identifier: '{}'", o.model),
                })?;
            if !models.iter().any(|m| m.table == model.table) {
                models.push(model);
            }
        }
    }
    let order = load_order(&models);
    let txn = db.begin().await?;
    let mut loaded = 0u64;
    let mut links = Vec::new();
    for model in &order {
        let fields: Vec<&ManyToMany> = many.iter().filter(|m| m.model == model.table).collect();
        for (fixture, objs) in objects {
            for o in objs
                .iter()
                .filter(|o| model.label().to_lowercase() == o.model)
            {
                let saved = save(&txn, model, &fields, o, fixture, ignore_nonexistent).await?;
                links.extend(saved);
                loaded += 1;
            }
        }
    }
    for set in &links {
        set.store(&txn).await?;
    }
    if db.get_database_backend() == DbBackend::Postgres {
        for model in &order {
            if let Some(pk) = pk_field(model).filter(|f| f.auto_increment) {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('\"{t}\"', '{c}'), \
                     COALESCE(MAX(\"{c}\"), 1), MAX(\"{c}\") IS NOT NULL) FROM \"{t}\"",
                    t = model.table,
                    c = pk.name
                );
                txn.execute_unprepared(&sql).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(loaded)
}

/// The links a fixture gives a row: its many-to-many field `field` holds `keys`.
struct LinkSet<'a> {
    field: &'a ManyToMany,
    model: String,
    fixture: String,
    pk: Json,
    keys: Vec<Json>,
}

impl LinkSet<'_> {
    /// Replaces the row's links with the fixture's.
    async fn store(&self, db: &impl ConnectionTrait) -> Result<(), FixtureError> {
        let fail = |message: String| FixtureError::Object {
            fixture: self.fixture.clone(),
            model: self.model.clone(),
            pk: objects::value_text(&self.pk),
            message: format!("'{}': {message}", self.field.name),
        };
        let source = objects::value_of(&self.field.source, &self.pk)
            .map_err(&fail)?
            .ok_or_else(|| fail("the primary key is empty".into()))?;
        let mut q = Query::delete();
        q.from_table(Alias::new(&self.field.through))
            .and_where(Expr::col(Alias::new(&self.field.source.name)).eq(source.clone()));
        db.execute(&q).await.map_err(|e| fail(e.to_string()))?;
        for key in &self.keys {
            let target = objects::value_of(&self.field.target, key)
                .map_err(&fail)?
                .ok_or_else(|| fail("a key in the list is null".into()))?;
            let mut q = Query::insert();
            q.into_table(Alias::new(&self.field.through))
                .columns([
                    Alias::new(&self.field.source.name),
                    Alias::new(&self.field.target.name),
                ])
                .values([Expr::val(source.clone()), Expr::val(target)])
                .map_err(|e| fail(e.to_string()))?;
            db.execute(&q).await.map_err(|e| fail(e.to_string()))?;
        }
        Ok(())
    }
}

/// Stores one object; gives the links its many-to-many fields ask for, to be stored once every
/// row is.
async fn save<'a>(
    db: &impl ConnectionTrait,
    model: &ModelState,
    many: &[&'a ManyToMany],
    o: &FixtureObject,
    fixture: &str,
    ignore_nonexistent: bool,
) -> Result<Vec<LinkSet<'a>>, FixtureError> {
    let pk_text = objects::key_text(&o.pk);
    let fail = |message: String| FixtureError::Object {
        fixture: fixture.to_string(),
        model: model.label(),
        pk: pk_text.clone().unwrap_or_else(|| "None".into()),
        message,
    };
    let mut values = Vec::new();
    let mut lists = Vec::new();
    for (name, value) in &o.fields {
        if let Some(m2m) = many.iter().find(|m| m.name == *name) {
            let Json::Array(keys) = value else {
                return Err(fail(format!(
                    "'{name}': a many-to-many field is a list of primary keys, not {value}"
                )));
            };
            lists.push((*m2m, keys.clone()));
            continue;
        }
        let Some(field) = model
            .fields
            .iter()
            .find(|f| fixture_name(f) == name || f.name == *name)
        else {
            if ignore_nonexistent {
                continue;
            }
            return Err(fail(format!(
                "{} has no field named '{name}' (--ignorenonexistent skips it)",
                model.label()
            )));
        };
        let stored = objects::value_of(field, value).map_err(|e| fail(format!("'{name}': {e}")))?;
        values.push((field.name.clone(), stored));
    }
    let exists = match (&pk_text, pk_field(model)) {
        (Some(pk), Some(field)) => {
            let key = objects::convert(field, pk)
                .map_err(|e| fail(format!("'{}': {e}", field.name)))?
                .ok_or_else(|| fail("the primary key is empty".into()))?;
            values.push((field.name.clone(), Some(key.clone())));
            objects::exists(db, model, &[(field.name.clone(), key)], None)
                .await
                .map_err(|e| fail(e.to_string()))?
        }
        _ => false,
    };
    let result = if exists {
        objects::update_values(db, model, pk_text.as_deref().unwrap_or(""), values)
            .await
            .map(|row| row.unwrap_or_default())
    } else {
        objects::insert(db, model, values, pk_text.clone()).await
    };
    let row = result.map_err(|e| match e {
        ObjectError::Db(db) => fail(db.to_string()),
        other => fail(other.to_string()),
    })?;
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    let pk = match pk_field(model).and_then(|f| row.get(&f.name)) {
        Some(key) if !key.is_null() => key.clone(),
        _ => o.pk.clone(),
    };
    Ok(lists
        .into_iter()
        .map(|(field, keys)| LinkSet {
            field,
            model: model.label(),
            fixture: fixture.to_string(),
            pk: pk.clone(),
            keys,
        })
        .collect())
}

/// Deletes every row of `models` (Django's `flush`), children before parents.
pub async fn flush(db: &DatabaseConnection, models: &[&ModelState]) -> Result<(), FixtureError> {
    let order = load_order(models);
    let txn = db.begin().await?;
    for model in order.iter().rev() {
        let mut q = Query::delete();
        q.from_table(Alias::new(&model.table));
        txn.execute(&q).await?;
    }
    txn.commit().await?;
    Ok(())
}
