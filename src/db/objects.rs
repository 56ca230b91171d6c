//! The generic model operations the admin, forms, the shell and fixtures share: list with
//! filter, search, order and pages; get by primary key; create and update from form strings with
//! typed conversion and per-field errors; delete with a preview of what cascades.
//!
//! They work on any registered model through its [`ModelState`], with SQL built by sea-query, so
//! one implementation serves every model and every backend.

use super::{Field, FieldType, ModelState, OnDelete};
use crate::migrations::ProjectState;
use sea_orm::sea_query::{
    Alias, Asterisk, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr, Value,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

/// A row as field name → JSON value.
pub type Row = Map<String, Json>;

/// Errors per field, as a form shows them (`"This field is required."`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    /// Whether there is no error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a model operation fails with.
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    /// The submitted data has errors; nothing was written.
    #[error("invalid data: {0:?}")]
    Invalid(FieldErrors),
    /// A name that is not a field of the model.
    #[error("{model} has no field '{field}'")]
    UnknownField {
        /// The model label.
        model: String,
        /// The name given.
        field: String,
    },
    /// The database refused.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// An uploaded file could not be stored.
    #[error("file storage: {0}")]
    File(#[from] crate::files::StorageError),
}

/// What to list: filters, search, order and page.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Exact matches, `field = value` (value as a form would send it).
    pub filters: Vec<(String, String)>,
    /// Text searched (case-insensitively) in `search_fields`.
    pub search: Option<String>,
    /// The fields searched; all text fields when empty.
    pub search_fields: Vec<String>,
    /// Field names, `-name` for descending; the primary key when empty.
    pub order: Vec<String>,
    /// The page, from 1.
    pub page: u64,
    /// Rows per page (0 means 100).
    pub per_page: u64,
}

/// One page of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The rows.
    pub rows: Vec<Row>,
    /// Rows matching in all.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// The number of pages.
    pub pages: u64,
}

/// What deleting a row would also delete, or change, or be stopped by.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteEffect {
    /// The affected model (`app.model`).
    pub model: String,
    /// How many of its rows.
    pub count: u64,
    /// Cascade (deleted too), SetNull/SetDefault (changed), Restrict/NoAction (the delete fails).
    pub action: OnDelete,
}

fn field<'a>(model: &'a ModelState, name: &str) -> Result<&'a Field, ObjectError> {
    model.field(name).ok_or_else(|| ObjectError::UnknownField {
        model: model.label(),
        field: name.to_string(),
    })
}

fn pk(model: &ModelState) -> Option<&Field> {
    model.fields.iter().find(|f| f.primary_key)
}

/// A value as text, the way URLs, forms and keys spell it: a string as it is, anything else as
/// its JSON (`3`, `true`).
pub fn value_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// [`value_text`] of a key that may not be set yet: `None` for null.
pub fn key_text(value: &Json) -> Option<String> {
    (!value.is_null()).then(|| value_text(value))
}

