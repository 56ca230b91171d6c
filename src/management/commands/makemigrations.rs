//! `makemigrations [APP...] [--name N] [--empty] [--dry-run] [--check] [--merge] [--noinput]`.

use crate::management::{Command, CommandContext, CommandError, flag};
use crate::migrations::autodetector::{self, AppChanges};
use crate::migrations::questioner::{Interactive, NonInteractive, Questioner};
use crate::migrations::{self, Operation, writer};
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// `roan makemigrations`.
pub struct MakeMigrations;

impl Command for MakeMigrations {
    fn name(&self) -> &'static str {
        "makemigrations"
    }

    fn about(&self) -> &'static str {
        "Write new migrations for the changes in the models"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(clap::Arg::new("apps").num_args(0..).help("Only these apps"))
            .arg(
                clap::Arg::new("name")
                    .long("name")
                    .short('n')
                    .help("Name the migration (after its number) instead of the automatic name"),
            )
            .arg(flag("empty", "Write an empty migration for the named apps"))
            .arg(flag("dry-run", "Show what would be written, write nothing"))
            .arg(flag(
                "check",
                "Exit 1 when changes are not yet in migrations; write nothing",
            ))
            .arg(flag(
                "merge",
                "Write merge migrations for apps with conflicting leaves",
            ))
            .arg(flag(
                "noinput",
                "Ask nothing: assume no renames, refuse a missing default (exit 3)",
            ))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let project = ctx.project();
        let graph =
            migrations::load_graph(project).map_err(|e| CommandError::new(e.to_string()))?;
        let wanted: Vec<String> = args
            .get_many::<String>("apps")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        for app in &wanted {
            match project.apps().iter().find(|a| a.label() == app) {
                None => {
                    return Err(CommandError::usage(format!(
                        "no installed app with label '{app}'"
                    )));
                }
                Some(a) if !a.has_migrations() => {
                    return Err(CommandError::usage(format!(
                        "app '{app}' has no migrations module; add `.migrations(migrations::all)` to its App in src/{app}/mod.rs"
                    )));
                }
                _ => {}
            }
        }
        let apps: Vec<String> = project
            .apps()
            .iter()
            .filter(|a| a.has_migrations())
            .map(|a| a.label().to_string())
            .filter(|l| wanted.is_empty() || wanted.contains(l))
            .collect();
        let dry = args.get_flag("dry-run") || args.get_flag("check");
        let custom = args.get_one::<String>("name").cloned();
        if let Some(n) = &custom
            && (n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err(CommandError::usage(format!(
                "--name {n:?}: use letters, digits and underscores"
            )));
        }

        let conflicts = graph.conflicts();
        if args.get_flag("merge") {
            if conflicts.is_empty() {
                println!("No conflicts detected to merge.");
                return Ok(());
            }
            for (app, leaves) in conflicts {
                let existing = names_of(&graph, &app);
                let number = writer::next_number(&existing);
                let name = format!(
                    "{number:04}_{}",
                    custom
                        .clone()
                        .unwrap_or_else(|| format!("merge_{}", leaves.join("_")))
                );
                let deps: Vec<(String, String)> =
                    leaves.iter().map(|l| (app.clone(), l.clone())).collect();
                write_one(ctx, &app, &name, &deps, &[], dry)?;
            }
            return Ok(());
        }
        if !conflicts.is_empty() {
            let (app, leaves) = conflicts
                .iter()
                .next()
                .map(|(a, l)| (a.clone(), l.join(" and ")))
                .unwrap_or_default();
            return Err(CommandError::new(format!(
                "conflicting migrations in app '{app}': {leaves} are both latest; run `roan makemigrations --merge`"
            )));
        }

        if args.get_flag("empty") {
            if wanted.is_empty() {
                return Err(CommandError::usage(
                    "--empty needs the app(s) to write an empty migration for",
                ));
            }
            for app in &apps {
                let existing = names_of(&graph, app);
                let number = writer::next_number(&existing);
                let name = format!(
                    "{number:04}_{}",
                    custom.clone().unwrap_or_else(|| "empty".into())
                );
                let deps: Vec<(String, String)> = graph
                    .leaves(app)
                    .into_iter()
                    .map(|l| (app.clone(), l))
                    .collect();
                write_one(ctx, app, &name, &deps, &[], dry)?;
            }
            return Ok(());
        }

        let from = graph
            .full_state()
            .map_err(|e| CommandError::new(e.to_string()))?;
        let to = project.model_state();
        let interactive = !args.get_flag("noinput") && std::io::stdin().is_terminal();
        let mut non_interactive = NonInteractive::default();
        let mut asker = Interactive;
        let questioner: &mut dyn Questioner = if interactive {
            &mut asker
        } else {
            &mut non_interactive
        };
        let changes = match autodetector::detect(&from, &to, &apps, questioner) {
            Ok(c) => c,
            Err(_) => {
                let message = non_interactive
                    .refused
                    .unwrap_or_else(|| "stopped at your request; nothing was written".into());
                return Err(CommandError::with_code(message, 3));
            }
        };
        if changes.is_empty() {
            match wanted.as_slice() {
                [] => println!("No changes detected"),
                [one] => println!("No changes detected in app '{one}'"),
                many => println!("No changes detected in apps '{}'", many.join("', '")),
            }
            return Ok(());
        }
        // Names first, so a migration can depend on another written in this run.
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for (app, c) in &changes {
            let existing = names_of(&graph, app);
            let number = writer::next_number(&existing);
            let name = match &custom {
                Some(n) => format!("{number:04}_{n}"),
                None => writer::auto_name(number, &c.operations, existing.is_empty()),
            };
            names.insert(app.clone(), name);
        }
        for (
            app,
            AppChanges {
                operations,
                depends_on_apps,
            },
        ) in &changes
        {
            let mut deps: Vec<(String, String)> = graph
                .leaves(app)
                .into_iter()
                .map(|l| (app.clone(), l))
                .collect();
            for other in depends_on_apps {
                if let Some(n) = names.get(other) {
                    deps.push((other.clone(), n.clone()));
                } else {
                    deps.extend(graph.leaves(other).into_iter().map(|l| (other.clone(), l)));
                }
            }
            write_one(ctx, app, &names[app], &deps, operations, dry)?;
        }
        if args.get_flag("check") {
            return Err(CommandError::with_code(
                "changes are not yet reflected in migrations; run `roan makemigrations`",
                1,
            ));
        }
        Ok(())
    }
}

