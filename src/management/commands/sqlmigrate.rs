//! `sqlmigrate APP NAME [--backwards]`: the SQL of a migration for the configured backend.

use super::migrate::resolve_name;
use crate::management::{Command, CommandContext, CommandError, flag};
use crate::migrations::{self, executor};
use sea_orm::DbBackend;

/// `roan sqlmigrate`.
pub struct SqlMigrate;

impl Command for SqlMigrate {
    fn name(&self) -> &'static str {
        "sqlmigrate"
    }

    fn about(&self) -> &'static str {
        "Print the SQL of a migration for the configured database"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(clap::Arg::new("app").required(true))
            .arg(
                clap::Arg::new("name")
                    .required(true)
                    .help("The migration name or a unique prefix"),
            )
            .arg(flag("backwards", "The SQL that unapplies it"))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let graph =
            migrations::load_graph(ctx.project()).map_err(|e| CommandError::new(e.to_string()))?;
        let app = args.get_one::<String>("app").cloned().unwrap_or_default();
        let given = args.get_one::<String>("name").cloned().unwrap_or_default();
        let name = resolve_name(&graph, &app, &given)?;
        let key = (app, name);
        let backend = match settings.databases["default"].effective_engine() {
            crate::conf::Engine::Sqlite => DbBackend::Sqlite,
            crate::conf::Engine::Postgresql => DbBackend::Postgres,
            crate::conf::Engine::Mysql => DbBackend::MySql,
        };
        let backwards = args.get_flag("backwards");
        let ancestors = graph.ancestors(&key);
        let statements = executor::migration_sql(&graph, &key, &ancestors, backend, backwards)
            .map_err(|e| CommandError::new(e.to_string()))?;
        let transactional = backend != DbBackend::MySql;
        if transactional {
            println!("BEGIN;");
        }
        for (description, sqls) in statements {
            println!("--\n-- {description}\n--");
            for sql in sqls {
                println!("{sql};");
            }
        }
        if transactional {
            println!("COMMIT;");
        }
        Ok(())
    }
}
