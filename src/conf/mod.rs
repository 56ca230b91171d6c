//! Settings: `settings.toml` with Django's names, each key overridable from the environment.
//!
//! ```
//! let settings = roan::conf::Settings::from_toml_str(
//!     "SECRET_KEY = \"dev\"\nDEBUG = true\n",
//!     std::path::Path::new("settings.toml"),
//!     &std::collections::HashMap::new(),
//! ).unwrap();
//! assert!(settings.debug);
//! assert_eq!(settings.static_url, "/static/");
//! ```

mod database;
mod env;
mod error;
pub(crate) mod sections;

pub use database::{DatabaseOptions, DatabaseSettings, Engine, PoolOptions};
pub use error::SettingsError;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The settings of a project, read from `settings.toml`.
///
/// Field names follow Django's (`SECRET_KEY`, `DEBUG`, `ALLOWED_HOSTS`, ...). A value of the wrong
/// type, or a key that is nearly one of these names, stops the start with the file, line, column
/// and the fix. Installed apps add sections of their own ([`crate::App::settings`], read with
/// [`Settings::section`]); any other UPPERCASE key is the project's ([`Settings::get`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Signs sessions and tokens. Required when `DEBUG` is false.
    #[serde(rename = "SECRET_KEY", default)]
    pub secret_key: String,
    /// Development mode: detailed error pages, template reloading, static files served.
    #[serde(rename = "DEBUG", default)]
    pub debug: bool,
    /// Host names this site serves. With `DEBUG` and an empty list, localhost names pass.
    #[serde(rename = "ALLOWED_HOSTS", default)]
    pub allowed_hosts: Vec<String>,
    /// Database connections by alias; `default` is the one views use.
    #[serde(rename = "DATABASES", default = "database::default_databases")]
    pub databases: BTreeMap<String, DatabaseSettings>,
    /// The site's time zone (an IANA name, `"Europe/Paris"`): forms read and show dates and
    /// times in it, and so does the `date` filter (see [`crate::timezone`]).
    #[serde(rename = "TIME_ZONE", default = "default_time_zone")]
    pub time_zone: String,
    /// Whether dates and times are aware: stored as UTC, read and shown in `TIME_ZONE`
    /// (Django's `USE_TZ`, true by default since Django 5). False: naive values, as typed.
    #[serde(rename = "USE_TZ", default = "yes")]
    pub use_tz: bool,
    /// Language of the site.
    #[serde(rename = "LANGUAGE_CODE", default = "default_language_code")]
    pub language_code: String,
    /// URL prefix of static files; must start and end with `/`.
    #[serde(rename = "STATIC_URL", default = "default_static_url")]
    pub static_url: String,
    /// Where `collectstatic` gathers static files for deployment.
    #[serde(rename = "STATIC_ROOT", default = "default_static_root")]
    pub static_root: String,
    /// Extra directories of static files (relative to the project directory).
    #[serde(rename = "STATICFILES_DIRS", default = "default_staticfiles_dirs")]
    pub staticfiles_dirs: Vec<StaticFilesDir>,
    /// Template configuration.
    #[serde(rename = "TEMPLATES", default)]
    pub templates: TemplateSettings,
    /// Redirect `/path` to `/path/` when only the latter matches a URL pattern.
    #[serde(rename = "APPEND_SLASH", default = "yes")]
    pub append_slash: bool,
    /// Filter for log lines, in `tracing` syntax (`info`, `roan=debug`, ...).
    #[serde(rename = "LOG_LEVEL", default = "default_log_level")]
    pub log_level: String,
    /// Largest request body accepted, in bytes (2.5 MB); larger ones get 413.
    #[serde(rename = "DATA_UPLOAD_MAX_MEMORY_SIZE", default = "default_upload_max")]
    pub data_upload_max_memory_size: u64,
    /// Most fields a form submission may have (1000); more is a 400.
    #[serde(
        rename = "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        default = "default_max_fields"
    )]
    pub data_upload_max_number_fields: usize,
    /// Uploads larger than this (2.5 MB) are streamed to a temporary file, not held in memory.
    #[serde(rename = "FILE_UPLOAD_MAX_MEMORY_SIZE", default = "default_upload_max")]
    pub file_upload_max_memory_size: u64,
    /// Where large uploads are streamed to; empty is the system's temporary directory.
    #[serde(rename = "FILE_UPLOAD_TEMP_DIR", default)]
    pub file_upload_temp_dir: String,
    /// Where uploaded files are stored (relative to the project directory).
    #[serde(rename = "MEDIA_ROOT", default = "default_media_root")]
    pub media_root: String,
    /// URL prefix of uploaded files; served from `MEDIA_ROOT` when `DEBUG` is on.
    #[serde(rename = "MEDIA_URL", default = "default_media_url")]
    pub media_url: String,
    /// Directories `loaddata` searches for fixtures by name, after each app's
    /// `src/<app>/fixtures/` (relative to the project directory), as Django's `FIXTURE_DIRS`.
    #[serde(rename = "FIXTURE_DIRS", default)]
    pub fixture_dirs: Vec<String>,
    /// `X-Frame-Options` on every response that does not set its own ("DENY" or "SAMEORIGIN").
    #[serde(rename = "X_FRAME_OPTIONS", default = "default_x_frame_options")]
    pub x_frame_options: String,
    /// Send `X-Content-Type-Options: nosniff`.
    #[serde(rename = "SECURE_CONTENT_TYPE_NOSNIFF", default = "yes")]
    pub secure_content_type_nosniff: bool,
    /// `Referrer-Policy`; empty sends none.
    #[serde(rename = "SECURE_REFERRER_POLICY", default = "same_origin")]
    pub secure_referrer_policy: String,
    /// `Cross-Origin-Opener-Policy`; empty sends none.
    #[serde(rename = "SECURE_CROSS_ORIGIN_OPENER_POLICY", default = "same_origin")]
    pub secure_cross_origin_opener_policy: String,
    /// `Strict-Transport-Security` max-age on HTTPS responses; 0 sends none.
    #[serde(rename = "SECURE_HSTS_SECONDS", default)]
    pub secure_hsts_seconds: u64,
    /// Add `includeSubDomains` to HSTS.
    #[serde(rename = "SECURE_HSTS_INCLUDE_SUBDOMAINS", default)]
    pub secure_hsts_include_subdomains: bool,
    /// Add `preload` to HSTS.
    #[serde(rename = "SECURE_HSTS_PRELOAD", default)]
    pub secure_hsts_preload: bool,
    /// Redirect plain HTTP requests to HTTPS.
    #[serde(rename = "SECURE_SSL_REDIRECT", default)]
    pub secure_ssl_redirect: bool,
    /// A header and value a proxy sets on HTTPS requests, e.g. `["X-Forwarded-Proto", "https"]`.
    #[serde(rename = "SECURE_PROXY_SSL_HEADER", default)]
    pub secure_proxy_ssl_header: Vec<String>,
    /// Name of the session cookie.
    #[serde(rename = "SESSION_COOKIE_NAME", default = "default_session_cookie")]
    pub session_cookie_name: String,
    /// Session lifetime in seconds (two weeks).
    #[serde(rename = "SESSION_COOKIE_AGE", default = "default_session_age")]
    pub session_cookie_age: u64,
    /// Send the session cookie over HTTPS only.
    #[serde(rename = "SESSION_COOKIE_SECURE", default)]
    pub session_cookie_secure: bool,
    /// `SameSite` of the session cookie: "Lax", "Strict" or "None".
    #[serde(rename = "SESSION_COOKIE_SAMESITE", default = "default_samesite")]
    pub session_cookie_samesite: String,
    /// The session ends when the browser closes (no Max-Age on the cookie).
    #[serde(rename = "SESSION_EXPIRE_AT_BROWSER_CLOSE", default)]
    pub session_expire_at_browser_close: bool,
    /// Save the session on every request, not only when it changed.
    #[serde(rename = "SESSION_SAVE_EVERY_REQUEST", default)]
    pub session_save_every_request: bool,
    /// Origins trusted for unsafe requests over HTTPS, e.g. `["https://*.example.com"]`.
    #[serde(rename = "CSRF_TRUSTED_ORIGINS", default)]
    pub csrf_trusted_origins: Vec<String>,
    /// Name of the CSRF cookie.
    #[serde(rename = "CSRF_COOKIE_NAME", default = "default_csrf_cookie")]
    pub csrf_cookie_name: String,
    /// Send the CSRF cookie over HTTPS only.
    #[serde(rename = "CSRF_COOKIE_SECURE", default)]
    pub csrf_cookie_secure: bool,
    /// Where `login_required` sends anonymous users.
    #[serde(rename = "LOGIN_URL", default = "default_login_url")]
    pub login_url: String,
    /// Where the login view goes when no `next` is given.
    #[serde(rename = "LOGIN_REDIRECT_URL", default = "default_login_redirect")]
    pub login_redirect_url: String,
    /// Where the logout view goes; empty shows the "logged out" page.
    #[serde(rename = "LOGOUT_REDIRECT_URL", default)]
    pub logout_redirect_url: String,
    /// Directory of the project (where `settings.toml` is); not a key of the file.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// Path of the settings file that was read; not a key of the file.
    #[serde(skip)]
    pub settings_file: PathBuf,
    /// The installed apps' sections.
    #[serde(skip)]
    sections: sections::Sections,
    /// The project's own keys.
    #[serde(skip)]
    extra: toml::Table,
}

