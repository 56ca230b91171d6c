//! Hashed names and the manifest, as Django's `ManifestStaticFilesStorage`: each collected file
//! also gets a copy named after its content (`css/base.css` → `css/base.6b517d0d5813.css`), CSS
//! and JavaScript references to other files are rewritten to the hashed names, and
//! `staticfiles.json` maps every name to its hashed name, in Django's format.

use md5::{Digest, Md5};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The manifest's file name in `STATIC_ROOT`.
pub const MANIFEST_NAME: &str = "staticfiles.json";
/// The manifest format version Django writes.
const MANIFEST_VERSION: &str = "1.1";
/// How often CSS that references CSS is rewritten before giving up.
const MAX_PASSES: usize = 5;

/// `staticfiles.json`: original name → hashed name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every collected name and its hashed name.
    pub paths: BTreeMap<String, String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ManifestFile {
    paths: BTreeMap<String, String>,
    version: String,
    #[serde(default)]
    hash: String,
}

/// Why post-processing stopped.
#[derive(Debug, thiserror::Error)]
pub enum PostProcessError {
    /// A file references another that was not collected.
    #[error(
        "post-processing '{file}' failed: it references '{reference}', and the file '{target}' \
         could not be found among the static files.\n  help: add the file, fix the reference, or \
         run collectstatic with --no-post-process"
    )]
    Missing {
        /// The file that holds the reference.
        file: String,
        /// The reference as written.
        reference: String,
        /// The static path it resolves to.
        target: String,
    },
    /// CSS that references CSS in a cycle kept changing.
    #[error(
        "max post-process passes exceeded: {0} still changed after {MAX_PASSES} passes (CSS files \
         that reference each other in a cycle)"
    )]
    MaxPasses(String),
}

impl Manifest {
    /// Reads `STATIC_ROOT/staticfiles.json`; `None` when there is none (collectstatic not run).
    pub fn load(static_root: &Path) -> Result<Option<Manifest>, String> {
        let path = static_root.join(MANIFEST_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let file: ManifestFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a staticfiles manifest ({e}); run `roan collectstatic` again",
                path.display()
            )
        })?;
        if file.version != MANIFEST_VERSION {
            return Err(format!(
                "{} has manifest version {:?}, roan reads {MANIFEST_VERSION:?}; run `roan collectstatic` again",
                path.display(),
                file.version
            ));
        }
        Ok(Some(Manifest { paths: file.paths }))
    }

    /// The manifest as Django writes it: `{"paths": {...}, "version": "1.1", "hash": "..."}`.
    pub fn to_json(&self) -> String {
        let paths = serde_json::to_string(&self.paths).unwrap_or_default();
        let file = ManifestFile {
            paths: self.paths.clone(),
            version: MANIFEST_VERSION.into(),
            hash: short_hash(paths.as_bytes()),
        };
        serde_json::to_string(&file).unwrap_or_default()
    }

    /// The hashed name of `name` (a path relative to `STATIC_ROOT`).
    pub fn hashed(&self, name: &str) -> Option<&str> {
        self.paths.get(name).map(String::as_str)
    }
}

/// The first 12 hex digits of the MD5 of `content`, as Django's `file_hash`.
pub fn short_hash(content: &[u8]) -> String {
    let mut hex = crate::crypto::hex(&Md5::digest(content));
    hex.truncate(12);
    hex
}

/// `css/base.css` + hash → `css/base.<hash>.css`; a name without an extension gets `.<hash>`.
pub fn hashed_name(name: &str, hash: &str) -> String {
    let (dir, file) = match name.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, name),
    };
    let file = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{file}.{hash}"),
    };
    match dir {
        Some(d) => format!("{d}/{file}"),
        None => file,
    }
}

/// Whether a file's references to other files are rewritten (CSS and JavaScript).
pub fn is_adjustable(name: &str) -> bool {
    name.ends_with(".css") || name.ends_with(".js") || name.ends_with(".mjs")
}

/// The hashed names and rewritten contents of `files` (name → content).
///
/// Files without references are hashed as they are; CSS and JavaScript are rewritten to point at
/// the hashed names of what they reference, then hashed, over up to five passes so that CSS
/// importing CSS settles. Returns the manifest and the rewritten content of every adjustable file.
pub fn post_process(
    files: &BTreeMap<String, Vec<u8>>,
    static_url: &str,
) -> Result<(Manifest, HashMap<String, Vec<u8>>), PostProcessError> {
    let mut manifest = Manifest::default();
    for (name, content) in files {
        manifest
            .paths
            .insert(name.clone(), hashed_name(name, &short_hash(content)));
    }
    let mut rewritten: HashMap<String, Vec<u8>> = HashMap::new();
    let adjustable: Vec<&String> = files.keys().filter(|n| is_adjustable(n)).collect();
    for pass in 0..MAX_PASSES {
        let mut changed = None;
        for name in &adjustable {
            let Ok(text) = std::str::from_utf8(&files[*name]) else {
                continue;
            };
            let new = rewrite(name, text, static_url, &manifest, files)?;
            let hashed = hashed_name(name, &short_hash(new.as_bytes()));
            if manifest.paths.get(*name) != Some(&hashed) {
                manifest.paths.insert((*name).clone(), hashed);
                changed = Some((*name).clone());
            }
            rewritten.insert((*name).clone(), new.into_bytes());
        }
        match changed {
            None => return Ok((manifest, rewritten)),
            Some(name) if pass + 1 == MAX_PASSES => return Err(PostProcessError::MaxPasses(name)),
            Some(_) => {}
        }
    }
    Ok((manifest, rewritten))
}

