//! The command line of a project (`manage.py` in Django): `roan::manage(project())`.
//!
//! Each built-in command is one file in `commands/`. An app adds its own with
//! [`crate::App::command`]:
//!
//! ```
//! use roan::management::{Command, CommandContext, CommandError};
//!
//! struct Hello;
//! impl Command for Hello {
//!     fn name(&self) -> &'static str { "hello" }
//!     fn about(&self) -> &'static str { "Say hello" }
//!     fn configure(&self, cmd: clap::Command) -> clap::Command {
//!         cmd.arg(clap::Arg::new("who").default_value("world"))
//!     }
//!     fn handle(&self, _ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
//!         let who = args.get_one::<String>("who").map(String::as_str).unwrap_or("world");
//!         println!("hello {who}");
//!         Ok(())
//!     }
//! }
//! let app = roan::App::new("greetings").command(Hello);
//! ```

pub mod checks;
pub mod commands;

use crate::apps::Project;
use crate::conf::{Settings, SettingsError};
use crate::site::Site;
use std::process::ExitCode;
use std::sync::Arc;

/// A management command: its clap definition and what it does.
pub trait Command: Send + Sync {
    /// The subcommand name, e.g. `runserver`.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn about(&self) -> &'static str;
    /// Adds arguments to the clap command.
    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd
    }
    /// Runs the command.
    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError>;
}

/// A command that failed: the message is printed as `error: ...` and the process exits with
/// the code (1 by default, 2 for bad usage).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    /// What went wrong, and what to do.
    pub message: String,
    /// The exit code.
    pub code: u8,
}

impl CommandError {
    /// A failure (exit code 1).
    pub fn new(message: impl Into<String>) -> CommandError {
        CommandError {
            message: message.into(),
            code: 1,
        }
    }

    /// Bad usage (exit code 2).
    pub fn usage(message: impl Into<String>) -> CommandError {
        CommandError {
            message: message.into(),
            code: 2,
        }
    }

    /// A failure with a given exit code.
    pub fn with_code(message: impl Into<String>, code: u8) -> CommandError {
        CommandError {
            message: message.into(),
            code,
        }
    }
}

impl From<SettingsError> for CommandError {
    fn from(e: SettingsError) -> CommandError {
        CommandError::new(e.to_string())
    }
}

impl From<sea_orm::DbErr> for CommandError {
    fn from(e: sea_orm::DbErr) -> CommandError {
        CommandError::new(format!("database error: {e}"))
    }
}

impl From<crate::Error> for CommandError {
    fn from(e: crate::Error) -> CommandError {
        CommandError::new(e.to_string())
    }
}

impl From<crate::db::objects::ObjectError> for CommandError {
    fn from(e: crate::db::objects::ObjectError) -> CommandError {
        CommandError::new(e.to_string())
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> CommandError {
        CommandError::new(e.to_string())
    }
}

/// What a command gets: the project, and its settings and site on demand.
pub struct CommandContext<'a> {
    project: &'a Project,
}

impl CommandContext<'_> {
    /// The project.
    pub fn project(&self) -> &Project {
        self.project
    }

    /// Reads and validates the settings.
    pub fn settings(&self) -> Result<Settings, CommandError> {
        Ok(self.project.load_settings()?)
    }

    /// Builds the site (settings, URLs, templates).
    pub fn site(&self) -> Result<Site, CommandError> {
        let settings = self.settings()?;
        Site::new(self.project, settings).map_err(|e| CommandError::new(e.to_string()))
    }

    /// Runs async work to its end (a command's `handle` is synchronous, as Django's): the
    /// database, HTTP clients, anything that awaits.
    ///
    /// ```no_run
    /// # fn handle(ctx: &roan::management::CommandContext) -> Result<(), roan::management::CommandError> {
    /// ctx.block_on(async {
    ///     let db = ctx.db().await?;
    ///     let tables = sea_orm::ConnectionTrait::execute_unprepared(&db, "SELECT 1").await?;
    ///     println!("{} row(s)", tables.rows_affected());
    ///     Ok(())
    /// })
    /// # }
    /// ```
    pub fn block_on<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, CommandError>>,
    ) -> Result<T, CommandError> {
        self.runtime()?.block_on(work)
    }

    /// The default database of the settings, connected.
    pub async fn db(&self) -> Result<sea_orm::DatabaseConnection, CommandError> {
        let settings = self.settings()?;
        Ok(crate::db::connect(&settings, crate::db::connect::Purpose::Serve).await?)
    }

    /// A tokio runtime for async work.
    pub fn runtime(&self) -> Result<tokio::runtime::Runtime, CommandError> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| CommandError::new(format!("cannot start the async runtime: {e}")))
    }
}

