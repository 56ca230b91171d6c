//! `inspectdb [TABLE...]`: sea-orm entities for an existing database's tables.

use crate::db::introspect;
use crate::management::{Command, CommandContext, CommandError};

/// `roan inspectdb`.
pub struct InspectDb;

impl Command for InspectDb {
    fn name(&self) -> &'static str {
        "inspectdb"
    }

    fn about(&self) -> &'static str {
        "Print sea-orm models (roan's dense format) for the tables of an existing database"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("tables")
                .num_args(0..)
                .help("Only these tables (all of them when none)"),
        )
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let wanted: Vec<String> = args
            .get_many::<String>("tables")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        let text = ctx.block_on(async {
            let db = ctx.db().await?;
            let tables = if wanted.is_empty() {
                introspect::tables(&db).await?
            } else {
                wanted.clone()
            };
            let mut models = Vec::new();
            let mut guesses = Vec::new();
            for t in &tables {
                let (model, g) = introspect::inspect(&db, t)
                    .await
                    .map_err(|e| CommandError::new(format!("cannot read table '{t}': {e}")))?;
                models.push(model);
                guesses.extend(g);
            }
            Ok(introspect::entities(&models, &guesses))
        })?;
        print!("{text}");
        Ok(())
    }
}
