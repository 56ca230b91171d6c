//! `check`: validates settings, template directories and URL configuration.

use crate::management::{Command, CommandContext, CommandError, checks};

/// `roan check`.
pub struct Check;

impl Command for Check {
    fn name(&self) -> &'static str {
        "check"
    }

    fn about(&self) -> &'static str {
        "Check the project for problems (settings, template directories, URLs)"
    }

    fn handle(&self, ctx: &CommandContext, _args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let messages = checks::run(ctx.project(), &site);
        if checks::report(&messages) {
            return Err(CommandError::new(
                "system check found errors; fix them and run `roan check` again",
            ));
        }
        Ok(())
    }
}
