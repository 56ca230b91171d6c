//! Migrations: Django's design on sea-query and sea-orm-migration.
//!
//! A migration is a Rust file of declarative [`Operation`]s with dependencies. The state of the
//! models is the replay of every migration ([`ProjectState`]); `makemigrations` diffs it against
//! the registered entities ([`autodetector`]) and writes the next file ([`writer`]); `migrate`
//! plans ([`graph`]) and applies them ([`executor`]), recording each in `roan_migrations`
//! ([`recorder`]). SQLite's missing ALTERs are done by rebuilding the table ([`schema`]).
//!
//! A migration file, as `makemigrations` writes it:
//!
//! ```
//! use roan::migrations::prelude::*;
//!
//! pub fn migration() -> Migration {
//!     Migration::new("blog", "0001_initial").operations(vec![Operation::create_model(
//!         "post",
//!         "blog_post",
//!         vec![
//!             Field::new("id", FieldType::Integer).primary_key().auto_increment(),
//!             Field::new("title", FieldType::String).max_length(200),
//!         ],
//!         vec![],
//!     )])
//! }
//! # assert_eq!(migration().operations[0].describe(), "Create model post");
//! ```

pub mod autodetector;
mod error;
pub mod executor;
pub mod graph;
mod migration;
mod operation;
pub mod questioner;
pub mod recorder;
pub mod schema;
mod state;
pub mod writer;

pub use error::MigrationError;
pub use migration::Migration;
pub use operation::{Operation, RunFuture, RunRustFn, RustCode};
pub use state::ProjectState;

/// Everything a migration file uses.
pub mod prelude {
    pub use super::{Migration, Operation, RunFuture};
    pub use crate::db::{DefaultValue, Field, FieldType, Index, OnDelete};
}

/// A connection for migrating: one connection on SQLite, so the foreign-key pragma and the
/// transaction share it.
pub async fn connect(
    settings: &crate::conf::Settings,
) -> Result<sea_orm::DatabaseConnection, sea_orm::DbErr> {
    crate::db::connect(settings, crate::db::connect::Purpose::Migrate).await
}

/// The project's migration graph, checked for missing dependencies and cycles.
pub fn load_graph(project: &crate::Project) -> Result<graph::Graph, MigrationError> {
    graph::Graph::new(project.migrations())
}