/// `[TEMPLATES]`: where templates are looked up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    /// Directories searched first, relative to the project directory.
    #[serde(rename = "DIRS", default = "default_template_dirs")]
    pub dirs: Vec<String>,
    /// Also search the templates of installed apps (contrib apps ship their own).
    #[serde(rename = "APP_DIRS", default = "yes")]
    pub app_dirs: bool,
}

impl Default for TemplateSettings {
    fn default() -> Self {
        TemplateSettings {
            dirs: default_template_dirs(),
            app_dirs: true,
        }
    }
}

fn default_login_url() -> String {
    "/accounts/login/".into()
}
fn default_login_redirect() -> String {
    "/".into()
}

fn yes() -> bool {
    true
}
fn default_time_zone() -> String {
    "UTC".into()
}
fn default_language_code() -> String {
    "en-us".into()
}
fn default_static_url() -> String {
    "/static/".into()
}
fn default_static_root() -> String {
    "staticfiles".into()
}
fn default_staticfiles_dirs() -> Vec<StaticFilesDir> {
    vec![StaticFilesDir::Path("static".into())]
}

/// One entry of `STATICFILES_DIRS`: a directory, or `["prefix", "directory"]` to serve its
/// files under `STATIC_URL` + `prefix/` (Django's `(prefix, path)` tuples).
///
/// ```toml
/// STATICFILES_DIRS = ["static", ["downloads", "/opt/webfiles/stats"]]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StaticFilesDir {
    /// A directory, relative to the project directory or absolute.
    Path(String),
    /// A prefix and a directory.
    Prefixed(String, String),
}

