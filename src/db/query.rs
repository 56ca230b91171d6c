//! Django's query API over any registered model: `filter`/`exclude` with lookups
//! (`pub_date__year=2026`, `question_text__icontains="up"`, across relations with `__`),
//! `order_by`, slicing, `count`, `exists`, `update` and `delete`, built with sea-query for each
//! backend. The admin's filters and search, the shell and the fixtures share it.
//!
//! ```
//! use roan::db::query::QuerySet;
//! use roan::db::{Field, FieldType, ModelState, OnDelete};
//! use serde_json::json;
//!
//! let question = ModelState {
//!     app: "polls".into(), name: "question".into(), table: "polls_question".into(),
//!     fields: vec![
//!         Field::new("id", FieldType::Integer).primary_key().auto_increment(),
//!         Field::new("question_text", FieldType::String).max_length(200),
//!         Field::new("pub_date", FieldType::DateTime),
//!     ],
//!     indexes: vec![],
//! };
//! let models = vec![question];
//! let recent = QuerySet::new(&models, "polls.question").unwrap()
//!     .filter(&[("pub_date__year", json!(2026))]).unwrap()
//!     .exclude(&[("question_text__startswith", json!("Old"))]).unwrap()
//!     .order_by(&["-pub_date"]).unwrap()
//!     .slice(0, Some(5));
//! let sql = recent.sql(sea_orm::DbBackend::Postgres).unwrap();
//! assert!(sql.contains(r#"(EXTRACT(YEAR FROM "polls_question"."pub_date")) = 2026"#), "{sql}");
//! assert!(sql.ends_with(r#"ORDER BY "polls_question"."pub_date" DESC LIMIT 5"#), "{sql}");
//!
//! let typo = QuerySet::new(&models, "polls.question").unwrap().filter(&[("titel", json!("x"))]);
//! assert_eq!(
//!     typo.unwrap_err().to_string(),
//!     "FieldError: Cannot resolve keyword 'titel' into field. Choices are: id, pub_date, question_text"
//! );
//! ```

use super::objects::{self, Row};
use super::{Field, FieldType, ModelState};
use sea_orm::sea_query::{
    Alias, Asterisk, Cond, Expr, ExprTrait, Func, LikeExpr, Order, Query, SelectStatement,
    SimpleExpr, Value,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use serde_json::Value as Json;

/// What a query cannot be built or run with, in Django's words.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A name that is no field or relation of the model.
    #[error("FieldError: Cannot resolve keyword '{keyword}' into field. Choices are: {choices}")]
    Field {
        /// The name given.
        keyword: String,
        /// The names that exist, sorted.
        choices: String,
    },
    /// A lookup that does not exist, or does not apply to the field.
    #[error(
        "FieldError: Unsupported lookup '{lookup}' for {field} or join on the field not permitted."
    )]
    Lookup {
        /// The lookup given.
        lookup: String,
        /// The field (and its type).
        field: String,
    },
    /// A value that does not fit the field (Django's `ValidationError` on a lookup value).
    #[error("ValidationError: {field}: {message}")]
    Value {
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No model of that name.
    #[error("LookupError: No installed model '{0}'.")]
    Model(String),
    /// The database refused.
    #[error("{0}")]
    Db(#[from] DbErr),
}

/// A lookup after the field name (`__icontains`), or a transform (`__year`) and the lookup
/// applied to its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Exact,
    IExact,
    Contains,
    IContains,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Range,
    IsNull,
}

impl Op {
    fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "exact" => Op::Exact,
            "iexact" => Op::IExact,
            "contains" => Op::Contains,
            "icontains" => Op::IContains,
            "in" => Op::In,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "startswith" => Op::StartsWith,
            "istartswith" => Op::IStartsWith,
            "endswith" => Op::EndsWith,
            "iendswith" => Op::IEndsWith,
            "range" => Op::Range,
            "isnull" => Op::IsNull,
            _ => return None,
        })
    }
}

