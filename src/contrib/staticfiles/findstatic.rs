//! `findstatic PATH... [--first]`: where a static path is found, as Django's command.

use super::finders;
use crate::management::{Command, CommandContext, CommandError, flag, verbosity, verbosity_arg};

/// `roan findstatic`.
pub struct FindStatic;

impl Command for FindStatic {
    fn name(&self) -> &'static str {
        "findstatic"
    }

    fn about(&self) -> &'static str {
        "Finds the absolute paths for the given static file(s)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("path")
                .value_name("PATH")
                .required(true)
                .num_args(1..)
                .help("A static path, as in static(\"css/site.css\")"),
        )
        .arg(flag(
            "first",
            "Only return the first match for each static file",
        ))
        .arg(verbosity_arg())
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let dirs = site.static_dirs();
        let first = args.get_flag("first");
        let verbosity = verbosity(args);
        let mut missing = Vec::new();
        for path in args.get_many::<String>("path").into_iter().flatten() {
            let rel = path.trim_start_matches('/');
            let mut found = finders::find_all(dirs, rel);
            if first {
                found.truncate(1);
            }
            if found.is_empty() {
                if verbosity >= 1 {
                    eprintln!("No matching file found for '{path}'.");
                }
                missing.push(path.as_str());
            } else if verbosity >= 1 {
                println!("Found '{path}' here:");
                for f in &found {
                    println!("  {}", f.shown().display());
                }
            } else {
                for f in &found {
                    println!("{}", f.shown().display());
                }
            }
            if verbosity >= 2 {
                println!("Looking in the following locations:");
                for d in dirs {
                    println!("  {}", d.path.display());
                }
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CommandError::new(format!(
                "not found: {}\n  help: `roan findstatic -v 2 {}` lists the places searched",
                missing.join(", "),
                missing[0]
            )))
        }
    }
}
