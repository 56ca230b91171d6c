//! What goes wrong planning or applying migrations.

/// A migration problem, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// A migration's operations do not fit the state they are applied to.
    #[error("migration {migration}: {message}")]
    State {
        /// `app.name`.
        migration: String,
        /// What does not fit.
        message: String,
    },
    /// Dependencies that cannot be satisfied or that form a cycle.
    #[error("{0}")]
    Graph(String),
    /// Two leaf migrations in one app.
    #[error(
        "conflicting migrations in app '{app}': {leaves} are both latest; run `roan makemigrations --merge` to write a merge migration"
    )]
    Conflict {
        /// The app.
        app: String,
        /// The leaf names.
        leaves: String,
    },
    /// A statement failed while applying; the migration was rolled back where the backend allows.
    #[error("applying {migration} failed at \"{operation}\"\n  SQL: {sql}\n  error: {source}{}", if *.rolled_back { "\n  the migration was rolled back and not recorded" } else { "\n  MySQL/MariaDB cannot roll back DDL: statements before this one stay applied; the migration was not recorded" })]
    Apply {
        /// `app.name`.
        migration: String,
        /// The operation's description.
        operation: String,
        /// The statement.
        sql: String,
        /// Whether the transaction was rolled back.
        rolled_back: bool,
        /// The database error.
        source: Box<sea_orm::DbErr>,
    },
    /// A database error outside of a statement (connecting, the recorder table).
    #[error("database error: {0}")]
    Db(Box<sea_orm::DbErr>),
    /// An operation that cannot be reversed.
    #[error("{0}")]
    Irreversible(String),
    /// An app's post_migrate step failed; the migrations themselves were applied.
    #[error("the post_migrate step of app '{app}' failed: {message}")]
    PostMigrate {
        /// The app.
        app: String,
        /// What went wrong.
        message: String,
    },
}

impl From<sea_orm::DbErr> for MigrationError {
    fn from(e: sea_orm::DbErr) -> MigrationError {
        MigrationError::Db(Box::new(e))
    }
}
