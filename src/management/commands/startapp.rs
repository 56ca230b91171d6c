//! `startapp NAME [DIRECTORY]`: a new app in this project.

use crate::management::{Command, CommandContext, CommandError};
use crate::scaffold;

/// `roan startapp`.
pub struct StartApp;

impl Command for StartApp {
    fn name(&self) -> &'static str {
        "startapp"
    }

    fn about(&self) -> &'static str {
        "Create an app: src/NAME/ (views, urls, models, tests) and templates/NAME/, and install it"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        scaffold::startapp_args(cmd)
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        scaffold::startapp_from_args(ctx.project().base_dir(), args)
            .map_err(|e| CommandError::with_code(e.to_string(), e.exit_code()))
    }
}
