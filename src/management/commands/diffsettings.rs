//! `diffsettings`: the settings that differ from roan's defaults, secrets masked.

use crate::conf::Settings;
use crate::management::{Command, CommandContext, CommandError, flag};

/// `roan diffsettings [--all]`.
pub struct DiffSettings;

impl Command for DiffSettings {
    fn name(&self) -> &'static str {
        "diffsettings"
    }

    fn about(&self) -> &'static str {
        "Show the settings that differ from the defaults (secrets masked)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(flag(
            "all",
            "Show every setting; those that differ from the defaults end with ###",
        ))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let defaults: Settings = toml::from_str("")
            .map_err(|e| CommandError::new(format!("roan's defaults do not parse: {e}")))?;
        let default_pairs = defaults.pairs(false);
        let all = args.get_flag("all");
        for ((name, raw), (_, value)) in settings
            .pairs(false)
            .into_iter()
            .zip(settings.masked_pairs())
        {
            let differs = !default_pairs.contains(&(name.clone(), raw));
            if all {
                println!("{name} = {value}{}", if differs { "  ###" } else { "" });
            } else if differs {
                println!("{name} = {value}");
            }
        }
        Ok(())
    }
}