/// The lookups and transforms a shell completes after `__`.
pub const LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "contains",
    "icontains",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "range",
    "isnull",
    "year",
    "month",
    "day",
];

/// A date part (`__year`, `__month`, `__day`).
#[derive(Debug, Clone, Copy)]
enum Part {
    Year,
    Month,
    Day,
}

/// One `filter()` or `exclude()` call: its conditions hold together.
#[derive(Debug, Clone)]
struct Group {
    negated: bool,
    conditions: Vec<(String, Json)>,
}

/// Rows of one model, filtered, ordered and sliced as Django's `QuerySet`; nothing runs until
/// [`all`](QuerySet::all), [`count`](QuerySet::count), [`update`](QuerySet::update), ...
#[derive(Debug, Clone)]
pub struct QuerySet<'m> {
    models: &'m [ModelState],
    model: &'m ModelState,
    groups: Vec<Group>,
    order: Vec<String>,
    offset: u64,
    limit: Option<u64>,
}

/// The name a model is known by in lookups from another (`choice` for `polls_choice`).
fn model_keyword(m: &ModelState) -> &str {
    &m.name
}

/// A foreign key column's name without `_id`, as Django names the field (`question`).
fn relation_name(f: &Field) -> Option<&str> {
    f.foreign_key.as_ref()?;
    f.name.strip_suffix("_id").filter(|s| !s.is_empty())
}

