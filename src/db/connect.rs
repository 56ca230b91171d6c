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
/// - `foreign_keys=ON`, so `on_delete` rules hold;
/// - the query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`), on every SQLite
///   connection, in memory too: otherwise SQLite compiles a statement again each time a new
///   value is bound to a parameter its plan looked at, and every `LIMIT ?` (sea-orm's `.one()`,
///   `.limit(n)`) is such a parameter, so the prepared statement cache never served them.
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
    #[cfg(feature = "sqlite")]
    if sqlite {
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|connection, _| {
                Box::pin(async move {
                    let mut handle = connection.lock_handle().await?;
                    stable_query_plans(handle.as_raw_handle());
                    Ok(())
                })
            })
        });
    }
    Database::connect(options).await
}

/// Turns on SQLite's query planner stability guarantee for a connection: a statement keeps the
/// plan it was prepared with, whatever values are bound later, so it is prepared once.
#[cfg(feature = "sqlite")]
fn stable_query_plans(db: std::ptr::NonNull<libsqlite3_sys::sqlite3>) {
    let (rc, applied) = query_planner_stability(db, 1);
    if rc != libsqlite3_sys::SQLITE_OK || applied != 1 {
        tracing::warn!(
            rc,
            "SQLite did not enable the query planner stability guarantee"
        );
    }
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

/// `SQLITE_DBCONFIG_ENABLE_QPSG` on a connection: `1` turns it on, `0` off, `-1` only reads it.
/// Gives SQLite's result code and the state after the call.
#[cfg(feature = "sqlite")]
fn query_planner_stability(
    db: std::ptr::NonNull<libsqlite3_sys::sqlite3>,
    value: std::ffi::c_int,
) -> (std::ffi::c_int, std::ffi::c_int) {
    let mut state: std::ffi::c_int = -1;
    // SAFETY: `db` is an open connection, locked by sqlx for the call's duration (the caller
    // holds its `LockedSqliteHandle`); the option takes an int and an int* for the state.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            value,
            &mut state as *mut std::ffi::c_int,
        )
    };
    (rc, state)
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    /// Every SQLite connection of the pool has the query planner stability guarantee on.
    #[tokio::test]
    async fn sqlite_connections_keep_their_query_plans() {
        let dir = std::env::temp_dir().join(format!("roan-qpsg-{}", std::process::id()));
        let vars = [(
            "DATABASE_URL".to_string(),
            format!("sqlite://{}/q.sqlite3?mode=rwc", dir.display()),
        )]
        .into();
        std::fs::create_dir_all(&dir).unwrap();
        let settings =
            Settings::from_toml_str("SECRET_KEY = \"k\"\n", &dir.join("settings.toml"), &vars)
                .unwrap();
        for purpose in [Purpose::Serve, Purpose::Migrate] {
            let db = connect(&settings, purpose).await.unwrap();
            let mut conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
            let mut handle = conn.lock_handle().await.unwrap();
            assert_eq!(
                query_planner_stability(handle.as_raw_handle(), -1),
                (libsqlite3_sys::SQLITE_OK, 1)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
