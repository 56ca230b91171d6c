//! Extractors: the request context (`HttpRequest`), path arguments (`Path`), the database (`Db`).

use super::Error;
use crate::site::Site;
use crate::urls::UrlMatch;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use serde::de::DeserializeOwned;

/// The request as Django's views see it: method, path, query, headers, the matched route, and
/// the site (settings, templates, database).
///
/// ```
/// use roan::{HttpRequest, render};
/// use axum::response::Response;
///
/// async fn index(request: HttpRequest) -> roan::Result<Response> {
///     let q = request.get("q").unwrap_or_default();
///     render(&request, "search.html", minijinja::context! { q })
/// }
/// ```
#[derive(Clone)]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// The full URI (path and query).
    pub uri: Uri,
    /// The request headers.
    pub headers: HeaderMap,
    /// The route that matched, with its converted arguments.
    pub resolver_match: Option<UrlMatch>,
    pub(crate) csrf: Option<crate::middleware::csrf::CsrfToken>,
    /// What the installed apps' context processors give templates (`user`, `messages`, ...).
    pub(crate) context: std::sync::Arc<[(&'static str, minijinja::Value)]>,
    site: Site,
}

impl HttpRequest {
    /// The path, starting with `/`.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The query string without `?` (empty when none).
    pub fn query_string(&self) -> &str {
        self.uri.query().unwrap_or("")
    }

    /// The path with its query string, as Django's `get_full_path()`.
    pub fn full_path(&self) -> String {
        match self.uri.query() {
            Some(q) => format!("{}?{q}", self.uri.path()),
            None => self.uri.path().to_string(),
        }
    }

    /// The last value of a query parameter (`request.GET.get(key)`).
    pub fn get(&self, key: &str) -> Option<String> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(self.query_string())
            .ok()?
            .into_iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// A masked CSRF token for a script's `X-CSRFToken` header (Django's `get_token`); the
    /// `csrftoken` cookie is set on the response.
    pub fn csrf_token(&self) -> Option<String> {
        self.csrf.as_ref().map(|t| t.token())
    }

    /// The site this request is served by.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The project's settings.
    pub fn settings(&self) -> &crate::conf::Settings {
        self.site.settings()
    }

    /// The default database connection (connected on first use).
    pub async fn db(&self) -> Result<sea_orm::DatabaseConnection, Error> {
        Ok(self.site.db().await?.clone())
    }

    /// Reverses a route name with keyword arguments.
    pub fn reverse(&self, name: &str, kwargs: &[(&str, &str)]) -> Result<String, Error> {
        let kwargs: Vec<(&str, String)> = kwargs.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Ok(self.site.resolver().reverse(name, &[], &kwargs)?)
    }

    /// The `request` variable templates see; its fields are computed when a template reads
    /// them.
    pub(crate) fn template_value(&self) -> minijinja::Value {
        minijinja::Value::from_object(TemplateRequest {
            method: self.method.clone(),
            uri: self.uri.clone(),
            url_name: self
                .resolver_match
                .as_ref()
                .and_then(|m| m.url_name.clone()),
        })
    }

    pub(crate) fn from_parts(parts: &Parts) -> Result<HttpRequest, Error> {
        let site = parts.extensions.get::<Site>().cloned().ok_or_else(|| {
            Error::Other("HttpRequest used outside a roan site (no Site in the request)".into())
        })?;
        Ok(HttpRequest {
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            headers: parts.headers.clone(),
            resolver_match: parts.extensions.get::<UrlMatch>().cloned(),
            csrf: parts
                .extensions
                .get::<crate::middleware::csrf::CsrfToken>()
                .cloned(),
            context: site
                .context_processors()
                .iter()
                .flat_map(|processor| processor(parts))
                .collect(),
            site,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for HttpRequest {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        HttpRequest::from_parts(parts)
    }
}

/// `request` in a template: `method`, `path`, `full_path`, `GET` (the query as a map) and
/// `url_name`.
#[derive(Debug)]
struct TemplateRequest {
    method: Method,
    uri: Uri,
    url_name: Option<std::sync::Arc<str>>,
}

impl TemplateRequest {
    const FIELDS: [&'static str; 5] = ["method", "path", "full_path", "GET", "url_name"];
}

impl minijinja::value::Object for TemplateRequest {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        use minijinja::Value;
        Some(match key.as_str()? {
            "method" => Value::from(self.method.as_str()),
            "path" => Value::from(self.uri.path()),
            "full_path" => Value::from(
                self.uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or_else(|| self.uri.path()),
            ),
            "GET" => {
                let query = self.uri.query().unwrap_or("");
                let get: std::collections::BTreeMap<String, String> =
                    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                        .unwrap_or_default()
                        .into_iter()
                        .collect();
                Value::from(get)
            }
            "url_name" => self
                .url_name
                .as_deref()
                .map(Value::from)
                .unwrap_or_default(),
            _ => return None,
        })
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(&Self::FIELDS)
    }
}

/// The converted arguments of the matched route, as axum's `Path`.
///
/// A single argument extracts as a value (`Path(id): Path<i64>`), several as a tuple in route
/// order or as a struct by name. A value that does not fit the type is a 404.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let m = parts.extensions.get::<UrlMatch>().ok_or_else(|| {
            Error::Other("Path used on a request that no roan route matched".into())
        })?;
        // One argument is most often read as itself (`Path(id): Path<i64>`): tried first, so the
        // common case builds no map and no error.
        if let [(_, single)] = m.kwargs.as_slice()
            && let Ok(v) = T::deserialize(single)
        {
            return Ok(Path(v));
        }
        let object: serde_json::Map<String, serde_json::Value> = m.kwargs.iter().cloned().collect();
        if let Ok(v) = serde_json::from_value(serde_json::Value::Object(object)) {
            return Ok(Path(v));
        }
        let array: Vec<serde_json::Value> = m.kwargs.iter().map(|(_, v)| v.clone()).collect();
        serde_json::from_value(serde_json::Value::Array(array))
            .map(Path)
            .map_err(|e| Error::NotFound(format!("URL arguments do not fit the view: {e}")))
    }
}

/// The default database connection: `async fn list(Db(db): Db) -> ...`.
pub struct Db(pub sea_orm::DatabaseConnection);

impl<S: Send + Sync> FromRequestParts<S> for Db {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let site = parts
            .extensions
            .get::<Site>()
            .cloned()
            .ok_or_else(|| Error::Other("Db used outside a roan site".into()))?;
        Ok(Db(site.db().await?.clone()))
    }
}