fn col(table: &str, name: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl<'m> QuerySet<'m> {
    /// Every row of the model `label` (`polls.question`, or its table) among `models` (the
    /// registry: relations are followed to the other models in it).
    pub fn new(models: &'m [ModelState], label: &str) -> Result<QuerySet<'m>, QueryError> {
        let model = models
            .iter()
            .find(|m| m.label() == label || m.table == label)
            .ok_or_else(|| QueryError::Model(label.to_string()))?;
        Ok(QuerySet {
            models,
            model,
            groups: Vec::new(),
            order: Vec::new(),
            offset: 0,
            limit: None,
        })
    }

    /// The model queried.
    pub fn model(&self) -> &ModelState {
        self.model
    }

    /// The names a lookup may start with on this model: its fields (foreign keys by their
    /// relation name too) and the models that point at it.
    pub fn keywords(&self) -> Vec<String> {
        keywords(self.models, self.model)
    }

    /// Keeps rows matching every condition (`("pub_date__year", json!(2026))`).
    pub fn filter(mut self, conditions: &[(&str, Json)]) -> Result<QuerySet<'m>, QueryError> {
        self.push(false, conditions)?;
        Ok(self)
    }

    /// Leaves out rows matching every condition.
    pub fn exclude(mut self, conditions: &[(&str, Json)]) -> Result<QuerySet<'m>, QueryError> {
        self.push(true, conditions)?;
        Ok(self)
    }

    fn push(&mut self, negated: bool, conditions: &[(&str, Json)]) -> Result<(), QueryError> {
        let group = Group {
            negated,
            conditions: conditions
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        };
        // Checked now, so a wrong name fails where it is written.
        for (key, value) in &group.conditions {
            condition(self.models, self.model, key, value, DbBackend::Sqlite)?;
        }
        self.groups.push(group);
        Ok(())
    }

    /// Orders by field names, `-name` descending (replacing an earlier order).
    pub fn order_by(mut self, fields: &[&str]) -> Result<QuerySet<'m>, QueryError> {
        for f in fields {
            let name = f.strip_prefix('-').unwrap_or(f);
            if resolve_field(self.model, name).is_none() && name != "pk" {
                return Err(field_error(self.models, self.model, name));
            }
        }
        self.order = fields.iter().map(|s| s.to_string()).collect();
        Ok(self)
    }

    /// Rows `start..end` of the result (`qs[:5]` is `slice(0, Some(5))`).
    pub fn slice(mut self, start: u64, end: Option<u64>) -> QuerySet<'m> {
        let base = self.offset;
        self.offset = base + start;
        self.limit = match (end, self.limit) {
            (Some(e), Some(l)) => Some(Ord::min(e, l).saturating_sub(start)),
            (Some(e), None) => Some(e.saturating_sub(start)),
            (None, Some(l)) => Some(l.saturating_sub(start)),
            (None, None) => None,
        };
        self
    }

    /// Reverses the order (the primary key's when none was given), as Django's `reverse()`.
    pub fn reverse(mut self) -> QuerySet<'m> {
        let order = if self.order.is_empty() {
            vec!["pk".to_string()]
        } else {
            self.order.clone()
        };
        self.order = order
            .iter()
            .map(|o| match o.strip_prefix('-') {
                Some(n) => n.to_string(),
                None => format!("-{o}"),
            })
            .collect();
        self
    }

    fn where_cond(&self, backend: DbBackend) -> Result<Cond, QueryError> {
        let mut all = Cond::all();
        for group in &self.groups {
            let mut g = Cond::all();
            for (key, value) in &group.conditions {
                g = g.add(condition(self.models, self.model, key, value, backend)?);
            }
            all = all.add(if group.negated { g.not() } else { g });
        }
        Ok(all)
    }

    fn pk_name(&self) -> String {
        self.model
            .fields
            .iter()
            .find(|f| f.primary_key)
            .map(|f| f.name.clone())
            .unwrap_or_else(|| "id".into())
    }

    /// The SELECT of the rows.
    pub fn statement(&self, backend: DbBackend) -> Result<SelectStatement, QueryError> {
        let table = &self.model.table;
        let mut q = Query::select();
        q.from(Alias::new(table));
        for f in &self.model.fields {
            q.expr_as(col(table, &f.name), Alias::new(&f.name));
        }
        q.cond_where(self.where_cond(backend)?);
        for o in &self.order {
            let (name, dir) = match o.strip_prefix('-') {
                Some(n) => (n, Order::Desc),
                None => (o.as_str(), Order::Asc),
            };
            let column = if name == "pk" {
                self.pk_name()
            } else {
                resolve_field(self.model, name)
                    .map(|f| f.name.clone())
                    .unwrap_or_else(|| name.to_string())
            };
            q.order_by_expr(col(table, &column), dir);
        }
        if let Some(limit) = self.limit {
            q.limit(limit);
        }
        if self.offset > 0 {
            if self.limit.is_none() && backend != DbBackend::Postgres {
                // SQLite and MySQL need a LIMIT with an OFFSET.
                q.limit(i64::MAX as u64);
            }
            q.offset(self.offset);
        }
        Ok(q)
    }

    /// The SQL of [`statement`](QuerySet::statement), values inlined (for `print(qs.query)`).
    pub fn sql(&self, backend: DbBackend) -> Result<String, QueryError> {
        let q = self.statement(backend)?;
        Ok(match backend {
            DbBackend::Postgres => q.to_string(sea_orm::sea_query::PostgresQueryBuilder),
            DbBackend::MySql => q.to_string(sea_orm::sea_query::MysqlQueryBuilder),
            _ => q.to_string(sea_orm::sea_query::SqliteQueryBuilder),
        })
    }

    /// The rows, as field name → value.
    pub async fn all(&self, db: &impl ConnectionTrait) -> Result<Vec<Row>, QueryError> {
        let q = self.statement(db.get_database_backend())?;
        Ok(db
            .query_all(&q)
            .await?
            .iter()
            .map(|r| objects::to_row(self.model, r))
            .collect())
    }

    /// The first row in the order (the primary key's when none was given).
    pub async fn first(&self, db: &impl ConnectionTrait) -> Result<Option<Row>, QueryError> {
        let mut qs = self.clone();
        if qs.order.is_empty() {
            qs.order = vec!["pk".into()];
        }
        Ok(qs.slice(0, Some(1)).all(db).await?.into_iter().next())
    }

    /// The last row in the order.
    pub async fn last(&self, db: &impl ConnectionTrait) -> Result<Option<Row>, QueryError> {
        self.clone().reverse().first(db).await
    }

    /// How many rows match (the slice respected).
    pub async fn count(&self, db: &impl ConnectionTrait) -> Result<u64, QueryError> {
        let backend = db.get_database_backend();
        let mut inner = self.statement(backend)?;
        inner.clear_order_by();
        let mut q = Query::select();
        q.expr_as(Func::count(Expr::col(Asterisk)), Alias::new("n"))
            .from_subquery(inner, Alias::new("counted"));
        let n = db
            .query_one(&q)
            .await?
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        Ok(n as u64)
    }

    /// Whether any row matches.
    pub async fn exists(&self, db: &impl ConnectionTrait) -> Result<bool, QueryError> {
        Ok(self.clone().slice(0, Some(1)).count(db).await? > 0)
    }

    /// The primary keys of the matching rows, as a subquery (update and delete go through it,
    /// so a slice or a relation in the filter works on every backend).
    fn keys(&self, backend: DbBackend) -> Result<SelectStatement, QueryError> {
        let mut q = self.statement(backend)?;
        q.clear_selects();
        q.expr(col(&self.model.table, &self.pk_name()));
        if backend == DbBackend::MySql {
            // MySQL cannot read the table it changes in a subquery; a derived table it can.
            let mut outer = Query::select();
            outer
                .column(Alias::new(self.pk_name()))
                .from_subquery(q, Alias::new("matched"));
            return Ok(outer);
        }
        Ok(q)
    }

    /// Sets fields on every matching row in one statement; gives how many rows matched.
    pub async fn update(
        &self,
        db: &impl ConnectionTrait,
        values: &[(&str, Json)],
    ) -> Result<u64, QueryError> {
        let backend = db.get_database_backend();
        let mut q = Query::update();
        q.table(Alias::new(&self.model.table));
        for (name, value) in values {
            let f = resolve_field(self.model, name)
                .ok_or_else(|| field_error(self.models, self.model, name))?;
            let v = objects::value_of(f, value).map_err(|message| QueryError::Value {
                field: name.to_string(),
                message,
            })?;
            match v {
                Some(v) => q.value(Alias::new(&f.name), v),
                None => q.value(Alias::new(&f.name), Expr::cust("NULL")),
            };
        }
        q.and_where(Expr::col(Alias::new(self.pk_name())).in_subquery(self.keys(backend)?));
        Ok(db.execute(&q).await?.rows_affected())
    }

    /// Deletes every matching row; gives how many (the database's cascades follow).
    pub async fn delete(&self, db: &impl ConnectionTrait) -> Result<u64, QueryError> {
        let backend = db.get_database_backend();
        let mut q = Query::delete();
        q.from_table(Alias::new(&self.model.table));
        q.and_where(Expr::col(Alias::new(self.pk_name())).in_subquery(self.keys(backend)?));
        Ok(db.execute(&q).await?.rows_affected())
    }
}

