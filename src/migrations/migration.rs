//! One migration: an app, a name, dependencies and operations.

use super::Operation;

/// A migration, as written in `src/<app>/migrations/NNNN_name.rs`.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The app label.
    pub app: String,
    /// The name, e.g. `0002_post_slug`.
    pub name: String,
    /// `(app, name)` pairs that must be applied first.
    pub dependencies: Vec<(String, String)>,
    /// The operations, in order.
    pub operations: Vec<Operation>,
}

impl Migration {
    /// A migration with no dependencies and no operations.
    pub fn new(app: &str, name: &str) -> Migration {
        Migration {
            app: app.to_string(),
            name: name.to_string(),
            dependencies: Vec::new(),
            operations: Vec::new(),
        }
    }

    /// Adds dependencies: `&[("blog", "0001_initial")]`.
    pub fn depends_on(mut self, deps: &[(&str, &str)]) -> Migration {
        self.dependencies
            .extend(deps.iter().map(|(a, n)| (a.to_string(), n.to_string())));
        self
    }

    /// Sets the operations.
    pub fn operations(mut self, operations: Vec<Operation>) -> Migration {
        self.operations = operations;
        self
    }

    /// `app.name`.
    pub fn key(&self) -> (String, String) {
        (self.app.clone(), self.name.clone())
    }

    /// `app.name` as text.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app, self.name)
    }
}
