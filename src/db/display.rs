//! What a row is shown as (Django's `__str__`): a model registered with
//! `App::model_display::<E>()` is shown through its entity's `Display`, elsewhere as Django's
//! default, "Question object (1)".

use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    DatabaseConnection, DbErr, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter,
};
use serde_json::Value as Json;
use std::future::Future;
use std::pin::Pin;

/// The texts of rows by key, once the query ran.
pub type Shown<'a> = Pin<Box<dyn Future<Output = Result<Vec<(Json, String)>, DbErr>> + Send + 'a>>;

/// Shows rows of one model by their primary keys: (key, text) for each row found.
pub type DisplayFn = for<'a> fn(&'a DatabaseConnection, Vec<Json>) -> Shown<'a>;

/// A model's display: its table and how its rows are shown.
#[derive(Clone, Copy)]
pub struct Display {
    /// The model's table.
    pub table: &'static str,
    /// The rows' texts by key.
    pub show: DisplayFn,
}

fn key_of(v: sea_orm::Value) -> Json {
    use sea_orm::Value as V;
    match v {
        V::TinyInt(Some(n)) => Json::from(n),
        V::SmallInt(Some(n)) => Json::from(n),
        V::Int(Some(n)) => Json::from(n),
        V::BigInt(Some(n)) => Json::from(n),
        V::TinyUnsigned(Some(n)) => Json::from(n),
        V::SmallUnsigned(Some(n)) => Json::from(n),
        V::Unsigned(Some(n)) => Json::from(n),
        V::BigUnsigned(Some(n)) => Json::from(n),
        V::String(Some(s)) => Json::String(s),
        V::Uuid(Some(u)) => Json::String(u.to_string()),
        other => Json::String(format!("{other:?}")),
    }
}

fn value_of(key: &Json) -> Option<sea_orm::Value> {
    match key {
        Json::Number(n) => n.as_i64().map(sea_orm::Value::from),
        Json::String(s) => Some(sea_orm::Value::from(s.clone())),
        _ => None,
    }
}

/// The rows of `E` with these keys, shown with `Display`.
pub(crate) fn show<'a, E>(db: &'a DatabaseConnection, keys: Vec<Json>) -> Shown<'a>
where
    E: EntityTrait + Default,
    E::Model: std::fmt::Display,
{
    Box::pin(async move {
        let Some(pk) = E::PrimaryKey::iter().next().map(|k| k.into_column()) else {
            return Ok(Vec::new());
        };
        let values: Vec<sea_orm::Value> = keys.iter().filter_map(value_of).collect();
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let column = sea_orm::sea_query::Expr::col((E::default(), pk));
        let rows = E::find().filter(column.is_in(values)).all(db).await?;
        Ok(rows
            .into_iter()
            .map(|m| (key_of(m.get(pk)), m.to_string()))
            .collect())
    })
}
