//! `roan_migrations`: which migrations are applied, with app, name and time.

use super::graph::Key;
use sea_orm::sea_query::{Alias, ColumnDef, Expr, ExprTrait, Query, Table};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use sea_orm_migration::SchemaManager;
use std::collections::BTreeSet;

/// The table that records applied migrations.
pub const TABLE: &str = "roan_migrations";

/// Creates the table when it does not exist yet.
pub async fn ensure_table(db: &DatabaseConnection) -> Result<(), DbErr> {
    let manager = SchemaManager::new(db);
    if manager.has_table(TABLE).await? {
        return Ok(());
    }
    manager
        .create_table(
            Table::create()
                .table(Alias::new(TABLE))
                .if_not_exists()
                .col(
                    ColumnDef::new(Alias::new("id"))
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Alias::new("app")).string_len(255).not_null())
                .col(
                    ColumnDef::new(Alias::new("name"))
                        .string_len(255)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Alias::new("applied"))
                        .string_len(40)
                        .not_null(),
                )
                .to_owned(),
        )
        .await
}

/// The applied migrations.
pub async fn applied(db: &DatabaseConnection) -> Result<BTreeSet<Key>, DbErr> {
    ensure_table(db).await?;
    let query = Query::select()
        .columns([Alias::new("app"), Alias::new("name")])
        .from(Alias::new(TABLE))
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "app")?,
                r.try_get::<String>("", "name")?,
            ))
        })
        .collect()
}

/// Records a migration as applied.
pub async fn record<C: ConnectionTrait>(db: &C, key: &Key) -> Result<(), DbErr> {
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let stmt = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([Alias::new("app"), Alias::new("name"), Alias::new("applied")])
        .values_panic([key.0.clone().into(), key.1.clone().into(), now.into()])
        .to_owned();
    db.execute(&stmt).await.map(|_| ())
}

/// Forgets a migration (after unapplying it).
pub async fn unrecord<C: ConnectionTrait>(db: &C, key: &Key) -> Result<(), DbErr> {
    let stmt = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("app")).eq(key.0.clone()))
        .and_where(Expr::col(Alias::new("name")).eq(key.1.clone()))
        .to_owned();
    db.execute(&stmt).await.map(|_| ())
}
