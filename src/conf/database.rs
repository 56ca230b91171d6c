//! `[DATABASES.<alias>]`: Django's keys, or one `URL`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A database backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// SQLite, a file in the project (the default).
    Sqlite,
    /// PostgreSQL.
    #[serde(alias = "postgres")]
    Postgresql,
    /// MariaDB or MySQL.
    #[serde(alias = "mariadb")]
    Mysql,
}

/// One database connection, as Django's `DATABASES` entries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Backend: "sqlite", "postgresql" or "mysql".
    #[serde(rename = "ENGINE", default = "default_engine")]
    pub engine: Engine,
    /// Database name, or for SQLite the file (relative to the project directory).
    #[serde(rename = "NAME", default)]
    pub name: String,
    /// User name.
    #[serde(rename = "USER", default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// Password.
    #[serde(rename = "PASSWORD", default, skip_serializing_if = "String::is_empty")]
    pub password: String,
    /// Host name or address.
    #[serde(rename = "HOST", default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// Port; empty for the backend's default.
    #[serde(rename = "PORT", default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// A full connection URL; when set it wins over the other keys.
    #[serde(rename = "URL", default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Backend options, as Django's `OPTIONS`: the connection pool and SQLite's lock timeout.
    #[serde(
        rename = "OPTIONS",
        default,
        skip_serializing_if = "DatabaseOptions::is_default"
    )]
    pub options: DatabaseOptions,
}

/// `[DATABASES.<alias>.OPTIONS]`, with Django's names.
///
/// ```toml
/// [DATABASES.default.OPTIONS]
/// pool = { min_size = 1, max_size = 8 }  # connections each server process keeps
/// timeout = 5                            # SQLite: seconds to wait for a lock
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseOptions {
    /// The connection pool of each process [default: `max_size` twice the CPU count, at least 4;
    /// an in-memory SQLite database always has one connection].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolOptions>,
    /// SQLite: how many seconds a statement waits for another connection's write lock before
    /// failing with "database is locked" [default: 5, as Django's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
}

impl DatabaseOptions {
    fn is_default(&self) -> bool {
        *self == DatabaseOptions::default()
    }
}

/// The size of a connection pool, as Django's `OPTIONS["pool"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolOptions {
    /// Connections kept open even when idle [default: 1].
    #[serde(default = "one")]
    pub min_size: u32,
    /// The most connections open at once [default: twice the CPU count, at least 4].
    #[serde(default = "default_pool_size")]
    pub max_size: u32,
}

fn one() -> u32 {
    1
}

/// Twice the CPU count, at least 4: SQLite readers run in parallel under WAL, and a server
/// process rarely needs more connections than it has threads.
pub fn default_pool_size() -> u32 {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cpus * 2).max(4) as u32
}

impl Default for PoolOptions {
    fn default() -> PoolOptions {
        PoolOptions {
            min_size: one(),
            max_size: default_pool_size(),
        }
    }
}

fn default_engine() -> Engine {
    Engine::Sqlite
}

pub(crate) fn default_databases() -> BTreeMap<String, DatabaseSettings> {
    let mut map = BTreeMap::new();
    map.insert(
        "default".to_string(),
        DatabaseSettings {
            engine: Engine::Sqlite,
            name: "db.sqlite3".into(),
            user: String::new(),
            password: String::new(),
            host: String::new(),
            port: None,
            url: None,
            options: DatabaseOptions::default(),
        },
    );
    map
}

impl DatabaseSettings {
    /// Settings from a connection URL (`DATABASE_URL`).
    pub fn from_url(url: &str) -> Result<DatabaseSettings, String> {
        let engine = engine_of_url(url)
            .ok_or_else(|| format!("`{}` has an unknown scheme", mask_url_password(url)))?;
        Ok(DatabaseSettings {
            engine,
            name: String::new(),
            user: String::new(),
            password: String::new(),
            host: String::new(),
            port: None,
            url: Some(url.to_string()),
            options: DatabaseOptions::default(),
        })
    }

