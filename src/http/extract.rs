//! `Form<T>` and `Query<T>`: axum's extractors of the same names, with two differences a Django
//! user expects: a repeated key fills a `Vec` (a multi-select, a group of checkboxes), and a body
//! or query that does not fit `T` is a 400 through roan's error pages, not a plain-text 415/422.

use super::Error;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The submitted form as a typed value: `Form(vote): Form<Vote>`.
///
/// It reads what [`FormData`](crate::forms::FormData) reads (a urlencoded or multipart body for a
/// POST, the query string for a GET, with the upload limits of the settings) and deserializes the
/// fields into `T`; a field that is a `Vec` gets every value of its key. For validation with
/// Django's messages, bind the data to a [`forms::Form`](crate::forms::Form) instead.
///
/// ```
/// # use roan::Form;
/// #[derive(serde::Deserialize)]
/// struct Filter {
///     q: String,
///     #[serde(default)]
///     tag: Vec<String>,
/// }
///
/// async fn search(Form(filter): Form<Filter>) -> String {
///     format!("{} in {}", filter.q, filter.tag.join(", "))
/// }
/// # let _ = search;
/// ```
#[derive(Debug, Clone)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Form<T>, Error> {
        let data = crate::forms::FormData::from_request(req, state).await?;
        let mut text = form_urlencoded::Serializer::new(String::new());
        for (key, value) in data.iter() {
            text.append_pair(key, value);
        }
        serde_html_form::from_str(&text.finish())
            .map(Form)
            .map_err(|e| Error::BadRequest(format!("the submitted form does not fit: {e}")))
    }
}

/// The query string as a typed value: `Query(page): Query<Page>`; a repeated key fills a `Vec`,
/// and a query that does not fit `T` is a 400.
///
/// ```
/// # use roan::Query;
/// #[derive(serde::Deserialize)]
/// struct Page {
///     #[serde(default = "first")]
///     page: u32,
/// }
/// fn first() -> u32 { 1 }
///
/// async fn list(Query(p): Query<Page>) -> String {
///     format!("page {}", p.page)
/// }
/// # let _ = list;
/// ```
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Query<T>, Error> {
        serde_html_form::from_str(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|e| Error::BadRequest(format!("the query string does not fit: {e}")))
    }
}
