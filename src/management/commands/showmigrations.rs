//! `showmigrations [APP...] [--plan]`.

use crate::management::{Command, CommandContext, CommandError, flag};
use crate::migrations::{self, recorder};

/// `roan showmigrations`.
pub struct ShowMigrations;

impl Command for ShowMigrations {
    fn name(&self) -> &'static str {
        "showmigrations"
    }

    fn about(&self) -> &'static str {
        "List the migrations of each app, [X] when applied"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(clap::Arg::new("apps").num_args(0..).help("Only these apps"))
            .arg(flag("plan", "All migrations in the order they apply"))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let graph =
            migrations::load_graph(ctx.project()).map_err(|e| CommandError::new(e.to_string()))?;
        let wanted: Vec<String> = args
            .get_many::<String>("apps")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        for app in &wanted {
            if !ctx.project().apps().iter().any(|a| a.label() == app) {
                return Err(CommandError::usage(format!(
                    "no installed app with label '{app}'"
                )));
            }
        }
        let rt = ctx.runtime()?;
        let applied = rt.block_on(async {
            let db = migrations::connect(&settings)
                .await
                .map_err(|e| CommandError::new(format!("cannot connect to the database: {e}")))?;
            recorder::applied(&db)
                .await
                .map_err(|e| CommandError::new(e.to_string()))
        })?;
        let mark = |k: &(String, String)| if applied.contains(k) { "[X]" } else { "[ ]" };
        if args.get_flag("plan") {
            for m in graph.ordered() {
                if wanted.is_empty() || wanted.contains(&m.app) {
                    println!("{}  {}", mark(&m.key()), m.label());
                }
            }
            return Ok(());
        }
        for app in ctx.project().apps() {
            if !wanted.is_empty() && !wanted.iter().any(|w| w == app.label()) {
                continue;
            }
            println!("{}", app.label());
            let list: Vec<_> = graph
                .ordered()
                .iter()
                .filter(|m| m.app == app.label())
                .collect();
            if list.is_empty() {
                println!(" (no migrations)");
            }
            for m in list {
                println!(" {} {}", mark(&m.key()), m.name);
            }
        }
        Ok(())
    }
}
