//! Building a project with cargo: one shared target directory, a quiet progress line, the
//! compiler's messages as cargo prints them, and the path of the built binary.

use crate::project_dir::ProjectDir;
use crate::{claim, features};
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The outcome of a failed build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// cargo could not be started.
    #[error(
        "cannot run cargo ({0}); install Rust from https://rustup.rs and make sure `cargo` is on PATH"
    )]
    NoCargo(std::io::Error),
    /// The project did not compile; `errors` is the compiler output without colours.
    #[error("the project did not compile")]
    Compile {
        /// The compiler's messages, plain text.
        errors: String,
    },
}

/// Where cargo writes a project's build.
///
/// Every project on the machine compiles its dependencies once, into one shared *build
/// directory* (cargo's `build.build-dir`: `$CARGO_HOME/roan/build`), while each project's own
/// binary lands in its own *target directory* (`./target`, or `CARGO_TARGET_DIR`). Two projects
/// with one crate name therefore never overwrite each other's binary; the binary also checks,
/// through [`roan::launcher::PROJECT_DIR_ENV`], that it was built from the project it runs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildDirs {
    /// The target directory: final artifacts, the project's binary.
    pub target: PathBuf,
    /// The build directory: intermediate artifacts; `None` leaves it to cargo (the target
    /// directory, unless the user configured one).
    pub build: Option<PathBuf>,
}

impl BuildDirs {
    /// The directories for `project` from this process's environment: `CARGO_TARGET_DIR` moves
    /// the target directory; `CARGO_BUILD_BUILD_DIR` moves the shared build directory, and
    /// `ROAN_SHARED_TARGET=0` gives the project a build of its own.
    pub fn of(project: &ProjectDir) -> BuildDirs {
        choose_dirs(project, |name| std::env::var(name).ok(), cargo_home())
    }

    /// The environment of a cargo command that builds into these directories.
    pub fn apply(&self, cmd: &mut Command) {
        cmd.env("CARGO_TARGET_DIR", &self.target);
        if let Some(build) = &self.build {
            cmd.env("CARGO_BUILD_BUILD_DIR", build);
        }
    }
}

/// `$CARGO_HOME`, else `~/.cargo` (what cargo's `{cargo-cache-home}` means).
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".cargo")))
}

fn choose_dirs(
    project: &ProjectDir,
    var: impl Fn(&str) -> Option<String>,
    cargo_home: Option<PathBuf>,
) -> BuildDirs {
    let set = |name: &str| var(name).filter(|d| !d.is_empty()).map(PathBuf::from);
    let target = set("CARGO_TARGET_DIR").unwrap_or_else(|| project.root.join("target"));
    let shared = var("ROAN_SHARED_TARGET")
        .map(|v| !matches!(v.as_str(), "0" | "false" | "no" | "off"))
        .unwrap_or(true);
    let build = if !shared {
        Some(target.clone())
    } else {
        set("CARGO_BUILD_BUILD_DIR").or_else(|| cargo_home.map(|h| h.join("roan").join("build")))
    };
    BuildDirs { target, build }
}

/// `cargo SUBCOMMAND` for the project: its manifest, the [`BuildDirs`], and the database
/// drivers its settings name.
pub fn cargo(project: &ProjectDir, subcommand: &str) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg(subcommand)
        .arg("--manifest-path")
        .arg(project.manifest())
        .args(features::cargo_args(&features::backend_features(project)));
    BuildDirs::of(project).apply(&mut cmd);
    cmd
}

/// Which cargo profile to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `dev`: fast to compile, what every command but `build --release` uses.
    Debug,
    /// `release`: optimized, for production.
    Release,
}

