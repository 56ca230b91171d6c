//! Declarative schema operations: what each changes in the state, and how it reads.

use super::ProjectState;

/// What a `RunRust` function returns.
pub type RunFuture<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sea_orm::DbErr>> + Send + 'c>>;

/// A data migration step: Rust code run inside the migration's transaction.
///
/// ```
/// use roan::migrations::prelude::*;
/// use sea_orm::ConnectionTrait;
///
/// fn fill_slugs(txn: &sea_orm::DatabaseTransaction) -> RunFuture<'_> {
///     Box::pin(async move {
///         txn.execute_unprepared("UPDATE blog_post SET slug = LOWER(title)").await?;
///         Ok(())
///     })
/// }
/// let op = Operation::run_rust(fill_slugs, None);
/// ```
pub type RunRustFn = for<'c> fn(&'c sea_orm::DatabaseTransaction) -> RunFuture<'c>;

/// A [`RunRustFn`] inside an operation; two are equal when they are the same function.
#[derive(Clone, Copy)]
pub struct RustCode(pub RunRustFn);

impl PartialEq for RustCode {
    fn eq(&self, other: &RustCode) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl std::fmt::Debug for RustCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RustCode(fn)")
    }
}
use crate::db::{DefaultValue, Field, Index, ModelState};

/// One step of a migration. Each knows its state change ([`Operation::state_forwards`]), its
/// SQL ([`super::schema`]) and a one-line description.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Creates a table.
    CreateModel {
        /// The model name.
        name: String,
        /// The table.
        table: String,
        /// The fields.
        fields: Vec<Field>,
        /// Multi-column or named indexes.
        indexes: Vec<Index>,
    },
    /// Drops a table.
    DeleteModel {
        /// The model name.
        name: String,
    },
    /// Renames a model and its table.
    RenameModel {
        /// The old model name.
        old: String,
        /// The new model name.
        new: String,
        /// The new table name.
        table: String,
    },
    /// Adds a column. `fill` is a one-off value for existing rows (Django's
    /// `preserve_default=False`): the column keeps no default afterwards.
    AddField {
        /// The model.
        model: String,
        /// The new field.
        field: Field,
        /// A value for existing rows.
        fill: Option<DefaultValue>,
    },
    /// Drops a column.
    RemoveField {
        /// The model.
        model: String,
        /// The column.
        name: String,
    },
    /// Changes a column's type, null, default, unique, length or foreign key; `fill` replaces
    /// NULLs when the column becomes NOT NULL.
    AlterField {
        /// The model.
        model: String,
        /// The field as it becomes.
        field: Field,
        /// A value for rows that are NULL.
        fill: Option<DefaultValue>,
    },
    /// Renames a column.
    RenameField {
        /// The model.
        model: String,
        /// The old column name.
        old: String,
        /// The new column name.
        new: String,
    },
    /// Creates an index (a unique one is a unique constraint).
    AddIndex {
        /// The model.
        model: String,
        /// The index.
        index: Index,
    },
    /// Drops an index.
    RemoveIndex {
        /// The model.
        model: String,
        /// The index name.
        name: String,
    },
    /// Rust code (a data migration), with the function that undoes it.
    RunRust {
        /// Run forwards.
        forward: RustCode,
        /// Run backwards; `None` makes the migration irreversible.
        backward: Option<RustCode>,
    },
    /// Adds a unique constraint over one or more columns (Django's `UniqueConstraint`,
    /// `unique_together`).
    AddConstraint {
        /// The model.
        model: String,
        /// The constraint: a unique [`Index`] (name and columns).
        constraint: Index,
    },
    /// Drops a unique constraint.
    RemoveConstraint {
        /// The model.
        model: String,
        /// The constraint name.
        name: String,
    },
    /// Raw SQL, with the SQL that undoes it.
    RunSql {
        /// Statements run forwards.
        sql: Vec<String>,
        /// Statements run backwards; `None` makes the migration irreversible.
        reverse: Option<Vec<String>>,
    },
}

impl Operation {
    /// `CreateModel`.
    pub fn create_model(
        name: &str,
        table: &str,
        fields: Vec<Field>,
        indexes: Vec<Index>,
    ) -> Operation {
        Operation::CreateModel {
            name: name.into(),
            table: table.into(),
            fields,
            indexes,
        }
    }