    pub(crate) fn validate(&self, alias: &str) -> Result<(), super::SettingsError> {
        let invalid = |message: String, help: &str| super::SettingsError::Invalid {
            key: format!("DATABASES.{alias}"),
            message,
            help: help.into(),
        };
        match &self.url {
            Some(url) => match engine_of_url(url) {
                Some(engine) if engine == self.engine || self.name.is_empty() => Ok(()),
                Some(_) => Err(invalid(
                    "ENGINE and the scheme of URL disagree".into(),
                    "remove ENGINE or make it match the URL",
                )),
                None => Err(invalid(
                    format!("URL `{}` has an unknown scheme", mask_url_password(url)),
                    "use sqlite://, postgres:// or mysql://",
                )),
            },
            None if self.name.is_empty() => Err(invalid(
                "NAME is empty".into(),
                "set NAME (for SQLite a file such as \"db.sqlite3\") or URL",
            )),
            None => Ok(()),
        }?;
        if let Some(pool) = self.options.pool
            && (pool.max_size == 0 || pool.min_size > pool.max_size)
        {
            return Err(invalid(
                format!(
                    "OPTIONS.pool has min_size {} and max_size {}",
                    pool.min_size, pool.max_size
                ),
                "make max_size at least 1 and min_size at most max_size",
            ));
        }
        if let Some(t) = self.options.timeout
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(invalid(
                format!("OPTIONS.timeout is {t}"),
                "give the seconds to wait for a lock, such as 5",
            ));
        }
        Ok(())
    }

    /// The engine actually used (from the URL when one is set).
    pub fn effective_engine(&self) -> Engine {
        self.url
            .as_deref()
            .and_then(engine_of_url)
            .unwrap_or(self.engine)
    }

    /// The sea-orm connection URL; a relative SQLite file is resolved against `base_dir`.
    pub fn url(&self, base_dir: &Path) -> String {
        if let Some(url) = &self.url {
            if let Some(file) = url.strip_prefix("sqlite://") {
                let (path, query) = file.split_once('?').unwrap_or((file, ""));
                if path != ":memory:" && !Path::new(path).is_absolute() {
                    let full = base_dir.join(path);
                    let query = if query.is_empty() { "mode=rwc" } else { query };
                    return format!("sqlite://{}?{query}", full.display());
                }
            }
            return url.clone();
        }
        let auth = match (self.user.is_empty(), self.password.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!("{}@", pct(&self.user)),
            (false, false) => format!("{}:{}@", pct(&self.user), pct(&self.password)),
        };
        let host = if self.host.is_empty() {
            "127.0.0.1"
        } else {
            &self.host
        };
        match self.engine {
            Engine::Sqlite => {
                if self.name == ":memory:" {
                    "sqlite::memory:".to_string()
                } else {
                    let path = if Path::new(&self.name).is_absolute() {
                        Path::new(&self.name).to_path_buf()
                    } else {
                        base_dir.join(&self.name)
                    };
                    format!("sqlite://{}?mode=rwc", path.display())
                }
            }
            Engine::Postgresql => format!(
                "postgres://{auth}{host}:{}/{}",
                self.port.unwrap_or(5432),
                self.name
            ),
            Engine::Mysql => format!(
                "mysql://{auth}{host}:{}/{}",
                self.port.unwrap_or(3306),
                self.name
            ),
        }
    }
}

fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn engine_of_url(url: &str) -> Option<Engine> {
    let scheme = url.split(':').next()?;
    match scheme {
        "sqlite" => Some(Engine::Sqlite),
        "postgres" | "postgresql" => Some(Engine::Postgresql),
        "mysql" | "mariadb" => Some(Engine::Mysql),
        _ => None,
    }
}

/// Replaces the password in `scheme://user:password@host/...` with the mask.
pub fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((auth, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:{}@{host}", super::MASK),
        None => url.to_string(),
    }
}
