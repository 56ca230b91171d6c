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
//!
//! # Features
//!
//! The runtime is behind the database features a project picks; the `roan` command is the
//! default feature, so `cargo install roan` builds only the command:
//!
//! | feature | what it adds |
//! | --- | --- |
//! | `cli` (default) | the `roan` command: scaffolding, builds, autoreload |
//! | `sqlite` | the runtime, with SQLite (what `roan startproject` writes) |
//! | `postgres` | the runtime, with PostgreSQL |
//! | `mysql` | the runtime, with MariaDB/MySQL |
//!
//! A project depends on `roan = { version = "…", default-features = false, features =
//! ["sqlite"] }`; `roan` adds the driver of a database the settings name when it builds.

#![warn(missing_docs)]

pub mod crypto;
pub mod launcher;

#[cfg(feature = "runtime")]
pub mod apps;
#[cfg(feature = "runtime")]
pub mod conf;
#[cfg(feature = "runtime")]
pub mod contrib;
#[cfg(feature = "runtime")]
pub mod db;
#[cfg(feature = "runtime")]
pub mod files;
#[cfg(feature = "runtime")]
pub mod forms;
#[cfg(feature = "runtime")]
pub mod http;
#[cfg(feature = "runtime")]
pub mod management;
#[cfg(feature = "runtime")]
pub mod middleware;
#[cfg(feature = "runtime")]
pub mod migrations;
#[cfg(feature = "runtime")]
pub mod paginator;
#[cfg(feature = "runtime")]
pub mod shell;
#[cfg(feature = "runtime")]
pub mod site;
#[cfg(feature = "runtime")]
pub mod template;
#[cfg(feature = "runtime")]
pub mod test;
#[cfg(feature = "runtime")]
pub mod timezone;
#[cfg(feature = "runtime")]
pub mod urls;
#[cfg(feature = "runtime")]
pub mod views;

#[cfg(feature = "runtime")]
pub use apps::{App, Project};
/// clap, for apps that add management commands (`roan::clap::Command`).
#[cfg(feature = "runtime")]
pub use clap;
#[cfg(feature = "runtime")]
pub use http::{
    Db, Error, Form, HttpRequest, JsonResponse, Path, Query, Result, get_object_or_404,
    get_object_or_404_in, redirect, redirect_to, render,
};
#[cfg(feature = "runtime")]
pub use management::manage;
/// `#[derive(roan::Form)]`: a struct that declares a form (see [`forms`]).
#[cfg(feature = "runtime")]
pub use roan_macros::Form;
#[cfg(feature = "runtime")]
pub use site::Site;
