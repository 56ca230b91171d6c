//! The chain loader: directories in order, then the templates built into roan.

use minijinja::{Error, ErrorKind, TemplateSource};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// Templates shipped inside the roan binary (admin, registration, error pages).
#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/templates/"]
pub(crate) struct BuiltinTemplates;

/// Reads a built-in template as text.
pub(crate) fn builtin(name: &str) -> Option<String> {
    BuiltinTemplates::get(name).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
}

fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name);
    if name.contains('\\') || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(dir.join(rel))
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// A loader over `dirs` then the built-ins; with `watch`, sources carry an up-to-date check that
/// notices an edit and a new file earlier in the order.
pub(crate) fn chain(
    dirs: Vec<PathBuf>,
    watch: bool,
) -> impl Fn(&str) -> Result<Option<TemplateSource>, Error> + Send + Sync + 'static {
    move |name: &str| {
        let candidates: Vec<PathBuf> = dirs.iter().filter_map(|d| safe_join(d, name)).collect();
        for (i, path) in candidates.iter().enumerate() {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    let source = TemplateSource::new(text);
                    if !watch {
                        return Ok(Some(source));
                    }
                    let seen = stamp(path);
                    let path = path.clone();
                    let earlier: Vec<PathBuf> = candidates[..i].to_vec();
                    return Ok(Some(source.with_uptodate_check(move || {
                        stamp(&path) == seen && !earlier.iter().any(|p| p.is_file())
                    })));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) if path.is_dir() => {
                    let _ = e;
                    continue;
                }
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot read template {}: {e}", path.display()),
                    ));
                }
            }
        }
        match builtin(name) {
            Some(text) => {
                let source = TemplateSource::new(text);
                if !watch {
                    return Ok(Some(source));
                }
                let all = candidates;
                Ok(Some(source.with_uptodate_check(move || {
                    !all.iter().any(|p| p.is_file())
                })))
            }
            None => Ok(None),
        }
    }
}