impl StaticFilesDir {
    /// The directory as written.
    pub fn path(&self) -> &str {
        match self {
            StaticFilesDir::Path(p) | StaticFilesDir::Prefixed(_, p) => p,
        }
    }

    /// The prefix, empty for a plain directory.
    pub fn prefix(&self) -> &str {
        match self {
            StaticFilesDir::Path(_) => "",
            StaticFilesDir::Prefixed(prefix, _) => prefix.trim_matches('/'),
        }
    }
}
fn default_template_dirs() -> Vec<String> {
    vec!["templates".into()]
}
fn default_upload_max() -> u64 {
    2_621_440
}
fn default_max_fields() -> usize {
    1000
}
fn default_media_root() -> String {
    "media".into()
}
fn default_media_url() -> String {
    "/media/".into()
}
fn default_x_frame_options() -> String {
    "DENY".into()
}
fn same_origin() -> String {
    "same-origin".into()
}
fn default_session_cookie() -> String {
    "sessionid".into()
}
fn default_session_age() -> u64 {
    1_209_600
}
fn default_samesite() -> String {
    "Lax".into()
}
fn default_csrf_cookie() -> String {
    "csrftoken".into()
}
fn default_log_level() -> String {
    "info".into()
}

/// The names of every top-level setting, in the order `diffsettings` prints them.
pub const SETTING_NAMES: &[&str] = &[
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASES",
    "TIME_ZONE",
    "USE_TZ",
    "LANGUAGE_CODE",
    "STATIC_URL",
    "STATIC_ROOT",
    "STATICFILES_DIRS",
    "TEMPLATES",
    "APPEND_SLASH",
    "LOG_LEVEL",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "FILE_UPLOAD_TEMP_DIR",
    "MEDIA_ROOT",
    "MEDIA_URL",
    "FIXTURE_DIRS",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_SAVE_EVERY_REQUEST",
    "CSRF_TRUSTED_ORIGINS",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "LOGIN_URL",
    "LOGIN_REDIRECT_URL",
    "LOGOUT_REDIRECT_URL",
];

