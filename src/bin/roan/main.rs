//! The `roan` command: `startproject` and `startapp` here; inside a project every other command
//! is built and run by the project itself, as Django's `manage.py`.

use clap::{Arg, ArgAction, Command};
mod autoreload;
mod build;
mod claim;
mod features;
mod project_dir;
mod scaffold;
mod test;

use project_dir::ProjectDir;
use scaffold::StartProject;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

fn cli() -> Command {
    Command::new("roan")
        .about("Django's batteries-included workflow, in Rust")
        .version(env!("CARGO_PKG_VERSION"))
        .after_help(
            "Inside a project, every other command (runserver, check, diffsettings, ...) is built \
             and run by the project: `roan --help` there lists them.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("startproject")
                .about("Create a project: a Cargo crate with settings, URLs, templates and static files")
                .arg(Arg::new("name").required(true).help("The project (crate) name, e.g. mysite"))
                .arg(
                    Arg::new("directory")
                        .value_parser(clap::value_parser!(PathBuf))
                        .help("Where to create it (absent or empty) [default: ./NAME]"),
                )
                .arg(
                    Arg::new("roan-path")
                        .long("roan-path")
                        .value_parser(clap::value_parser!(PathBuf))
                        .action(ArgAction::Set)
                        .help("Depend on the roan checkout at this path instead of the default"),
                ),
        )
        .subcommand(scaffold::startapp_args(
            Command::new("startapp").about("Create an app in the current project and install it"),
        ))
        .subcommand(Command::new("test").about(test::ABOUT).arg(
            Arg::new("args").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true),
        ))
        .subcommand(build_args())
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read the current directory: {e}");
            return ExitCode::from(1);
        }
    };
    match first {
        "startproject" | "startapp" => scaffold_command(&args, &cwd),
        "" | "-h" | "--help" | "help" | "-V" | "--version" => match project_dir::find_project(&cwd)
        {
            Some(project) if !matches!(first, "-V" | "--version") => {
                println!("{}\n\nroan's own commands:", cli().render_usage());
                for sub in cli().get_subcommands() {
                    println!(
                        "  {:<16} {}",
                        sub.get_name(),
                        sub.get_about().map(|a| a.to_string()).unwrap_or_default()
                    );
                }
                println!(
                    "\nroan {} — project commands of {}:\n",
                    env!("CARGO_PKG_VERSION"),
                    project.name
                );
                run_in_project(&project, &["--help".to_string()])
            }
            _ => scaffold_command(&args, &cwd),
        },
        command => match project_dir::find_project(&cwd) {
            Some(project) => {
                let rest: Vec<String> = args[1..]
                    .iter()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect();
                run_in_project(&project, &rest)
            }
            None => {
                eprintln!(
                    "error: `roan {command}` must run inside a roan project (a directory whose Cargo.toml has [package.metadata.roan]).\n  \
                     Create one with `roan startproject mysite`, then `cd mysite` and run `roan {command}` there."
                );
                ExitCode::from(2)
            }
        },
    }
}

fn scaffold_command(args: &[OsString], cwd: &std::path::Path) -> ExitCode {
    let matches = match cli().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let result = match matches.subcommand() {
        Some(("startproject", m)) => {
            let opts = StartProject {
                name: m.get_one::<String>("name").cloned().unwrap_or_default(),
                directory: m.get_one::<PathBuf>("directory").cloned(),
                roan_path: m.get_one::<PathBuf>("roan-path").cloned(),
            };
            scaffold::startproject(&opts, cwd).map(|dir| {
                let shown = dir.strip_prefix(cwd).unwrap_or(&dir).display().to_string();
                println!(
                    "Created project '{}' in {shown}.\n\nNext steps:\n  cd {shown}\n  roan runserver        # http://127.0.0.1:8000/ (the first build compiles the dependencies)\n  roan startapp blog    # your first app",
                    opts.name
                );
            })
        }
        Some(("startapp", m)) => scaffold::startapp_from_args(cwd, m),
        _ => return ExitCode::from(2),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Builds the project and runs the command in it; `runserver` autoreloads unless `--noreload`.
fn run_in_project(project: &ProjectDir, args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("test") => return test::run(project, &args[1..]),
        Some("build") => return build_command(project, &args[1..]),
        _ => {}
    }
    let is_runserver = args.first().is_some_and(|a| a == "runserver");
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h");
    if is_runserver && !wants_help && !args.iter().any(|a| a == "--noreload") {
        return match autoreload::run(project, &args[1..]) {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    match built(project, build::Profile::Debug) {
        Ok(exe) => exec(project.command(&exe), args),
        Err(code) => code,
    }
}

/// Builds the project; a failure is reported and becomes the exit code.
fn built(project: &ProjectDir, profile: build::Profile) -> Result<PathBuf, ExitCode> {
    build::build(project, profile).map_err(|e| {
        match e {
            build::BuildError::Compile { .. } => eprintln!(
                "error: {} did not compile; fix the errors above and run the command again",
                project.name
            ),
            e => eprintln!("error: {e}"),
        }
        ExitCode::from(1)
    })
}

fn build_args() -> Command {
    Command::new("build").about(BUILD_ABOUT).arg(
        Arg::new("release")
            .long("release")
            .action(ArgAction::SetTrue)
            .help("Optimized, for production (cargo's release profile)"),
    )
}

const BUILD_ABOUT: &str =
    "Build the project's binary and print its path (--release for production)";

/// `roan build [--release]`.
fn build_command(project: &ProjectDir, args: &[String]) -> ExitCode {
    let matches = match build_args()
        .bin_name("roan build")
        .try_get_matches_from(std::iter::once("build".to_string()).chain(args.iter().cloned()))
    {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let profile = if matches.get_flag("release") {
        build::Profile::Release
    } else {
        build::Profile::Debug
    };
    match built(project, profile) {
        Ok(exe) => {
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| exe.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
                .unwrap_or_else(|| exe.clone());
            println!("{}", exe.display());
            eprintln!(
                "\nBuilt {name}. It runs every command without the roan CLI, from the project \
                 directory (or with ROAN_SETTINGS=/path/to/settings.toml):\n  {bin} migrate\n  \
                 {bin} runserver 0.0.0.0:8000",
                name = project.name,
                bin = shown.display()
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

#[cfg(unix)]
pub(crate) fn exec(mut cmd: std::process::Command, args: &[String]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // Replaces this process: stdin/stdout/stderr, signals and the exit code are the project's.
    let err = cmd.args(args).exec();
    eprintln!(
        "error: cannot run {}: {err}",
        cmd.get_program().to_string_lossy()
    );
    ExitCode::from(1)
}

#[cfg(not(unix))]
pub(crate) fn exec(mut cmd: std::process::Command, args: &[String]) -> ExitCode {
    match cmd.args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!(
                "error: cannot run {}: {e}",
                cmd.get_program().to_string_lossy()
            );
            ExitCode::from(1)
        }
    }
}
