//! Planning and applying migrations: forwards, backwards, fake; one transaction per migration
//! where the backend has transactional DDL (SQLite, PostgreSQL), recorded only after success.

use super::graph::{Graph, Key};
use super::{MigrationError, ProjectState, recorder, schema};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use std::collections::BTreeSet;

/// What `migrate` was asked to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateTarget {
    /// Every migration of every app.
    All,
    /// Every migration of one app (and what it depends on).
    App(String),
    /// A migration of an app: forwards to it, or backwards to just after it.
    To(String, String),
    /// Unapply every migration of an app (and what depends on it).
    Zero(String),
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Apply a migration.
    Apply(Key),
    /// Unapply a migration.
    Unapply(Key),
}

/// The steps that take the database from `applied` to `target`.
pub fn plan(
    graph: &Graph,
    applied: &BTreeSet<Key>,
    target: &MigrateTarget,
) -> Result<Vec<Step>, MigrationError> {
    let app_exists = |app: &str| graph.ordered().iter().any(|m| m.app == app);
    let no_app = |app: &str| {
        MigrationError::Graph(format!(
            "app '{app}' has no migrations; run `roan makemigrations {app}` first, or check the app label"
        ))
    };
    let forwards = |wanted: BTreeSet<Key>| -> Vec<Step> {
        graph
            .ordered()
            .iter()
            .map(|m| m.key())
            .filter(|k| wanted.contains(k) && !applied.contains(k))
            .map(Step::Apply)
            .collect()
    };
    let backwards = |remove: BTreeSet<Key>| -> Vec<Step> {
        graph
            .ordered()
            .iter()
            .rev()
            .map(|m| m.key())
            .filter(|k| remove.contains(k) && applied.contains(k))
            .map(Step::Unapply)
            .collect()
    };
    Ok(match target {
        MigrateTarget::All => forwards(graph.ordered().iter().map(|m| m.key()).collect()),
        MigrateTarget::App(app) => {
            if !app_exists(app) {
                return Err(no_app(app));
            }
            let mut wanted = BTreeSet::new();
            for leaf in graph.leaves(app) {
                wanted.extend(graph.ancestors(&(app.clone(), leaf)));
            }
            forwards(wanted)
        }
        MigrateTarget::Zero(app) => {
            if !app_exists(app) {
                return Err(no_app(app));
            }
            let mut remove = BTreeSet::new();
            for m in graph.ordered().iter().filter(|m| &m.app == app) {
                remove.extend(graph.descendants(&m.key()));
            }
            backwards(remove)
        }
        MigrateTarget::To(app, name) => {
            let key = (app.clone(), name.clone());
            if graph.get(&key).is_none() {
                let known: Vec<String> = graph
                    .ordered()
                    .iter()
                    .filter(|m| &m.app == app)
                    .map(|m| m.name.clone())
                    .collect();
                return Err(MigrationError::Graph(format!(
                    "app '{app}' has no migration '{name}'; it has: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            if applied.contains(&key) {
                // Backwards: unapply what comes after `name` in this app, and its dependents.
                let mut remove = BTreeSet::new();
                for later in graph.descendants(&key).into_iter().filter(|k| k != &key) {
                    remove.extend(graph.descendants(&later));
                }
                backwards(remove)
            } else {
                forwards(graph.ancestors(&key))
            }
        }
    })
}

/// One thing to run: a SQL statement or a `RunRust` function.
#[derive(Debug, Clone)]
pub enum Action {
    /// A statement.
    Sql(String),
    /// A data migration function.
    Rust(super::RustCode),
}

impl Action {
    /// The statement, or a note for Rust code.
    pub fn text(&self) -> String {
        match self {
            Action::Sql(s) => s.clone(),
            Action::Rust(_) => "-- (a RunRust function: Rust code, not SQL)".into(),
        }
    }
}

/// The SQL of one migration, per operation: `(description, statements)`; a `RunRust` function
/// shows as an SQL comment.
pub fn migration_sql(
    graph: &Graph,
    key: &Key,
    applied_before: &BTreeSet<Key>,
    backend: DbBackend,
    backwards: bool,
) -> Result<Vec<(String, Vec<String>)>, MigrationError> {
    Ok(
        migration_actions(graph, key, applied_before, backend, backwards)?
            .into_iter()
            .map(|(d, actions)| (d, actions.iter().map(Action::text).collect()))
            .collect(),
    )
}

/// What one migration runs, per operation: `(description, actions)`.
pub fn migration_actions(
    graph: &Graph,
    key: &Key,
    applied_before: &BTreeSet<Key>,
    backend: DbBackend,
    backwards: bool,
) -> Result<Vec<(String, Vec<Action>)>, MigrationError> {
    let m = graph
        .get(key)
        .ok_or_else(|| MigrationError::Graph(format!("no migration {}.{}", key.0, key.1)))?;
    let mut others = applied_before.clone();
    others.remove(key);
    let mut states: Vec<ProjectState> = vec![graph.state(&others)?];
    for op in &m.operations {
        let mut next = states.last().cloned().unwrap_or_default();
        op.state_forwards(&m.app, &mut next)
            .map_err(|message| MigrationError::State {
                migration: m.label(),
                message,
            })?;
        states.push(next);
    }
    let err = |message: String| MigrationError::State {
        migration: m.label(),
        message,
    };
    let mut out = Vec::new();
    if backwards {
        for (i, op) in m.operations.iter().enumerate().rev() {
            let rev = schema::reverse(op, &m.app, &states[i]).map_err(|e| {
                MigrationError::Irreversible(format!("{} cannot be unapplied: {e}", m.label()))
            })?;
            let sql =
                schema::forwards(&rev, &m.app, &states[i + 1], &states[i], backend).map_err(err)?;
            out.push((rev.describe(), actions(&rev, sql)));
        }
    } else {
        for (i, op) in m.operations.iter().enumerate() {
            let sql =
                schema::forwards(op, &m.app, &states[i], &states[i + 1], backend).map_err(err)?;
            out.push((op.describe(), actions(op, sql)));
        }
    }
    Ok(out)
}

fn actions(op: &super::Operation, sql: Vec<String>) -> Vec<Action> {
    match op {
        super::Operation::RunRust { forward, .. } => vec![Action::Rust(*forward)],
        _ => sql.into_iter().map(Action::Sql).collect(),
    }
}

/// How [`migrate`] runs the planned steps.
#[derive(Debug, Clone, Copy, Default)]
pub struct MigrateOptions {
    /// Record the steps without running them (`--fake`); post_migrate steps do not run.
    pub fake: bool,
    /// Record an initial migration as applied when every table it creates exists
    /// (`--fake-initial`).
    pub fake_initial: bool,
}

/// What [`migrate`] reports as it goes, for `roan migrate` to print.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A step starts.
    Start(&'a Step),
    /// The step was applied (`faked`: only recorded).
    Done(&'a Step, bool),
    /// The step failed; the error follows.
    Failed(&'a Step),
}

/// Migrates the database to `target`, then runs every installed app's post_migrate step
/// (Django's `post_migrate` signal; auth creates permissions there). The one entry point of
/// `roan migrate` and the test client.
pub async fn migrate(
    db: &DatabaseConnection,
    project: &crate::Project,
    graph: &Graph,
    target: &MigrateTarget,
    options: MigrateOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<BTreeSet<Key>, MigrationError> {
    let mut applied = recorder::applied(db).await?;
    let steps = plan(graph, &applied, target)?;
    for step in &steps {
        let mut fake = options.fake;
        if !fake && options.fake_initial && matches!(step, Step::Apply(_)) {
            fake = initial_tables_exist(db, graph, step_key(step)).await?;
        }
        progress(Progress::Start(step));
        match run_step(db, graph, step, &mut applied, fake).await {
            Ok(()) => progress(Progress::Done(step, fake)),
            Err(e) => {
                progress(Progress::Failed(step));
                return Err(e);
            }
        }
    }
    if !options.fake {
        post_migrate(db, project).await?;
    }
    Ok(applied)
}

/// Runs every installed app's post_migrate step, in `INSTALLED_APPS` order.
pub async fn post_migrate(
    db: &DatabaseConnection,
    project: &crate::Project,
) -> Result<(), MigrationError> {
    for app in project.apps() {
        for hook in app.post_migrate_hooks() {
            hook(db, project)
                .await
                .map_err(|e| MigrationError::PostMigrate {
                    app: app.label().to_string(),
                    message: e.to_string(),
                })?;
        }
    }
    Ok(())
}

fn step_key(step: &Step) -> &Key {
    match step {
        Step::Apply(k) | Step::Unapply(k) => k,
    }
}

/// Whether every table an initial migration creates exists already (`--fake-initial`).
async fn initial_tables_exist(
    db: &DatabaseConnection,
    graph: &Graph,
    key: &Key,
) -> Result<bool, MigrationError> {
    let Some(m) = graph.get(key) else {
        return Ok(false);
    };
    let tables: Vec<&str> = m
        .operations
        .iter()
        .filter_map(|op| match op {
            super::Operation::CreateModel { table, .. } => Some(table.as_str()),
            _ => None,
        })
        .collect();
    if tables.is_empty() || !m.dependencies.iter().all(|d| d.0 != m.app) {
        return Ok(false);
    }
    let manager = sea_orm_migration::SchemaManager::new(db);
    for t in tables {
        if !manager.has_table(t).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Applies or unapplies one migration and records it; `fake` only records.
pub async fn run_step(
    db: &DatabaseConnection,
    graph: &Graph,
    step: &Step,
    applied: &mut BTreeSet<Key>,
    fake: bool,
) -> Result<(), MigrationError> {
    recorder::ensure_table(db).await?;
    let backend = db.get_database_backend();
    let (key, backwards) = match step {
        Step::Apply(k) => (k, false),
        Step::Unapply(k) => (k, true),
    };
    let label = format!("{}.{}", key.0, key.1);
    let statements = if fake {
        Vec::new()
    } else {
        migration_actions(graph, key, applied, backend, backwards)?
    };
    let sqlite = backend == DbBackend::Sqlite;
    if sqlite {
        db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    }
    let result = if backend == DbBackend::MySql {
        run_plain(db, &label, &statements, key, backwards).await
    } else {
        run_in_transaction(db, &label, &statements, key, backwards, sqlite).await
    };
    if sqlite {
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    result?;
    if backwards {
        applied.remove(key);
    } else {
        applied.insert(key.clone());
    }
    Ok(())
}

async fn run_in_transaction(
    db: &DatabaseConnection,
    label: &str,
    statements: &[(String, Vec<Action>)],
    key: &Key,
    backwards: bool,
    sqlite: bool,
) -> Result<(), MigrationError> {
    let txn = db.begin().await?;
    for (operation, actions) in statements {
        for action in actions {
            let result = match action {
                Action::Sql(sql) => txn.execute_unprepared(sql).await.map(|_| ()),
                Action::Rust(code) => (code.0)(&txn).await,
            };
            if let Err(source) = result {
                let _ = txn.rollback().await;
                return Err(MigrationError::Apply {
                    migration: label.to_string(),
                    operation: operation.clone(),
                    sql: action.text(),
                    rolled_back: true,
                    source: Box::new(source),
                });
            }
        }
    }
    if sqlite {
        let broken = txn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA foreign_key_check",
            ))
            .await?;
        if let Some(row) = broken.first() {
            let table: String = row.try_get_by_index(0).unwrap_or_default();
            let _ = txn.rollback().await;
            return Err(MigrationError::Apply {
                migration: label.to_string(),
                operation: "foreign key check".into(),
                sql: "PRAGMA foreign_key_check".into(),
                rolled_back: true,
                source: Box::new(sea_orm::DbErr::Custom(format!(
                    "rows of table {table} point at rows that do not exist"
                ))),
            });
        }
    }
    if backwards {
        recorder::unrecord(&txn, key).await?;
    } else {
        recorder::record(&txn, key).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn run_plain(
    db: &DatabaseConnection,
    label: &str,
    statements: &[(String, Vec<Action>)],
    key: &Key,
    backwards: bool,
) -> Result<(), MigrationError> {
    for (operation, actions) in statements {
        for action in actions {
            let result = match action {
                Action::Sql(sql) => db.execute_unprepared(sql).await.map(|_| ()),
                // Data changes still get a transaction of their own.
                Action::Rust(code) => match db.begin().await {
                    Ok(txn) => match (code.0)(&txn).await {
                        Ok(()) => txn.commit().await,
                        Err(e) => {
                            let _ = txn.rollback().await;
                            Err(e)
                        }
                    },
                    Err(e) => Err(e),
                },
            };
            if let Err(source) = result {
                return Err(MigrationError::Apply {
                    migration: label.to_string(),
                    operation: operation.clone(),
                    sql: action.text(),
                    rolled_back: false,
                    source: Box::new(source),
                });
            }
        }
    }
    if backwards {
        recorder::unrecord(db, key).await?;
    } else {
        recorder::record(db, key).await?;
    }
    Ok(())
}
