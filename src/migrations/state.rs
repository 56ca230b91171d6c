//! The state of all models: the replay of every migration.

use crate::db::ModelState;
use std::collections::BTreeMap;

/// Every model by `(app, model name)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    /// The models.
    pub models: BTreeMap<(String, String), ModelState>,
}

impl ProjectState {
    /// A model by app and name.
    pub fn model(&self, app: &str, name: &str) -> Option<&ModelState> {
        self.models.get(&(app.to_string(), name.to_string()))
    }

    /// A model by table name.
    pub fn by_table(&self, table: &str) -> Option<&ModelState> {
        self.models.values().find(|m| m.table == table)
    }

    /// The models of one app.
    pub fn app_models<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a ModelState> + 'a {
        self.models.values().filter(move |m| m.app == app)
    }

    /// The state of the registered models of a project.
    pub fn from_models(models: impl IntoIterator<Item = ModelState>) -> ProjectState {
        ProjectState {
            models: models
                .into_iter()
                .map(|m| ((m.app.clone(), m.name.clone()), m))
                .collect(),
        }
    }
}
