//! The project and its installed apps: what `roan::manage` runs.

use crate::conf::{Settings, SettingsError};
use crate::db::ModelState;
use crate::management::Command;
use crate::management::checks::CheckMessage;
use crate::migrations::Migration;
use crate::urls::Pattern;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::response::Response;
use std::convert::Infallible;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, as the hooks return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The service an app's middleware layer wraps: the rest of the stack and the views.
///
/// Shared rather than boxed: cloning it (tower services are cloned for every request) is one
/// reference count, however many layers are below it.
#[derive(Clone)]
pub struct AppService(
    Arc<dyn Fn(Request) -> BoxFuture<'static, Result<Response, Infallible>> + Send + Sync>,
);

impl AppService {
    /// Wraps a service.
    pub fn new<S>(service: S) -> AppService
    where
        S: tower::Service<Request, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        AppService(Arc::new(move |request| {
            let service = service.clone();
            Box::pin(tower::ServiceExt::oneshot(service, request))
        }))
    }
}

impl tower::Service<Request> for AppService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        (self.0)(request)
    }
}

/// Makes an app's layer around the service below it; `None` when the app's middleware is not
/// used with these settings (Django's `MiddlewareNotUsed`).
pub(crate) type LayerFn = Arc<dyn Fn(&crate::Site, AppService) -> Option<AppService> + Send + Sync>;

/// A context processor: template variables from the request, evaluated when the view renders
/// (Django's `TEMPLATES.OPTIONS.context_processors`). Values that need the database should be
/// [`crate::template::Deferred`], loaded only when a template reads them.
pub type ContextProcessor = fn(&Parts) -> Vec<(&'static str, minijinja::Value)>;

/// A step after `migrate` (Django's `post_migrate` signal), given the database and the project.
pub type PostMigrate =
    for<'a> fn(&'a sea_orm::DatabaseConnection, &'a Project) -> BoxFuture<'a, crate::Result<()>>;

/// A system check (Django's `checks.register`): messages with ids such as `auth.E001`.
pub type Check = fn(&Project, &crate::Site) -> Vec<CheckMessage>;

/// Adds functions, filters or globals to the template engine (Django's template tag libraries,
/// installed as builtins); it runs after roan's own, so it may replace one.
pub type TemplateLibrary = fn(&mut minijinja::Environment<'static>, &crate::conf::Settings);

/// A settings section an app declares: its top-level key and how to read it.
#[derive(Clone)]
pub(crate) struct SettingsSection {
    pub name: &'static str,
    pub parse: crate::conf::sections::ParseFn,
}

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
    layers: Vec<LayerFn>,
    context: Vec<ContextProcessor>,
    post_migrate: Vec<PostMigrate>,
    checks: Vec<Check>,
    sections: Vec<SettingsSection>,
    template_libraries: Vec<TemplateLibrary>,
    embedded_static: Option<EmbeddedStatic>,
    displays: Vec<crate::db::display::Display>,
    unmanaged: Vec<ModelState>,
    many_to_many: Vec<[String; 3]>,
}

/// Static files compiled into the binary (a `rust_embed::Embed` type), as contrib apps ship
/// theirs so that a project needs no copy of their sources at run time.
#[derive(Clone, Copy)]
pub struct EmbeddedStatic {
    /// The file named `path`, if there is one.
    pub get: fn(&str) -> Option<std::borrow::Cow<'static, [u8]>>,
    /// Every file's path.
    pub list: fn() -> Vec<String>,
}

impl std::fmt::Debug for EmbeddedStatic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedStatic")
    }
}

