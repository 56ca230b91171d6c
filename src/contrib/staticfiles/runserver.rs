//! `runserver` with staticfiles' two options, as Django's staticfiles overrides the command:
//! `--nostatic` (do not serve static files) and `--insecure` (serve them from the finders even
//! without DEBUG).

use crate::management::{Command, CommandContext, CommandError, flag};
use std::sync::atomic::{AtomicU8, Ordering};

/// How the static files are served in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// From the finders in DEBUG, from `STATIC_ROOT` otherwise.
    Default,
    /// Not at all (`runserver --nostatic`).
    NoStatic,
    /// From the finders whatever DEBUG says (`runserver --insecure`).
    Insecure,
}

static MODE: AtomicU8 = AtomicU8::new(0);

pub(crate) fn mode() -> Mode {
    match MODE.load(Ordering::Relaxed) {
        1 => Mode::NoStatic,
        2 => Mode::Insecure,
        _ => Mode::Default,
    }
}

/// roan's `runserver`, with `--nostatic` and `--insecure`.
pub struct RunServer;

impl Command for RunServer {
    fn name(&self) -> &'static str {
        "runserver"
    }

    fn about(&self) -> &'static str {
        crate::management::commands::RunServer.about()
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        crate::management::commands::RunServer
            .configure(cmd)
            .arg(flag(
                "nostatic",
                "Tells Django-style static file serving to stop: no file under STATIC_URL is served",
            ))
            .arg(flag(
                "insecure",
                "Serve static files from the finders even if DEBUG is false",
            ))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let mode = if args.get_flag("nostatic") {
            1
        } else if args.get_flag("insecure") {
            2
        } else {
            0
        };
        MODE.store(mode, Ordering::Relaxed);
        crate::management::commands::RunServer.handle(ctx, args)
    }
}
