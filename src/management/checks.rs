//! System checks, run by `check` and before `runserver` starts.

use crate::apps::Project;
use crate::site::Site;
use std::fmt;

/// How serious a check message is; errors stop `runserver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The project cannot work this way.
    Error,
    /// Probably a mistake.
    Warning,
}

/// One finding of the system checks.
#[derive(Debug, Clone)]
pub struct CheckMessage {
    /// Error or warning.
    pub level: Level,
    /// A stable id, e.g. `templates.E001`.
    pub id: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl CheckMessage {
    /// A finding: its level, stable id (`app.E001`), what is wrong and how to fix it.
    pub fn new(
        level: Level,
        id: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> CheckMessage {
        CheckMessage {
            level,
            id,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for CheckMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "?: ({}) {}\n\tHINT: {}",
            self.id, self.message, self.hint
        )
    }
}

/// Runs every check on a project whose settings loaded and whose site was built: roan's own,
/// then each installed app's ([`crate::App::check`]).
pub fn run(project: &Project, site: &Site) -> Vec<CheckMessage> {
    let mut out = core_checks(site);
    for app in project.apps() {
        for problem in app.resolve_many_to_many() {
            if let Err((id, message)) = problem {
                out.push(CheckMessage::new(
                    Level::Error,
                    id,
                    message,
                    "register the model and the link model on the app (.model::<...>()) \
                     before .many_to_many(model, name, through); the link model needs a \
                     foreign key to each side",
                ));
            }
        }
        for check in app.checks() {
            out.extend(check(project, site));
        }
    }
    out
}

fn core_checks(site: &Site) -> Vec<CheckMessage> {
    let mut out = Vec::new();
    let settings = site.settings();
    for dir in &settings.templates.dirs {
        let path = settings.path(dir);
        if !path.is_dir() {
            out.push(CheckMessage {
                level: Level::Error,
                id: "templates.E001",
                message: format!("template directory {} does not exist", path.display()),
                hint: format!(
                    "create it, or remove \"{dir}\" from TEMPLATES.DIRS in {}",
                    settings.settings_file.display()
                ),
            });
        }
    }
    for name in site.resolver().duplicate_names() {
        out.push(CheckMessage {
            level: Level::Warning,
            id: "urls.W005",
            message: format!("URL name '{name}' is used by more than one pattern"),
            hint: "give each route its own name so reverse() and url() are unambiguous".into(),
        });
    }
    if !settings.debug && settings.allowed_hosts.is_empty() {
        out.push(CheckMessage {
            level: Level::Warning,
            id: "security.W020",
            message: "ALLOWED_HOSTS is empty while DEBUG is false".into(),
            hint: "list the host names this site serves in ALLOWED_HOSTS".into(),
        });
    }
    out
}

/// Prints the messages as Django does and returns whether any is an error.
pub fn report(messages: &[CheckMessage]) -> bool {
    let errors: Vec<_> = messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .collect();
    let warnings: Vec<_> = messages
        .iter()
        .filter(|m| m.level == Level::Warning)
        .collect();
    if !errors.is_empty() {
        eprintln!("ERRORS:");
        for m in &errors {
            eprintln!("{m}");
        }
    }
    if !warnings.is_empty() {
        eprintln!("WARNINGS:");
        for m in &warnings {
            eprintln!("{m}");
        }
    }
    let n = messages.len();
    if n == 0 {
        eprintln!("System check identified no issues (0 silenced).");
    } else {
        eprintln!(
            "System check identified {n} issue{} (0 silenced).",
            if n == 1 { "" } else { "s" }
        );
    }
    !errors.is_empty()
}
