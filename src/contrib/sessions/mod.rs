//! Sessions stored in the database, as Django's `django.contrib.sessions` with the database
//! backend: any number of server processes on one database share them.
//!
//! Install the app (`.app(roan::contrib::sessions::app())`, in every new project), run
//! `roan migrate`, and take a [`Session`] in a view:
//!
//! ```
//! use roan::contrib::sessions::Session;
//!
//! async fn visits(session: Session) -> roan::Result<String> {
//!     let n: i64 = session.get("visits").await?.unwrap_or(0) + 1;
//!     session.insert("visits", n).await?;
//!     Ok(format!("{n} visits"))
//! }
//! ```

mod clearsessions;
mod middleware;
pub mod migrations;
pub mod session;
mod store;

pub use clearsessions::ClearSessions;
pub use middleware::{Session, SessionMiddleware, SessionState};

use crate::db::ModelState;

/// The app label.
pub const LABEL: &str = "sessions";
/// The table of sessions.
pub const TABLE: &str = "roan_session";

/// The session model: key, data (JSON) and expiry, read from its entity ([`session`]).
pub fn model() -> ModelState {
    crate::db::model_named::<session::Entity>(LABEL, "session")
}

/// The sessions app, with its model, migrations and `clearsessions` command.
pub fn app() -> crate::App {
    crate::App::new(LABEL)
        .middleware(|site| Some(SessionMiddleware::new(site)))
        .model_state(model())
        .migrations(migrations::all)
        .command(ClearSessions)
}
