//! `flush`: every row of every installed model deleted, after Django's question.

use crate::db::ModelState;
use crate::management::{Command, CommandContext, CommandError, confirm, flag};

/// `roan flush`.
pub struct Flush;

impl Command for Flush {
    fn name(&self) -> &'static str {
        "flush"
    }

    fn about(&self) -> &'static str {
        "Remove all data from the database, keeping the tables and the migrations applied"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(flag("noinput", "Do not ask for confirmation").alias("no-input"))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        if !args.get_flag("noinput") {
            let name = settings
                .databases
                .get("default")
                .map(|d| d.name.clone())
                .unwrap_or_default();
            eprintln!(
                "You have requested a flush of the database.\nThis will IRREVERSIBLY DESTROY all \
                 data currently in the \"{name}\" database,\nand return each table to an empty \
                 state.\nAre you sure you want to do this?\n"
            );
            if !confirm("    Type 'yes' to continue, or 'no' to cancel")? {
                eprintln!("Flush cancelled.");
                return Ok(());
            }
        }
        let models: Vec<ModelState> = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.models().iter().cloned())
            .collect();
        let refs: Vec<&ModelState> = models.iter().collect();
        ctx.block_on(async {
            let db = ctx.db().await?;
            crate::db::fixtures::flush(&db, &refs)
                .await
                .map_err(|e| CommandError::new(e.to_string()))?;
            // As Django: the apps' post_migrate steps run again (auth's permissions).
            crate::migrations::executor::post_migrate(&db, ctx.project())
                .await
                .map_err(|e| CommandError::new(e.to_string()))
        })
    }
}
