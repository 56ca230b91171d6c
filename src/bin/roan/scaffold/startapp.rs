//! `roan startapp NAME [DIRECTORY]`: writes an app and installs it with idempotent edits at
//! marked places of `src/main.rs` and `src/urls.rs`.

use super::names::{self, Kind};
use super::{ScaffoldError, skeleton};
use crate::project_dir::find_project;
use std::path::{Path, PathBuf};

/// The clap arguments of `startapp`.
pub fn startapp_args(cmd: clap::Command) -> clap::Command {
    cmd.arg(
        clap::Arg::new("name")
            .required(true)
            .help("The app name (a lowercase Rust identifier, e.g. blog)"),
    )
    .arg(
        clap::Arg::new("directory")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Where to put the app's code [default: src/NAME]"),
    )
}

/// Runs `startapp` from parsed arguments, in the project found from `start`.
pub fn startapp_from_args(start: &Path, args: &clap::ArgMatches) -> Result<(), ScaffoldError> {
    let name = args
        .get_one::<String>("name")
        .map(String::as_str)
        .unwrap_or_default();
    let directory = args.get_one::<PathBuf>("directory").map(PathBuf::as_path);
    let report = startapp(start, name, directory)?;
    println!("{report}");
    Ok(())
}

struct Edit {
    file: &'static str,
    marker: &'static str,
    line: String,
}

/// Creates app `name` in the project found from `start`; returns what was done, to print.
fn startapp(start: &Path, name: &str, directory: Option<&Path>) -> Result<String, ScaffoldError> {
    let project =
        find_project(start).ok_or_else(|| ScaffoldError::NotInProject("startapp".into()))?;
    names::check(name, Kind::App).map_err(ScaffoldError::InvalidName)?;
    let root = &project.root;
    let main_rs = root.join("src/main.rs");
    let main_text = std::fs::read_to_string(&main_rs).map_err(ScaffoldError::io(&main_rs))?;
    let code_dir = match directory {
        Some(d) if d.is_absolute() => d.to_path_buf(),
        Some(d) => start.join(d),
        None => root.join("src").join(name),
    };
    let taken = [
        root.join("src").join(name),
        root.join("src").join(format!("{name}.rs")),
    ];
    if taken
        .iter()
        .any(|p| p.exists() && (directory.is_none() || !is_empty_dir(p)))
        || declares_module(&main_text, name)
    {
        return Err(ScaffoldError::AlreadyExists(format!(
            "'{name}' is already an app or module of this project (src/{name} or `mod {name};` exists); choose another name"
        )));
    }
    if code_dir.exists() && !is_empty_dir(&code_dir) {
        return Err(ScaffoldError::TargetNotEmpty(code_dir));
    }
    let templates_dir = root.join("templates").join(name);
    if templates_dir.exists() && !is_empty_dir(&templates_dir) {
        return Err(ScaffoldError::TargetNotEmpty(templates_dir));
    }

    let title = title_case(name);
    let files = skeleton::render("app", &[("APP_NAME", name), ("APP_TITLE", &title)]);
    let code_prefix = PathBuf::from("src").join(name);
    let (code, other): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| f.path.starts_with(&code_prefix));
    let code: Vec<skeleton::RenderedFile> = code
        .into_iter()
        .map(|f| skeleton::RenderedFile {
            path: f
                .path
                .strip_prefix(&code_prefix)
                .unwrap_or(&f.path)
                .to_path_buf(),
            contents: f.contents,
        })
        .collect();
    let mut written = skeleton::write_all(&code_dir, &code)?;
    written.extend(skeleton::write_all(root, &other)?);

    let default_dir = root.join("src").join(name);
    let mod_line = if code_dir == default_dir {
        format!("mod {name};")
    } else {
        let rel = relative_to(&code_dir.join("mod.rs"), &root.join("src"));
        format!("#[path = {:?}]\nmod {name};", rel.display().to_string())
    };
    let edits = [
        Edit {
            file: "src/main.rs",
            marker: "// roan:apps",
            line: mod_line,
        },
        Edit {
            file: "src/main.rs",
            marker: "// roan:installed-apps",
            line: format!(".app({name}::app())"),
        },
        Edit {
            file: "src/urls.rs",
            marker: "// roan:urls",
            line: format!("path(\"{name}/\", include(crate::{name}::urls::urls())),"),
        },
    ];
    let mut report = String::new();
    for f in &written {
        report.push_str(&format!(
            "  created {}\n",
            f.strip_prefix(root).unwrap_or(f).display()
        ));
    }
    let mut manual = Vec::new();
    for edit in &edits {
        match apply_edit(root, edit)? {
            EditOutcome::Done => report.push_str(&format!(
                "  edited  {}: {}\n",
                edit.file,
                first_line(&edit.line)
            )),
            EditOutcome::AlreadyThere => {}
            EditOutcome::NoMarker => manual.push(edit),
        }
    }
    report.insert_str(0, &format!("Created app '{name}'.\n"));
    if manual.is_empty() {
        report.push_str(&format!(
            "\nIts index page is at /{name}/ (reversed as \"{name}:index\"). Run `roan runserver` to see it."
        ));
    } else {
        report.push_str(
            "\nThe marker comments roan edits at were not found; add these lines yourself:\n",
        );
        for edit in manual {
            report.push_str(&format!(
                "  in {} (where {} was):\n",
                edit.file, edit.marker
            ));
            for l in edit.line.lines() {
                report.push_str(&format!("      {l}\n"));
            }
        }
    }
    Ok(report)
}

enum EditOutcome {
    Done,
    AlreadyThere,
    NoMarker,
}

/// Inserts `edit.line` above the marker with the marker's indentation, unless already present.
fn apply_edit(root: &Path, edit: &Edit) -> Result<EditOutcome, ScaffoldError> {
    let path = root.join(edit.file);
    let text = std::fs::read_to_string(&path).map_err(ScaffoldError::io(&path))?;
    let wanted: Vec<&str> = edit.line.lines().collect();
    if wanted
        .iter()
        .all(|w| text.lines().any(|l| l.trim() == w.trim()))
    {
        return Ok(EditOutcome::AlreadyThere);
    }
    let Some(pos) = text
        .lines()
        .position(|l| l.trim_start().starts_with(edit.marker))
    else {
        return Ok(EditOutcome::NoMarker);
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let indent: String = lines[pos]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    for (i, w) in wanted.iter().enumerate() {
        lines.insert(pos + i, format!("{indent}{w}"));
    }
    let mut new_text = lines.join("\n");
    if text.ends_with('\n') {
        new_text.push('\n');
    }
    let tmp = path.with_extension("rs.roan-tmp");
    std::fs::write(&tmp, new_text).map_err(ScaffoldError::io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(ScaffoldError::io(&path))?;
    Ok(EditOutcome::Done)
}

fn declares_module(main_text: &str, name: &str) -> bool {
    main_text.lines().any(|l| {
        let l = l.trim();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        l == format!("mod {name};") || l.starts_with(&format!("mod {name} "))
    })
}

fn is_empty_dir(p: &Path) -> bool {
    std::fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

fn first_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s)
}

fn title_case(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for c in &path[common..] {
        out.push(c.as_os_str());
    }
    out
}
