//! The autodetector: the difference between the migrations' state and the registered models,
//! as operations per app.

use super::ProjectState;
use super::operation::Operation;
use super::questioner::{DefaultAnswer, Questioner};
use crate::db::{Field, ModelState};
use std::collections::{BTreeMap, BTreeSet};

/// The changes found for one app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppChanges {
    /// The operations, in the order they must run.
    pub operations: Vec<Operation>,
    /// Other apps whose models these operations point at.
    pub depends_on_apps: BTreeSet<String>,
}

/// The user quit at a question; nothing must be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Quit;

/// Compares `from` (the migrations) with `to` (the models) for `apps`, in order.
pub fn detect(
    from: &ProjectState,
    to: &ProjectState,
    apps: &[String],
    questioner: &mut dyn Questioner,
) -> Result<BTreeMap<String, AppChanges>, Quit> {
    let mut out = BTreeMap::new();
    for app in apps {
        let changes = detect_app(from, to, app, questioner)?;
        if !changes.operations.is_empty() {
            out.insert(app.clone(), changes);
        }
    }
    Ok(out)
}

fn same_shape(a: &ModelState, b: &ModelState) -> bool {
    a.fields == b.fields && a.indexes == b.indexes
}

fn detect_app(
    from: &ProjectState,
    to: &ProjectState,
    app: &str,
    q: &mut dyn Questioner,
) -> Result<AppChanges, Quit> {
    // Model renames first; the rest is compared against the state with the renames applied
    // (so a foreign key that follows a renamed table is no change).
    let mut renames = Vec::new();
    {
        let old: BTreeMap<&str, &ModelState> =
            from.app_models(app).map(|m| (m.name.as_str(), m)).collect();
        let new: BTreeMap<&str, &ModelState> =
            to.app_models(app).map(|m| (m.name.as_str(), m)).collect();
        let mut removed: Vec<&str> = old
            .keys()
            .filter(|n| !new.contains_key(*n))
            .copied()
            .collect();
        for a in new.keys().filter(|n| !old.contains_key(*n)) {
            if let Some(r) = removed.iter().copied().find(|r| same_shape(old[r], new[a]))
                && q.ask_rename_model(app, r, a)
            {
                renames.push(Operation::rename_model(r, a, &new[a].table));
                removed.retain(|x| *x != r);
            }
        }
    }
    let mut renamed_from = from.clone();
    for op in &renames {
        // The renamed models exist in `from` by construction.
        let _ = op.state_forwards(app, &mut renamed_from);
    }
    let from = &renamed_from;
    let old: BTreeMap<&str, &ModelState> =
        from.app_models(app).map(|m| (m.name.as_str(), m)).collect();
    let new: BTreeMap<&str, &ModelState> =
        to.app_models(app).map(|m| (m.name.as_str(), m)).collect();
    let added: Vec<&str> = new
        .keys()
        .filter(|n| !old.contains_key(*n))
        .copied()
        .collect();
    let removed: Vec<&str> = old
        .keys()
        .filter(|n| !new.contains_key(*n))
        .copied()
        .collect();
    let pairs: Vec<(&ModelState, &ModelState)> = old
        .iter()
        .filter_map(|(n, m)| new.get(n).map(|nm| (*m, *nm)))
        .collect();

    let mut ops = renames;
    // A model whose table name changed keeps its name.
    for (o, n) in &pairs {
        if o.table != n.table {
            ops.push(Operation::rename_model(&o.name, &n.name, &n.table));
        }
    }
    let mut field_renames = Vec::new();
    let mut remove_indexes = Vec::new();
    let mut add_fields = Vec::new();
    let mut alter_fields = Vec::new();
    let mut remove_fields = Vec::new();
    let mut add_indexes = Vec::new();
    for (o, n) in &pairs {
        let model = n.name.as_str();
        let mut new_only: Vec<&Field> = n
            .fields
            .iter()
            .filter(|f| o.field(&f.name).is_none())
            .collect();
        let mut old_only: Vec<&Field> = o
            .fields
            .iter()
            .filter(|f| n.field(&f.name).is_none())
            .collect();
        for nf in new_only.clone() {
            if let Some(of) = old_only
                .iter()
                .copied()
                .find(|of| of.renamed(&nf.name) == *nf)
                && q.ask_rename_field(model, &of.name, &nf.name, nf)
            {
                field_renames.push(Operation::rename_field(model, &of.name, &nf.name));
                new_only.retain(|f| f.name != nf.name);
                old_only.retain(|f| f.name != of.name);
            }
        }
        for nf in new_only {
            if !nf.null && nf.default.is_none() && !nf.auto_increment {
                match q.ask_not_null_default(model, nf, true) {
                    DefaultAnswer::OneOff(v) => {
                        add_fields.push(Operation::add_field_filled(model, nf.clone(), v))
                    }
                    DefaultAnswer::Quit => return Err(Quit),
                }
            } else {
                add_fields.push(Operation::add_field(model, nf.clone()));
            }
        }
        for nf in &n.fields {
            let Some(of) = o.field(&nf.name) else {
                continue;
            };
            if of == nf {
                continue;
            }
            if of.null && !nf.null && nf.default.is_none() {
                match q.ask_not_null_default(model, nf, false) {
                    DefaultAnswer::OneOff(v) => {
                        alter_fields.push(Operation::alter_field_filled(model, nf.clone(), v))
                    }
                    DefaultAnswer::Quit => return Err(Quit),
                }
            } else {
                alter_fields.push(Operation::alter_field(model, nf.clone()));
            }
        }
        for of in old_only {
            remove_fields.push(Operation::remove_field(model, &of.name));
        }
        for oi in &o.indexes {
            if !n.indexes.contains(oi) {
                remove_indexes.push(if oi.unique {
                    Operation::remove_constraint(model, &oi.name)
                } else {
                    Operation::remove_index(model, &oi.name)
                });
            }
        }
        for ni in &n.indexes {
            if !o.indexes.contains(ni) {
                add_indexes.push(if ni.unique {
                    Operation::add_constraint(model, ni.clone())
                } else {
                    Operation::add_index(model, ni.clone())
                });
            }
        }
    }
    ops.extend(field_renames);
    ops.extend(remove_indexes);
    ops.extend(create_models_in_order(&added, &new));
    ops.extend(add_fields);
    ops.extend(alter_fields);
    ops.extend(remove_fields);
    for r in &removed {
        ops.push(Operation::delete_model(r));
    }
    ops.extend(add_indexes);

    let own_tables: BTreeSet<&str> = new.values().map(|m| m.table.as_str()).collect();
    let mut depends_on_apps = BTreeSet::new();
    for op in &ops {
        let fields: Vec<&Field> = match op {
            Operation::CreateModel { fields, .. } => fields.iter().collect(),
            Operation::AddField { field, .. } | Operation::AlterField { field, .. } => vec![field],
            _ => vec![],
        };
        for f in fields {
            if let Some(fk) = &f.foreign_key
                && !own_tables.contains(fk.to_table.as_str())
                && let Some(target) = to.by_table(&fk.to_table)
            {
                depends_on_apps.insert(target.app.clone());
            }
        }
    }
    Ok(AppChanges {
        operations: ops,
        depends_on_apps,
    })
}

/// CreateModel operations, a model after the models of this app it points at.
fn create_models_in_order(added: &[&str], new: &BTreeMap<&str, &ModelState>) -> Vec<Operation> {
    let tables: BTreeMap<&str, &str> = added.iter().map(|n| (new[n].table.as_str(), *n)).collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    let mut remaining: Vec<&str> = added.to_vec();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|n| {
            new[n].fields.iter().all(|f| match &f.foreign_key {
                Some(fk) => match tables.get(fk.to_table.as_str()) {
                    Some(target) => done.contains(target) || target == n,
                    None => true,
                },
                None => true,
            })
        });
        // A cycle of new models: create them in name order (the database accepts the forward
        // reference inside one transaction on SQLite and PostgreSQL).
        let i = ready.unwrap_or(0);
        let n = remaining.remove(i);
        done.insert(n);
        let m = new[n];
        out.push(Operation::create_model(
            &m.name,
            &m.table,
            m.fields.clone(),
            m.indexes.clone(),
        ));
    }
    out
}
