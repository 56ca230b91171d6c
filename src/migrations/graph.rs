//! The migration graph: dependency order, leaves, conflicts, plans and replayed states.

use super::{Migration, MigrationError, ProjectState};
use std::collections::{BTreeMap, BTreeSet};

/// `(app, name)`.
pub type Key = (String, String);

/// All migrations of a project in dependency order.
#[derive(Debug, Clone)]
pub struct Graph {
    ordered: Vec<Migration>,
}

impl Graph {
    /// Orders `migrations` (given app by app, each in file order) so every migration comes after
    /// its dependencies; fails on a missing dependency or a cycle.
    pub fn new(migrations: Vec<Migration>) -> Result<Graph, MigrationError> {
        let keys: BTreeSet<Key> = migrations.iter().map(Migration::key).collect();
        if keys.len() != migrations.len() {
            let mut seen = BTreeSet::new();
            for m in &migrations {
                if !seen.insert(m.key()) {
                    return Err(MigrationError::Graph(format!(
                        "migration {} is listed twice in the app's migrations module",
                        m.label()
                    )));
                }
            }
        }
        for m in &migrations {
            for dep in &m.dependencies {
                if !keys.contains(dep) {
                    return Err(MigrationError::Graph(format!(
                        "migration {} depends on {}.{}, which does not exist; restore it or fix the dependency in src/{}/migrations/{}.rs",
                        m.label(),
                        dep.0,
                        dep.1,
                        m.app,
                        m.name
                    )));
                }
            }
        }
        // Kahn's algorithm, always taking the first ready migration in the given order.
        let mut remaining: Vec<Migration> = migrations;
        let mut done: BTreeSet<Key> = BTreeSet::new();
        let mut ordered = Vec::with_capacity(remaining.len());
        while !remaining.is_empty() {
            let Some(pos) = remaining
                .iter()
                .position(|m| m.dependencies.iter().all(|d| done.contains(d)))
            else {
                let names: Vec<String> = remaining.iter().map(Migration::label).collect();
                return Err(MigrationError::Graph(format!(
                    "circular dependency between migrations: {}",
                    names.join(", ")
                )));
            };
            let m = remaining.remove(pos);
            done.insert(m.key());
            ordered.push(m);
        }
        Ok(Graph { ordered })
    }

    /// Every migration, dependencies first.
    pub fn ordered(&self) -> &[Migration] {
        &self.ordered
    }

    /// A migration by key.
    pub fn get(&self, key: &Key) -> Option<&Migration> {
        self.ordered.iter().find(|m| &m.key() == key)
    }

    /// The latest migrations of an app: those no other migration of the app depends on.
    pub fn leaves(&self, app: &str) -> Vec<String> {
        let depended: BTreeSet<&Key> = self
            .ordered
            .iter()
            .flat_map(|m| m.dependencies.iter())
            .collect();
        self.ordered
            .iter()
            .filter(|m| m.app == app && !depended.contains(&m.key()))
            .map(|m| m.name.clone())
            .collect()
    }

    /// Fails when an app has more than one leaf.
    pub fn check_conflicts(&self) -> Result<(), MigrationError> {
        let apps: BTreeSet<&str> = self.ordered.iter().map(|m| m.app.as_str()).collect();
        for app in apps {
            let leaves = self.leaves(app);
            if leaves.len() > 1 {
                return Err(MigrationError::Conflict {
                    app: app.to_string(),
                    leaves: leaves.join(" and "),
                });
            }
        }
        Ok(())
    }

    /// The apps with conflicts and their leaves.
    pub fn conflicts(&self) -> BTreeMap<String, Vec<String>> {
        let apps: BTreeSet<&str> = self.ordered.iter().map(|m| m.app.as_str()).collect();
        apps.into_iter()
            .map(|a| (a.to_string(), self.leaves(a)))
            .filter(|(_, l)| l.len() > 1)
            .collect()
    }

    /// The state after the migrations in `applied`, replayed in graph order.
    pub fn state(&self, applied: &BTreeSet<Key>) -> Result<ProjectState, MigrationError> {
        let mut state = ProjectState::default();
        for m in self.ordered.iter().filter(|m| applied.contains(&m.key())) {
            for op in &m.operations {
                op.state_forwards(&m.app, &mut state)
                    .map_err(|message| MigrationError::State {
                        migration: m.label(),
                        message,
                    })?;
            }
        }
        Ok(state)
    }

    /// The state after every migration.
    pub fn full_state(&self) -> Result<ProjectState, MigrationError> {
        let all: BTreeSet<Key> = self.ordered.iter().map(Migration::key).collect();
        self.state(&all)
    }

    /// `key` and everything it depends on, transitively.
    pub fn ancestors(&self, key: &Key) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        let mut stack = vec![key.clone()];
        while let Some(k) = stack.pop() {
            if out.insert(k.clone())
                && let Some(m) = self.get(&k)
            {
                stack.extend(m.dependencies.iter().cloned());
            }
        }
        out
    }

    /// `key` and everything that depends on it, transitively.
    pub fn descendants(&self, key: &Key) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        let mut stack = vec![key.clone()];
        while let Some(k) = stack.pop() {
            if out.insert(k.clone()) {
                stack.extend(
                    self.ordered
                        .iter()
                        .filter(|m| m.dependencies.contains(&k))
                        .map(Migration::key),
                );
            }
        }
        out
    }
}
