//! Connecting to the `default` database: one place for the pool rules and for the error a
//! project gets when its settings name a backend it was not built with.

use crate::conf::{Engine, Settings};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// What the connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Serving requests: a pool (one connection for an in-memory SQLite database, where each
    /// connection would be a database of its own).
    Serve,
    /// Migrating: one connection on SQLite, so the foreign-key pragma and the transaction share
    /// it.
    Migrate,
}

/// Connects to the `default` database of `settings`.
///
/// A backend this build of roan has no driver for is an error that says which feature to
/// enable; `roan` enables it by itself when it builds the project.
pub async fn connect(settings: &Settings, purpose: Purpose) -> Result<DatabaseConnection, DbErr> {
    if let Some(db) = settings.databases.get("default") {
        compiled_in(db.engine).map_err(DbErr::Custom)?;
    }
    let url = settings.database_url();
    let mut options = ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    let single = match purpose {
        Purpose::Serve => url.contains(":memory:"),
        Purpose::Migrate => url.starts_with("sqlite"),
    };
    if single {
        options.max_connections(1).min_connections(1);
    }
    Database::connect(options).await
}

/// The cargo feature of roan that carries `engine`'s driver.
pub fn feature_of(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgresql => "postgres",
        Engine::Mysql => "mysql",
    }
}

/// `Ok` when this build has the driver for `engine`, else the message that says what to change.
pub fn compiled_in(engine: Engine) -> Result<(), String> {
    let compiled = match engine {
        Engine::Sqlite => cfg!(feature = "sqlite"),
        Engine::Postgresql => cfg!(feature = "postgres"),
        Engine::Mysql => cfg!(feature = "mysql"),
    };
    if compiled {
        return Ok(());
    }
    let feature = feature_of(engine);
    Err(format!(
        "the settings use the {engine:?} database backend, but this project was built without \
         it.\n  help: run the command through `roan`, which builds the project with the backend \
         its settings name, or add \"{feature}\" to roan's features in Cargo.toml: \
         roan = {{ ..., default-features = false, features = [\"sqlite\", \"{feature}\"] }}"
    ))
}
