//! Reading and writing sessions in `roan_session`.

use super::TABLE;
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, TransactionTrait};
use serde_json::{Map, Value};

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// Now, in UTC without zone (how `expire_date` is stored).
pub(crate) fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A new random session key: 32 lowercase letters and digits, as Django's.
pub(crate) fn new_key() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    crate::crypto::get_random_string(32, CHARS)
}

/// The data of an unexpired session.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<Map<String, Value>>, DbErr> {
    // Built in place: `.to_owned()` at the end of the chain would copy the whole statement.
    let mut q = Query::select();
    q.column(Alias::new("session_data"))
        .from(Alias::new(TABLE))
        .and_where(col("session_key").eq(key))
        .and_where(col("expire_date").gt(now()));
    let Some(row) = db.query_one(&q).await? else {
        return Ok(None);
    };
    let text: String = row.try_get("", "session_data")?;
    Ok(serde_json::from_str(&text).ok())
}

/// Writes a session (replacing any row with the key), in one transaction.
pub(crate) async fn save(
    db: &sea_orm::DatabaseConnection,
    key: &str,
    data: &Map<String, Value>,
    expires: NaiveDateTime,
) -> Result<(), DbErr> {
    let text = serde_json::to_string(data).map_err(|e| DbErr::Custom(e.to_string()))?;
    let txn = db.begin().await?;
    delete_in(&txn, key).await?;
    let insert = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([
            Alias::new("session_key"),
            Alias::new("session_data"),
            Alias::new("expire_date"),
        ])
        .values_panic([key.into(), text.into(), expires.into()])
        .to_owned();
    txn.execute(&insert).await?;
    txn.commit().await
}

async fn delete_in(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    let q = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(col("session_key").eq(key))
        .to_owned();
    db.execute(&q).await.map(|_| ())
}

/// Deletes a session.
pub(crate) async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    delete_in(db, key).await
}

/// Deletes expired sessions; returns how many.
pub(crate) async fn clear_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let q = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(col("expire_date").lte(now()))
        .to_owned();
    Ok(db.execute(&q).await?.rows_affected())
}

/// Whether a key is already used (to avoid handing out a taken key).
pub(crate) async fn exists(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    let q = Query::select()
        .column(Alias::new("session_key"))
        .from(Alias::new(TABLE))
        .and_where(col("session_key").eq(key))
        .to_owned();
    Ok(db.query_one(&q).await?.is_some())
}