/// Converts a form string to a typed SQL value for a field; `Ok(None)` is NULL.
pub fn convert(field: &Field, raw: &str) -> Result<Option<Value>, String> {
    let text = raw.trim();
    if text.is_empty()
        && !matches!(
            field.field_type,
            FieldType::String | FieldType::Text | FieldType::Boolean
        )
    {
        return if field.null {
            Ok(None)
        } else {
            Err("This field is required.".into())
        };
    }
    let v = match field.field_type {
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger => {
            Value::BigInt(Some(
                text.parse::<i64>()
                    .map_err(|_| "Enter a whole number.".to_string())?,
            ))
        }
        FieldType::Float | FieldType::Double | FieldType::Decimal => {
            let n = text
                .parse::<f64>()
                .map_err(|_| "Enter a number.".to_string())?;
            if !n.is_finite() {
                return Err("Enter a number.".into());
            }
            Value::Double(Some(n))
        }
        FieldType::Boolean => Value::Bool(Some(matches!(
            text.to_ascii_lowercase().as_str(),
            "on" | "true" | "1" | "yes" | "y"
        ))),
        FieldType::String | FieldType::Text => {
            if raw.is_empty() && field.null {
                return Ok(None);
            }
            if raw.is_empty()
                && field.default.is_none()
                && field.field_type == FieldType::String
                && !field.null
            {
                return Err("This field is required.".into());
            }
            if let Some(max) = field.max_length {
                let n = raw.chars().count();
                if n > max as usize {
                    return Err(format!(
                        "Ensure this value has at most {max} characters (it has {n})."
                    ));
                }
            }
            Value::String(Some(raw.to_string()))
        }
        FieldType::Date => {
            let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| "Enter a valid date (YYYY-MM-DD).".to_string())?;
            Value::ChronoDate(Some(d))
        }
        FieldType::Time => {
            let t = chrono::NaiveTime::parse_from_str(text, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(text, "%H:%M"))
                .map_err(|_| "Enter a valid time (HH:MM[:SS]).".to_string())?;
            Value::ChronoTime(Some(t))
        }
        FieldType::DateTime => {
            // An offset (DjangoJSONEncoder writes `Z` for UTC) is read as UTC, the way the
            // naive column stores it.
            let t = crate::timezone::parse_instant(text)
                .ok_or("Enter a valid date/time (YYYY-MM-DD HH:MM[:SS]).")?;
            Value::ChronoDateTime(Some(t.naive_utc()))
        }
        FieldType::DateTimeTz => {
            let t = crate::timezone::parse_instant(text).ok_or("Enter a valid date/time.")?;
            Value::ChronoDateTimeUtc(Some(t))
        }
        FieldType::Uuid => {
            let u = uuid::Uuid::parse_str(text).map_err(|_| "Enter a valid UUID.".to_string())?;
            Value::Uuid(Some(u))
        }
        FieldType::Json => {
            let j: Json =
                serde_json::from_str(text).map_err(|_| "Enter valid JSON.".to_string())?;
            Value::Json(Some(Box::new(j)))
        }
        FieldType::Binary => Value::Bytes(Some(raw.as_bytes().to_vec())),
    };
    Ok(Some(v))
}

/// A cleaned form value (JSON, as `roan::forms` gives it) as a typed SQL value for a field;
/// `Ok(None)` is NULL. An empty string is NULL for a nullable non-text column.
pub fn value_of(field: &Field, value: &Json) -> Result<Option<Value>, String> {
    Ok(Some(match (field.field_type, value) {
        (_, Json::Null) => return Ok(None),
        (FieldType::String | FieldType::Text, Json::String(s)) => {
            if s.is_empty() && field.null {
                return Ok(None);
            }
            Value::String(Some(s.clone()))
        }
        (FieldType::Boolean, Json::Bool(b)) => Value::Bool(Some(*b)),
        (FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger, Json::Number(n)) => {
            Value::BigInt(Some(n.as_i64().ok_or("Enter a whole number.")?))
        }
        (FieldType::Float | FieldType::Double | FieldType::Decimal, Json::Number(n)) => {
            Value::Double(Some(n.as_f64().ok_or("Enter a number.")?))
        }
        (FieldType::Json, other) => Value::Json(Some(Box::new(other.clone()))),
        (_, Json::String(s)) => return convert(field, s),
        (_, Json::Bool(b)) => return convert(field, &b.to_string()),
        (_, Json::Number(n)) => return convert(field, &n.to_string()),
        (_, other) => return Err(format!("{other} cannot be stored in {}", field.name)),
    }))
}

/// Whether a row has these values (`column = value`, all of them), other than the row whose
/// primary key is `except_pk`: the check behind unique fields.
pub async fn exists(
    db: &impl ConnectionTrait,
    model: &ModelState,
    values: &[(String, Value)],
    except_pk: Option<&str>,
) -> Result<bool, ObjectError> {
    let mut q = Query::select();
    q.from(Alias::new(&model.table))
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("n"));
    for (name, value) in values {
        q.and_where(col(&field(model, name)?.name).eq(value.clone()));
    }
    if let Some(pk_value) = except_pk {
        q.and_where(pk_condition(model, pk_value)?.not());
    }
    let n = db
        .query_one(&q)
        .await?
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    Ok(n > 0)
}

