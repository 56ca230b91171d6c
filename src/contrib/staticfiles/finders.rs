//! Finding static files, as Django's finders: `STATICFILES_DIRS` (each with an optional prefix),
//! then each installed app's static directory, the first match winning.

use crate::apps::EmbeddedStatic;
use crate::site::StaticDir;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use tower::ServiceExt;

/// Whether `rel` is a plain relative path: no `..`, no root, no backslash, no empty name.
pub(crate) fn is_safe(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// A static file a finder found: on disk, or compiled into the binary.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file.
    File(PathBuf),
    /// An embedded file: its name among the app's files, and the name shown for it.
    Embedded {
        /// The app's embedded files.
        files: EmbeddedStatic,
        /// The file's path among them.
        name: String,
        /// What `findstatic` and `collectstatic -v 2` show.
        shown: PathBuf,
    },
}

impl Source {
    /// The content.
    pub fn read(&self) -> std::io::Result<Cow<'static, [u8]>> {
        match self {
            Source::File(path) => std::fs::read(path).map(Cow::Owned),
            Source::Embedded { files, name, .. } => (files.get)(name).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("{name} is not embedded"),
                )
            }),
        }
    }

    /// Where it is, for people.
    pub fn shown(&self) -> &Path {
        match self {
            Source::File(path) => path,
            Source::Embedded { shown, .. } => shown,
        }
    }
}

/// The file named `rel` in `dir`, when `dir`'s prefix matches and it has one.
fn candidate(dir: &StaticDir, rel: &str) -> Option<Source> {
    let inner = if dir.prefix.is_empty() {
        rel
    } else {
        rel.strip_prefix(dir.prefix.as_str())?.strip_prefix('/')?
    };
    match &dir.embedded {
        Some(files) => (files.get)(inner).map(|_| Source::Embedded {
            files: *files,
            name: inner.to_string(),
            shown: dir.path.join(inner),
        }),
        None => {
            let path = dir.path.join(inner);
            path.is_file().then_some(Source::File(path))
        }
    }
}

/// The first file named `rel` in `dirs`; never a path outside them.
pub(crate) fn find(dirs: &[StaticDir], rel: &str) -> Option<Source> {
    if !is_safe(rel) {
        return None;
    }
    dirs.iter().find_map(|d| candidate(d, rel))
}

/// Every file named `rel` in `dirs`, in search order (`findstatic`).
pub(crate) fn find_all(dirs: &[StaticDir], rel: &str) -> Vec<Source> {
    if !is_safe(rel) {
        return Vec::new();
    }
    dirs.iter().filter_map(|d| candidate(d, rel)).collect()
}

/// Glob patterns of names `collectstatic` leaves out (Django's `--ignore`).
#[derive(Debug, Clone)]
pub struct Ignore(Vec<glob::Pattern>);

/// What `collectstatic` ignores unless `--no-default-ignore`: Django's `CVS`, `.*` and `*~`.
pub const DEFAULT_IGNORE: &[&str] = &["CVS", ".*", "*~"];

impl Ignore {
    /// The patterns; a malformed one is an error naming it.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Ignore, String> {
        patterns
            .into_iter()
            .map(|p| {
                glob::Pattern::new(p)
                    .map_err(|e| format!("--ignore pattern '{p}' is not valid: {e}"))
            })
            .collect::<Result<_, _>>()
            .map(Ignore)
    }

    /// Whether a file or directory (its name, or its path from the source's root) is ignored.
    fn matches(&self, name: &str, rel: &str) -> bool {
        self.0.iter().any(|p| p.matches(name) || p.matches(rel))
    }
}

/// A file a finder lists: its static path and where it is.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path under `STATIC_URL` (`css/site.css`).
    pub rel: String,
    /// The file.
    pub source: Source,
}

/// Every file of every source, in search order, each with the static path it would have;
/// duplicates (a later source with the same path) included, for `-v 2` to report.
pub fn list(dirs: &[StaticDir], ignore: &Ignore) -> std::io::Result<Vec<Found>> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut files = Vec::new();
        match &dir.embedded {
            Some(embedded) => files.extend((embedded.list)().into_iter().filter(|name| {
                let mut so_far = String::new();
                !name.split('/').any(|part| {
                    if !so_far.is_empty() {
                        so_far.push('/');
                    }
                    so_far.push_str(part);
                    ignore.matches(part, &so_far)
                })
            })),
            None if dir.path.is_dir() => walk(&dir.path, "", ignore, &mut files)?,
            None => continue,
        }
        files.sort();
        for inner in files {
            let source = match &dir.embedded {
                Some(embedded) => Source::Embedded {
                    files: *embedded,
                    name: inner.clone(),
                    shown: dir.path.join(&inner),
                },
                None => Source::File(dir.path.join(&inner)),
            };
            let rel = if dir.prefix.is_empty() {
                inner
            } else {
                format!("{}/{inner}", dir.prefix)
            };
            out.push(Found { rel, source });
        }
    }
    Ok(out)
}

fn walk(root: &Path, rel: &str, ignore: &Ignore, out: &mut Vec<String>) -> std::io::Result<()> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    for entry in std::fs::read_dir(&here)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if ignore.matches(&name, &child) {
            continue;
        }
        let kind = std::fs::metadata(entry.path())?;
        if kind.is_dir() {
            walk(root, &child, ignore, out)?;
        } else if kind.is_file() {
            out.push(child);
        }
    }
    Ok(())
}

/// Serves one file (DEBUG): from disk with Last-Modified, Range and HEAD; an embedded one
/// with its type.
pub(crate) async fn serve(source: Source, request: Request) -> Response {
    match source {
        Source::File(file) => match tower_http::services::ServeFile::new(file)
            .oneshot(request)
            .await
        {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        },
        Source::Embedded { ref name, .. } => {
            let content_type = mime_guess::from_path(name)
                .first_or_octet_stream()
                .to_string();
            match source.read() {
                Ok(bytes) => (
                    [(axum::http::header::CONTENT_TYPE, content_type)],
                    bytes.into_owned(),
                )
                    .into_response(),
                Err(_) => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    }
}
