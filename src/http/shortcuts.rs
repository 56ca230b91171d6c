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
    let csrf = request
        .csrf
        .clone()
        .map(|t| minijinja::Value::from_object(crate::template::CsrfObject(t)));
    let messages = request
        .messages
        .as_ref()
        .map(crate::contrib::messages::Messages::template_value)
        .unwrap_or_else(|| minijinja::Value::from(Vec::<minijinja::Value>::new()));
    // One flat map (a merged context makes every lookup search several maps).
    let given = minijinja::Value::from(minijinja::value::Serde(&context));
    let mut map: std::collections::BTreeMap<String, minijinja::Value> = given
        .try_iter()
        .map(|keys| {
            keys.filter_map(|k| {
                let v = given.get_item(&k).ok()?;
                Some((k.as_str()?.to_string(), v))
            })
            .collect()
        })
        .unwrap_or_default();
    map.entry("request".into())
        .or_insert_with(|| request.template_value());
    map.entry("csrf".into())
        .or_insert_with(|| csrf.unwrap_or_default());
    map.entry("messages".into()).or_insert(messages);
    let ctx = minijinja::Value::from(map);
    let html = request.site().templates().render(template, ctx)?;
    Ok(Html(html).into_response())
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