pub(crate) fn read(row: &QueryResult, f: &Field) -> Json {
    let name = f.name.as_str();
    let j = match f.field_type {
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger => row
            .try_get::<Option<i64>>("", name)
            .or_else(|_| {
                row.try_get::<Option<i32>>("", name)
                    .map(|v| v.map(i64::from))
            })
            .or_else(|_| {
                row.try_get::<Option<i16>>("", name)
                    .map(|v| v.map(i64::from))
            })
            .ok()
            .flatten()
            .map(Json::from),
        FieldType::Float | FieldType::Double => row
            .try_get::<Option<f64>>("", name)
            .or_else(|_| {
                row.try_get::<Option<f32>>("", name)
                    .map(|v| v.map(f64::from))
            })
            .ok()
            .flatten()
            .map(Json::from),
        FieldType::Decimal => row
            .try_get::<Option<sea_orm::prelude::Decimal>>("", name)
            .ok()
            .flatten()
            .map(|d| Json::String(d.to_string()))
            .or_else(|| {
                row.try_get::<Option<f64>>("", name)
                    .ok()
                    .flatten()
                    .map(Json::from)
            }),
        FieldType::Boolean => row
            .try_get::<Option<bool>>("", name)
            .or_else(|_| {
                row.try_get::<Option<i64>>("", name)
                    .map(|v| v.map(|n| n != 0))
            })
            .ok()
            .flatten()
            .map(Json::Bool),
        FieldType::Date => row
            .try_get::<Option<chrono::NaiveDate>>("", name)
            .ok()
            .flatten()
            .map(|d| Json::String(d.to_string()))
            .or_else(|| string(row, name)),
        FieldType::Time => row
            .try_get::<Option<chrono::NaiveTime>>("", name)
            .ok()
            .flatten()
            .map(|d| Json::String(d.to_string()))
            .or_else(|| string(row, name)),
        FieldType::DateTime => row
            .try_get::<Option<chrono::NaiveDateTime>>("", name)
            .ok()
            .flatten()
            .map(|d| Json::String(d.format("%Y-%m-%d %H:%M:%S%.f").to_string()))
            .or_else(|| string(row, name)),
        FieldType::DateTimeTz => row
            .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", name)
            .ok()
            .flatten()
            .map(|d| Json::String(d.to_rfc3339()))
            .or_else(|| string(row, name)),
        FieldType::Uuid => row
            .try_get::<Option<uuid::Uuid>>("", name)
            .ok()
            .flatten()
            .map(|u| Json::String(u.to_string()))
            .or_else(|| string(row, name)),
        FieldType::Json => row
            .try_get::<Option<Json>>("", name)
            .ok()
            .flatten()
            .or_else(|| {
                string(row, name)
                    .and_then(|s| s.as_str().and_then(|t| serde_json::from_str(t).ok()))
            }),
        FieldType::Binary => row
            .try_get::<Option<Vec<u8>>>("", name)
            .ok()
            .flatten()
            .map(|b| Json::String(String::from_utf8_lossy(&b).into_owned())),
        FieldType::String | FieldType::Text => string(row, name),
    };
    j.unwrap_or(Json::Null)
}

fn string(row: &QueryResult, name: &str) -> Option<Json> {
    row.try_get::<Option<String>>("", name)
        .ok()
        .flatten()
        .map(Json::String)
}

pub(crate) fn to_row(model: &ModelState, r: &QueryResult) -> Row {
    model
        .fields
        .iter()
        .map(|f| (f.name.clone(), read(r, f)))
        .collect()
}

fn select(model: &ModelState) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(&model.table));
    for f in &model.fields {
        q.column(Alias::new(&f.name));
    }
    q
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

fn conditions(model: &ModelState, query: &ListQuery) -> Result<Cond, ObjectError> {
    let mut cond = Cond::all();
    for (name, raw) in &query.filters {
        let f = field(model, name)?;
        match convert(f, raw) {
            Ok(Some(v)) => cond = cond.add(col(&f.name).eq(v)),
            Ok(None) => cond = cond.add(col(&f.name).is_null()),
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.add(name, e);
                return Err(ObjectError::Invalid(errors));
            }
        }
    }
    if let Some(text) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let fields: Vec<&Field> = if query.search_fields.is_empty() {
            model
                .fields
                .iter()
                .filter(|f| matches!(f.field_type, FieldType::String | FieldType::Text))
                .collect()
        } else {
            query
                .search_fields
                .iter()
                .map(|n| field(model, n))
                .collect::<Result<_, _>>()?
        };
        let pattern = format!(
            "%{}%",
            text.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut any = Cond::any();
        for f in fields {
            let lowered: SimpleExpr = Func::lower(col(&f.name)).into();
            any = any
                .add(lowered.like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\')));
        }
        cond = cond.add(any);
    }
    Ok(cond)
}

