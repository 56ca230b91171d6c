//! `migrate [APP [TARGET|zero]] [--plan] [--fake] [--fake-initial]`.

use crate::management::{Command, CommandContext, CommandError, flag};
use crate::migrations::executor::{self, MigrateTarget, Step};
use crate::migrations::{self, recorder};

/// `roan migrate`.
pub struct Migrate;

impl Command for Migrate {
    fn name(&self) -> &'static str {
        "migrate"
    }

    fn about(&self) -> &'static str {
        "Apply (or unapply) migrations to the database"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(clap::Arg::new("app").help("Only this app"))
            .arg(
                clap::Arg::new("target")
                    .help("Migrate to this migration of the app (backwards when applied); `zero` unapplies all"),
            )
            .arg(flag("plan", "Show the operations that would run, and stop"))
            .arg(flag("fake", "Record the migrations as applied (or unapplied) without running them"))
            .arg(flag(
                "fake-initial",
                "Record an initial migration as applied when all the tables it creates exist",
            ))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let graph = migrations::load_graph(ctx.project()).map_err(fail)?;
        graph.check_conflicts().map_err(fail)?;
        let target = match (
            args.get_one::<String>("app"),
            args.get_one::<String>("target"),
        ) {
            (None, _) => MigrateTarget::All,
            (Some(app), None) => MigrateTarget::App(app.clone()),
            (Some(app), Some(t)) if t == "zero" => MigrateTarget::Zero(app.clone()),
            (Some(app), Some(t)) => MigrateTarget::To(app.clone(), resolve_name(&graph, app, t)?),
        };
        let rt = ctx.runtime()?;
        rt.block_on(async {
            let db = migrations::connect(&settings)
                .await
                .map_err(|e| CommandError::new(format!("cannot connect to the database: {e}")))?;
            let applied = recorder::applied(&db).await.map_err(|e| fail(e.into()))?;
            let steps = executor::plan(&graph, &applied, &target).map_err(fail)?;
            if args.get_flag("plan") {
                println!("Planned operations:");
                if steps.is_empty() {
                    println!("  No planned migration operations.");
                }
                for step in &steps {
                    let (key, backwards) = match step {
                        Step::Apply(k) => (k, false),
                        Step::Unapply(k) => (k, true),
                    };
                    println!("{}.{}{}", key.0, key.1, if backwards { " (unapply)" } else { "" });
                    if let Some(m) = graph.get(key) {
                        for op in &m.operations {
                            println!("    {}", op.describe());
                        }
                    }
                }
                return Ok(());
            }
            println!("Operations to perform:");
            match &target {
                MigrateTarget::All => println!("  Apply all migrations: {}", apps_of(&graph)),
                MigrateTarget::App(app) => println!("  Apply all migrations: {app}"),
                MigrateTarget::Zero(app) => println!("  Unapply all migrations: {app}"),
                MigrateTarget::To(app, name) => println!("  Target specific migration: {name}, from {app}"),
            }
            println!("Running migrations:");
            if steps.is_empty() {
                println!("  No migrations to apply.");
            }
            let options = executor::MigrateOptions {
                fake: args.get_flag("fake"),
                fake_initial: args.get_flag("fake-initial"),
            };
            executor::migrate(&db, ctx.project(), &graph, &target, options, |event| {
                match event {
                    executor::Progress::Start(step) => {
                        let (key, verb) = match step {
                            Step::Apply(k) => (k, "Applying"),
                            Step::Unapply(k) => (k, "Unapplying"),
                        };
                        print!("  {verb} {}.{}...", key.0, key.1);
                        let _ = std::io::Write::flush(&mut std::io::stdout());
                    }
                    executor::Progress::Done(_, faked) => {
                        println!("{}", if faked { " FAKED" } else { " OK" })
                    }
                    executor::Progress::Failed(_) => println!(" FAILED"),
                }
            })
            .await
            .map_err(fail)?;
            let pending = pending_changes(ctx, &graph);
            if !pending.is_empty() && matches!(target, MigrateTarget::All) {
                println!(
                    "  Your models in app(s): {} have changes that are not yet reflected in a migration, and so won't be applied.\n  Run `roan makemigrations` to make new migrations, and then re-run `roan migrate` to apply them.",
                    pending
                        .iter()
                        .map(|a| format!("'{a}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Ok(())
        })
    }
}

fn fail(e: migrations::MigrationError) -> CommandError {
    CommandError::new(e.to_string())
}

fn apps_of(graph: &migrations::graph::Graph) -> String {
    let mut apps: Vec<&str> = graph.ordered().iter().map(|m| m.app.as_str()).collect();
    apps.sort();
    apps.dedup();
    if apps.is_empty() {
        "(none)".into()
    } else {
        apps.join(", ")
    }
}

/// A migration name or a unique prefix of one (`0002` for `0002_post_slug`), as Django allows.
pub(crate) fn resolve_name(
    graph: &migrations::graph::Graph,
    app: &str,
    given: &str,
) -> Result<String, CommandError> {
    let names: Vec<&str> = graph
        .ordered()
        .iter()
        .filter(|m| m.app == app)
        .map(|m| m.name.as_str())
        .collect();
    if names.contains(&given) {
        return Ok(given.to_string());
    }
    let matches: Vec<&&str> = names.iter().filter(|n| n.starts_with(given)).collect();
    match matches.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(CommandError::new(format!(
            "cannot find a migration matching '{given}' in app '{app}'; it has: {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))),
        _ => Err(CommandError::new(format!(
            "more than one migration matches '{given}' in app '{app}'; give more of the name"
        ))),
    }
}

/// Apps whose models differ from their migrations.
pub(crate) fn pending_changes(
    ctx: &CommandContext,
    graph: &migrations::graph::Graph,
) -> Vec<String> {
    let Ok(from) = graph.full_state() else {
        return Vec::new();
    };
    let to = ctx.project().model_state();
    let apps: Vec<String> = ctx
        .project()
        .apps()
        .iter()
        .filter(|a| a.has_migrations())
        .map(|a| a.label().to_string())
        .collect();
    let mut q = migrations::questioner::NonInteractive::default();
    match migrations::autodetector::detect(&from, &to, &apps, &mut q) {
        Ok(changes) => changes.into_keys().collect(),
        // A question was needed: there are changes.
        Err(_) => apps,
    }
}