/// One reference found in a file: its byte range and the URL as written.
struct Reference {
    start: usize,
    end: usize,
    url: String,
}

/// The references of a CSS or JavaScript file: `url(...)`, `@import "..."` and
/// `sourceMappingURL=...` in CSS; `//# sourceMappingURL=...` in JavaScript.
fn references(name: &str, text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    if name.ends_with(".css") {
        find_calls(text, "url(", &mut found);
        find_imports(text, &mut found);
    }
    find_source_maps(text, &mut found);
    found.sort_by_key(|r| r.start);
    found.dedup_by_key(|r| r.start);
    found
}

/// `url(x)`, `url('x')`, `url("x")`, case-insensitive, spaces allowed inside the parentheses.
fn find_calls(text: &str, call: &str, out: &mut Vec<Reference>) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(call) {
        let open = from + at + call.len();
        from = open;
        // `xurl(` is not `url(`.
        if from > call.len() && lower.as_bytes()[from - call.len() - 1].is_ascii_alphanumeric() {
            continue;
        }
        let Some(close) = text[open..].find(')') else {
            break;
        };
        let inner = &text[open..open + close];
        let trimmed = inner.trim();
        let lead = inner.len() - inner.trim_start().len();
        let (url, offset) = unquote(trimmed);
        if !url.is_empty() {
            let start = open + lead + offset;
            out.push(Reference {
                start,
                end: start + url.len(),
                url: url.to_string(),
            });
        }
        from = open + close;
    }
}

/// `@import "x"` and `@import 'x'` (the `@import url(x)` form is found as a `url(`).
fn find_imports(text: &str, out: &mut Vec<Reference>) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("@import") {
        let after = from + at + "@import".len();
        from = after;
        let rest = &text[after..];
        let lead = rest.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            continue;
        };
        let start = after + lead + 1;
        out.push(Reference {
            start,
            end: start + end,
            url: rest[1..1 + end].to_string(),
        });
    }
}

/// `sourceMappingURL=x` in a `/*# ... */` or `//# ...` comment.
fn find_source_maps(text: &str, out: &mut Vec<Reference>) {
    let key = "sourceMappingURL=";
    let mut from = 0;
    while let Some(at) = text[from..].find(key) {
        let start = from + at + key.len();
        let before = text[..from + at].trim_end_matches([' ', '#', '@']);
        from = start;
        if !(before.ends_with("//") || before.ends_with("/*")) {
            continue;
        }
        let len = text[start..]
            .find(|c: char| c.is_whitespace() || c == '*')
            .unwrap_or(text.len() - start);
        if len > 0 {
            out.push(Reference {
                start,
                end: start + len,
                url: text[start..start + len].to_string(),
            });
        }
    }
}

/// `'x'` → (`x`, 1); `x` → (`x`, 0).
fn unquote(s: &str) -> (&str, usize) {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return (inner, 1);
        }
    }
    (s, 0)
}

/// Whether a reference is left as it is: data: and other schemes, `//host`, fragments, and
/// absolute paths outside `STATIC_URL`.
fn left_alone(url: &str, static_url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.contains("://")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphabetic()))
        || (url.starts_with('/') && !url.starts_with(static_url))
}

