//! The project and its installed apps: what `roan::manage` runs.

use crate::conf::{Settings, SettingsError};
use crate::db::ModelState;
use crate::management::Command;
use crate::migrations::Migration;
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
    models: Vec<ModelState>,
    migrations: Option<fn() -> Vec<Migration>>,
    migrations_dir: Option<PathBuf>,
}

impl App {
    /// An app with a label (the app's module name).
    pub fn new(label: &str) -> App {
        App {
            label: label.to_string(),
            templates_dir: None,
            static_dir: None,
            commands: Vec::new(),
            models: Vec::new(),
            migrations: None,
            migrations_dir: None,
        }
    }

    /// Registers a model: a sea-orm entity of this app.
    ///
    /// ```ignore
    /// roan::App::new("blog").model::<models::post::Entity>()
    /// ```
    pub fn model<E: sea_orm::EntityTrait + Default>(mut self) -> App {
        let model = crate::db::model_of::<E>(&self.label);
        self.models.push(model);
        self
    }

    /// Registers a model described directly (contrib apps do this for their own tables).
    pub fn model_state(mut self, model: ModelState) -> App {
        self.models.push(model);
        self
    }

    /// The app's migrations (the `all` function of its `migrations` module).
    pub fn migrations(mut self, migrations: fn() -> Vec<Migration>) -> App {
        self.migrations = Some(migrations);
        self
    }

    /// Where `makemigrations` writes this app's migrations [default: `src/<label>/migrations`].
    pub fn migrations_dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.migrations_dir = Some(dir.into());
        self
    }

    /// The registered models.
    pub fn models(&self) -> &[ModelState] {
        &self.models
    }

    /// The app's migrations, as listed in its migrations module.
    pub fn migration_list(&self) -> Vec<Migration> {
        self.migrations.map(|f| f()).unwrap_or_default()
    }

    /// Whether the app has a migrations module.
    pub fn has_migrations(&self) -> bool {
        self.migrations.is_some()
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

/// A function that wraps the site's routes in middleware (tower layers).
pub type MiddlewareFn = Arc<dyn Fn(axum::Router, &crate::Site) -> axum::Router + Send + Sync>;

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
    middleware: Option<MiddlewareFn>,
}

impl Project {
    /// A project named `name` whose `settings.toml` is in `base_dir`.
    pub fn new(name: &str, base_dir: impl Into<PathBuf>) -> Project {
        Project {
            name: name.to_string(),
            base_dir: base_dir.into(),
            apps: Vec::new(),
            urls: Arc::new(Vec::new),
            middleware: None,
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

    /// Sets the middleware: a function that wraps the routes in tower layers. Without it the
    /// routes get [`crate::middleware::default_stack`]; call that inside to keep roan's stack and
    /// add your own layers around or inside it, or leave it out to build your own order.
    ///
    /// ```
    /// let project = roan::Project::new("mysite", ".").middleware(|routes, site| {
    ///     roan::middleware::default_stack(routes, site)
    ///         .layer(axum::middleware::map_response(|mut r: axum::response::Response| async move {
    ///             r.headers_mut().insert("x-served-by", axum::http::HeaderValue::from_static("roan"));
    ///             r
    ///         }))
    /// });
    /// ```
    pub fn middleware(
        mut self,
        f: impl Fn(axum::Router, &crate::Site) -> axum::Router + Send + Sync + 'static,
    ) -> Project {
        self.middleware = Some(Arc::new(f));
        self
    }

    pub(crate) fn middleware_fn(&self) -> Option<MiddlewareFn> {
        self.middleware.clone()
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

    /// Every migration of every installed app.
    pub fn migrations(&self) -> Vec<Migration> {
        self.apps.iter().flat_map(App::migration_list).collect()
    }

    /// The state of the registered models.
    pub fn model_state(&self) -> crate::migrations::ProjectState {
        crate::migrations::ProjectState::from_models(
            self.apps.iter().flat_map(|a| a.models().iter().cloned()),
        )
    }

    /// The directory of an app's migration files.
    pub fn migrations_dir(&self, app: &App) -> PathBuf {
        app.migrations_dir.clone().unwrap_or_else(|| {
            self.base_dir
                .join("src")
                .join(app.label())
                .join("migrations")
        })
    }

    pub(crate) fn url_patterns(&self) -> Vec<Pattern> {
        (self.urls)()
    }
}
