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
/// The pool has `OPTIONS.pool` connections ([`crate::conf::PoolOptions`]: by default up to twice
/// the CPU count). A SQLite file is opened as a server needs it, each connection with:
///
/// - `journal_mode=WAL`: readers do not wait for the writer, so several connections help;
/// - `busy_timeout` (`OPTIONS.timeout`, 5 s as Django's): a writer waits for another's lock
///   instead of failing at once with "database is locked";
/// - `synchronous=NORMAL`: safe under WAL (a power cut can lose the last commits, never
///   corrupt the file) and much faster than `FULL` on every commit;
/// - `foreign_keys=ON`, so `on_delete` rules hold.
///
/// An in-memory SQLite database keeps one connection (each would be a database of its own).
///
/// A backend this build of roan has no driver for is an error that says which feature to
/// enable; `roan` enables it by itself when it builds the project.
pub async fn connect(settings: &Settings, purpose: Purpose) -> Result<DatabaseConnection, DbErr> {
    let db = settings.databases.get("default");
    if let Some(db) = db {
        compiled_in(db.engine).map_err(DbErr::Custom)?;
    }
    let db_options = db.map(|d| d.options.clone()).unwrap_or_default();
    let url = settings.database_url();
    let mut options = ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    let sqlite = url.starts_with("sqlite");
    let single = match purpose {
        Purpose::Serve => url.contains(":memory:"),
        Purpose::Migrate => sqlite,
    };
    let pool = db_options.pool.unwrap_or_default();
    if single {
        options.max_connections(1).min_connections(1);
    } else {
        options
            .max_connections(pool.max_size)
            .min_connections(pool.min_size);
    }
    #[cfg(feature = "sqlite")]
    if sqlite && !url.contains(":memory:") {
        let timeout = std::time::Duration::from_secs_f64(db_options.timeout.unwrap_or(5.0));
        options.map_sqlx_sqlite_opts(move |o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(timeout)
                .foreign_keys(true)
        });
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