/// The static path `url` (written in file `name`) points at, without its query or fragment.
fn target_of(name: &str, url: &str, static_url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let joined = match path.strip_prefix(static_url) {
        Some(rest) if static_url.starts_with('/') => rest.to_string(),
        _ => match name.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{path}"),
            None => path.to_string(),
        },
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// `text` of file `name` with each reference pointing at its target's hashed name.
fn rewrite(
    name: &str,
    text: &str,
    static_url: &str,
    manifest: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<String, PostProcessError> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for r in references(name, text) {
        if left_alone(&r.url, static_url) {
            continue;
        }
        let target = target_of(name, &r.url, static_url);
        let Some(hashed) = manifest
            .hashed(&target)
            .filter(|_| files.contains_key(&target))
        else {
            return Err(PostProcessError::Missing {
                file: name.to_string(),
                reference: r.url,
                target,
            });
        };
        let hashed_file = hashed.rsplit('/').next().unwrap_or(hashed);
        let path_end = r.url.find(['?', '#']).unwrap_or(r.url.len());
        let (path, suffix) = r.url.split_at(path_end);
        let dir_end = path.rfind('/').map_or(0, |i| i + 1);
        out.push_str(&text[last..r.start]);
        out.push_str(&path[..dir_end]);
        out.push_str(hashed_file);
        out.push_str(suffix);
        last = r.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        list.iter()
            .map(|(n, c)| (n.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn names_carry_twelve_hex_digits_of_md5() {
        assert_eq!(short_hash(b""), "d41d8cd98f00");
        assert_eq!(hashed_name("css/base.css", "abc"), "css/base.abc.css");
        assert_eq!(hashed_name("LICENSE", "abc"), "LICENSE.abc");
        assert_eq!(hashed_name("a/.b", "abc"), "a/.b.abc");
        assert_eq!(hashed_name("js/x.min.js", "abc"), "js/x.min.abc.js");
    }

    #[test]
    fn css_references_point_at_hashed_names() {
        let f = files(&[
            ("img/x.png", "png"),
            (
                "css/a.css",
                "@import 'b.css';\nbody { background: url(\"../img/x.png?v=1#top\") }\n.f { src: url(data:font/woff;base64,AA) } .g { background: url(//cdn/x.png) } .h { background: url(#svg) } .i { background: url(/static/img/x.png) } .j { background: url(/elsewhere.png) }\n/*# sourceMappingURL=a.css.map */",
            ),
            ("css/b.css", "p { background: URL( ../img/x.png ) }"),
            ("css/a.css.map", "{}"),
        ]);
        let (manifest, rewritten) = post_process(&f, "/static/").unwrap();
        let png = manifest.hashed("img/x.png").unwrap();
        let png_file = png.rsplit('/').next().unwrap();
        let a = String::from_utf8(rewritten["css/a.css"].clone()).unwrap();
        let b_hashed = manifest
            .hashed("css/b.css")
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        assert!(a.contains(&format!("@import '{b_hashed}'")), "{a}");
        assert!(
            a.contains(&format!("url(\"../img/{png_file}?v=1#top\")")),
            "{a}"
        );
        assert!(a.contains("url(data:font/woff;base64,AA)"), "{a}");
        assert!(
            a.contains("url(//cdn/x.png)") && a.contains("url(#svg)"),
            "{a}"
        );
        assert!(a.contains(&format!("url(/static/img/{png_file})")), "{a}");
        assert!(a.contains("url(/elsewhere.png)"), "{a}");
        let map = manifest
            .hashed("css/a.css.map")
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        assert!(a.contains(&format!("sourceMappingURL={map} */")), "{a}");
        // a.css's own hash is of its rewritten content, which holds b.css's hashed name.
        assert_eq!(
            manifest.hashed("css/a.css").unwrap(),
            hashed_name("css/a.css", &short_hash(a.as_bytes()))
        );
        let b = String::from_utf8(rewritten["css/b.css"].clone()).unwrap();
        assert_eq!(b, format!("p {{ background: URL( ../img/{png_file} ) }}"));
    }

    #[test]
    fn a_missing_reference_names_both_files() {
        let f = files(&[("css/a.css", "p { background: url(../img/gone.png) }")]);
        let err = post_process(&f, "/static/").unwrap_err().to_string();
        assert!(
            err.contains("'css/a.css'") && err.contains("'img/gone.png'"),
            "{err}"
        );
    }

    #[test]
    fn a_cycle_of_css_stops_after_five_passes() {
        let f = files(&[("a.css", "@import 'b.css';"), ("b.css", "@import 'a.css';")]);
        let err = post_process(&f, "/static/").unwrap_err();
        assert!(matches!(err, PostProcessError::MaxPasses(_)), "{err}");
    }

    #[test]
    fn the_manifest_round_trips_in_djangos_format() {
        let dir = std::env::temp_dir().join(format!("roan-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut m = Manifest::default();
        m.paths
            .insert("css/a.css".into(), "css/a.0123456789ab.css".into());
        std::fs::write(dir.join(MANIFEST_NAME), m.to_json()).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(MANIFEST_NAME)).unwrap())
                .unwrap();
        assert_eq!(json["version"], "1.1");
        assert_eq!(json["paths"]["css/a.css"], "css/a.0123456789ab.css");
        assert_eq!(json["hash"].as_str().unwrap().len(), 12);
        assert_eq!(Manifest::load(&dir).unwrap(), Some(m));
        assert_eq!(Manifest::load(&dir.join("none")).unwrap(), None);
    }
}