    /// `DeleteModel`.
    pub fn delete_model(name: &str) -> Operation {
        Operation::DeleteModel { name: name.into() }
    }

    /// `RenameModel`; the table is renamed to `table`.
    pub fn rename_model(old: &str, new: &str, table: &str) -> Operation {
        Operation::RenameModel {
            old: old.into(),
            new: new.into(),
            table: table.into(),
        }
    }

    /// `AddField`.
    pub fn add_field(model: &str, field: Field) -> Operation {
        Operation::AddField {
            model: model.into(),
            field,
            fill: None,
        }
    }

    /// `AddField` with a one-off value for the rows that exist.
    pub fn add_field_filled(model: &str, field: Field, fill: DefaultValue) -> Operation {
        Operation::AddField {
            model: model.into(),
            field,
            fill: Some(fill),
        }
    }

    /// `RemoveField`.
    pub fn remove_field(model: &str, name: &str) -> Operation {
        Operation::RemoveField {
            model: model.into(),
            name: name.into(),
        }
    }

    /// `AlterField`.
    pub fn alter_field(model: &str, field: Field) -> Operation {
        Operation::AlterField {
            model: model.into(),
            field,
            fill: None,
        }
    }

    /// `AlterField` that fills NULLs with a one-off value (null to NOT NULL).
    pub fn alter_field_filled(model: &str, field: Field, fill: DefaultValue) -> Operation {
        Operation::AlterField {
            model: model.into(),
            field,
            fill: Some(fill),
        }
    }

    /// `RenameField`.
    pub fn rename_field(model: &str, old: &str, new: &str) -> Operation {
        Operation::RenameField {
            model: model.into(),
            old: old.into(),
            new: new.into(),
        }
    }

    /// `AddIndex`.
    pub fn add_index(model: &str, index: Index) -> Operation {
        Operation::AddIndex {
            model: model.into(),
            index,
        }
    }

    /// `RemoveIndex`.
    pub fn remove_index(model: &str, name: &str) -> Operation {
        Operation::RemoveIndex {
            model: model.into(),
            name: name.into(),
        }
    }

    /// `AddConstraint`: a unique constraint named `constraint.name` over its columns.
    pub fn add_constraint(model: &str, constraint: Index) -> Operation {
        Operation::AddConstraint {
            model: model.into(),
            constraint: constraint.unique(),
        }
    }

    /// `RemoveConstraint`.
    pub fn remove_constraint(model: &str, name: &str) -> Operation {
        Operation::RemoveConstraint {
            model: model.into(),
            name: name.into(),
        }
    }

    /// `RunSql` with optional reverse statements.
    pub fn run_sql(sql: &[&str], reverse: Option<&[&str]>) -> Operation {
        Operation::RunSql {
            sql: sql.iter().map(|s| s.to_string()).collect(),
            reverse: reverse.map(|r| r.iter().map(|s| s.to_string()).collect()),
        }
    }

    /// `RunRust` with an optional reverse function.
    pub fn run_rust(forward: RunRustFn, backward: Option<RunRustFn>) -> Operation {
        Operation::RunRust {
            forward: RustCode(forward),
            backward: backward.map(RustCode),
        }
    }

