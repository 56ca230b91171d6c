//! `dumpdata [app_label[.ModelName] ...]`: the database's rows as a fixture.

use crate::db::fixtures::{self, Format};
use crate::db::{ManyToMany, ModelState};
use crate::management::{Command, CommandContext, CommandError};

/// `roan dumpdata`.
pub struct DumpData;

/// The models `labels` name (`polls`, `polls.question`), all of them when none, less
/// `exclude`; Django's errors for a name that is neither.
pub(crate) fn select_models<'a>(
    all: &'a [ModelState],
    apps: &[String],
    labels: &[String],
    exclude: &[String],
) -> Result<Vec<&'a ModelState>, CommandError> {
    let find = |label: &str| -> Result<Vec<&'a ModelState>, CommandError> {
        let label = label.to_lowercase();
        match label.split_once('.') {
            Some((app, model)) => {
                if !apps.iter().any(|a| *a == app) {
                    return Err(CommandError::new(format!(
                        "No installed app with label '{app}'."
                    )));
                }
                all.iter()
                    .find(|m| m.app == app && m.name == model)
                    .map(|m| vec![m])
                    .ok_or_else(|| CommandError::new(format!("Unknown model: {label}")))
            }
            None => {
                if !apps.contains(&label) {
                    return Err(CommandError::new(format!(
                        "No installed app with label '{label}'."
                    )));
                }
                Ok(all.iter().filter(|m| m.app == label).collect())
            }
        }
    };
    let mut chosen: Vec<&ModelState> = Vec::new();
    if labels.is_empty() {
        chosen.extend(all.iter());
    } else {
        for l in labels {
            for m in find(l)? {
                if !chosen.iter().any(|c| c.table == m.table) {
                    chosen.push(m);
                }
            }
        }
    }
    let mut dropped: Vec<&ModelState> = Vec::new();
    for e in exclude {
        dropped.extend(find(e)?);
    }
    chosen.retain(|m| !dropped.iter().any(|d| d.table == m.table));
    Ok(chosen)
}

impl Command for DumpData {
    fn name(&self) -> &'static str {
        "dumpdata"
    }

    fn about(&self) -> &'static str {
        "Output the contents of the database as a fixture of the given format"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("labels")
                .num_args(0..)
                .value_name("app_label[.ModelName]")
                .help("Only these apps or models"),
        )
        .arg(
            clap::Arg::new("format")
                .long("format")
                .value_parser(["json", "jsonl"])
                .help("The output format (json, or jsonl by the output's extension)"),
        )
        .arg(
            clap::Arg::new("indent")
                .long("indent")
                .value_parser(clap::value_parser!(usize))
                .help("Indent the output by this many spaces"),
        )
        .arg(
            clap::Arg::new("exclude")
                .short('e')
                .long("exclude")
                .action(clap::ArgAction::Append)
                .help("An app or app.Model to leave out (repeatable)"),
        )
        .arg(
            clap::Arg::new("output")
                .short('o')
                .long("output")
                .help("Write to this file (gzipped when it ends in .gz)"),
        )
        .arg(
            clap::Arg::new("pks")
                .long("pks")
                .help("Only these primary keys, comma separated (one model only)"),
        )
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let all: Vec<ModelState> = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.all_models().cloned())
            .collect();
        let apps: Vec<String> = ctx
            .project()
            .apps()
            .iter()
            .map(|a| a.label().to_string())
            .collect();
        let strings = |name: &str| -> Vec<String> {
            args.get_many::<String>(name)
                .map(|v| v.cloned().collect())
                .unwrap_or_default()
        };
        let many: Vec<ManyToMany> = ctx
            .project()
            .apps()
            .iter()
            .flat_map(|a| a.many_to_many_fields())
            .collect();
        let labels = strings("labels");
        let mut models = select_models(&all, &apps, &labels, &strings("exclude"))?;
        // A many-to-many field's link rows are written in its model's objects (as Django does for
        // an auto-created `through`); the link model is dumped alone only when named.
        models.retain(|m| {
            !many.iter().any(|f| f.through == m.table)
                || labels.iter().any(|l| l.to_lowercase() == m.label())
        });
        let pks: Vec<String> = args
            .get_one::<String>("pks")
            .map(|p| p.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        if !pks.is_empty() && models.len() != 1 {
            return Err(CommandError::usage(
                "You can only use --pks option with one model",
            ));
        }
        let output = args.get_one::<String>("output").cloned();
        let format = match args.get_one::<String>("format").map(String::as_str) {
            Some("jsonl") => Format::Jsonl,
            Some(_) => Format::Json,
            None => output
                .as_deref()
                .and_then(Format::of_path)
                .unwrap_or(Format::Json),
        };
        let indent = args.get_one::<usize>("indent").copied();
        let mut out: Box<dyn std::io::Write> = match &output {
            Some(path) => {
                let file = std::fs::File::create(path)
                    .map_err(|e| CommandError::new(format!("cannot write {path}: {e}")))?;
                let file = std::io::BufWriter::new(file);
                if path.ends_with(".gz") {
                    Box::new(flate2::write::GzEncoder::new(
                        file,
                        flate2::Compression::default(),
                    ))
                } else {
                    Box::new(file)
                }
            }
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let written = ctx.block_on(async {
            let db = ctx.db().await?;
            fixtures::dump(&db, &models, &many, &pks, format, indent, &mut out)
                .await
                .map_err(|e| CommandError::new(e.to_string()))
        })?;
        drop(out);
        if output.is_some() {
            eprintln!("{written} object(s) written.");
        }
        Ok(())
    }
}
