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
    let recorded = RECORD_CONTEXT
        .load(std::sync::atomic::Ordering::Relaxed)
        .then(|| RenderedTemplate {
            name: template.to_string(),
            context: ctx.given.clone(),
        });
    if wanted.is_empty() {
        let mut response = Html(rendered?).into_response();
        if let Some(r) = recorded {
            response.extensions_mut().insert(r);
        }
        return Ok(response);
    }
    // A variable that needs the database was read: the dispatcher loads it and renders again.
    let mut response = Html(String::new()).into_response();
    if let Some(r) = recorded {
        response.extensions_mut().insert(r);
    }
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

/// Whether [`render`] records its template and context on the response (the test client turns
/// it on, as Django's test runner listens to `template_rendered`); off in a server.
pub(crate) static RECORD_CONTEXT: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// The template a response was rendered from, and the view's context, for the test client.
#[derive(Clone, Debug)]
pub(crate) struct RenderedTemplate {
    pub(crate) name: String,
    pub(crate) context: minijinja::Value,
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

/// Redirects (302) to a URL (anything with a `/`), a route name, or a route name with
/// arguments, as Django's `redirect()`:
///
/// ```
/// # async fn v(request: roan::HttpRequest, question_id: i64) -> roan::Result<axum::response::Response> {
/// roan::redirect(&request, "blog:index")?;                              // a name
/// roan::redirect(&request, ("polls:results", [question_id]))?;         // positional arguments
/// roan::redirect(&request, ("blog:detail", &[("slug", "hello")][..]))?; // keyword arguments
/// roan::redirect(&request, "/accounts/login/")                        // a URL
/// # }
/// ```
pub fn redirect(request: &HttpRequest, to: impl RedirectTarget) -> Result<Response, Error> {
    Ok(redirect_to(&to.location(request)?))
}

/// Where [`redirect`] goes: a URL or route name (`&str`), or a route name with positional
/// (`("polls:results", [id])`) or keyword (`("blog:detail", &[("slug", "x")][..])`) arguments.
pub trait RedirectTarget {
    /// The URL to redirect to.
    fn location(&self, request: &HttpRequest) -> Result<String, Error>;
}

impl RedirectTarget for &str {
    fn location(&self, request: &HttpRequest) -> Result<String, Error> {
        if self.contains('/') || self.contains('.') {
            Ok(self.to_string())
        } else {
            request.reverse(self, &[])
        }
    }
}

impl RedirectTarget for String {
    fn location(&self, request: &HttpRequest) -> Result<String, Error> {
        self.as_str().location(request)
    }
}

impl<T: std::fmt::Display, const N: usize> RedirectTarget for (&str, [T; N]) {
    fn location(&self, request: &HttpRequest) -> Result<String, Error> {
        let args: Vec<String> = self.1.iter().map(|a| a.to_string()).collect();
        Ok(request.site().resolver().reverse(self.0, &args, &[])?)
    }
}

impl<V: std::fmt::Display> RedirectTarget for (&str, &[(&str, V)]) {
    fn location(&self, request: &HttpRequest) -> Result<String, Error> {
        let kwargs: Vec<(&str, String)> = self.1.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Ok(request.site().resolver().reverse(self.0, &[], &kwargs)?)
    }
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

/// The one row of a query whose primary key is `pk`, or 404, as Django's
/// `get_object_or_404(Question.objects.filter(pub_date__lte=now), pk=id)`.
///
/// ```no_run
/// # mod question { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// # #[sea_orm(table_name = "polls_question")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub pub_date: DateTime }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// # async fn v(db: &sea_orm::DatabaseConnection, id: i32) -> roan::Result<()> {
/// use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
/// let now = chrono::Utc::now().naive_utc();
/// let published = question::Entity::find().filter(question::Column::PubDate.lte(now));
/// let q = roan::get_object_or_404_in(db, published, id).await?;
/// # Ok(()) }
/// ```
pub async fn get_object_or_404_in<E>(
    db: &impl sea_orm::ConnectionTrait,
    query: sea_orm::Select<E>,
    pk: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<E::Model, Error>
where
    E: EntityTrait,
{
    use sea_orm::{Iterable, PrimaryKeyToColumn, QueryFilter, sea_query::IntoValueTuple};
    let mut condition = sea_orm::Condition::all();
    let values = pk.into().into_value_tuple();
    for (key, value) in E::PrimaryKey::iter().zip(values) {
        condition = condition.add(sea_orm::ColumnTrait::eq(&key.into_column(), value));
    }
    query.filter(condition).one(db).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "No {} matches the given query.",
            sea_orm::EntityName::table_name(&E::default())
        ))
    })
}
