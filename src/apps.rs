//! The project and its installed apps: what `roan::manage` runs.

use crate::conf::{Settings, SettingsError};
use crate::management::Command;
use crate::urls::Pattern;
use std::path::PathBuf;
use std::sync::Arc;

/// An installed app: a label, and optionally its own templates, static files and commands.
///
/// ```
/// let app = roan::App::new("blog");
/// assert_eq!(app.label(), "blog");
/// ```
#[derive(Clone)]
pub struct App {
    label: String,
    templates_dir: Option<PathBuf>,
    static_dir: Option<PathBuf>,
    commands: Vec<Arc<dyn Command>>,
}

impl App {
    /// An app with a label (the app's module name).
    pub fn new(label: &str) -> App {
        App {
            label: label.to_string(),
            templates_dir: None,
            static_dir: None,
            commands: Vec::new(),
        }
    }

    /// A directory of templates searched after the project's `TEMPLATES.DIRS`.
    pub fn templates_dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.templates_dir = Some(dir.into());
        self
    }

    /// A directory of static files served under `STATIC_URL` in DEBUG.
    pub fn static_dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.static_dir = Some(dir.into());
        self
    }

    /// Adds a management command, run as `roan <name>` in the project.
    pub fn command(mut self, command: impl Command + 'static) -> App {
        self.commands.push(Arc::new(command));
        self
    }

    /// The app label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The app's management commands.
    pub fn commands(&self) -> &[Arc<dyn Command>] {
        &self.commands
    }

    pub(crate) fn templates(&self) -> Option<&PathBuf> {
        self.templates_dir.as_ref()
    }

    pub(crate) fn statics(&self) -> Option<&PathBuf> {
        self.static_dir.as_ref()
    }
}

type UrlConf = Arc<dyn Fn() -> Vec<Pattern> + Send + Sync>;

/// A project: its name, directory, installed apps and root URLs. `src/main.rs` builds one and
/// hands it to [`crate::manage`].
///
/// ```
/// fn urlpatterns() -> Vec<roan::urls::Pattern> { vec![] }
/// let project = roan::Project::new("mysite", env!("CARGO_MANIFEST_DIR"))
///     .app(roan::App::new("blog"))
///     .urls(urlpatterns);
/// assert_eq!(project.name(), "mysite");
/// ```
#[derive(Clone)]
pub struct Project {
    name: String,
    base_dir: PathBuf,
    apps: Vec<App>,
    urls: UrlConf,
}

impl Project {
    /// A project named `name` whose `settings.toml` is in `base_dir`.
    pub fn new(name: &str, base_dir: impl Into<PathBuf>) -> Project {
        Project {
            name: name.to_string(),
            base_dir: base_dir.into(),
            apps: Vec::new(),
            urls: Arc::new(Vec::new),
        }
    }

    /// Installs an app.
    pub fn app(mut self, app: App) -> Project {
        self.apps.push(app);
        self
    }

    /// Sets the root URL configuration (the project's `urls::urlpatterns`).
    pub fn urls(mut self, urls: impl Fn() -> Vec<Pattern> + Send + Sync + 'static) -> Project {
        self.urls = Arc::new(urls);
        self
    }

    /// The project name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The installed apps, in order.
    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// The project directory.
    pub fn base_dir(&self) -> &std::path::Path {
        &self.base_dir
    }

    /// The settings file: `ROAN_SETTINGS` when set, else `settings.toml` in the project directory.
    pub fn settings_path(&self) -> PathBuf {
        match std::env::var_os("ROAN_SETTINGS") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => self.base_dir.join("settings.toml"),
        }
    }

    /// Reads and validates the settings.
    pub fn load_settings(&self) -> Result<Settings, SettingsError> {
        Settings::load(&self.settings_path())
    }

    pub(crate) fn url_patterns(&self) -> Vec<Pattern> {
        (self.urls)()
    }
}
