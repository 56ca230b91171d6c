//! Two projects with one crate name in the shared build directory.
//!
//! cargo names a project crate's artifacts by a hash of its name, version, profile and features,
//! not of its directory, and checks freshness by file times. So `mysite` in one folder and
//! `mysite` in another share their artifacts in a shared build directory, and building the
//! second after the first can look fresh to cargo while holding the first one's code. roan
//! records which project directory last built each crate name there; when another one builds,
//! the name's artifacts are cleaned first (`cargo clean -p NAME`: only that crate recompiles,
//! the dependencies stay), under a lock so two builds of the same name take turns. The
//! project's binary checks the directory it was built from as well
//! ([`roan::launcher::PROJECT_DIR_ENV`]).

use crate::build::{BuildDirs, BuildError};
use crate::project_dir::ProjectDir;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Held while the project builds: the lock on its crate name in the shared build directory.
pub struct Claim {
    _lock: Option<File>,
}

/// Makes the shared build directory hold `project`'s own artifacts for its crate name, and
/// keeps it so until the returned [`Claim`] is dropped.
pub fn claim(project: &ProjectDir, dirs: &BuildDirs) -> Result<Claim, BuildError> {
    let Some(build) = dirs.build.as_ref().filter(|b| **b != dirs.target) else {
        return Ok(Claim { _lock: None });
    };
    let records = build.join("roan-projects");
    let _ = std::fs::create_dir_all(&records);
    let lock = File::create(records.join(format!("{}.lock", project.name))).ok();
    if let Some(f) = &lock {
        lock_exclusive(f);
    }
    let record = records.join(&project.name);
    let root = project
        .root
        .canonicalize()
        .unwrap_or_else(|_| project.root.clone());
    let last: Option<PathBuf> = std::fs::read_to_string(&record).ok().map(PathBuf::from);
    if last.as_ref() != Some(&root) {
        clean(project, dirs)?;
        let _ = std::fs::write(&record, root.as_os_str().as_encoded_bytes());
    }
    Ok(Claim { _lock: lock })
}

/// `cargo clean -p NAME`: the project crate's artifacts only.
fn clean(project: &ProjectDir, dirs: &BuildDirs) -> Result<(), BuildError> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("clean")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(project.manifest())
        .arg("-p")
        .arg(&project.name)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    dirs.apply(&mut cmd);
    let out = cmd.output().map_err(BuildError::NoCargo)?;
    if out.status.success() {
        return Ok(());
    }
    Err(BuildError::Compile {
        errors: format!(
            "cannot clean the shared build directory's artifacts of `{}` before building it: {}",
            project.name,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    })
}

#[cfg(unix)]
fn lock_exclusive(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: flock(2) on a descriptor this function's caller owns for the lock's lifetime.
    unsafe {
        libc::flock(file.as_raw_fd(), libc::LOCK_EX);
    }
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &File) {}
