//! What goes wrong reading settings, with the place and the fix.

use std::path::PathBuf;

/// A settings file that cannot be read or used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("cannot read {}: {source}\n  help: run roan commands inside a project made by `roan startproject`, or set ROAN_SETTINGS to the settings file", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or a key is unknown or has the wrong type.
    #[error("{}:{line}:{column}: {message}{}", path.display(), help.as_ref().map(|h| format!("\n  help: {h}")).unwrap_or_default())]
    Parse {
        /// The settings file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
        /// How to fix it, where known.
        help: Option<String>,
    },
    /// An environment variable meant to override a setting has a value of the wrong type.
    #[error("environment variable {var}: {message}\n  help: {help}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// The settings parse but cannot be used together.
    #[error("setting {key}: {message}\n  help: {help}")]
    Invalid {
        /// The setting at fault.
        key: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
}

impl SettingsError {
    pub(crate) fn from_toml(path: &std::path::Path, text: &str, err: &toml::de::Error) -> Self {
        let (line, column) = err
            .span()
            .map(|span| line_col(text, span.start))
            .unwrap_or((1, 1));
        let raw = err.message().trim().to_string();
        let (message, help) = explain(&raw, text, err.span());
        SettingsError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message,
            help,
        }
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Turns serde's wording into ours and adds a fix.
fn explain(
    raw: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        let expected: Vec<String> = rest
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split(['`', ','])
                    .map(|s| s.trim().trim_start_matches("one of").trim().to_string())
                    .filter(|s| !s.is_empty() && s != "or" && !s.starts_with("or "))
                    .collect()
            })
            .unwrap_or_default();
        let best = expected
            .iter()
            .map(|candidate| {
                (
                    strsim::jaro_winkler(&key.to_ascii_uppercase(), candidate),
                    candidate,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c.clone());
        let help = match best {
            Some(name) => format!("did you mean `{name}`?"),
            None => format!("remove it; known keys here are: {}", expected.join(", ")),
        };
        return (format!("unknown setting `{key}`"), Some(help));
    }
    let key = span
        .and_then(|s| text.get(..s.start))
        .and_then(|before| before.rsplit('\n').next())
        .and_then(|line| line.split('=').next())
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match (raw.starts_with("invalid type"), key) {
        (true, Some(key)) => (
            format!("`{key}` has the wrong type: {raw}"),
            Some(type_help(&key)),
        ),
        _ => (raw.to_string(), None),
    }
}

fn type_help(key: &str) -> String {
    match key {
        "DEBUG" | "APPEND_SLASH" | "APP_DIRS" => format!("write `{key} = true` or `{key} = false`"),
        "STATICFILES_DIRS" => format!(
            "write a list of directories, each a string or a [\"prefix\", \"directory\"] pair, e.g. `{key} = [\"static\"]`"
        ),
        "ALLOWED_HOSTS" | "DIRS" => {
            format!("write a list of strings, e.g. `{key} = [\"example.com\"]`")
        }
        _ => format!("write a quoted string, e.g. `{key} = \"...\"`"),
    }
}
