//! Django's shortcuts: `render`, `redirect`, `get_object_or_404`, JSON responses.

use super::{Error, HttpRequest};
use crate::template::deferred::DeferredVar;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sea_orm::{EntityTrait, PrimaryKeyTrait};
use serde::Serialize;
use std::sync::Arc;

/// Renders a template with a context into an HTML response. The template also sees
/// `request`, `csrf_token`, and what the installed apps' context processors give (`user`,
/// `perms`, `messages`); a name the view gives itself wins.
///
/// A template that reads a variable that needs the database (auth's `user`) before it is
/// loaded is rendered again once it is, before the response leaves the view's route; the body
/// of the returned response is then filled in by roan's dispatcher.
///
/// ```
/// use roan::{HttpRequest, render};
/// async fn about(request: HttpRequest) -> roan::Result<axum::response::Response> {
///     render(&request, "about.html", minijinja::context! { team => ["Ann", "Bo"] })
/// }
/// ```
pub fn render(
    request: &HttpRequest,
    template: &str,
    context: impl Serialize,
) -> Result<Response, Error> {
    let ctx = Arc::new(RenderContext {
        given: minijinja::Value::from(minijinja::value::Serde(&context)),
        request: request.template_value(),
        csrf: request
            .csrf
            .clone()
            .map(|t| minijinja::Value::from_object(crate::template::CsrfObject(t)))
            .unwrap_or_default(),
        extra: request.context.clone(),
    });
    let value = minijinja::Value::from_dyn_object(ctx.clone());
    let rendered = request.site().templates().render(template, value.clone());
    let wanted = ctx.wanted();
    if wanted.is_empty() {
        return Ok(Html(rendered?).into_response());
    }
    // A variable that needs the database was read: the dispatcher loads it and renders again.
    let mut response = Html(String::new()).into_response();
    response
        .extensions_mut()
        .insert(PendingRender(Arc::new(Pending {
            site: request.site().clone(),
            template: template.to_string(),
            context: value,
            wanted,
        })));
    Ok(response)
}

/// A render that waits for deferred variables; see [`render`].
#[derive(Clone)]
pub(crate) struct PendingRender(Arc<Pending>);

struct Pending {
    site: crate::Site,
    template: String,
    context: minijinja::Value,
    wanted: Vec<minijinja::Value>,
}

impl PendingRender {
    /// Loads the variables the first render read, renders again and puts the HTML in the body.
    pub(crate) async fn finish(self, response: Response) -> Response {
        let p = &self.0;
        for v in &p.wanted {
            if let Some(d) = v.downcast_object_ref::<DeferredVar>()
                && let Err(e) = d.load().await
            {
                return e.into_response();
            }
        }
        match p.site.templates().render(&p.template, p.context.clone()) {
            Ok(html) => {
                let (mut parts, _) = response.into_parts();
                // The placeholder's length no longer holds; the new body has its own.
                parts.headers.remove(header::CONTENT_LENGTH);
                Response::from_parts(parts, axum::body::Body::from(html))
            }
            Err(e) => Error::from(e).into_response(),
        }
    }
}

/// What a template rendered by [`render`] sees: the view's context, then `request`,
/// `csrf_token` and the apps' variables unless the view gave those names itself. Looked up in
/// place, not copied into a new map.
#[derive(Debug)]
struct RenderContext {
    given: minijinja::Value,
    request: minijinja::Value,
    csrf: minijinja::Value,
    extra: Arc<[(&'static str, minijinja::Value)]>,
}

impl RenderContext {
    const BUILT_IN: [&'static str; 3] = ["request", "csrf", "csrf_token"];

    fn built_in(&self, name: &str) -> Option<minijinja::Value> {
        match name {
            "request" => Some(self.request.clone()),
            "csrf" => Some(self.csrf.clone()),
            "csrf_token" => self
                .csrf
                .downcast_object_ref::<crate::template::CsrfObject>()
                .map(|c| minijinja::Value::from_object(crate::template::CsrfTokenVar(c.0.clone()))),
            _ => self
                .extra
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone()),
        }
    }

    /// The apps' deferred variables a template read before they were loaded.
    fn wanted(&self) -> Vec<minijinja::Value> {
        self.extra
            .iter()
            .filter(|(_, v)| {
                v.downcast_object_ref::<DeferredVar>()
                    .is_some_and(DeferredVar::is_wanted)
            })
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl minijinja::value::Object for RenderContext {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let name = key.as_str()?;
        match self.given.get_attr(name) {
            Ok(v) if !v.is_undefined() => Some(v),
            _ => self.built_in(name),
        }
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut keys: Vec<minijinja::Value> = self
            .given
            .try_iter()
            .map(|it| it.collect())
            .unwrap_or_default();
        let names = Self::BUILT_IN
            .iter()
            .copied()
            .chain(self.extra.iter().map(|(n, _)| *n));
        for name in names {
            if !keys.iter().any(|k| k.as_str() == Some(name)) {
                keys.push(minijinja::Value::from(name));
            }
        }
        minijinja::value::Enumerator::Values(keys)
    }
}

/// Redirects (302) to a URL (anything with a `/`) or to a route name reversed without arguments.
///
/// ```
/// # async fn v(request: roan::HttpRequest) -> roan::Result<axum::response::Response> {
/// roan::redirect(&request, "blog:index")
/// # }
/// ```
pub fn redirect(request: &HttpRequest, to: &str) -> Result<Response, Error> {
    let location = if to.contains('/') || to.contains('.') {
        to.to_string()
    } else {
        request.reverse(to, &[])?
    };
    Ok(redirect_to(&location))
}

/// A 302 to a literal URL (no reversing); for use where no request is at hand.
///
/// ```
/// let response = roan::redirect_to("/done/");
/// assert_eq!(response.status(), 302);
/// ```
pub fn redirect_to(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// Fetches a row by primary key or answers 404.
///
/// ```no_run
/// # async fn v<E: sea_orm::EntityTrait>(db: &sea_orm::DatabaseConnection) -> roan::Result<()>
/// # where <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64> {
/// let post = roan::get_object_or_404::<E>(db, 3i64).await?;
/// # Ok(()) }
/// ```
pub async fn get_object_or_404<E>(
    db: &impl sea_orm::ConnectionTrait,
    pk: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<E::Model, Error>
where
    E: EntityTrait,
{
    E::find_by_id(pk).one(db).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "No {} matches the given query.",
            sea_orm::EntityName::table_name(&E::default())
        ))
    })
}