impl EmbeddedStatic {
    /// The files of a `rust_embed::Embed` type.
    pub fn of<E: rust_embed::RustEmbed>() -> EmbeddedStatic {
        EmbeddedStatic {
            get: |path| E::get(path).map(|f| f.data),
            list: || E::iter().map(|p| p.into_owned()).collect(),
        }
    }
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
            layers: Vec::new(),
            context: Vec::new(),
            post_migrate: Vec::new(),
            checks: Vec::new(),
            sections: Vec::new(),
            template_libraries: Vec::new(),
            embedded_static: None,
            displays: Vec::new(),
            unmanaged: Vec::new(),
            many_to_many: Vec::new(),
        }
    }

    /// Adds middleware: a tower layer made for the site, wrapped around every request.
    ///
    /// Apps' layers sit inside roan's security layer and outside the request body limit, in
    /// `INSTALLED_APPS` order: the first app's layer runs first (sessions, then messages and
    /// auth, as Django's `MIDDLEWARE`).
    ///
    /// ```
    /// use axum::extract::Request;
    /// use axum::response::Response;
    /// use roan::middleware::{Middleware, MiddlewareLayer};
    ///
    /// /// Adds `X-App: blog` to every response.
    /// #[derive(Clone)]
    /// struct Tag;
    ///
    /// impl Middleware for Tag {
    ///     type State = ();
    ///     async fn before(&self, _request: &mut Request) -> Result<(), Response> { Ok(()) }
    ///     async fn after(&self, _state: (), mut response: Response) -> Response {
    ///         response.headers_mut().insert("x-app", "blog".parse().unwrap());
    ///         response
    ///     }
    /// }
    ///
    /// let app = roan::App::new("blog").layer(|_site| MiddlewareLayer::new(Tag));
    /// ```
    pub fn layer<L>(self, make: impl Fn(&crate::Site) -> L + Send + Sync + 'static) -> App
    where
        L: tower::Layer<AppService>,
        L::Service: tower::Service<Request, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<Request>>::Future: Send + 'static,
    {
        self.layer_if(move |site| Some(make(site)))
    }

    /// Adds a [`Middleware`](crate::middleware::Middleware) (Django's `MIDDLEWARE` entry: a
    /// step before the view and one after), made for the site; `None` leaves it out with these
    /// settings (Django's `MiddlewareNotUsed`). It takes its place as [`App::layer`]'s do, and
    /// costs one boxed future per request it [`applies`](crate::middleware::Middleware::applies)
    /// to, none for the others.
    ///
    /// ```
    /// # #[derive(Clone)] struct Timing;
    /// # impl roan::middleware::Middleware for Timing {
    /// #     type State = ();
    /// #     async fn before(&self, _r: &mut axum::extract::Request) -> Result<(), axum::response::Response> { Ok(()) }
    /// #     async fn after(&self, _s: (), r: axum::response::Response) -> axum::response::Response { r }
    /// # }
    /// let app = roan::App::new("timing").middleware(|_site| Some(Timing));
    /// ```
    pub fn middleware<M: crate::middleware::Middleware>(
        mut self,
        make: impl Fn(&crate::Site) -> Option<M> + Send + Sync + 'static,
    ) -> App {
        self.layers.push(Arc::new(move |site, next| {
            let middleware = Arc::new(make(site)?);
            Some(AppService(Arc::new(move |request| {
                if !middleware.applies(&request) {
                    // Nothing to do here: the rest of the stack's future, with no box of ours.
                    return (next.0)(request);
                }
                let next = next.clone();
                Box::pin(crate::middleware::around(
                    middleware.clone(),
                    request,
                    move |request| (next.0)(request),
                ))
            })))
        }));
        self
    }

    /// As [`App::layer`], for middleware that only some settings use: `None` leaves it out of
    /// the stack (Django's `MiddlewareNotUsed`), so requests do not pass through it at all.
    ///
    /// ```
    /// use roan::middleware::MiddlewareLayer;
    /// # #[derive(Clone)] struct Toolbar;
    /// # impl roan::middleware::Middleware for Toolbar {
    /// #     type State = ();
    /// #     async fn before(&self, _r: &mut axum::extract::Request) -> Result<(), axum::response::Response> { Ok(()) }
    /// #     async fn after(&self, _s: (), r: axum::response::Response) -> axum::response::Response { r }
    /// # }
    /// let app = roan::App::new("toolbar")
    ///     .layer_if(|site| site.settings().debug.then(|| MiddlewareLayer::new(Toolbar)));
    /// ```
    pub fn layer_if<L>(
        mut self,
        make: impl Fn(&crate::Site) -> Option<L> + Send + Sync + 'static,
    ) -> App
    where
        L: tower::Layer<AppService>,
        L::Service: tower::Service<Request, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<Request>>::Future: Send + 'static,
    {
        self.layers.push(Arc::new(move |site, inner| {
            make(site).map(|l| AppService::new(l.layer(inner)))
        }));
        self
    }

    /// Adds a context processor: variables every template rendered by [`crate::render`] sees
    /// (a view's own variables of the same name win).
    ///
    /// ```
    /// fn site_name(_request: &axum::http::request::Parts) -> Vec<(&'static str, minijinja::Value)> {
    ///     vec![("site_name", minijinja::Value::from("My blog"))]
    /// }
    /// let app = roan::App::new("blog").context(site_name);
    /// ```
    pub fn context(mut self, processor: ContextProcessor) -> App {
        self.context.push(processor);
        self
    }

    /// Adds a step that runs after `migrate` (and after the test client migrates its test
    /// database), as Django's `post_migrate` receivers: auth creates permissions this way.
    ///
    /// ```
    /// use roan::apps::BoxFuture;
    ///
    /// fn seed<'a>(db: &'a sea_orm::DatabaseConnection, _p: &'a roan::Project) -> BoxFuture<'a, roan::Result<()>> {
    ///     Box::pin(async move {
    ///         use sea_orm::ConnectionTrait;
    ///         db.execute_unprepared("SELECT 1").await?;
    ///         Ok(())
    ///     })
    /// }
    /// let app = roan::App::new("blog").post_migrate(seed);
    /// ```
    pub fn post_migrate(mut self, hook: PostMigrate) -> App {
        self.post_migrate.push(hook);
        self
    }

    /// Adds a system check, run by `roan check` and before `runserver`.
    ///
    /// ```
    /// use roan::management::checks::{CheckMessage, Level};
    ///
    /// fn needs_sessions(project: &roan::Project, _site: &roan::Site) -> Vec<CheckMessage> {
    ///     if project.apps().iter().any(|a| a.label() == "sessions") {
    ///         return vec![];
    ///     }
    ///     vec![CheckMessage::new(Level::Error, "blog.E001", "blog needs the sessions app", "install it")]
    /// }
    /// let app = roan::App::new("blog").check(needs_sessions);
    /// ```
    pub fn check(mut self, check: Check) -> App {
        self.checks.push(check);
        self
    }

    /// Declares a settings section of this app: a top-level key of `settings.toml` read as `T`
    /// (absent: `T::default()`). A wrong type or an unknown key inside it stops the start with
    /// the file, line and column, as for roan's own settings; code reads it with
    /// [`Settings::section`].
    ///
    /// ```
    /// #[derive(Debug, Default, serde::Deserialize)]
    /// #[serde(deny_unknown_fields)]
    /// struct Blog {
    ///     #[serde(rename = "PAGE_SIZE", default)]
    ///     page_size: u32,
    /// }
    /// let app = roan::App::new("blog").settings::<Blog>("BLOG");
    /// ```
    pub fn settings<T>(mut self, name: &'static str) -> App
    where
        T: serde::de::DeserializeOwned + Default + Send + Sync + 'static,
    {
        self.sections.push(SettingsSection {
            name,
            parse: crate::conf::sections::parse_fn::<T>(),
        });
        self
    }

    pub(crate) fn layers(&self) -> &[LayerFn] {
        &self.layers
    }

    pub(crate) fn context_processors(&self) -> &[ContextProcessor] {
        &self.context
    }

    pub(crate) fn post_migrate_hooks(&self) -> &[PostMigrate] {
        &self.post_migrate
    }

    pub(crate) fn checks(&self) -> &[Check] {
        &self.checks
    }

    pub(crate) fn sections(&self) -> &[SettingsSection] {
        &self.sections
    }

    /// Registers a model: a sea-orm entity of this app. Its name comes from its table, as Django
    /// names tables: `blog_post` in app `blog` is model `post` ([`crate::db::model_of`]).
    ///
    /// ```ignore
    /// roan::App::new("blog").model::<models::post::Entity>()
    /// ```
    pub fn model<E: sea_orm::EntityTrait + Default>(mut self) -> App {
        let model = crate::db::model_of::<E>(&self.label);
        self.models.push(model);
        self
    }

    /// Registers a model whose rows are shown through the entity's `Display` (Django's
    /// `__str__`): in the shell (`<Question: What's up?>`), in a ModelForm's choices, and in the
    /// admin. Without it a row shows as Django's default, "Question object (1)".
    ///
    /// ```ignore
    /// impl std::fmt::Display for question::Model {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str(&self.question_text)
    ///     }
    /// }
    /// roan::App::new("polls").model_display::<models::question::Entity>()
    /// ```
    pub fn model_display<E>(mut self) -> App
    where
        E: sea_orm::EntityTrait + Default,
        E::Model: std::fmt::Display,
    {
        let model = crate::db::model_of::<E>(&self.label);
        let table: &'static str = Box::leak(model.table.clone().into_boxed_str());
        self.displays.push(crate::db::display::Display {
            table,
            show: crate::db::display::show::<E>,
        });
        self.models.push(model);
        self
    }

    /// Registers a model of a table roan does not manage (Django's `managed = False`, what
    /// `inspectdb` writes for an existing database): the shell, fixtures, forms and views use
    /// it; `makemigrations` and `flush` leave its table alone.
    ///
    /// ```ignore
    /// roan::App::new("legacy").unmanaged_model::<models::customers::Entity>()
    /// ```
    pub fn unmanaged_model<E: sea_orm::EntityTrait + Default>(mut self) -> App {
        self.unmanaged.push(crate::db::model_of::<E>(&self.label));
        self
    }

    /// Declares a many-to-many field (Django's `ManyToManyField`): `name` on the app's model
    /// `model`, stored in the rows of the app's link model `through`, which has a foreign key
    /// to each side (Django's `through`, written out as a model of its own).
    ///
    /// Fixtures write the field as a list of primary keys (`"tags": [1, 3]`) and leave the link
    /// rows out, as Django does; `loaddata` sets the links. A ModelForm of `model` gets a
    /// multiple select of the other side. `roan check` reports a declaration whose models or
    /// foreign keys are missing (`fields.E300`, `fields.E331`, `fields.E336`).
    ///
    /// ```ignore
    /// roan::App::new("blog")
    ///     .model::<models::post::Entity>()
    ///     .model::<models::tag::Entity>()
    ///     .model::<models::post_tags::Entity>() // post_id -> blog_post, tag_id -> blog_tag
    ///     .many_to_many("post", "tags", "post_tags")
    /// ```
    pub fn many_to_many(mut self, model: &str, name: &str, through: &str) -> App {
        self.many_to_many
            .push([model.to_string(), name.to_string(), through.to_string()]);
        self
    }

    /// The app's many-to-many fields ([`App::many_to_many`]), read from its models. A
    /// declaration that does not match them is left out, and `roan check` reports it.
    pub fn many_to_many_fields(&self) -> Vec<crate::db::ManyToMany> {
        self.resolve_many_to_many()
            .into_iter()
            .filter_map(Result::ok)
            .collect()
    }

    /// Each declaration, resolved, or the check id and message of what is wrong.
    pub(crate) fn resolve_many_to_many(
        &self,
    ) -> Vec<Result<crate::db::ManyToMany, (&'static str, String)>> {
        let find = |name: &str| self.all_models().find(|m| m.name == name);
        self.many_to_many
            .iter()
            .map(|[model, name, through]| {
                let label = &self.label;
                let owner = find(model).ok_or_else(|| {
                    (
                        "fields.E300",
                        format!(
                            "'{label}.{model}.{name}' is declared on model '{label}.{model}', \
                             which is not registered"
                        ),
                    )
                })?;
                let link = find(through).ok_or_else(|| {
                    (
                        "fields.E331",
                        format!(
                            "'{}.{name}' specifies a many-to-many relation through model \
                             '{label}.{through}', which has not been installed",
                            owner.label()
                        ),
                    )
                })?;
                crate::db::ManyToMany::through(owner, name, link)
                    .map_err(|e| ("fields.E336", format!("'{}.{name}': {e}", owner.label())))
            })
            .collect()
    }

    /// Every model of the app, unmanaged ones included (what queries may use).
    pub fn all_models(&self) -> impl Iterator<Item = &ModelState> {
        self.models.iter().chain(&self.unmanaged)
    }

    /// The displays of the app's models ([`App::model_display`]).
    pub fn displays(&self) -> &[crate::db::display::Display] {
        &self.displays
    }

    /// Registers a model under an explicit name, for a table that does not follow the
    /// `{app}_{model}` convention.
    ///
    /// ```ignore
    /// roan::App::new("blog").model_named::<models::post::Entity>("article")
    /// ```
    pub fn model_named<E: sea_orm::EntityTrait + Default>(mut self, name: &str) -> App {
        let model = crate::db::model_named::<E>(&self.label, name);
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

    /// A directory of templates searched after the project's `TEMPLATES.DIRS` (with
    /// `APP_DIRS`) [default: `src/<label>/templates` of the project, when it exists]. A relative
    /// path is relative to the project directory.
    pub fn templates_dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.templates_dir = Some(dir.into());
        self
    }

    /// The app's directory of static files, found after `STATICFILES_DIRS` (Django's
    /// `AppDirectoriesFinder`) [default: `src/<label>/static` of the project, when it exists].
    /// A relative path is relative to the project directory; an app in a crate of its own gives
    /// `concat!(env!("CARGO_MANIFEST_DIR"), "/static")`.
    ///
    /// ```
    /// let app = roan::App::new("polls").static_dir("assets/polls");
    /// assert_eq!(
    ///     app.static_path(std::path::Path::new("/srv/mysite")),
    ///     Some("/srv/mysite/assets/polls".into())
    /// );
    /// ```
    pub fn static_dir(mut self, dir: impl Into<PathBuf>) -> App {
        self.static_dir = Some(dir.into());
        self
    }

    /// The app's static files, compiled into the binary; found after the directories of
    /// `STATICFILES_DIRS` and of the apps before it, collected and served like any others.
    ///
    /// ```ignore
    /// #[derive(rust_embed::Embed)]
    /// #[folder = "$CARGO_MANIFEST_DIR/static/"]
    /// struct Assets;
    ///
    /// roan::App::new("charts").static_embedded::<Assets>()
    /// ```
    pub fn static_embedded<E: rust_embed::RustEmbed>(mut self) -> App {
        self.embedded_static = Some(EmbeddedStatic::of::<E>());
        self
    }

    pub(crate) fn embedded_static(&self) -> Option<&EmbeddedStatic> {
        self.embedded_static.as_ref()
    }

    /// Adds template functions, filters or globals ([`TemplateLibrary`]).
    ///
    /// ```
    /// fn shout(env: &mut minijinja::Environment<'static>, _: &roan::conf::Settings) {
    ///     env.add_filter("shout", |s: String| s.to_uppercase());
    /// }
    /// let app = roan::App::new("blog").template_library(shout);
    /// ```
    pub fn template_library(mut self, library: TemplateLibrary) -> App {
        self.template_libraries.push(library);
        self
    }

    pub(crate) fn template_libraries(&self) -> &[TemplateLibrary] {
        &self.template_libraries
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

    /// The app's templates directory in a project at `base_dir`, if it has one.
    pub fn templates_path(&self, base_dir: &std::path::Path) -> Option<PathBuf> {
        self.dir_of(self.templates_dir.as_ref(), "templates", base_dir)
    }

    /// The app's static directory in a project at `base_dir`, if it has one.
    pub fn static_path(&self, base_dir: &std::path::Path) -> Option<PathBuf> {
        self.dir_of(self.static_dir.as_ref(), "static", base_dir)
    }

    fn dir_of(
        &self,
        explicit: Option<&PathBuf>,
        name: &str,
        base_dir: &std::path::Path,
    ) -> Option<PathBuf> {
        match explicit {
            Some(dir) => Some(base_dir.join(dir)),
            None => {
                let found = base_dir.join("src").join(&self.label).join(name);
                found.is_dir().then_some(found)
            }
        }
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
        let declared: Vec<SettingsSection> = self
            .apps
            .iter()
            .flat_map(|a| a.sections().iter().cloned())
            .collect();
        Settings::load_with(&self.settings_path(), &declared)
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
