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

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, Route};
use std::convert::Infallible;
use std::sync::Arc;

/// A view as stored in the URL configuration: an axum method router with no state.
pub type View = MethodRouter<()>;

/// A tower layer around views, kept as a function so one layer can wrap every view of a list.
pub(crate) type ViewLayer = Arc<dyn Fn(View) -> View + Send + Sync>;

/// One entry of a URL configuration: a route to a view, or to an included list.
pub struct Pattern {
    /// Layers around the view (or every view of the included list), innermost first.
    pub(crate) layers: Vec<ViewLayer>,
    route: String,
    target: RouteTarget,
    name: Option<String>,
    csrf_exempt: bool,
}

/// What a route leads to.
pub enum RouteTarget {
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

    /// Exempts the route from the CSRF check (Django's `@csrf_exempt`), e.g. for a webhook
    /// that authenticates its callers another way.
    pub fn csrf_exempt(mut self) -> Self {
        self.csrf_exempt = true;
        self
    }
}

/// Routes and lists of routes that take tower layers around their views, as axum's
/// `route_layer`: the layer runs after the CSRF check, before the view. Apps build their
/// decorators on it (auth's `login_required()` is `.layer(auth::login_required())`).
///
/// ```
/// use roan::urls::{Layered, path};
///
/// async fn slow() -> &'static str { "done" }
/// # fn main() {
/// let route = path("slow/", slow).layer(axum::middleware::map_response(
///     |mut r: axum::response::Response| async move {
///         r.headers_mut().insert("cache-control", "no-store".parse().unwrap());
///         r
///     },
/// ));
/// # let _ = route;
/// # }
/// ```
pub trait Layered: Sized {
    /// Wraps the view (every view of a list) in `layer`. Layers added later run first.
    fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as tower::Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as tower::Service<Request>>::Future: Send + 'static,
    {
        self.push_view_layer(Arc::new(move |view: View| view.layer(layer.clone())));
        self
    }

    /// Where [`Layered::layer`] keeps the layer; implemented by roan's route types.
    #[doc(hidden)]
    fn push_view_layer(&mut self, layer: Arc<dyn Fn(View) -> View + Send + Sync>);
}

impl Layered for Pattern {
    fn push_view_layer(&mut self, layer: ViewLayer) {
        self.layers.push(layer);
    }
}

impl Layered for Urls {
    fn push_view_layer(&mut self, layer: ViewLayer) {
        self.layers.push(layer);
    }
}

/// A list of patterns with an optional namespace (Django's `app_name`).
pub struct Urls {
    namespace: Option<String>,
    patterns: Vec<Pattern>,
    builtin: bool,
    layers: Vec<ViewLayer>,
}

impl Urls {
    /// Patterns under a namespace, as an app's `urls.rs` declares them: names become `ns:name`.
    pub fn app(namespace: &str, patterns: Vec<Pattern>) -> Urls {
        Urls {
            namespace: Some(namespace.to_string()),
            patterns,
            builtin: false,
            layers: Vec::new(),
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
            layers: Vec::new(),
        }
    }
}

/// What `path()` accepts: any axum handler or method router, or an `include()`.
pub trait IntoTarget<M> {
    /// Converts into a route target.
    fn into_target(self) -> RouteTarget;
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
    fn into_target(self) -> RouteTarget {
        // A method router (`get(list).post(create)`) is a handler too, but wrapped in `any` it
        // would be cloned, the handler of each of its methods with it, for every request: it
        // is the view as it is.
        let mut slot = Some(self);
        if let Some(view) = (&mut slot as &mut dyn std::any::Any)
            .downcast_mut::<Option<View>>()
            .and_then(Option::take)
        {
            return RouteTarget::View(Box::new(view));
        }
        // Only a method router is taken above: `slot` still holds any other handler.
        RouteTarget::View(Box::new(
            slot.map_or_else(MethodRouter::new, axum::routing::any),
        ))
    }
}

impl IntoTarget<IncludeMarker> for Urls {
    fn into_target(self) -> RouteTarget {
        RouteTarget::Include(self)
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
        layers: Vec::new(),
    }
}

/// Includes another list of patterns under the route given to `path()`.
pub fn include(urls: impl Into<Urls>) -> Urls {
    urls.into()
}
