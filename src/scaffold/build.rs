//! Building a project with cargo: one shared target directory, a quiet progress line, the
//! compiler's messages as cargo prints them, and the path of the built binary.

use super::ProjectDir;
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

/// The target directory for project builds: `CARGO_TARGET_DIR` when set; the project's own
/// `target/` when `ROAN_SHARED_TARGET=0`; otherwise one directory shared by all projects under
/// the user's cache directory, so dependencies compile once.
pub fn target_dir(project: &ProjectDir) -> PathBuf {
    choose_target_dir(project, |name| std::env::var(name).ok(), dirs::cache_dir())
}

fn choose_target_dir(
    project: &ProjectDir,
    var: impl Fn(&str) -> Option<String>,
    cache: Option<PathBuf>,
) -> PathBuf {
    if let Some(dir) = var("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let shared = var("ROAN_SHARED_TARGET")
        .map(|v| !matches!(v.as_str(), "0" | "false" | "no" | "off"))
        .unwrap_or(true);
    match cache {
        Some(cache) if shared => cache.join("roan").join("target"),
        _ => project.root.join("target"),
    }
}

/// Builds the project (debug profile) and returns the path of its binary.
pub fn build(project: &ProjectDir) -> Result<PathBuf, BuildError> {
    let color = std::io::stderr().is_terminal();
    let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("build")
        .arg("--quiet")
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .arg("--manifest-path")
        .arg(project.manifest())
        .env("CARGO_TARGET_DIR", target_dir(project))
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
    fn target_dir_precedence() {
        let p = ProjectDir {
            root: PathBuf::from("/p"),
            name: "p".into(),
        };
        let cache = Some(PathBuf::from("/home/u/.cache"));
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            choose_target_dir(&p, env(&[]), cache.clone()),
            PathBuf::from("/home/u/.cache/roan/target")
        );
        assert_eq!(
            choose_target_dir(&p, env(&[("CARGO_TARGET_DIR", "/t")]), cache.clone()),
            PathBuf::from("/t")
        );
        assert_eq!(
            choose_target_dir(&p, env(&[("ROAN_SHARED_TARGET", "0")]), cache.clone()),
            PathBuf::from("/p/target")
        );
        assert_eq!(
            choose_target_dir(&p, env(&[]), None),
            PathBuf::from("/p/target")
        );
    }

    #[test]
    fn colours_are_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: x"),
            "error: x"
        );
    }
}
