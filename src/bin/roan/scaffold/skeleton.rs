//! The project and app skeletons, embedded in the binary, and their rendering.

use super::ScaffoldError;
use std::path::{Path, PathBuf};

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/skeletons/"]
struct Skeletons;

/// One file to write: its path relative to the target and its contents.
pub(super) struct RenderedFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// Renders every file under `skeletons/<which>/`: placeholders `__NAME__` in paths and text are
/// replaced, a `-tpl` suffix is dropped, and `gitignore` and `cargo/` become `.gitignore` and `.cargo/`.
pub(super) fn render(which: &str, vars: &[(&str, &str)]) -> Vec<RenderedFile> {
    let prefix = format!("{which}/");
    let mut files: Vec<RenderedFile> = Skeletons::iter()
        .filter(|name| name.starts_with(&prefix))
        .filter_map(|name| {
            let file = Skeletons::get(&name)?;
            let mut rel = name[prefix.len()..].to_string();
            if let Some(stripped) = rel.strip_suffix("-tpl") {
                rel = stripped.to_string();
            }
            // Dot names are stored without their dot, so no tool hides or ignores them here.
            if rel == "gitignore" || rel.starts_with("cargo/") {
                rel.insert(0, '.');
            }
            let contents = match std::str::from_utf8(&file.data) {
                Ok(text) => substitute(text, vars).into_bytes(),
                Err(_) => file.data.into_owned(),
            };
            Some(RenderedFile {
                path: PathBuf::from(substitute(&rel, vars)),
                contents,
            })
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn substitute(text: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(text.to_string(), |acc, (k, v)| {
        acc.replace(&format!("__{k}__"), v)
    })
}

/// Writes files under `root`, refusing to replace any existing file.
pub(super) fn write_all(
    root: &Path,
    files: &[RenderedFile],
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut written = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(ScaffoldError::io(parent))?;
        }
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(ScaffoldError::io(&path))?;
        std::io::Write::write_all(&mut out, &f.contents).map_err(ScaffoldError::io(&path))?;
        written.push(path);
    }
    Ok(written)
}
