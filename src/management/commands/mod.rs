//! Built-in management commands, one per file as in Django.

mod check;
mod diffsettings;
mod runserver;
mod startapp;

pub use check::Check;
pub use diffsettings::DiffSettings;
pub use runserver::{BUILD_ERROR_ENV, RunServer};
pub use startapp::StartApp;

use super::Command;
use std::sync::Arc;

/// The commands every project has.
pub fn builtin() -> Vec<Arc<dyn Command>> {
    vec![
        Arc::new(Check),
        Arc::new(DiffSettings),
        Arc::new(RunServer),
        Arc::new(StartApp),
    ]
}
