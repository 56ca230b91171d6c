//! Name checks for projects and apps, with a valid suggestion when a name is refused.

/// What is being named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A project (`startproject`); it becomes a crate name.
    Project,
    /// An app (`startapp`); it becomes a module name.
    App,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Project => "project",
            Kind::App => "app",
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Kind::Project => "_site",
            Kind::App => "_app",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union", "raw",
];

/// Crates a project links, and module names a project already uses.
const TAKEN: &[&str] = &[
    "roan",
    "axum",
    "tokio",
    "sea_orm",
    "sea_orm_migration",
    "sea_query",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "minijinja",
    "clap",
    "toml",
    "tower",
    "tower_http",
    "hyper",
    "http",
    "tracing",
    "chrono",
    "uuid",
    "regex",
    "dialoguer",
    "anyhow",
    "thiserror",
    "sqlx",
    "rand",
    "main",
    "build",
    "urls",
    "settings",
    "templates",
    "static",
    "target",
    "src",
    "tests",
    "benches",
    "examples",
];

/// Checks a project or app name; the error says why and suggests a valid name.
///
/// ```
/// use roan::scaffold::names::{check, Kind};
/// assert!(check("blog", Kind::App).is_ok());
/// let err = check("my-site", Kind::Project).unwrap_err();
/// assert!(err.contains("my_site"));
/// ```
pub fn check(name: &str, kind: Kind) -> Result<(), String> {
    let word = kind.word();
    let reason = if name.is_empty() {
        format!("the {word} name is empty")
    } else if !is_identifier(name) {
        format!(
            "'{name}' is not a valid {word} name: use lowercase letters, digits and underscores, starting with a letter"
        )
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        format!(
            "'{name}' is not a valid {word} name: Rust crate and module names are lowercase (snake_case)"
        )
    } else if KEYWORDS.contains(&name) {
        format!("'{name}' is a Rust keyword and cannot be a {word} name")
    } else if name == "_" || name.starts_with("__") {
        format!("'{name}' is not a usable {word} name")
    } else if TAKEN.contains(&name) {
        format!("'{name}' conflicts with the name of a crate or module every project uses")
    } else {
        return Ok(());
    };
    Err(format!("{reason}. Try '{}'.", suggest(name, kind)))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A valid name close to `name`.
pub fn suggest(name: &str, kind: Kind) -> String {
    let mut s = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if matches!(c, '-' | '_' | ' ' | '.') && !s.ends_with('_') {
            s.push('_');
        }
    }
    let mut s = s.trim_matches('_').to_string();
    if s.is_empty() {
        s = match kind {
            Kind::Project => "mysite".into(),
            Kind::App => "myapp".into(),
        };
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("my_{s}");
    }
    if KEYWORDS.contains(&s.as_str()) || TAKEN.contains(&s.as_str()) {
        s.push_str(kind.suffix());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_suggest_valid_names() {
        for (bad, want) in [
            ("my-site", "my_site"),
            ("1abc", "my_1abc"),
            ("fn", "fn_site"),
            ("roan", "roan_site"),
            ("My Site", "my_site"),
            ("tokio", "tokio_site"),
        ] {
            let err = check(bad, Kind::Project).unwrap_err();
            assert!(err.contains(&format!("'{want}'")), "{bad}: {err}");
            assert!(check(want, Kind::Project).is_ok(), "{want}");
        }
        assert!(check("blog", Kind::App).is_ok());
        assert!(check("self", Kind::App).unwrap_err().contains("'self_app'"));
        assert!(check("", Kind::App).is_err());
    }
}