fn names_of(graph: &migrations::graph::Graph, app: &str) -> Vec<String> {
    graph
        .ordered()
        .iter()
        .filter(|m| m.app == app)
        .map(|m| m.name.clone())
        .collect()
}

fn write_one(
    ctx: &CommandContext,
    app: &str,
    name: &str,
    deps: &[(String, String)],
    operations: &[Operation],
    dry: bool,
) -> Result<(), CommandError> {
    let project = ctx.project();
    let Some(app_cfg) = project.apps().iter().find(|a| a.label() == app) else {
        return Err(CommandError::new(format!("no installed app '{app}'")));
    };
    let dir = project.migrations_dir(app_cfg);
    let path = dir.join(format!("{name}.rs"));
    let shown = path
        .strip_prefix(project.base_dir())
        .unwrap_or(&path)
        .display()
        .to_string();
    println!("Migrations for '{app}':");
    println!("  {shown}");
    for op in operations {
        println!("    + {}", op.describe());
    }
    if operations.is_empty() {
        println!("    (no operations)");
    }
    if dry {
        return Ok(());
    }
    let text = writer::render(app, name, deps, operations);
    let written = writer::write(&dir, name, &text)
        .map_err(|e| CommandError::new(format!("cannot write {}: {e}", path.display())))?;
    if !written.manual.is_empty() {
        println!(
            "  The markers in {}/mod.rs were not found; register the migration yourself:",
            dir.display()
        );
        for line in written.manual {
            println!("      {line}");
        }
    }
    Ok(())
}
