//! The database drivers a project's build needs: read from its settings, so switching `ENGINE`
//! or `DATABASE_URL` to PostgreSQL or MariaDB compiles that driver in without editing
//! `Cargo.toml`, and a new project compiles SQLite's alone.

use crate::project_dir::ProjectDir;
use std::path::PathBuf;

/// roan's features for the backends the project's settings (and `DATABASE_URL`) name, sorted.
pub fn backend_features(project: &ProjectDir) -> Vec<&'static str> {
    let path = match std::env::var_os("ROAN_SETTINGS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => project.root.join("settings.toml"),
    };
    let settings = std::fs::read_to_string(path).unwrap_or_default();
    let database_url = std::env::var("DATABASE_URL").ok();
    features_for(&settings, database_url.as_deref())
}

fn features_for(settings: &str, database_url: Option<&str>) -> Vec<&'static str> {
    let mut names: Vec<String> = Vec::new();
    // A file that does not parse is the project binary's to report, with its line and column.
    if let Ok(table) = settings.parse::<toml::Table>()
        && let Some(dbs) = table.get("DATABASES").and_then(|d| d.as_table())
    {
        for db in dbs.values() {
            for key in ["ENGINE", "URL"] {
                if let Some(v) = db.get(key).and_then(|v| v.as_str()) {
                    names.push(v.to_string());
                }
            }
        }
    }
    names.extend(database_url.filter(|u| !u.is_empty()).map(str::to_string));
    let mut features: Vec<&'static str> = names
        .iter()
        .filter_map(|n| feature_of(n.split(':').next().unwrap_or(n)))
        .collect();
    features.sort_unstable();
    features.dedup();
    features
}

/// The feature for an ENGINE name or a URL scheme, as the runtime's settings accept them.
fn feature_of(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "sqlite" => Some("sqlite"),
        "postgres" | "postgresql" => Some("postgres"),
        "mysql" | "mariadb" => Some("mysql"),
        _ => None,
    }
}

/// The `--features` argument that enables `features` on the project's roan dependency.
pub fn cargo_args(features: &[&str]) -> Vec<String> {
    if features.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = features.iter().map(|f| format!("roan/{f}")).collect();
    vec!["--features".into(), list.join(",")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_and_urls_name_their_drivers() {
        assert_eq!(
            features_for(
                "[DATABASES.default]\nENGINE = \"sqlite\"\nNAME = \"db.sqlite3\"\n",
                None
            ),
            ["sqlite"]
        );
        assert_eq!(
            features_for(
                "[DATABASES.default]\nENGINE = \"postgresql\"\n[DATABASES.legacy]\nURL = \"mariadb://root@h/x\"\n",
                None
            ),
            ["mysql", "postgres"]
        );
        assert_eq!(
            features_for("", Some("postgres://u@127.0.0.1/db")),
            ["postgres"]
        );
        assert!(features_for("not toml [", None).is_empty());
        assert_eq!(
            cargo_args(&["mysql", "postgres"]),
            ["--features", "roan/mysql,roan/postgres"]
        );
        assert!(cargo_args(&[]).is_empty());
    }
}