/// Lists rows with filters, search, order and pagination.
pub async fn list(
    db: &impl ConnectionTrait,
    model: &ModelState,
    query: &ListQuery,
) -> Result<Page, ObjectError> {
    let cond = conditions(model, query)?;
    let per_page = if query.per_page == 0 {
        100
    } else {
        query.per_page
    };
    let page = Ord::max(query.page, 1);
    let mut count = Query::select();
    count
        .from(Alias::new(&model.table))
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("n"))
        .cond_where(cond.clone());
    let total = db
        .query_one(&count)
        .await?
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0) as u64;
    let mut q = select(model);
    q.cond_where(cond);
    let order: Vec<String> = if query.order.is_empty() {
        pk(model).map(|f| vec![f.name.clone()]).unwrap_or_default()
    } else {
        query.order.clone()
    };
    for o in &order {
        let (name, dir) = match o.strip_prefix('-') {
            Some(n) => (n, Order::Desc),
            None => (o.as_str(), Order::Asc),
        };
        let f = field(model, name)?;
        q.order_by(Alias::new(&f.name), dir);
    }
    q.limit(per_page).offset((page - 1) * per_page);
    let rows = db.query_all(&q).await?;
    Ok(Page {
        rows: rows.iter().map(|r| to_row(model, r)).collect(),
        total,
        page,
        pages: Ord::max(total.div_ceil(per_page), 1),
    })
}

fn pk_condition(model: &ModelState, pk_value: &str) -> Result<SimpleExpr, ObjectError> {
    let f = pk(model).ok_or_else(|| ObjectError::UnknownField {
        model: model.label(),
        field: "(primary key)".into(),
    })?;
    let v = convert(f, pk_value).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add(&f.name, e);
        ObjectError::Invalid(errors)
    })?;
    Ok(match v {
        Some(v) => col(&f.name).eq(v),
        None => col(&f.name).is_null(),
    })
}

/// The row with this primary key (given as text, as in a URL).
pub async fn get(
    db: &impl ConnectionTrait,
    model: &ModelState,
    pk_value: &str,
) -> Result<Option<Row>, ObjectError> {
    let mut q = select(model);
    q.and_where(pk_condition(model, pk_value)?);
    Ok(db.query_one(&q).await?.map(|r| to_row(model, &r)))
}

