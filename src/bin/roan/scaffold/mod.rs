//! `startproject` and `startapp`: new projects and apps from the skeletons embedded in the binary.

pub mod names;
mod skeleton;
mod startapp;
mod startproject;

pub use startapp::{startapp_args, startapp_from_args};
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
