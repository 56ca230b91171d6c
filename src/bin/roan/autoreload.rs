//! `roan runserver` from the `roan` binary: build, run, watch, rebuild, restart.
//!
//! A change under `src/` or to `Cargo.toml` rebuilds the project; when the build succeeds the
//! server restarts, and while it fails the last good server keeps running, the compiler's error
//! is printed and a browser page load shows it. A change to `settings.toml` restarts the server.
//! Templates and static files are re-read by the running server, so they need neither.

use crate::build::{self, BuildError};
use crate::project_dir::ProjectDir;
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// What a batch of file changes asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    None,
    Restart,
    Rebuild,
}

fn classify(root: &Path, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root) else {
        return Change::None;
    };
    if rel.starts_with("src") {
        let is_source = rel.extension().is_some_and(|e| e == "rs" || e == "toml");
        return if is_source {
            Change::Rebuild
        } else {
            Change::None
        };
    }
    // Cargo.lock is left out: cargo itself rewrites it while building.
    if rel == Path::new("Cargo.toml") {
        return Change::Rebuild;
    }
    if rel == Path::new("settings.toml") {
        return Change::Restart;
    }
    Change::None
}

/// Modification time and size of each file a change of which means a rebuild (`src/**/*.rs`,
/// `src/**/*.toml`, `Cargo.toml`) or a restart (`settings.toml`). Editors and cargo send many
/// events per save; only a real difference here acts.
type Stamps = std::collections::BTreeMap<PathBuf, (std::time::SystemTime, u64)>;

fn stamps(root: &Path) -> Stamps {
    let mut out = Stamps::new();
    let mut stack = vec![root.join("src")];
    let mut files = vec![root.join("Cargo.toml"), root.join("settings.toml")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if classify(root, &path) != Change::None {
                files.push(path);
            }
        }
    }
    for f in files {
        if let Ok(meta) = std::fs::metadata(&f) {
            out.insert(
                f,
                (meta.modified().unwrap_or(std::time::UNIX_EPOCH), meta.len()),
            );
        }
    }
    out
}

/// What changed between two snapshots, and the first file that did.
fn diff(root: &Path, old: &Stamps, new: &Stamps) -> (Change, Option<PathBuf>) {
    let mut change = Change::None;
    let mut first = None;
    let changed = new
        .iter()
        .filter(|(p, s)| old.get(*p) != Some(s))
        .map(|(p, _)| p)
        .chain(old.keys().filter(|p| !new.contains_key(*p)));
    for p in changed {
        let c = classify(root, p);
        if c > change {
            change = c;
            first = Some(p.clone());
        }
    }
    (change, first)
}

/// Runs the development server with autoreload until Ctrl-C; returns the exit code.
pub fn run(project: &ProjectDir, server_args: &[String]) -> Result<u8, BuildError> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(sig, stop.clone());
    }
    let error_file = build::BuildDirs::of(project)
        .target
        .join(format!("roan-build-error-{}.txt", project.name));
    let _ = std::fs::create_dir_all(error_file.parent().unwrap_or(Path::new(".")));
    let _ = std::fs::remove_file(&error_file);

    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            for p in event.paths {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| BuildError::Compile {
        errors: format!("cannot watch the project for changes: {e}"),
    })?;
    for (rel, mode) in [
        ("src", RecursiveMode::Recursive),
        ("templates", RecursiveMode::Recursive),
        ("static", RecursiveMode::Recursive),
        ("", RecursiveMode::NonRecursive),
    ] {
        let p = project.root.join(rel);
        if p.exists() {
            let _ = watcher.watch(&p, mode);
        }
    }

    let mut exe = None;
    let mut server: Option<Child> = None;
    let mut pending = Change::Rebuild;
    let mut seen = stamps(&project.root);
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if pending == Change::Rebuild {
            seen = stamps(&project.root);
            match build::build(project, build::Profile::Debug) {
                Ok(path) => {
                    let _ = std::fs::remove_file(&error_file);
                    exe = Some(path);
                    pending = Change::Restart;
                }
                Err(BuildError::Compile { errors }) => {
                    let _ = std::fs::write(&error_file, &errors);
                    eprintln!(
                        "\nroan: the build failed; {}. Fix the error and save, roan rebuilds.",
                        if server.is_some() {
                            "the last good server keeps running"
                        } else {
                            "no server is running yet"
                        }
                    );
                    pending = Change::None;
                }
                Err(e) => return Err(e),
            }
        }
        if pending == Change::Restart {
            if let Some(child) = server.take() {
                stop_server(child);
            }
            if let Some(exe) = &exe {
                match project
                    .command(exe)
                    .arg("runserver")
                    .args(server_args)
                    .arg("--noreload")
                    .env(roan::launcher::BUILD_ERROR_ENV, &error_file)
                    .spawn()
                {
                    Ok(child) => server = Some(child),
                    Err(e) => eprintln!("roan: cannot start {}: {e}", exe.display()),
                }
            }
            pending = Change::None;
        }
        // Wait for changes, then gather what else arrives within a short quiet period.
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(_) => {
                // Editors write a file in a few events within milliseconds; a short quiet
                // period catches them without delaying the rebuild.
                while rx.recv_timeout(Duration::from_millis(40)).is_ok() {}
                let now = stamps(&project.root);
                let (change, file) = diff(&project.root, &seen, &now);
                if change == Change::Restart {
                    seen = now;
                }
                if let Some(file) = file {
                    eprintln!(
                        "roan: {} changed, {}",
                        file.strip_prefix(&project.root).unwrap_or(&file).display(),
                        if change == Change::Rebuild {
                            "rebuilding"
                        } else {
                            "restarting"
                        }
                    );
                }
                pending = pending.max(change);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(child) = server.as_mut()
            && let Ok(Some(status)) = child.try_wait()
        {
            eprintln!("roan: the server exited ({status}); waiting for changes");
            server = None;
        }
    }
    if let Some(child) = server.take() {
        stop_server(child);
    }
    let _ = std::fs::remove_file(&error_file);
    Ok(0)
}

/// Asks the server to shut down gracefully (SIGTERM), and kills it after five seconds.
fn stop_server(mut child: Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a pid we spawned and still own (not yet reaped).
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        // A server stops in a few milliseconds; checking often keeps the restart short.
        for _ in 0..1000 {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_change_does() {
        let root = Path::new("/p");
        assert_eq!(
            classify(root, Path::new("/p/src/views.rs")),
            Change::Rebuild
        );
        assert_eq!(classify(root, Path::new("/p/Cargo.toml")), Change::Rebuild);
        assert_eq!(classify(root, Path::new("/p/Cargo.lock")), Change::None);
        assert_eq!(
            classify(root, Path::new("/p/settings.toml")),
            Change::Restart
        );
        assert_eq!(
            classify(root, Path::new("/p/templates/a.html")),
            Change::None
        );
        assert_eq!(
            classify(root, Path::new("/p/src/.views.rs.swp")),
            Change::None
        );
        assert_eq!(classify(root, Path::new("/elsewhere/x.rs")), Change::None);
    }
}
