//! `shell [-c COMMAND]`: Django's `manage.py shell`, every installed model imported by its class
//! name; lines are evaluated in the project binary (`roan::shell`), nothing is compiled.

use crate::management::{Command, CommandContext, CommandError, flag, verbosity, verbosity_arg};
use crate::shell::{Session, is_incomplete};
use std::io::{BufRead, IsTerminal, Write};

/// `roan shell`.
pub struct Shell;

/// Runs `text` line by line (a line that leaves a bracket open continues on the next), printing
/// what the shell prints; gives whether every line succeeded.
fn run_script(session: &mut Session, text: &str) -> bool {
    let mut ok = true;
    let mut pending = String::new();
    for line in text.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if is_incomplete(&pending) {
            continue;
        }
        ok &= print_result(session.run(&pending.replace('\n', " ")));
        pending.clear();
    }
    if !pending.trim().is_empty() {
        ok &= print_result(session.run(&pending.replace('\n', " ")));
    }
    ok
}

/// Prints a line's output; errors (`NameError: ...`) go to stderr.
fn print_result(lines: Vec<String>) -> bool {
    let mut ok = true;
    for line in lines {
        if is_error(&line) {
            ok = false;
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    ok
}

/// The interactive session on a terminal: line editing, Tab completion, and history kept in
/// `~/.roan_shell_history` across sessions.
fn interactive(session: &mut Session) -> Result<(), CommandError> {
    let file =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".roan_shell_history"));
    let mut editor = crate::shell::Editor::new(file);
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { ">>> " } else { "... " };
        let line = match editor.read_line(prompt, &|text| {
            let before = if pending.is_empty() {
                text.to_string()
            } else {
                format!("{pending} {text}")
            };
            let prefix = before.len() - text.len();
            session
                .complete(&before)
                .into_iter()
                .filter_map(|c| c.get(prefix..).map(str::to_string))
                .collect()
        })? {
            crate::shell::Input::Line(l) => l,
            crate::shell::Input::Interrupted => {
                pending.clear();
                continue;
            }
            crate::shell::Input::Eof => return Ok(()),
        };
        if pending.is_empty() && matches!(line.trim(), "exit()" | "quit()") {
            return Ok(());
        }
        editor.remember(&line);
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(&line);
        if is_incomplete(&pending) {
            continue;
        }
        print_result(session.run(&pending));
        pending.clear();
    }
}

fn is_error(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(kind, _)| {
        !kind.contains(' ')
            && (kind.ends_with("Error")
                || kind.ends_with("DoesNotExist")
                || kind.ends_with("MultipleObjectsReturned"))
    })
}

impl Command for Shell {
    fn name(&self) -> &'static str {
        "shell"
    }

    fn about(&self) -> &'static str {
        "Run an interactive shell with the project's models imported (Django's query syntax)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("command")
                .short('c')
                .long("command")
                .help("Run this code instead of an interactive session"),
        )
        .arg(flag("no-imports", "Do not import the models automatically"))
        .arg(verbosity_arg())
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let models = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.all_models().cloned())
            .collect();
        let auto = !args.get_flag("no-imports");
        let displays = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.displays().iter().copied())
            .collect();
        let mut session = Session::connect(models, &settings, auto)?.with_displays(displays);
        let v = verbosity(args);
        if auto && v >= 1 && args.get_one::<String>("command").is_none() {
            let n = session.imported_count();
            if v >= 2 {
                eprintln!("{n} objects imported automatically:\n");
                for line in session.imported() {
                    eprintln!("  {line}");
                }
                eprintln!();
            } else if std::io::stdin().is_terminal() {
                eprintln!("{n} objects imported automatically (use -v 2 for details).\n");
            }
        }
        if let Some(code) = args.get_one::<String>("command") {
            return if run_script(&mut session, code) {
                Ok(())
            } else {
                Err(CommandError::with_code("", 1))
            };
        }
        if !std::io::stdin().is_terminal() {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
            return if run_script(&mut session, &text) {
                Ok(())
            } else {
                Err(CommandError::with_code("", 1))
            };
        }
        if std::io::stdout().is_terminal() {
            return interactive(&mut session);
        }
        let stdin = std::io::stdin();
        let mut pending = String::new();
        loop {
            eprint!("{}", if pending.is_empty() { ">>> " } else { "... " });
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if stdin.lock().read_line(&mut line)? == 0 {
                eprintln!();
                return Ok(());
            }
            let line = line.trim_end_matches(['\n', '\r']);
            if pending.is_empty() && matches!(line.trim(), "exit()" | "quit()" | "exit" | "quit") {
                return Ok(());
            }
            if !pending.is_empty() {
                pending.push(' ');
            }
            pending.push_str(line);
            if is_incomplete(&pending) {
                continue;
            }
            print_result(session.run(&pending));
            pending.clear();
        }
    }
}
