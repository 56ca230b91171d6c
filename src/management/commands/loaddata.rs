//! `loaddata FIXTURE...`: fixtures into the database, in one transaction.

use crate::db::ModelState;
use crate::db::fixtures::{self, Format};
use crate::management::{Command, CommandContext, CommandError, flag};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `roan loaddata`.
pub struct LoadData;

/// The directories a fixture name is looked up in, as Django's: each app's
/// `src/<app>/fixtures/`, then `FIXTURE_DIRS`, then the project directory. A directory listed
/// twice, or an app's own listed in `FIXTURE_DIRS`, is a settings mistake Django refuses too.
fn fixture_dirs(ctx: &CommandContext) -> Result<Vec<PathBuf>, CommandError> {
    let base = ctx.project().base_dir();
    let settings = ctx.settings()?;
    let apps: Vec<PathBuf> = ctx
        .project()
        .apps()
        .iter()
        .map(|a| base.join("src").join(a.label()).join("fixtures"))
        .collect();
    let listed: Vec<PathBuf> = settings
        .fixture_dirs
        .iter()
        .map(|d| settings.path(d))
        .collect();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    for (i, dir) in listed.iter().enumerate() {
        if listed[..i].iter().any(|d| same(d, dir)) {
            return Err(CommandError::new(format!(
                "settings.FIXTURE_DIRS contains duplicates: {} is listed twice; list each \
                 directory once",
                dir.display()
            )));
        }
        if apps.iter().any(|d| same(d, dir)) {
            return Err(CommandError::new(format!(
                "'{}' is a default fixture directory for an app and cannot be listed in \
                 settings.FIXTURE_DIRS: its fixtures are found without it",
                dir.display()
            )));
        }
    }
    let mut dirs = apps;
    dirs.extend(listed);
    dirs.push(base.to_path_buf());
    Ok(dirs)
}

/// The files a fixture label names: a path, or a name looked up in the [`fixture_dirs`], with
/// or without its extension (`.json`, `.jsonl`, maybe `.gz`).
fn find(dirs: &[PathBuf], label: &str) -> Vec<PathBuf> {
    let has_ext = Format::of_path(label).is_some();
    let names: Vec<String> = if has_ext {
        vec![label.to_string()]
    } else {
        ["json", "jsonl", "json.gz", "jsonl.gz"]
            .iter()
            .map(|e| format!("{label}.{e}"))
            .collect()
    };
    let mut found = Vec::new();
    for name in &names {
        let direct = Path::new(name);
        if direct.is_absolute() {
            if direct.is_file() {
                found.push(direct.to_path_buf());
            }
            continue;
        }
        for dir in dirs {
            let p = dir.join(name);
            if p.is_file() && !found.contains(&p) {
                found.push(p);
            }
        }
    }
    found
}

fn read(path: &Path) -> Result<String, CommandError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CommandError::new(format!("cannot read {}: {e}", path.display())))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .map_err(|e| CommandError::new(format!("cannot unzip {}: {e}", path.display())))?;
        return Ok(text);
    }
    String::from_utf8(bytes)
        .map_err(|_| CommandError::new(format!("{} is not UTF-8 text", path.display())))
}

impl Command for LoadData {
    fn name(&self) -> &'static str {
        "loaddata"
    }

    fn about(&self) -> &'static str {
        "Install the named fixtures in the database"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("fixtures")
                .num_args(1..)
                .required(true)
                .value_name("fixture")
                .help("Fixture labels: names in the apps' fixtures/ directories, or paths; - is stdin"),
        )
        .arg(
            clap::Arg::new("format")
                .long("format")
                .value_parser(["json", "jsonl"])
                .help("The format of a fixture read from stdin"),
        )
        .arg(
            flag(
                "ignorenonexistent",
                "Ignore fields in the fixtures that the models do not have",
            )
            .short('i'),
        )
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let registry: Vec<ModelState> = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.all_models().cloned())
            .collect();
        let many: Vec<crate::db::ManyToMany> = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.many_to_many_fields())
            .collect();
        let labels: Vec<String> = args
            .get_many::<String>("fixtures")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        let dirs = fixture_dirs(ctx)?;
        let mut parsed = Vec::new();
        for label in &labels {
            if label == "-" {
                let format = match args.get_one::<String>("format").map(String::as_str) {
                    Some("jsonl") => Format::Jsonl,
                    Some(_) => Format::Json,
                    None => {
                        return Err(CommandError::usage(
                            "--format must be specified when reading from stdin.",
                        ));
                    }
                };
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                let objects = fixtures::parse(&text, format, "stdin")
                    .map_err(|e| CommandError::new(e.to_string()))?;
                parsed.push(("stdin".to_string(), objects));
                continue;
            }
            let paths = find(&dirs, label);
            if paths.is_empty() {
                return Err(CommandError::new(format!(
                    "No fixture named '{label}' found."
                )));
            }
            for path in paths {
                let name = path.display().to_string();
                let format = Format::of_path(&name).unwrap_or(Format::Json);
                let objects = fixtures::parse(&read(&path)?, format, &name)
                    .map_err(|e| CommandError::new(e.to_string()))?;
                parsed.push((name, objects));
            }
        }
        let ignore = args.get_flag("ignorenonexistent");
        let count = ctx.block_on(async {
            let db = ctx.db().await?;
            fixtures::load(&db, &registry, &many, &parsed, ignore)
                .await
                .map_err(|e| CommandError::new(e.to_string()))
        })?;
        println!(
            "Installed {count} object(s) from {} fixture(s)",
            parsed.len()
        );
        Ok(())
    }
}
