//! A running site: settings, URLs, templates and the database, and the request dispatcher.

mod dispatch;
pub(crate) mod error_pages;

use crate::apps::Project;
use crate::conf::Settings;
use crate::template::Templates;
use crate::urls::{PatternError, Resolver};
use sea_orm::{DatabaseConnection, DbErr};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Everything a request needs: settings, URL resolver, templates and the database.
/// Cheap to clone; views reach it through [`crate::HttpRequest::site`].
///
/// Not Django's `admin.site` nor `django.contrib.sites`: a `Site` is the running project, what
/// Django's WSGI/ASGI handler holds (the admin's registry will be `AdminSite`).
#[derive(Clone)]
pub struct Site(Arc<Inner>);

struct Inner {
    project_name: String,
    settings: Arc<Settings>,
    resolver: Arc<Resolver>,
    templates: Templates,
    static_dirs: Vec<StaticDir>,
    apps: Vec<String>,
    models: Vec<crate::db::ModelState>,
    displays: Vec<crate::db::display::Display>,
    many_to_many: Vec<crate::db::ManyToMany>,
    middleware: Option<crate::apps::MiddlewareFn>,
    layers: Vec<crate::apps::LayerFn>,
    context_processors: Vec<crate::apps::ContextProcessor>,
    db: OnceCell<DatabaseConnection>,
}

/// A place static files are found in, and the prefix its files have under `STATIC_URL`
/// (empty for most; `downloads` for a `["downloads", "..."]` entry of `STATICFILES_DIRS`): a
/// directory, or files compiled into the binary ([`crate::App::static_embedded`]).
#[derive(Debug, Clone)]
pub struct StaticDir {
    /// The path prefix, without slashes at either end.
    pub prefix: String,
    /// The directory; for embedded files, a name to show (`(embedded in the binary) admin`).
    pub path: PathBuf,
    /// The files compiled into the binary, when this source is not a directory.
    pub embedded: Option<crate::apps::EmbeddedStatic>,
}

impl Site {
    /// Builds the site of a project with these settings.
    pub fn new(project: &Project, settings: Settings) -> Result<Site, PatternError> {
        let resolver = Arc::new(Resolver::new(project.url_patterns())?);
        crate::urls::resolver::set_current(resolver.clone());
        let app_templates: Vec<PathBuf> = project
            .apps()
            .iter()
            .filter_map(|a| a.templates_path(project.base_dir()))
            .collect();
        let libraries: Vec<_> = project
            .apps()
            .iter()
            .flat_map(|a| a.template_libraries().iter().copied())
            .collect();
        let templates =
            Templates::with_libraries(&settings, app_templates, resolver.clone(), &libraries);
        let mut static_dirs: Vec<StaticDir> = settings
            .staticfiles_dirs
            .iter()
            .map(|d| StaticDir {
                prefix: d.prefix().to_string(),
                path: settings.path(d.path()),
                embedded: None,
            })
            .collect();
        // Then each app's, in INSTALLED_APPS order: its directory, or its embedded files.
        for app in project.apps() {
            if let Some(path) = app.static_path(project.base_dir()) {
                static_dirs.push(StaticDir {
                    prefix: String::new(),
                    path,
                    embedded: None,
                });
            }
            if let Some(files) = app.embedded_static() {
                static_dirs.push(StaticDir {
                    prefix: String::new(),
                    path: PathBuf::from(format!("(embedded in the binary) {}", app.label())),
                    embedded: Some(*files),
                });
            }
        }
        Ok(Site(Arc::new(Inner {
            project_name: project.name().to_string(),
            settings: Arc::new(settings),
            resolver,
            templates,
            static_dirs,
            apps: project
                .apps()
                .iter()
                .map(|a| a.label().to_string())
                .collect(),
            models: project
                .apps()
                .iter()
                .flat_map(|a| a.all_models().cloned())
                .collect(),
            displays: project
                .apps()
                .iter()
                .flat_map(|a| a.displays().iter().copied())
                .collect(),
            many_to_many: project
                .apps()
                .iter()
                .flat_map(|a| a.many_to_many_fields())
                .collect(),
            middleware: project.middleware_fn(),
            layers: project
                .apps()
                .iter()
                .flat_map(|a| a.layers().iter().cloned())
                .collect(),
            context_processors: project
                .apps()
                .iter()
                .flat_map(|a| a.context_processors().iter().copied())
                .collect(),
            db: OnceCell::new(),
        })))
    }

    /// The project's name.
    pub fn project_name(&self) -> &str {
        &self.0.project_name
    }

