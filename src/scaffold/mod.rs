//! The `roan` binary's half: `startproject`, `startapp`, and handing every other command to the
//! project's own binary (building it first, and rebuilding it under `runserver`).

pub mod autoreload;
pub mod build;
pub mod names;
mod project_dir;
mod skeleton;
mod startapp;
mod startproject;

pub use project_dir::{ProjectDir, find_project};
pub use startapp::{startapp, startapp_args, startapp_from_args};
pub use startproject::{StartProject, startproject};

use std::path::PathBuf;

/// A scaffolding command that cannot go on; nothing of the user's was changed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// A project or app name that cannot be used.
    #[error("{0}")]
    InvalidName(String),
    /// The target directory has files in it.
    #[error(
        "'{}' already exists and is not empty; nothing was written. Choose another name or an empty directory.",
        .0.display()
    )]
    TargetNotEmpty(PathBuf),
    /// `startapp` outside a project.
    #[error(
        "no roan project here: `roan {0}` must run inside a project (a directory whose Cargo.toml has [package.metadata.roan]). Create one with `roan startproject mysite`, then `cd mysite`."
    )]
    NotInProject(String),
    /// The app already exists.
    #[error("{0}")]
    AlreadyExists(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ScaffoldError {
    /// The process exit code: 2 for refused input, 1 for I/O failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            ScaffoldError::Io { .. } => 1,
            _ => 2,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ScaffoldError {
        let path = path.into();
        move |source| ScaffoldError::Io { path, source }
    }
}
