//! What every generic view shares: the context, method dispatch, the model's names, and the
//! simplest two views.

use crate::http::{Error, HttpRequest};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Value;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A view's template context: names to values, Django's `get_context_data()` result.
///
/// ```
/// let mut context = roan::views::Context::new();
/// context.insert("title", "Polls");
/// context.insert("years", vec![2025, 2026]);
/// assert_eq!(context.get("title").unwrap().as_str(), Some("Polls"));
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Context(BTreeMap<String, Value>);

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `name` to any `Serialize` value (a model, a list of them, a form, ...).
    pub fn insert(&mut self, name: &str, value: impl Serialize) {
        self.0.insert(
            name.to_string(),
            Value::from(minijinja::value::Serde(&value)),
        );
    }

    /// Sets `name` to a template value as it is (an object keeps its methods).
    pub fn insert_value(&mut self, name: &str, value: Value) {
        self.0.insert(name.to_string(), value);
    }

    /// A value by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A value by dotted path (`"object.id"`), as a Rust type.
    ///
    /// ```
    /// let mut context = roan::views::Context::new();
    /// context.insert("object", serde_json::json!({ "id": 7, "title": "Hi" }));
    /// assert_eq!(context.get_as::<i32>("object.id"), Some(7));
    /// assert_eq!(context.get_as::<i32>("object.nothing"), None);
    /// ```
    pub fn get_as<T: serde::de::DeserializeOwned>(&self, path: &str) -> Option<T> {
        let mut parts = path.split('.');
        let mut value = self.0.get(parts.next()?)?.clone();
        for part in parts {
            value = value.get_attr(part).ok().filter(|v| !v.is_undefined())?;
        }
        serde_json::from_value(serde_json::to_value(&value).ok()?).ok()
    }

    /// Adds every entry of `other` (a `roan::context!`, a map, a struct), replacing names
    /// already there; a value that is not a map adds nothing.
    pub fn extend(&mut self, other: &Value) {
        if let Ok(keys) = other.try_iter() {
            for key in keys {
                if let (Some(name), Ok(value)) = (key.as_str(), other.get_item(&key)) {
                    self.0.insert(name.to_string(), value);
                }
            }
        }
    }
}

/// A future a generic view answers with.
pub(crate) type Answer = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A user's `get_context_data` hook: gets the request and the view's context, returns it
/// changed (more variables, for example from other queries).
pub(crate) type ContextHook = Arc<
    dyn Fn(HttpRequest, Context) -> Pin<Box<dyn Future<Output = Result<Context, Error>> + Send>>
        + Send
        + Sync,
>;

/// Wraps a user's async closure as a [`ContextHook`].
pub(crate) fn context_hook<F, Fut>(f: F) -> ContextHook
where
    F: Fn(HttpRequest, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Context, Error>> + Send + 'static,
{
    Arc::new(move |request, context| Box::pin(f(request, context)))
}

/// What the GET-only views share: parse the request, answer OPTIONS and other methods as
/// Django's `View.dispatch` does, and turn an error into roan's error page.
pub(crate) fn dispatch_get<F, Fut>(req: Request, get: F) -> Answer
where
    F: FnOnce(HttpRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Response, Error>> + Send + 'static,
{
    Box::pin(async move {
        let (parts, _body) = req.into_parts();
        let request = match HttpRequest::from_parts(&parts) {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        };
        const ALLOWED: &str = "GET, HEAD, OPTIONS";
        match request.method {
            Method::GET | Method::HEAD => get(request).await.unwrap_or_else(|e| e.into_response()),
            Method::OPTIONS => {
                let mut r = StatusCode::OK.into_response();
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(ALLOWED));
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
                r
            }
            _ => method_not_allowed(&request, ALLOWED),
        }
    })
}

/// Django's 405 for a method the view does not answer, with `Allow`; logged as Django does.
pub(crate) fn method_not_allowed(request: &HttpRequest, allowed: &'static str) -> Response {
    tracing::warn!(
        "Method Not Allowed ({}): {}",
        request.method,
        request.path()
    );
    let mut r = (StatusCode::METHOD_NOT_ALLOWED, "").into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allowed));
    r
}

/// The URL arguments of the matched route as context entries (TemplateView passes them on).
fn url_kwargs(request: &HttpRequest) -> Vec<(String, serde_json::Value)> {
    request
        .resolver_match
        .as_ref()
        .map(|m| m.kwargs.clone())
        .unwrap_or_default()
}