    /// Whether an app with this label is installed.
    pub fn has_app(&self, label: &str) -> bool {
        self.0.apps.iter().any(|a| a == label)
    }

    /// Every installed app's models, in `INSTALLED_APPS` order.
    pub fn models(&self) -> &[crate::db::ModelState] {
        &self.0.models
    }

    /// Every installed app's many-to-many fields ([`crate::App::many_to_many`]).
    pub fn many_to_many(&self) -> &[crate::db::ManyToMany] {
        &self.0.many_to_many
    }

    /// How the installed models' rows are shown, for those registered with
    /// [`App::model_display`](crate::App::model_display).
    pub fn displays(&self) -> &[crate::db::display::Display] {
        &self.0.displays
    }

    /// The installed model whose table is `table`.
    pub fn model_by_table(&self, table: &str) -> Option<&crate::db::ModelState> {
        self.0.models.iter().find(|m| m.table == table)
    }

    /// The installed apps' middleware, in `INSTALLED_APPS` order.
    pub(crate) fn app_layers(&self) -> &[crate::apps::LayerFn] {
        &self.0.layers
    }

    /// The installed apps' context processors, in `INSTALLED_APPS` order.
    pub(crate) fn context_processors(&self) -> &[crate::apps::ContextProcessor] {
        &self.0.context_processors
    }

    /// The directories static files are found in, in order: `STATICFILES_DIRS`, then each
    /// installed app's static directory ([`crate::App::static_dir`]).
    pub fn static_dirs(&self) -> &[StaticDir] {
        &self.0.static_dirs
    }

    /// The settings, shared.
    pub fn settings_arc(&self) -> Arc<Settings> {
        self.0.settings.clone()
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// The URL resolver.
    pub fn resolver(&self) -> &Resolver {
        &self.0.resolver
    }

    /// The template engine.
    pub fn templates(&self) -> &Templates {
        &self.0.templates
    }

    /// The default database, connected on first use.
    pub async fn db(&self) -> Result<&DatabaseConnection, DbErr> {
        // Connected already: every request after the first, with no allocation and no copy of
        // the connect future below.
        if let Some(db) = self.0.db.get() {
            return Ok(db);
        }
        // Boxed: the connect future is large, and handlers that await it inline would make
        // users' crates hit the compiler's query depth limit.
        Box::pin(self.0.db.get_or_try_init(|| {
            crate::db::connect(self.settings(), crate::db::connect::Purpose::Serve)
        }))
        .await
    }

    /// The axum router that serves the site: every request goes through roan's dispatcher
    /// (URL resolution, CSRF, the view, error pages) inside the middleware stack.
    pub fn router(&self) -> axum::Router {
        match self.service().0 {
            Served::Stack(stack) => axum::Router::new().fallback_service(stack),
            Served::Router(router) => router,
        }
    }

    /// The site as a tower service: what [`Site::router`] serves, without the router in front
    /// when the project has no middleware of its own. `runserver` serves this.
    ///
    /// ```no_run
    /// # async fn serve(site: roan::Site) -> std::io::Result<()> {
    /// use axum::ServiceExt;
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    /// axum::serve(listener, site.service().into_make_service()).await
    /// # }
    /// ```
    pub fn service(&self) -> SiteService {
        SiteService(match &self.0.middleware {
            Some(f) => Served::Router(f(dispatch::router(self.clone()), self)),
            None if crate::files::serves_media(self.settings()) => Served::Router(
                crate::middleware::default_stack(dispatch::router(self.clone()), self),
            ),
            None => Served::Stack(crate::middleware::stack(
                dispatch::service(self.clone()),
                self,
            )),
        })
    }
}

/// A site as a tower service ([`Site::service`]): roan's default middleware stack around the
/// dispatcher, or the router a project's own [`crate::Project::middleware`] made.
#[derive(Clone)]
pub struct SiteService(Served);

#[derive(Clone)]
enum Served {
    Stack(crate::middleware::Stack),
    Router(axum::Router),
}

impl tower::Service<axum::extract::Request> for SiteService {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = crate::apps::BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match &mut self.0 {
            Served::Stack(stack) => tower::Service::poll_ready(stack, cx),
            Served::Router(router) => {
                tower::Service::<axum::extract::Request>::poll_ready(router, cx)
            }
        }
    }

    fn call(&mut self, request: axum::extract::Request) -> Self::Future {
        match &mut self.0 {
            // The stack's future is boxed already.
            Served::Stack(stack) => tower::Service::call(stack, request),
            Served::Router(router) => Box::pin(tower::Service::call(router, request)),
        }
    }
}
