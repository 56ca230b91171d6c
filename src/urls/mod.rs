//! URL configuration: Django's `path()`, `include()`, names, namespaces and `reverse`.
//!
//! ```
//! use roan::urls::{Urls, include, path};
//!
//! async fn index() -> &'static str { "posts" }
//! async fn detail(roan::Path(id): roan::Path<i64>) -> String { format!("post {id}") }
//!
//! fn blog_urls() -> Urls {
//!     Urls::app("blog", vec![
//!         path("", index).name("index"),
//!         path("<int:id>/", detail).name("detail"),
//!     ])
//! }
//!
//! let resolver = roan::urls::Resolver::new(vec![path("blog/", include(blog_urls()))]).unwrap();
//! assert_eq!(resolver.reverse("blog:detail", &[], &[("id", "3".into())]).unwrap(), "/blog/3/");
//! ```

mod pattern;
pub(crate) mod resolver;

pub use pattern::{Converter, PatternError, RoutePattern};
pub use resolver::{NoReverseMatch, ResolvedRoute, Resolver, UrlMatch, reverse};

use axum::handler::Handler;
use axum::routing::MethodRouter;

/// A view as stored in the URL configuration: an axum method router with no state.
pub type View = MethodRouter<()>;

/// One entry of a URL configuration: a route to a view, or to an included list.
pub struct Pattern {
    /// Extra checks before the view (login or permission required).
    pub(crate) guard: Option<Guard>,
    route: String,
    target: Target,
    name: Option<String>,
    csrf_exempt: bool,
}

/// What a route leads to.
pub enum Target {
    /// A view (an axum handler or method router).
    View(Box<View>),
    /// An included list of patterns, maybe namespaced.
    Include(Urls),
}

impl Pattern {
    /// Names the route so it can be reversed: `reverse("name")`, `{{ url("name") }}`.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// Only logged-in users reach the view; others are redirected to `LOGIN_URL?next=...`
    /// (Django's `@login_required`).
    pub fn login_required(mut self) -> Self {
        self.guard = Some(Guard::Login);
        self
    }

    /// Only users with the permission (`"blog.add_post"`) reach the view: an anonymous user is
    /// redirected to log in, a logged-in one without it gets 403 (Django's
    /// `@permission_required`).
    pub fn permission_required(mut self, permission: &str) -> Self {
        self.guard = Some(Guard::Permission(permission.to_string()));
        self
    }

    /// Exempts the route from the CSRF check (Django's `@csrf_exempt`), e.g. for a webhook
    /// that authenticates its callers another way.
    pub fn csrf_exempt(mut self) -> Self {
        self.csrf_exempt = true;
        self
    }
}

/// What a route requires of the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// A logged-in user.
    Login,
    /// A user with this permission (`app.codename`).
    Permission(String),
}

/// A list of patterns with an optional namespace (Django's `app_name`).
pub struct Urls {
    namespace: Option<String>,
    patterns: Vec<Pattern>,
    builtin: bool,
}

impl Urls {
    /// Patterns under a namespace, as an app's `urls.rs` declares them: names become `ns:name`.
    pub fn app(namespace: &str, patterns: Vec<Pattern>) -> Urls {
        Urls {
            namespace: Some(namespace.to_string()),
            patterns,
            builtin: false,
        }
    }

    /// Marks URLs that roan's own apps provide (login, admin): with only these, `/` still shows
    /// the welcome page.
    pub fn builtin(mut self) -> Urls {
        self.builtin = true;
        self
    }

    /// Gives (or replaces) the namespace, as Django's `include(..., namespace=...)`.
    pub fn namespace(mut self, namespace: &str) -> Urls {
        self.namespace = Some(namespace.to_string());
        self
    }
}

impl From<Vec<Pattern>> for Urls {
    fn from(patterns: Vec<Pattern>) -> Urls {
        Urls {
            namespace: None,
            patterns,
            builtin: false,
        }
    }
}

/// What `path()` accepts: any axum handler or method router, or an `include()`.
pub trait IntoTarget<M> {
    /// Converts into a route target.
    fn into_target(self) -> Target;
}

#[doc(hidden)]
pub struct ViewMarker<T>(std::marker::PhantomData<T>);
#[doc(hidden)]
pub struct IncludeMarker;

impl<H, T> IntoTarget<ViewMarker<T>> for H
where
    H: Handler<T, ()>,
    T: 'static,
{
    fn into_target(self) -> Target {
        Target::View(Box::new(axum::routing::any(self)))
    }
}

impl IntoTarget<IncludeMarker> for Urls {
    fn into_target(self) -> Target {
        Target::Include(self)
    }
}

/// A route, as Django's `path()`: `path("posts/<int:id>/", views::detail).name("detail")`.
///
/// A plain handler answers every method (as a Django view does); pass an axum method router
/// (`axum::routing::get(list).post(create)`) to restrict methods.
pub fn path<M>(route: &str, target: impl IntoTarget<M>) -> Pattern {
    Pattern {
        route: route.to_string(),
        target: target.into_target(),
        name: None,
        csrf_exempt: false,
        guard: None,
    }
}

/// Includes another list of patterns under the route given to `path()`.
pub fn include(urls: impl Into<Urls>) -> Urls {
    urls.into()
}
