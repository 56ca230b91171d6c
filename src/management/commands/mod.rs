//! Built-in management commands, one per file as in Django.

mod check;
mod dbshell;
mod diffsettings;
mod dumpdata;
mod flush;
mod inspectdb;
mod loaddata;
mod makemigrations;
mod migrate;
mod runserver;
mod shell;
mod showmigrations;
mod sqlmigrate;

pub use check::Check;
pub use dbshell::DbShell;
pub use diffsettings::DiffSettings;
pub use dumpdata::DumpData;
pub use flush::Flush;
pub use inspectdb::InspectDb;
pub use loaddata::LoadData;
pub use makemigrations::MakeMigrations;
pub use migrate::Migrate;
pub use runserver::RunServer;
pub use shell::Shell;
pub use showmigrations::ShowMigrations;
pub use sqlmigrate::SqlMigrate;

use super::Command;
use std::sync::Arc;

/// The commands every project has.
pub fn builtin() -> Vec<Arc<dyn Command>> {
    vec![
        Arc::new(Check),
        Arc::new(DbShell),
        Arc::new(DiffSettings),
        Arc::new(DumpData),
        Arc::new(Flush),
        Arc::new(InspectDb),
        Arc::new(LoadData),
        Arc::new(MakeMigrations),
        Arc::new(Migrate),
        Arc::new(RunServer),
        Arc::new(Shell),
        Arc::new(ShowMigrations),
        Arc::new(SqlMigrate),
    ]
}