/// A field of `model` by its name, its column name, or `pk`.
fn resolve_field<'a>(model: &'a ModelState, name: &str) -> Option<&'a Field> {
    if name == "pk" {
        return model.fields.iter().find(|f| f.primary_key);
    }
    model
        .fields
        .iter()
        .find(|f| f.name == name || relation_name(f) == Some(name))
}

fn keywords(models: &[ModelState], model: &ModelState) -> Vec<String> {
    let mut names: Vec<String> = model
        .fields
        .iter()
        .map(|f| relation_name(f).unwrap_or(&f.name).to_string())
        .collect();
    for other in models {
        if other.fields.iter().any(|f| {
            f.foreign_key
                .as_ref()
                .is_some_and(|fk| fk.to_table == model.table)
        }) {
            names.push(model_keyword(other).to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

fn field_error(models: &[ModelState], model: &ModelState, keyword: &str) -> QueryError {
    QueryError::Field {
        keyword: keyword.to_string(),
        choices: keywords(models, model).join(", "),
    }
}

/// The condition of one lookup key (`question__pub_date__year`) on `model`.
fn condition(
    models: &[ModelState],
    model: &ModelState,
    key: &str,
    value: &Json,
    backend: DbBackend,
) -> Result<SimpleExpr, QueryError> {
    let parts: Vec<&str> = key.split("__").collect();
    lookup(models, model, &parts, value, backend)
}

fn lookup(
    models: &[ModelState],
    model: &ModelState,
    parts: &[&str],
    value: &Json,
    backend: DbBackend,
) -> Result<SimpleExpr, QueryError> {
    let Some((&first, rest)) = parts.split_first() else {
        return Err(field_error(models, model, ""));
    };
    if let Some(field) = resolve_field(model, first) {
        // A foreign key followed by a field of the other model: a subquery on it.
        if let (Some(fk), Some(next)) = (&field.foreign_key, rest.first())
            && Op::parse(next).is_none()
            && !matches!(*next, "year" | "month" | "day")
            && let Some(target) = models.iter().find(|m| m.table == fk.to_table)
        {
            let inner = lookup(models, target, rest, value, backend)?;
            let mut sub = Query::select();
            sub.expr(col(&target.table, &fk.to_column))
                .from(Alias::new(&target.table))
                .and_where(inner);
            return Ok(col(&model.table, &field.name).in_subquery(sub));
        }
        return compare(model, field, rest, value, backend);
    }
    // A model that points at this one, by its name (`choice__votes__gt` on a question).
    if let Some((other, fk_field)) = models.iter().find_map(|other| {
        (model_keyword(other) == first)
            .then(|| {
                other.fields.iter().find(|f| {
                    f.foreign_key
                        .as_ref()
                        .is_some_and(|fk| fk.to_table == model.table)
                })
            })
            .flatten()
            .map(|f| (other, f))
    }) {
        let fk = fk_field
            .foreign_key
            .as_ref()
            .expect("found by its foreign key");
        let rest: Vec<&str> = if rest.is_empty() {
            vec!["pk"]
        } else {
            rest.to_vec()
        };
        let inner = lookup(models, other, &rest, value, backend)?;
        let mut sub = Query::select();
        sub.expr(Expr::cust("1"))
            .from(Alias::new(&other.table))
            .and_where(
                col(&other.table, &fk_field.name)
                    .equals((Alias::new(&model.table), Alias::new(&fk.to_column))),
            )
            .and_where(inner);
        return Ok(Expr::exists(sub));
    }
    Err(field_error(models, model, first))
}

fn date_part(part: Part, column: Expr, backend: DbBackend) -> Expr {
    let (sqlite, name) = match part {
        Part::Year => ("%Y", "YEAR"),
        Part::Month => ("%m", "MONTH"),
        Part::Day => ("%d", "DAY"),
    };
    // Each builder has its own placeholder: `$1` for PostgreSQL, `?` for the others.
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs(format!("EXTRACT({name} FROM $1)"), [column]),
        DbBackend::MySql => Expr::cust_with_exprs(format!("{name}(?)"), [column]),
        _ => Expr::cust_with_exprs(
            format!("CAST(strftime('{sqlite}', ?) AS INTEGER)"),
            [column],
        ),
    }
}

/// `field <op> value`, after an optional date part (`__year__gte`).
fn compare(
    model: &ModelState,
    field: &Field,
    rest: &[&str],
    value: &Json,
    backend: DbBackend,
) -> Result<SimpleExpr, QueryError> {
    let describe = || format!("{} ({})", field.name, field.field_type.rust_name());
    let unsupported = |lookup: &str| QueryError::Lookup {
        lookup: lookup.to_string(),
        field: describe(),
    };
    let column = col(&model.table, &field.name);
    let (part, rest) = match rest.first() {
        Some(&"year") => (Some(Part::Year), &rest[1..]),
        Some(&"month") => (Some(Part::Month), &rest[1..]),
        Some(&"day") => (Some(Part::Day), &rest[1..]),
        _ => (None, rest),
    };
    if part.is_some()
        && !matches!(
            field.field_type,
            FieldType::Date | FieldType::DateTime | FieldType::DateTimeTz
        )
    {
        return Err(unsupported(rest.first().copied().unwrap_or("year")));
    }
    let op = match rest {
        [] => Op::Exact,
        [one] => Op::parse(one).ok_or_else(|| unsupported(one))?,
        [_, two, ..] => return Err(unsupported(two)),
    };
    let typed = |v: &Json| -> Result<Value, QueryError> {
        if part.is_some() {
            return match v {
                Json::Number(n) if n.is_i64() => Ok(Value::BigInt(n.as_i64())),
                Json::String(s) if s.trim().parse::<i64>().is_ok() => {
                    Ok(Value::BigInt(s.trim().parse().ok()))
                }
                other => Err(QueryError::Value {
                    field: field.name.clone(),
                    message: format!("'{}' value must be an integer.", objects::value_text(other)),
                }),
            };
        }
        match objects::value_of(field, v) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Ok(Value::String(None)),
            Err(message) => Err(QueryError::Value {
                field: field.name.clone(),
                message: format!("'{}': {message}", objects::value_text(v)),
            }),
        }
    };
    let target: Expr = match part {
        Some(p) => date_part(p, column, backend),
        None => column,
    };
    let is_text = matches!(field.field_type, FieldType::String | FieldType::Text);
    let like = |pattern: String, insensitive: bool| -> SimpleExpr {
        if insensitive {
            let lowered: SimpleExpr = Func::lower(target.clone()).into();
            lowered.like(LikeExpr::new(pattern.to_lowercase()).escape('\\'))
        } else {
            target.clone().like(LikeExpr::new(pattern).escape('\\'))
        }
    };
    Ok(match op {
        Op::Exact if value.is_null() => target.is_null(),
        Op::Exact => target.eq(typed(value)?),
        Op::IExact if is_text => {
            let lowered: SimpleExpr = Func::lower(target).into();
            lowered.eq(objects::value_text(value).to_lowercase())
        }
        Op::IExact => target.eq(typed(value)?),
        Op::Gt => target.gt(typed(value)?),
        Op::Gte => target.gte(typed(value)?),
        Op::Lt => target.lt(typed(value)?),
        Op::Lte => target.lte(typed(value)?),
        Op::In => {
            let Json::Array(items) = value else {
                return Err(QueryError::Value {
                    field: field.name.clone(),
                    message: "__in takes a list".into(),
                });
            };
            let values: Vec<Value> = items.iter().map(typed).collect::<Result<_, _>>()?;
            if values.is_empty() {
                Expr::cust("1 = 0")
            } else {
                target.is_in(values)
            }
        }
        Op::Range => match value {
            Json::Array(pair) if pair.len() == 2 => {
                target.between(typed(&pair[0])?, typed(&pair[1])?)
            }
            _ => {
                return Err(QueryError::Value {
                    field: field.name.clone(),
                    message: "__range takes a list of two values".into(),
                });
            }
        },
        Op::IsNull => {
            if value.as_bool().unwrap_or(false) {
                target.is_null()
            } else {
                target.is_not_null()
            }
        }
        Op::Contains => like(
            format!("%{}%", escape_like(&objects::value_text(value))),
            false,
        ),
        Op::IContains => like(
            format!("%{}%", escape_like(&objects::value_text(value))),
            true,
        ),
        Op::StartsWith => like(
            format!("{}%", escape_like(&objects::value_text(value))),
            false,
        ),
        Op::IStartsWith => like(
            format!("{}%", escape_like(&objects::value_text(value))),
            true,
        ),
        Op::EndsWith => like(
            format!("%{}", escape_like(&objects::value_text(value))),
            false,
        ),
        Op::IEndsWith => like(
            format!("%{}", escape_like(&objects::value_text(value))),
            true,
        ),
    })
}