/// Builds the project and returns the path of its binary.
pub fn build(project: &ProjectDir, profile: Profile) -> Result<PathBuf, BuildError> {
    let color = std::io::stderr().is_terminal();
    let _claim = claim::claim(project, &BuildDirs::of(project))?;
    let mut cmd = cargo(project, "build");
    if profile == Profile::Release {
        cmd.arg("--release");
    }
    let mut child = cmd
        .arg("--quiet")
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(BuildError::NoCargo)?;

    // cargo's own messages (a bad manifest, a lock wait) go through as they come.
    let stderr = child.stderr.take();
    let stderr_thread = std::thread::spawn(move || {
        let mut all = String::new();
        if let Some(mut s) = stderr {
            let _ = s.read_to_string(&mut all);
        }
        all
    });

    let progress =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    progress.set_message(format!("Building {}...", project.name));
    progress.enable_steady_tick(std::time::Duration::from_millis(120));

    let mut executable = None;
    let mut compiled = 0usize;
    let mut plain_errors = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            match msg["reason"].as_str() {
                Some("compiler-artifact") => {
                    if msg["fresh"] == serde_json::Value::Bool(false) {
                        compiled += 1;
                    }
                    let target_name = msg["target"]["name"].as_str().unwrap_or_default();
                    let crate_name = target_name.to_string();
                    progress.set_message(format!(
                        "Building {}: {compiled} crates compiled ({crate_name})",
                        project.name
                    ));
                    let is_bin = msg["target"]["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|v| v == "bin"));
                    if is_bin && target_name == project.name {
                        executable = msg["executable"].as_str().map(PathBuf::from);
                    }
                }
                Some("compiler-message") => {
                    if let Some(rendered) = msg["message"]["rendered"].as_str() {
                        let plain = strip_ansi(rendered);
                        if msg["message"]["level"] == "error" {
                            plain_errors.push_str(&plain);
                        }
                        progress.suspend(|| {
                            eprint!("{}", if color { rendered.to_string() } else { plain });
                        });
                    }
                }
                _ => {}
            }
        }
    }
    progress.finish_and_clear();
    let status = child.wait().map_err(BuildError::NoCargo)?;
    let cargo_stderr = stderr_thread.join().unwrap_or_default();
    if !cargo_stderr.trim().is_empty() {
        eprint!("{cargo_stderr}");
    }
    match (status.success(), executable) {
        (true, Some(exe)) => Ok(exe),
        (true, None) => Err(BuildError::Compile {
            errors: format!(
                "cargo built {} but reported no binary named `{}`; is src/main.rs still there?",
                project.root.display(),
                project.name
            ),
        }),
        (false, _) => {
            if plain_errors.is_empty() {
                plain_errors = strip_ansi(&cargo_stderr);
            }
            Err(BuildError::Compile {
                errors: plain_errors,
            })
        }
    }
}

/// Removes terminal colour codes.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for n in chars.by_ref() {
                if n.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_shared_and_binaries_are_not() {
        let p = ProjectDir {
            root: PathBuf::from("/p"),
            name: "p".into(),
        };
        let home = Some(PathBuf::from("/home/u/.cargo"));
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let dirs = |target: &str, build: Option<&str>| BuildDirs {
            target: PathBuf::from(target),
            build: build.map(PathBuf::from),
        };
        assert_eq!(
            choose_dirs(&p, env(&[]), home.clone()),
            dirs("/p/target", Some("/home/u/.cargo/roan/build"))
        );
        assert_eq!(
            choose_dirs(&p, env(&[("CARGO_TARGET_DIR", "/t")]), home.clone()),
            dirs("/t", Some("/home/u/.cargo/roan/build"))
        );
        assert_eq!(
            choose_dirs(&p, env(&[("CARGO_BUILD_BUILD_DIR", "/b")]), home.clone()),
            dirs("/p/target", Some("/b"))
        );
        assert_eq!(
            choose_dirs(&p, env(&[("ROAN_SHARED_TARGET", "0")]), home.clone()),
            dirs("/p/target", Some("/p/target"))
        );
        assert_eq!(choose_dirs(&p, env(&[]), None), dirs("/p/target", None));
    }

    #[test]
    fn colours_are_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: x"),
            "error: x"
        );
    }
}
