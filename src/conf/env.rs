//! Environment overrides: a variable named like a setting replaces it.

use super::{Settings, SettingsError};
use std::collections::HashMap;

/// Applies `DEBUG`, `SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL`, ... from `vars`.
///
/// Booleans accept true/false/1/0/yes/no/on/off; lists accept comma-separated values or a TOML
/// array. `DATABASE_URL` replaces the `default` database.
pub(crate) fn apply_overrides(
    settings: Settings,
    vars: &HashMap<String, String>,
) -> Result<Settings, SettingsError> {
    let mut table = match toml::Value::try_from(&settings) {
        Ok(toml::Value::Table(t)) => t,
        _ => return Ok(settings),
    };
    let mut changed = false;
    for name in super::SETTING_NAMES {
        let Some(raw) = vars.get(*name) else { continue };
        let current = table.get(*name).cloned();
        let value = parse_override(name, raw, current.as_ref())?;
        table.insert((*name).to_string(), value);
        changed = true;
    }
    let mut settings = if changed {
        toml::Value::Table(table)
            .try_into::<Settings>()
            .map_err(|e| SettingsError::Env {
                var: "?".into(),
                message: e.to_string(),
                help: "check the environment variables that override settings".into(),
            })?
    } else {
        settings
    };
    if let Some(url) = vars.get("DATABASE_URL").filter(|u| !u.is_empty()) {
        let db = super::DatabaseSettings::from_url(url).map_err(|message| SettingsError::Env {
            var: "DATABASE_URL".into(),
            message,
            help:
                "use sqlite://PATH, postgres://USER@HOST:PORT/NAME or mysql://USER@HOST:PORT/NAME"
                    .into(),
        })?;
        // The URL replaces where the database is, not how roan talks to it.
        let mut db = db;
        if let Some(old) = settings.databases.get("default") {
            db.options = old.options.clone();
        }
        settings.databases.insert("default".into(), db);
    }
    Ok(settings)
}

fn parse_override(
    name: &str,
    raw: &str,
    current: Option<&toml::Value>,
) -> Result<toml::Value, SettingsError> {
    let err = |message: String, help: &str| SettingsError::Env {
        var: name.to_string(),
        message,
        help: help.to_string(),
    };
    match current {
        Some(toml::Value::Boolean(_)) => match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(toml::Value::Boolean(true)),
            "0" | "false" | "no" | "off" | "" => Ok(toml::Value::Boolean(false)),
            other => Err(err(
                format!("`{other}` is not a boolean"),
                &format!("set {name}=true or {name}=false"),
            )),
        },
        Some(toml::Value::Integer(_)) => raw
            .trim()
            .parse::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| {
                err(
                    format!("`{}` is not a whole number", raw.trim()),
                    &format!("set {name} to a number, e.g. {name}=3600"),
                )
            }),
        Some(toml::Value::Array(_)) => {
            let trimmed = raw.trim();
            if trimmed.starts_with('[') {
                let doc: toml::Table = toml::from_str(&format!("v = {trimmed}")).map_err(|e| {
                    err(
                        format!("not a TOML list: {}", e.message()),
                        &format!("set {name}=a,b,c or {name}='[\"a\", \"b\"]'"),
                    )
                })?;
                Ok(doc.get("v").cloned().unwrap_or(toml::Value::Array(vec![])))
            } else {
                Ok(toml::Value::Array(
                    trimmed
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| toml::Value::String(s.to_string()))
                        .collect(),
                ))
            }
        }
        Some(toml::Value::Table(_)) => {
            let doc: toml::Table = toml::from_str(&format!("v = {}", raw.trim())).map_err(|e| {
                err(
                    format!("not a TOML inline table: {}", e.message()),
                    &format!("set {name}='{{ KEY = \"value\" }}'"),
                )
            })?;
            Ok(doc
                .get("v")
                .cloned()
                .unwrap_or(toml::Value::Table(Default::default())))
        }
        _ => Ok(toml::Value::String(raw.to_string())),
    }
}
