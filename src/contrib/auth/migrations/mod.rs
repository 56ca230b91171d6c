//! Migrations of the auth app, frozen as files as Django ships `auth/migrations/`: they are
//! the history every database was migrated through, so the models may change only by adding a
//! migration here.

mod m0001_initial;
mod m0002_foreign_key_indexes;

/// The app's migrations, in the order they were written.
pub fn all() -> Vec<crate::migrations::Migration> {
    vec![
        m0001_initial::migration(),
        m0002_foreign_key_indexes::migration(),
    ]
}