impl Settings {
    /// Reads `path`, applies overrides from the process environment and validates the result.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::from_toml_str(&text, path, &vars)
    }

    /// Parses settings from TOML text; `path` is used in messages and to resolve relative paths,
    /// `vars` are the environment overrides (`DEBUG`, `SECRET_KEY`, `DATABASE_URL`, ...).
    pub fn from_toml_str(
        text: &str,
        path: &Path,
        vars: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        Settings::parse(text, path, vars, &[])
    }

    /// Reads `path` with the sections the project's apps declare.
    pub(crate) fn load_with(
        path: &Path,
        declared: &[crate::apps::SettingsSection],
    ) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::parse(&text, path, &vars, declared)
    }

    fn parse(
        text: &str,
        path: &Path,
        vars: &HashMap<String, String>,
        declared: &[crate::apps::SettingsSection],
    ) -> Result<Settings, SettingsError> {
        let parsed: Settings =
            toml::from_str(text).map_err(|e| SettingsError::from_toml(path, text, &e))?;
        let mut known: Vec<&str> = SETTING_NAMES.to_vec();
        known.extend(declared.iter().map(|s| s.name));
        let extra = sections::project_keys(text, path, &known)?;
        let mut found = sections::Sections::default();
        for section in declared {
            found
                .0
                .insert(section.name, (section.parse)(section.name, text, path)?);
        }
        let mut settings = env::apply_overrides(parsed, vars)?;
        settings.sections = found;
        settings.extra = extra;
        settings.settings_file = path.to_path_buf();
        settings.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        settings.validate()?;
        Ok(settings)
    }

    /// The time zone forms and templates use: `TIME_ZONE` under `USE_TZ`, else `None` (naive
    /// dates and times, taken as typed).
    pub fn current_time_zone(&self) -> Option<crate::timezone::Tz> {
        self.use_tz.then(|| match self.time_zone.as_str() {
            "UTC" => crate::timezone::Tz::UTC,
            name => crate::timezone::parse(name).unwrap_or(crate::timezone::Tz::UTC),
        })
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if let Err(e) = crate::timezone::parse(&self.time_zone) {
            return Err(SettingsError::Invalid {
                key: "TIME_ZONE".into(),
                message: format!("Incorrect timezone setting: {e}"),
                help:
                    "write an IANA name such as \"UTC\", \"Europe/Paris\" or \"America/New_York\""
                        .into(),
            });
        }
        if !self.debug && self.secret_key.trim().is_empty() {
            return Err(SettingsError::Invalid {
                key: "SECRET_KEY".into(),
                message: "SECRET_KEY is empty and DEBUG is false".into(),
                help: "set SECRET_KEY in settings.toml or in the environment (a random string of 50 or more characters)".into(),
            });
        }
        if !self.static_url.starts_with('/') && !self.static_url.contains("://")
            || !self.static_url.ends_with('/')
        {
            return Err(SettingsError::Invalid {
                key: "STATIC_URL".into(),
                message: format!(
                    "STATIC_URL = {:?} must start and end with a slash",
                    self.static_url
                ),
                help: "write it like \"/static/\"".into(),
            });
        }
        if !matches!(self.x_frame_options.as_str(), "DENY" | "SAMEORIGIN") {
            return Err(SettingsError::Invalid {
                key: "X_FRAME_OPTIONS".into(),
                message: format!(
                    "X_FRAME_OPTIONS = {:?} is not DENY or SAMEORIGIN",
                    self.x_frame_options
                ),
                help: "write X_FRAME_OPTIONS = \"DENY\" (the default) or \"SAMEORIGIN\"".into(),
            });
        }
        if !self.secure_proxy_ssl_header.is_empty() && self.secure_proxy_ssl_header.len() != 2 {
            return Err(SettingsError::Invalid {
                key: "SECURE_PROXY_SSL_HEADER".into(),
                message: "SECURE_PROXY_SSL_HEADER must be a header name and a value".into(),
                help: "write SECURE_PROXY_SSL_HEADER = [\"X-Forwarded-Proto\", \"https\"]".into(),
            });
        }
        if !matches!(
            self.session_cookie_samesite.as_str(),
            "Lax" | "Strict" | "None"
        ) {
            return Err(SettingsError::Invalid {
                key: "SESSION_COOKIE_SAMESITE".into(),
                message: format!(
                    "{:?} is not Lax, Strict or None",
                    self.session_cookie_samesite
                ),
                help: "write SESSION_COOKIE_SAMESITE = \"Lax\" (the default)".into(),
            });
        }
        if !self.databases.contains_key("default") {
            return Err(SettingsError::Invalid {
                key: "DATABASES".into(),
                message: "DATABASES has no `default` connection".into(),
                help: "add a [DATABASES.default] table, e.g. ENGINE = \"sqlite\" and NAME = \"db.sqlite3\"".into(),
            });
        }
        for (alias, db) in &self.databases {
            db.validate(alias)?;
        }
        Ok(())
    }

    /// `MEDIA_ROOT` as a path (relative ones from the project directory).
    pub fn media_root_path(&self) -> PathBuf {
        self.path(&self.media_root)
    }

    /// `DATA_UPLOAD_MAX_MEMORY_SIZE` as a length in bytes, for the body limits.
    pub fn data_upload_limit(&self) -> usize {
        usize::try_from(self.data_upload_max_memory_size).unwrap_or(usize::MAX)
    }

    /// Resolves a path from the settings against the project directory.
    pub fn path(&self, relative: &str) -> PathBuf {
        let p = Path::new(relative);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// An installed app's settings section (declared with [`crate::App::settings`]), `None`
    /// when no installed app declares `name` with type `T`.
    ///
    /// ```
    /// let settings = roan::conf::Settings::from_toml_str(
    ///     "DEBUG = true\nBLOG_PAGE_SIZE = 20\n",
    ///     std::path::Path::new("settings.toml"),
    ///     &Default::default(),
    /// )
    /// .unwrap();
    /// assert!(settings.section::<u32>("NOT_DECLARED").is_none());
    /// assert_eq!(settings.get::<u32>("BLOG_PAGE_SIZE"), Some(20));
    /// ```
    pub fn section<T: 'static>(&self, name: &str) -> Option<&T> {
        self.sections.0.get(name)?.downcast_ref::<T>()
    }

    /// A key of the project's own (`BLOG_PAGE_SIZE = 20` in `settings.toml`), read as `T`;
    /// `None` when absent or of another type.
    pub fn get<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.extra.get(name)?.clone().try_into().ok()
    }

    /// The connection URL of the `default` database.
    pub fn database_url(&self) -> String {
        self.databases
            .get("default")
            .map(|db| db.url(&self.base_dir))
            .unwrap_or_default()
    }

    /// Settings as `(name, value)` pairs with secrets masked, for error pages and `diffsettings`.
    ///
    /// A value is masked when its name contains PASSWORD, TOKEN, KEY, SECRET (as Django does),
    /// and the password inside a database URL is masked too.
    pub fn masked_pairs(&self) -> Vec<(String, String)> {
        self.pairs(true)
    }

    /// Settings as `(name, TOML value)` pairs, in `SETTING_NAMES` order; `masked` hides secrets.
    pub fn pairs(&self, masked: bool) -> Vec<(String, String)> {
        let value = match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => return Vec::new(),
        };
        SETTING_NAMES
            .iter()
            .filter_map(|name| {
                value.get(*name).map(|v| {
                    let shown = if masked {
                        mask_value(name, v)
                    } else {
                        v.clone()
                    };
                    (name.to_string(), shown.to_string())
                })
            })
            .collect()
    }
}

/// The text that replaces a secret value.
pub const MASK: &str = "********************";

/// Whether a setting name holds a secret (Django's rule).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "TOKEN", "KEY", "SECRET", "SIGNATURE"]
        .iter()
        .any(|s| upper.contains(s))
}

fn mask_value(name: &str, value: &toml::Value) -> toml::Value {
    if is_secret_name(name) {
        return toml::Value::String(MASK.into());
    }
    match value {
        toml::Value::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(k, v)| (k.clone(), mask_value(k, v)))
                .collect(),
        ),
        toml::Value::String(s) if s.contains("://") => {
            toml::Value::String(database::mask_url_password(s))
        }
        other => other.clone(),
    }
}
