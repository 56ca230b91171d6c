//! roan: Django's batteries-included workflow, in Rust.
//!
//! A generated project's `src/main.rs` is one call, [`manage`], with a [`Project`] that lists its
//! installed apps and root URLs. Views are axum handlers that take roan's extractors
//! ([`HttpRequest`], [`Path`], [`Db`]) and return [`Result`]; templates are minijinja with
//! Django's search order, `url()` and `static()`; settings come from `settings.toml`.
//!
//! ```
//! use axum::response::Response;
//! use roan::urls::{Urls, path};
//! use roan::{HttpRequest, Path, render};
//!
//! async fn detail(request: HttpRequest, Path(id): Path<i64>) -> roan::Result<Response> {
//!     render(&request, "blog/detail.html", roan::context! { id })
//! }
//!
//! fn urls() -> Urls {
//!     Urls::app("blog", vec![path("<int:id>/", detail).name("detail")])
//! }
//! ```

#![warn(missing_docs)]

pub mod apps;
pub mod conf;
pub mod contrib;
pub mod db;
pub mod http;
pub mod management;
pub mod middleware;
pub mod migrations;
pub mod scaffold;
pub mod site;
pub mod template;
pub mod test;
pub mod urls;

pub use apps::{App, Project};
/// clap, for apps that add management commands (`roan::clap::Command`).
pub use clap;
pub use http::{
    Db, Error, HttpRequest, JsonResponse, Path, Result, get_object_or_404, redirect, redirect_to,
    render,
};
pub use management::manage;
pub use minijinja::context;
pub use site::Site;
