//! Settings sections that apps declare ([`crate::App::settings`]) and the project's own keys.
//!
//! roan's settings are one typed struct; an installed app adds a top-level key of its own, read
//! straight from the file's text so that a wrong type or an unknown key inside it names the
//! file, line and column. Any other UPPERCASE key is the project's own (Django lets a project
//! keep `BLOG_PAGE_SIZE` beside its settings), read with [`super::Settings::get`]; a key that
//! is nearly a known name is a typo and stops the start.

use super::SettingsError;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

/// A parsed section, by type.
pub(crate) type SectionValue = Arc<dyn Any + Send + Sync>;

/// Reads one section from the settings text: `(name, text, path)`.
pub(crate) type ParseFn = fn(&str, &str, &Path) -> Result<SectionValue, SettingsError>;

/// The sections of one settings load, by name.
#[derive(Clone, Default)]
pub(crate) struct Sections(pub BTreeMap<&'static str, SectionValue>);

impl fmt::Debug for Sections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

pub(crate) fn parse_fn<T>() -> ParseFn
where
    T: DeserializeOwned + Default + Send + Sync + 'static,
{
    parse::<T>
}

fn parse<T>(name: &str, text: &str, path: &Path) -> Result<SectionValue, SettingsError>
where
    T: DeserializeOwned + Default + Send + Sync + 'static,
{
    let de =
        toml::Deserializer::parse(text).map_err(|e| SettingsError::from_toml(path, text, &e))?;
    let value: Option<T> = PickKey::<T> {
        key: name,
        _t: PhantomData,
    }
    .deserialize(de)
    .map_err(|e| SettingsError::from_toml(path, text, &e))?;
    Ok(Arc::new(value.unwrap_or_default()))
}

/// Deserializes the value of one top-level key, leaving the others alone, so the deserializer
/// reports positions in the whole file.
struct PickKey<'k, T> {
    key: &'k str,
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PickKey<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PickKey<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a settings table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut out = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.key {
                out = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// The top-level keys that are neither roan's settings nor a declared section: the project's
/// own, returned as a table; a lowercase key or one that is nearly a known name is an error at
/// its line and column.
pub(crate) fn project_keys(
    text: &str,
    path: &Path,
    known: &[&str],
) -> Result<toml::Table, SettingsError> {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        // The typed parse reports a syntax error with its position.
        return Ok(toml::Table::new());
    };
    let mut unknown = Vec::new();
    for (key, _) in doc.get_ref().iter() {
        let name: &str = key.get_ref();
        if known.contains(&name) {
            continue;
        }
        let near = known
            .iter()
            .map(|k| (strsim::jaro_winkler(&name.to_ascii_uppercase(), k), *k))
            .filter(|(score, _)| *score > 0.9)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let problem = if name != name.to_ascii_uppercase() {
            Some(match near {
                Some((_, k)) => format!("did you mean `{k}`?"),
                None => "settings are UPPERCASE, as in Django".to_string(),
            })
        } else {
            near.map(|(_, k)| format!("did you mean `{k}`? (a key of the project's own must not look like one of roan's)"))
        };
        if let Some(help) = problem {
            let (line, column) = super::error::line_col(text, key.span().start);
            return Err(SettingsError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: format!("unknown setting `{name}`"),
                help: Some(help),
            });
        }
        unknown.push(name.to_string());
    }
    let table: toml::Table = text.parse().unwrap_or_default();
    Ok(table
        .into_iter()
        .filter(|(k, _)| unknown.contains(k))
        .collect())
}
