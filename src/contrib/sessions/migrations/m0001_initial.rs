//! Migration sessions.0001_initial, written by `roan makemigrations` and frozen: a change to the
//! app's models needs a new migration, never an edit here.

use crate::migrations::prelude::*;

/// Create model session
pub fn migration() -> Migration {
    Migration::new("sessions", "0001_initial").operations(vec![Operation::create_model(
        "session",
        "roan_session",
        vec![
            Field::new("session_key", FieldType::String)
                .max_length(40)
                .primary_key(),
            Field::new("session_data", FieldType::Text),
            Field::new("expire_date", FieldType::DateTime).db_index(),
        ],
        vec![],
    )])
}
