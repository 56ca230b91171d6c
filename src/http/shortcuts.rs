//! Django's shortcuts: `render`, `redirect`, `get_object_or_404`, JSON responses.

use super::{Error, HttpRequest};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sea_orm::{EntityTrait, PrimaryKeyTrait};
use serde::Serialize;

/// Renders a template with a context into an HTML response; the template also sees `request`.
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
    let ctx = minijinja::Value::from_object(RenderContext {
        given: minijinja::Value::from(minijinja::value::Serde(&context)),
        request: request.template_value(),
        csrf: request
            .csrf
            .clone()
            .map(|t| minijinja::Value::from_object(crate::template::CsrfObject(t)))
            .unwrap_or_default(),
        messages: match &request.messages {
            Some(m) => m.template_value(),
            None => minijinja::Value::from(Vec::<minijinja::Value>::new()),
        },
    });
    let html = request.site().templates().render(template, ctx)?;
    Ok(Html(html).into_response())
}

/// What a template rendered by [`render`] sees: the view's context, then `request`, `csrf`
/// and `messages` unless the view gave those names itself. Looked up in place, not copied
/// into a new map.
#[derive(Debug)]
struct RenderContext {
    given: minijinja::Value,
    request: minijinja::Value,
    csrf: minijinja::Value,
    messages: minijinja::Value,
}

impl RenderContext {
    const BUILT_IN: [&'static str; 3] = ["request", "csrf", "messages"];

    fn built_in(&self, name: &str) -> Option<&minijinja::Value> {
        match name {
            "request" => Some(&self.request),
            "csrf" => Some(&self.csrf),
            "messages" => Some(&self.messages),
            _ => None,
        }
    }
}

impl minijinja::value::Object for RenderContext {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let name = key.as_str()?;
        match self.given.get_attr(name) {
            Ok(v) if !v.is_undefined() => Some(v),
            _ => self.built_in(name).cloned(),
        }
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut keys: Vec<minijinja::Value> = self
            .given
            .try_iter()
            .map(|it| it.collect())
            .unwrap_or_default();
        for name in Self::BUILT_IN {
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
