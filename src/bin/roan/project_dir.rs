//! Finding the project a command runs in, as git finds its repository.

use std::path::{Path, PathBuf};

/// A roan project on disk.
#[derive(Debug, Clone)]
pub struct ProjectDir {
    /// The directory holding `Cargo.toml` and `settings.toml`.
    pub root: PathBuf,
    /// The crate name.
    pub name: String,
}

impl ProjectDir {
    /// The project's `Cargo.toml`.
    pub fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    /// A command that runs the project's binary `exe`, telling it which project it runs for:
    /// a binary built from another directory refuses to start.
    pub fn command(&self, exe: &Path) -> std::process::Command {
        self.with_env(std::process::Command::new(exe))
    }

    /// `cmd` with the variable that names this project to its binary.
    pub fn with_env(&self, mut cmd: std::process::Command) -> std::process::Command {
        cmd.env(roan::launcher::PROJECT_DIR_ENV, &self.root);
        cmd
    }
}

/// Walks up from `start` to the first directory whose `Cargo.toml` has `[package.metadata.roan]`.
pub fn find_project(start: &Path) -> Option<ProjectDir> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if let Some(p) = read_project(d) {
            return Some(p);
        }
        dir = d.parent();
    }
    None
}

fn read_project(dir: &Path) -> Option<ProjectDir> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let doc: toml::Table = toml::from_str(&text).ok()?;
    let package = doc.get("package")?.as_table()?;
    package.get("metadata")?.as_table()?.get("roan")?;
    let name = package.get("name")?.as_str()?.to_string();
    Some(ProjectDir {
        root: dir.to_path_buf(),
        name,
    })
}