/// Validates form data for a model: typed values of the fields given, with errors per field.
/// On create, a missing NOT NULL field without default is an error; on update, missing fields
/// are left as they are. A boolean absent from the data is false (an unticked checkbox).
pub fn clean(
    model: &ModelState,
    data: &HashMap<String, String>,
    creating: bool,
) -> Result<Vec<(String, Option<Value>)>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut values = Vec::new();
    for f in &model.fields {
        if f.auto_increment {
            continue;
        }
        match data.get(&f.name) {
            Some(raw) => match convert(f, raw) {
                Ok(v) => values.push((f.name.clone(), v)),
                Err(e) => errors.add(&f.name, e),
            },
            None if f.field_type == FieldType::Boolean && f.default.is_none() => {
                values.push((f.name.clone(), Some(Value::Bool(Some(false)))))
            }
            None if creating && !f.null && f.default.is_none() => {
                errors.add(&f.name, "This field is required.")
            }
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Creates a row from form data; returns it as stored.
pub async fn create(
    db: &impl ConnectionTrait,
    model: &ModelState,
    data: &HashMap<String, String>,
) -> Result<Row, ObjectError> {
    let values = clean(model, data, true).map_err(ObjectError::Invalid)?;
    let given_pk = pk(model).and_then(|f| data.get(&f.name).cloned());
    insert(db, model, values, given_pk).await
}

/// Inserts a row of typed values (column, value; `None` is NULL); returns it as stored.
/// `given_pk` is the primary key as text when it is not filled by the database (MySQL cannot
/// return it otherwise).
pub async fn insert(
    db: &impl ConnectionTrait,
    model: &ModelState,
    values: Vec<(String, Option<Value>)>,
    given_pk: Option<String>,
) -> Result<Row, ObjectError> {
    let mut q = Query::insert();
    q.into_table(Alias::new(&model.table));
    q.columns(values.iter().map(|(n, _)| Alias::new(n)));
    let exprs: Vec<SimpleExpr> = values
        .iter()
        .map(|(_, v)| match v {
            Some(v) => Expr::val(v.clone()),
            None => Expr::cust("NULL"),
        })
        .collect();
    if exprs.is_empty() {
        q.or_default_values();
    } else {
        q.values(exprs).map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let pk_field = pk(model);
    let backend = db.get_database_backend();
    let pk_value: Option<String> = if backend == DbBackend::MySql {
        let result = db.execute(&q).await?;
        match pk_field {
            Some(f) if f.auto_increment => Some(result.last_insert_id().to_string()),
            Some(_) => given_pk,
            None => None,
        }
    } else {
        match pk_field {
            Some(f) => {
                q.returning_col(Alias::new(&f.name));
                db.query_one(&q).await?.map(|r| value_text(&read(&r, f)))
            }
            None => {
                db.execute(&q).await?;
                None
            }
        }
    };
    match pk_value {
        Some(v) => get(db, model, &v)
            .await?
            .ok_or_else(|| ObjectError::Db(DbErr::RecordNotFound("the created row".into()))),
        None => Ok(values.into_iter().map(|(n, _)| (n, Json::Null)).collect()),
    }
}

/// Updates the fields given in `data` of the row with this primary key; returns the row.
pub async fn update(
    db: &impl ConnectionTrait,
    model: &ModelState,
    pk_value: &str,
    data: &HashMap<String, String>,
) -> Result<Option<Row>, ObjectError> {
    let values = clean(model, data, false).map_err(ObjectError::Invalid)?;
    update_values(db, model, pk_value, values).await
}

/// Sets typed values (column, value; `None` is NULL) on the row with this primary key; returns
/// the row as stored (`None` when there is no such row).
pub async fn update_values(
    db: &impl ConnectionTrait,
    model: &ModelState,
    pk_value: &str,
    values: Vec<(String, Option<Value>)>,
) -> Result<Option<Row>, ObjectError> {
    let values: Vec<(String, Option<Value>)> = values
        .into_iter()
        .filter(|(n, _)| !model.field(n).is_some_and(|f| f.primary_key))
        .collect();
    if !values.is_empty() {
        let mut q = Query::update();
        q.table(Alias::new(&model.table));
        for (n, v) in values {
            match v {
                Some(v) => q.value(Alias::new(&n), v),
                None => q.value(Alias::new(&n), Expr::cust("NULL")),
            };
        }
        q.and_where(pk_condition(model, pk_value)?);
        db.execute(&q).await?;
    }
    get(db, model, pk_value).await
}

/// What deleting the row would do to rows of other models, following cascades.
pub async fn delete_preview(
    db: &impl ConnectionTrait,
    state: &ProjectState,
    model: &ModelState,
    pk_value: &str,
) -> Result<Vec<DeleteEffect>, ObjectError> {
    let mut effects: BTreeMap<(String, String), DeleteEffect> = BTreeMap::new();
    let Some(pk_field) = pk(model) else {
        return Ok(Vec::new());
    };
    let mut frontier: Vec<(ModelState, Vec<Value>)> = Vec::new();
    if let Some(v) = convert(pk_field, pk_value).ok().flatten() {
        frontier.push((model.clone(), vec![v]));
    }
    let mut depth = 0;
    while let Some((target, ids)) = frontier.pop() {
        depth += 1;
        if depth > 64 || ids.is_empty() {
            continue;
        }
        for other in state.models.values() {
            for f in &other.fields {
                let Some(fk) = &f.foreign_key else { continue };
                if fk.to_table != target.table {
                    continue;
                }
                let mut q = Query::select();
                q.from(Alias::new(&other.table));
                if let Some(opk) = pk(other) {
                    q.column(Alias::new(&opk.name));
                }
                q.and_where(col(&f.name).is_in(ids.clone()));
                let rows = db.query_all(&q).await?;
                if rows.is_empty() {
                    continue;
                }
                let entry = effects
                    .entry((other.label(), format!("{:?}", fk.on_delete)))
                    .or_insert(DeleteEffect {
                        model: other.label(),
                        count: 0,
                        action: fk.on_delete,
                    });
                entry.count += rows.len() as u64;
                if fk.on_delete == OnDelete::Cascade
                    && let Some(opk) = pk(other)
                {
                    let next: Vec<Value> = rows
                        .iter()
                        .filter_map(|r| match read(r, opk) {
                            Json::Number(n) => n.as_i64().map(|i| Value::BigInt(Some(i))),
                            Json::String(s) => Some(Value::String(Some(s))),
                            _ => None,
                        })
                        .collect();
                    frontier.push((other.clone(), next));
                }
            }
        }
    }
    Ok(effects.into_values().collect())
}

/// Deletes the row with this primary key; returns how many rows were deleted (0 or 1).
pub async fn delete(
    db: &impl ConnectionTrait,
    model: &ModelState,
    pk_value: &str,
) -> Result<u64, ObjectError> {
    let mut q = Query::delete();
    q.from_table(Alias::new(&model.table));
    q.and_where(pk_condition(model, pk_value)?);
    Ok(db.execute(&q).await?.rows_affected())
}