/// Asks Django's question, `prompt` ("Type 'yes' to continue, or 'no' to cancel"), on the
/// terminal, or reads the answer from stdin when it is not one; gives whether the answer was
/// `yes`.
pub fn confirm(prompt: &str) -> Result<bool, CommandError> {
    use std::io::{BufRead, IsTerminal, Write};
    let answer = if std::io::stdin().is_terminal() {
        dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text()
            .map_err(|e| CommandError::new(format!("cannot read the answer: {e}")))?
    } else {
        eprint!("{prompt}: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line
    };
    Ok(answer.trim() == "yes")
}

/// A `--name` switch that is on when given (`args.get_flag(name)`), for a command's
/// [`Command::configure`].
///
/// ```
/// let cmd = clap::Command::new("report").arg(roan::management::flag("all", "Show every row"));
/// assert!(cmd.get_matches_from(["report", "--all"]).get_flag("all"));
/// ```
pub fn flag(name: &'static str, help: &'static str) -> clap::Arg {
    clap::Arg::new(name)
        .long(name)
        .action(clap::ArgAction::SetTrue)
        .help(help)
}

/// Django's `-v/--verbosity {0,1,2,3}` option [default: 1], for a command's
/// [`Command::configure`]; read it with [`verbosity`].
pub fn verbosity_arg() -> clap::Arg {
    clap::Arg::new("verbosity")
        .short('v')
        .long("verbosity")
        .value_name("{0,1,2,3}")
        .value_parser(["0", "1", "2", "3"])
        .default_value("1")
        .help("Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, 3=very verbose output")
}

/// The verbosity given with [`verbosity_arg`].
///
/// ```
/// let cmd = clap::Command::new("report").arg(roan::management::verbosity_arg());
/// assert_eq!(roan::management::verbosity(&cmd.clone().get_matches_from(["report"])), 1);
/// assert_eq!(roan::management::verbosity(&cmd.get_matches_from(["report", "-v", "2"])), 2);
/// ```
pub fn verbosity(args: &clap::ArgMatches) -> u8 {
    args.get_one::<String>("verbosity")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// The built-in commands and those of the installed apps. As in Django, an app's command
/// replaces a built-in one of the same name (staticfiles' `runserver`), and the first installed
/// app with a name wins.
pub fn all_commands(project: &Project) -> Vec<Arc<dyn Command>> {
    let mut all = commands::builtin();
    let mut from_apps: Vec<&'static str> = Vec::new();
    for app in project.apps() {
        for command in app.commands() {
            let name = command.name();
            if from_apps.contains(&name) {
                continue;
            }
            from_apps.push(name);
            match all.iter_mut().find(|c| c.name() == name) {
                Some(builtin) => *builtin = command.clone(),
                None => all.push(command.clone()),
            }
        }
    }
    all
}

/// The clap command line of a project.
pub fn cli(project: &Project, commands: &[Arc<dyn Command>]) -> clap::Command {
    let mut cli = clap::Command::new(project.name().to_string())
        .about(format!(
            "Management commands of the {} project (roan {}). Run them as `roan <command>`.",
            project.name(),
            env!("CARGO_PKG_VERSION")
        ))
        .version(env!("CARGO_PKG_VERSION"))
        // Run as `roan <command>`, so usage lines say so (Django's say `manage.py`).
        .bin_name("roan")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for c in commands {
        cli = cli.subcommand(c.configure(clap::Command::new(c.name()).about(c.about())));
    }
    cli
}

/// Runs the command line of a project: the whole of a generated `src/main.rs`.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     roan::manage(roan::Project::new("mysite", env!("CARGO_MANIFEST_DIR")))
/// }
/// ```
pub fn manage(project: Project) -> ExitCode {
    if let Err(message) = check_built_from(&project) {
        eprintln!("error: {message}");
        return ExitCode::from(1);
    }
    let commands = all_commands(&project);
    let matches = match cli(&project, &commands).try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    init_tracing();
    let Some((name, args)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    let Some(command) = commands.iter().find(|c| c.name() == name) else {
        return ExitCode::from(2);
    };
    let ctx = CommandContext { project: &project };
    match command.handle(&ctx, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An empty message: the command printed its errors already (`shell -c`).
            if !e.message.is_empty() {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.code)
        }
    }
}

/// Refuses to run when the `roan` command built one project directory and this binary was built
/// from another: two projects with one crate name must never read each other's settings or
/// database. Without the variable (the binary run by hand, `cargo run`), there is nothing to check.
fn check_built_from(project: &Project) -> Result<(), String> {
    let Some(expected) = std::env::var_os(crate::launcher::PROJECT_DIR_ENV) else {
        return Ok(());
    };
    let expected = std::path::PathBuf::from(expected);
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if same(&expected, project.base_dir()) {
        return Ok(());
    }
    Err(format!(
        "this binary of `{name}` was built from {built}, not from the project `roan` is running in \
         ({expected}); it would read the other project's settings and database, so nothing was run.\n  \
         help: two projects named `{name}` share a target directory (CARGO_TARGET_DIR?); unset \
         CARGO_TARGET_DIR, or give each project its own, and run the command again",
        name = project.name(),
        built = project.base_dir().display(),
        expected = expected.display(),
    ))
}

/// Logs to stderr; `RUST_LOG` filters (default: info for roan and the project). Colours only
/// on a terminal, and not when `NO_COLOR` is set, so a log file holds plain lines.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_target(false)
        .without_time()
        .with_writer(std::io::stderr)
        .try_init();
}