    /// One line, as `makemigrations` and `migrate --plan` print it.
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel { name, .. } => format!("Create model {name}"),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::RenameModel { old, new, .. } => format!("Rename model {old} to {new}"),
            Operation::AddField { model, field, .. } => {
                format!("Add field {} to {model}", field.name)
            }
            Operation::RemoveField { model, name } => format!("Remove field {name} from {model}"),
            Operation::AlterField { model, field, .. } => {
                format!("Alter field {} on {model}", field.name)
            }
            Operation::RenameField { model, old, new } => {
                format!("Rename field {old} on {model} to {new}")
            }
            Operation::AddIndex { model, index } => format!(
                "Create {}index {} on field(s) {} of model {model}",
                if index.unique { "unique " } else { "" },
                index.name,
                index.columns.join(", ")
            ),
            Operation::RemoveIndex { model, name } => {
                format!("Remove index {name} from model {model}")
            }
            Operation::AddConstraint { model, constraint } => {
                format!("Create constraint {} on model {model}", constraint.name)
            }
            Operation::RemoveConstraint { model, name } => {
                format!("Remove constraint {name} from model {model}")
            }
            Operation::RunSql { .. } => "Raw SQL operation".into(),
            Operation::RunRust { .. } => "Raw Rust operation".into(),
        }
    }

    /// A fragment for an automatic migration name (`post_slug`, `remove_post_title`, ...).
    pub fn name_fragment(&self) -> String {
        match self {
            Operation::CreateModel { name, .. } => name.clone(),
            Operation::DeleteModel { name } => format!("delete_{name}"),
            Operation::RenameModel { old, new, .. } => format!("rename_{old}_{new}"),
            Operation::AddField { model, field, .. } => format!("{model}_{}", field.name),
            Operation::RemoveField { model, name } => format!("remove_{model}_{name}"),
            Operation::AlterField { model, field, .. } => format!("alter_{model}_{}", field.name),
            Operation::RenameField { model, old, new } => format!("rename_{old}_{model}_{new}"),
            Operation::AddIndex { index, .. } => index.name.clone(),
            Operation::RemoveIndex { name, .. } => format!("remove_{name}"),
            Operation::AddConstraint { constraint, .. } => constraint.name.clone(),
            Operation::RemoveConstraint { name, .. } => format!("remove_{name}"),
            Operation::RunSql { .. } => "run_sql".into(),
            Operation::RunRust { .. } => "run_rust".into(),
        }
    }

    /// Applies this operation to the state of `app`.
    pub fn state_forwards(&self, app: &str, state: &mut ProjectState) -> Result<(), String> {
        let key = |m: &str| (app.to_string(), m.to_string());
        let missing = |m: &str| missing_model(app, m);
        match self {
            Operation::CreateModel {
                name,
                table,
                fields,
                indexes,
            } => {
                if state.models.contains_key(&key(name)) {
                    return Err(format!("model {app}.{name} already exists"));
                }
                state.models.insert(
                    key(name),
                    ModelState {
                        app: app.into(),
                        name: name.clone(),
                        table: table.clone(),
                        fields: fields.clone(),
                        indexes: indexes.clone(),
                    },
                );
            }
            Operation::DeleteModel { name } => {
                state
                    .models
                    .remove(&key(name))
                    .ok_or_else(|| missing(name))?;
            }
            Operation::RenameModel { old, new, table } => {
                let mut m = state.models.remove(&key(old)).ok_or_else(|| missing(old))?;
                let old_table = m.table.clone();
                m.name = new.clone();
                m.table = table.clone();
                state.models.insert(key(new), m);
                for other in state.models.values_mut() {
                    for f in &mut other.fields {
                        if let Some(fk) = &mut f.foreign_key
                            && fk.to_table == old_table
                        {
                            fk.to_table = table.clone();
                        }
                    }
                }
            }
            Operation::AddField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                if m.field(&field.name).is_some() {
                    return Err(format!(
                        "field {} already exists on {app}.{model}",
                        field.name
                    ));
                }
                m.fields.push(field.clone());
            }
            Operation::RemoveField { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.fields.len();
                m.fields.retain(|f| &f.name != name);
                if m.fields.len() == before {
                    return Err(format!("field {name} does not exist on {app}.{model}"));
                }
                m.indexes.retain(|i| !i.columns.contains(name));
            }
            Operation::AlterField { model, field, .. } => {
                let m = model_mut(state, app, model)?;
                let slot = m
                    .fields
                    .iter_mut()
                    .find(|f| f.name == field.name)
                    .ok_or_else(|| {
                        format!("field {} does not exist on {app}.{model}", field.name)
                    })?;
                *slot = field.clone();
            }
            Operation::RenameField { model, old, new } => {
                let m = model_mut(state, app, model)?;
                let slot = m
                    .fields
                    .iter_mut()
                    .find(|f| &f.name == old)
                    .ok_or_else(|| format!("field {old} does not exist on {app}.{model}"))?;
                slot.name = new.clone();
                for i in &mut m.indexes {
                    for c in &mut i.columns {
                        if c == old {
                            *c = new.clone();
                        }
                    }
                }
            }
            Operation::AddIndex { model, index }
            | Operation::AddConstraint {
                model,
                constraint: index,
            } => {
                let m = model_mut(state, app, model)?;
                if m.indexes.iter().any(|i| i.name == index.name) {
                    return Err(format!(
                        "index {} already exists on {app}.{model}",
                        index.name
                    ));
                }
                m.indexes.push(index.clone());
            }
            Operation::RemoveIndex { model, name }
            | Operation::RemoveConstraint { model, name } => {
                let m = model_mut(state, app, model)?;
                let before = m.indexes.len();
                m.indexes.retain(|i| &i.name != name);
                if m.indexes.len() == before {
                    return Err(format!("index {name} does not exist on {app}.{model}"));
                }
            }
            Operation::RunSql { .. } | Operation::RunRust { .. } => {}
        }
        Ok(())
    }

    /// The Rust expression of this operation in a migration file.
    pub fn to_rust(&self, indent: &str) -> String {
        let fields = |fields: &[Field]| -> String {
            fields
                .iter()
                .map(|f| format!("{indent}        {},\n", f.to_rust()))
                .collect()
        };
        let indexes = |idx: &[Index]| -> String {
            if idx.is_empty() {
                "vec![]".into()
            } else {
                format!(
                    "vec![\n{}{indent}    ]",
                    idx.iter()
                        .map(|i| format!("{indent}        {},\n", i.to_rust()))
                        .collect::<String>()
                )
            }
        };
        match self {
            Operation::CreateModel {
                name,
                table,
                fields: f,
                indexes: i,
            } => format!(
                "Operation::create_model(\n{indent}    {name:?},\n{indent}    {table:?},\n{indent}    vec![\n{}{indent}    ],\n{indent}    {},\n{indent})",
                fields(f),
                indexes(i)
            ),
            Operation::DeleteModel { name } => format!("Operation::delete_model({name:?})"),
            Operation::RenameModel { old, new, table } => {
                format!("Operation::rename_model({old:?}, {new:?}, {table:?})")
            }
            Operation::AddField {
                model,
                field,
                fill: None,
            } => {
                format!(
                    "Operation::add_field(\n{indent}    {model:?},\n{indent}    {},\n{indent})",
                    field.to_rust()
                )
            }
            Operation::AddField {
                model,
                field,
                fill: Some(v),
            } => format!(
                "Operation::add_field_filled(\n{indent}    {model:?},\n{indent}    {},\n{indent}    {},\n{indent})",
                field.to_rust(),
                v.to_rust()
            ),
            Operation::RemoveField { model, name } => {
                format!("Operation::remove_field({model:?}, {name:?})")
            }
            Operation::AlterField {
                model,
                field,
                fill: None,
            } => format!(
                "Operation::alter_field(\n{indent}    {model:?},\n{indent}    {},\n{indent})",
                field.to_rust()
            ),
            Operation::AlterField {
                model,
                field,
                fill: Some(v),
            } => format!(
                "Operation::alter_field_filled(\n{indent}    {model:?},\n{indent}    {},\n{indent}    {},\n{indent})",
                field.to_rust(),
                v.to_rust()
            ),
            Operation::RenameField { model, old, new } => {
                format!("Operation::rename_field({model:?}, {old:?}, {new:?})")
            }
            Operation::AddIndex { model, index } => {
                format!("Operation::add_index({model:?}, {})", index.to_rust())
            }
            Operation::RemoveIndex { model, name } => {
                format!("Operation::remove_index({model:?}, {name:?})")
            }
            Operation::AddConstraint { model, constraint } => {
                format!(
                    "Operation::add_constraint({model:?}, {})",
                    constraint.to_rust()
                )
            }
            Operation::RemoveConstraint { model, name } => {
                format!("Operation::remove_constraint({model:?}, {name:?})")
            }
            Operation::RunRust { .. } => {
                "/* a RunRust operation: write it by hand */ Operation::run_sql(&[], Some(&[]))"
                    .to_string()
            }
            Operation::RunSql { sql, reverse } => format!(
                "Operation::run_sql(&{sql:?}, {})",
                match reverse {
                    Some(r) => format!("Some(&{r:?})"),
                    None => "None".into(),
                }
            ),
        }
    }
}

fn missing_model(app: &str, model: &str) -> String {
    format!("model {app}.{model} does not exist at this point")
}

/// A model of the state, to change in place.
fn model_mut<'a>(
    state: &'a mut ProjectState,
    app: &str,
    model: &str,
) -> Result<&'a mut ModelState, String> {
    state
        .models
        .get_mut(&(app.to_string(), model.to_string()))
        .ok_or_else(|| missing_model(app, model))
}
