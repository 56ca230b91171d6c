//! `roan startproject NAME [DIRECTORY]`.

use super::names::{self, Kind};
use super::{ScaffoldError, skeleton};
use std::path::{Path, PathBuf};

/// roan's own lockfile: a new project starts from the same dependency versions, so a shared
/// target directory compiles them once for every project.
const ROAN_LOCK: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"));

/// The crates a new project depends on directly (besides roan), as in its `Cargo.toml`.
const PROJECT_DEPS: &[&str] = &["axum", "roan", "sea-orm", "serde", "tokio"];

/// What `startproject` was asked for.
#[derive(Debug, Clone)]
pub struct StartProject {
    /// The project (crate) name.
    pub name: String,
    /// Where to create it; `./NAME` when absent.
    pub directory: Option<PathBuf>,
    /// A roan checkout to depend on by path.
    pub roan_path: Option<PathBuf>,
}

/// Creates a project; returns its directory. On refusal nothing is written; on an I/O failure
/// whatever was written is removed again.
pub fn startproject(opts: &StartProject, cwd: &Path) -> Result<PathBuf, ScaffoldError> {
    names::check(&opts.name, Kind::Project).map_err(ScaffoldError::InvalidName)?;
    let target = match &opts.directory {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => cwd.join(d),
        None => cwd.join(&opts.name),
    };
    let existed = target.exists();
    if existed {
        let empty = target.is_dir()
            && std::fs::read_dir(&target)
                .map_err(ScaffoldError::io(&target))?
                .next()
                .is_none();
        if !empty {
            return Err(ScaffoldError::TargetNotEmpty(target));
        }
    }
    let roan_dep = roan_dependency(opts.roan_path.as_deref())?;
    let secret = secret_key();
    let mut files = skeleton::render(
        "project",
        &[
            ("PROJECT_NAME", &opts.name),
            ("SECRET_KEY", &secret),
            ("ROAN_DEPENDENCY", &roan_dep),
        ],
    );
    files.push(skeleton::RenderedFile {
        path: "Cargo.lock".into(),
        contents: project_lock(&opts.name).into_bytes(),
    });
    match skeleton::write_all(&target, &files) {
        Ok(_) => Ok(target),
        Err(e) => {
            if existed {
                for f in &files {
                    let _ = std::fs::remove_file(target.join(&f.path));
                }
            } else {
                let _ = std::fs::remove_dir_all(&target);
            }
            Err(e)
        }
    }
}

/// The `roan = ...` line of the new project's Cargo.toml.
fn roan_dependency(explicit: Option<&Path>) -> Result<String, ScaffoldError> {
    let checkout = match explicit {
        Some(p) => {
            let p = std::fs::canonicalize(p).map_err(|e| {
                ScaffoldError::InvalidName(format!(
                    "--roan-path {}: {e}; give the directory of a roan checkout",
                    p.display()
                ))
            })?;
            if !is_roan_checkout(&p) {
                return Err(ScaffoldError::InvalidName(format!(
                    "--roan-path {}: no roan package there (its Cargo.toml must say name = \"roan\")",
                    p.display()
                )));
            }
            Some(p)
        }
        None => {
            let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
            is_roan_checkout(built_from).then(|| built_from.to_path_buf())
        }
    };
    // The runtime with SQLite; `roan` adds the PostgreSQL or MySQL driver when the settings
    // name one.
    let features = "default-features = false, features = [\"sqlite\"]";
    Ok(match checkout {
        Some(p) => format!(
            "roan = {{ path = {}, {features} }}",
            toml_string(&p.display().to_string())
        ),
        None => format!(
            "roan = {{ version = \"{}\", {features} }}",
            env!("CARGO_PKG_VERSION")
        ),
    })
}

fn is_roan_checkout(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("package")?.get("name")?.as_str().map(|n| n == "roan"))
        .unwrap_or(false)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Django's alphabet for secret keys; 50 characters.
fn secret_key() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)";
    roan::crypto::get_random_string(50, CHARS)
}

/// roan's lockfile with the new project added as the root package.
fn project_lock(name: &str) -> String {
    let mut lock = ROAN_LOCK.trim_end().to_string();
    lock.push_str(&format!(
        "\n\n[[package]]\nname = \"{name}\"\nversion = \"0.1.0\"\ndependencies = [\n{}]\n",
        PROJECT_DEPS
            .iter()
            .map(|d| format!(" \"{d}\",\n"))
            .collect::<String>()
    ));
    lock
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_long_and_fresh() {
        let a = secret_key();
        assert_eq!(a.chars().count(), 50);
        assert_ne!(a, secret_key());
        assert!(!a.contains('"') && !a.contains('\\'));
    }

    #[test]
    fn lock_names_the_project() {
        let lock = project_lock("mysite");
        assert!(lock.contains("name = \"mysite\""));
        assert!(lock.parse::<toml::Table>().is_ok());
    }
}