/// A URL argument by name, as text (`pk`, `slug`).
pub(crate) fn url_kwarg(request: &HttpRequest, name: &str) -> Option<serde_json::Value> {
    request
        .resolver_match
        .as_ref()?
        .kwargs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A model's app label and name (`polls`, `question`), from the registry of installed models
/// (its table otherwise), for default template names and context names.
pub(crate) fn model_names(request: &HttpRequest, table: &str) -> (String, String) {
    match request.site().model_by_table(table) {
        Some(m) => (m.app.clone(), m.name.clone()),
        None => match table.split_once('_') {
            Some((app, name)) => (app.to_string(), name.to_string()),
            None => (String::new(), table.to_string()),
        },
    }
}

/// Implements axum's `Handler` for a generic view type whose `answer(self, Request)` makes the
/// response.
macro_rules! generic_handler {
    ($ty:ident < $e:ident > where $($bounds:tt)*) => {
        impl<$e> axum::handler::Handler<$crate::views::GenericViewMarker, ()> for $ty<$e>
        where
            $($bounds)*
        {
            type Future = $crate::views::base::Answer;

            fn call(self, req: axum::extract::Request, _state: ()) -> Self::Future {
                self.answer(req)
            }
        }
    };
    ($ty:ty) => {
        impl axum::handler::Handler<$crate::views::GenericViewMarker, ()> for $ty {
            type Future = $crate::views::base::Answer;

            fn call(self, req: axum::extract::Request, _state: ()) -> Self::Future {
                self.answer(req)
            }
        }
    };
}
pub(crate) use generic_handler;

/// The builder methods every model view has: the template, the object's name in it, extra
/// variables and Django's `get_context_data`, on a view type holding `inner: Arc<$inner<E>>`
/// with those fields.
macro_rules! model_view_options {
    ($ty:ident, $inner:ident, $suffix:literal, $object:literal) => {
        impl<E: sea_orm::EntityTrait> $ty<E> {
            fn with(mut self, change: impl FnOnce(&mut $inner<E>)) -> Self {
                match std::sync::Arc::get_mut(&mut self.inner) {
                    Some(inner) => change(inner),
                    None => unreachable!("a view is configured before it is cloned"),
                }
                self
            }

            #[doc = concat!("The template, instead of `<app>/<model>", $suffix, ".html`.")]
            pub fn template_name(self, name: &str) -> Self {
                self.with(|i| i.template_name = Some(name.to_string()))
            }

            #[doc = concat!("The name of ", $object, " in the template, instead of Django's default.")]
            pub fn context_object_name(self, name: &str) -> Self {
                self.with(|i| i.context_object_name = Some(name.to_string()))
            }

            /// Variables every render gets (Django's `extra_context`).
            pub fn extra_context(self, context: impl serde::Serialize) -> Self {
                let value = minijinja::Value::from(minijinja::value::Serde(&context));
                self.with(|i| i.extra_context = Some(value))
            }

            /// Django's `get_context_data`: an async function that gets the request and the
            /// context and returns it with more (for example from other queries).
            pub fn get_context_data<F, Fut>(self, f: F) -> Self
            where
                F: Fn($crate::HttpRequest, $crate::views::Context) -> Fut + Send + Sync + 'static,
                Fut: std::future::Future<Output = Result<$crate::views::Context, $crate::Error>>
                    + Send
                    + 'static,
            {
                let hook = $crate::views::base::context_hook(f);
                self.with(|i| i.hook = Some(hook))
            }
        }
    };
}
pub(crate) use model_view_options;

/// How a view finds its row in the URL: `pk_url_kwarg`, `slug_url_kwarg`, `slug_field`.
macro_rules! object_lookup_options {
    ($ty:ident) => {
        impl<E: sea_orm::EntityTrait> $ty<E> {
            /// The URL argument holding the primary key (`pk`).
            pub fn pk_url_kwarg(self, name: &str) -> Self {
                self.with(|i| i.pk_url_kwarg = name.to_string())
            }

            /// The URL argument holding the slug (`slug`).
            pub fn slug_url_kwarg(self, name: &str) -> Self {
                self.with(|i| i.slug_url_kwarg = name.to_string())
            }

            /// The column the slug is matched against (`slug`).
            pub fn slug_field(self, name: &str) -> Self {
                self.with(|i| i.slug_field = name.to_string())
            }
        }
    };
}
pub(crate) use object_lookup_options;

/// Renders a template with a context, as Django's `TemplateView`: `path("about/",
/// TemplateView::new("about.html"))`. The template also sees the URL's arguments by name.
///
/// ```
/// use roan::urls::path;
/// use roan::views::TemplateView;
///
/// let route = path("about/", TemplateView::new("about.html")
///     .extra_context(roan::context! { title => "About us" }))
///     .name("about");
/// # let _ = route;
/// ```
#[derive(Clone)]
pub struct TemplateView {
    template_name: Arc<str>,
    extra_context: Option<Value>,
    hook: Option<ContextHook>,
}

impl TemplateView {
    /// A view rendering `template_name`.
    pub fn new(template_name: &str) -> TemplateView {
        TemplateView {
            template_name: template_name.into(),
            extra_context: None,
            hook: None,
        }
    }

    /// Variables every render gets (Django's `extra_context`).
    pub fn extra_context(mut self, context: impl Serialize) -> TemplateView {
        self.extra_context = Some(Value::from(minijinja::value::Serde(&context)));
        self
    }

    /// Django's `get_context_data`: an async function that gets the request and the context
    /// and returns it with more in it.
    pub fn get_context_data<F, Fut>(mut self, f: F) -> TemplateView
    where
        F: Fn(HttpRequest, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Context, Error>> + Send + 'static,
    {
        self.hook = Some(context_hook(f));
        self
    }

    fn answer(self, req: Request) -> Answer {
        dispatch_get(req, move |request| async move {
            let mut context = Context::new();
            for (name, value) in url_kwargs(&request) {
                context.insert(&name, value);
            }
            if let Some(extra) = &self.extra_context {
                context.extend(extra);
            }
            if let Some(hook) = &self.hook {
                context = hook(request.clone(), context).await?;
            }
            crate::render(&request, &self.template_name, context)
        })
    }
}

generic_handler!(TemplateView);

/// Redirects, as Django's `RedirectView`: to a URL (with `%(name)s` filled from the URL's
/// arguments) or to a named route reversed with the same arguments. Temporary (302) unless
/// [`permanent`](RedirectView::permanent); a view with nowhere to go answers 410 Gone.
///
/// ```
/// use roan::urls::path;
/// use roan::views::RedirectView;
///
/// let old = path("old/<int:pk>/", RedirectView::pattern_name("polls:detail").permanent(true));
/// let moved = path("go/<slug:slug>/", RedirectView::to_url("/blog/%(slug)s/"));
/// # let _ = (old, moved);
/// ```
#[derive(Clone)]
pub struct RedirectView {
    url: Option<Arc<str>>,
    pattern_name: Option<Arc<str>>,
    permanent: bool,
    query_string: bool,
}

impl RedirectView {
    /// To a URL; `%(name)s` is replaced by the URL argument `name`.
    pub fn to_url(url: &str) -> RedirectView {
        RedirectView {
            url: Some(url.into()),
            pattern_name: None,
            permanent: false,
            query_string: false,
        }
    }

    /// To a named route, reversed with this route's arguments.
    pub fn pattern_name(name: &str) -> RedirectView {
        RedirectView {
            url: None,
            pattern_name: Some(name.into()),
            permanent: false,
            query_string: false,
        }
    }

    /// 301 instead of 302.
    pub fn permanent(mut self, permanent: bool) -> RedirectView {
        self.permanent = permanent;
        self
    }

    /// Keeps the request's query string on the target.
    pub fn query_string(mut self, keep: bool) -> RedirectView {
        self.query_string = keep;
        self
    }

    fn target(&self, request: &HttpRequest) -> Result<Option<String>, Error> {
        let kwargs = url_kwargs(request);
        let text = crate::db::objects::value_text;
        let mut url = if let Some(url) = &self.url {
            let mut out = url.to_string();
            for (name, value) in &kwargs {
                out = out.replace(&format!("%({name})s"), &text(value));
            }
            out
        } else if let Some(name) = &self.pattern_name {
            let args: Vec<(&str, String)> =
                kwargs.iter().map(|(k, v)| (k.as_str(), text(v))).collect();
            request.site().resolver().reverse(name, &[], &args)?
        } else {
            return Ok(None);
        };
        if self.query_string && !request.query_string().is_empty() {
            url = format!("{url}?{}", request.query_string());
        }
        Ok(Some(url))
    }

    fn answer(self, req: Request) -> Answer {
        Box::pin(async move {
            let (parts, _body) = req.into_parts();
            let request = match HttpRequest::from_parts(&parts) {
                Ok(r) => r,
                Err(e) => return e.into_response(),
            };
            match self.target(&request) {
                Ok(Some(url)) => {
                    let status = if self.permanent {
                        StatusCode::MOVED_PERMANENTLY
                    } else {
                        StatusCode::FOUND
                    };
                    (status, [(header::LOCATION, url)]).into_response()
                }
                Ok(None) => {
                    tracing::warn!("Gone: {}", request.path());
                    StatusCode::GONE.into_response()
                }
                Err(e) => e.into_response(),
            }
        })
    }
}

generic_handler!(RedirectView);
