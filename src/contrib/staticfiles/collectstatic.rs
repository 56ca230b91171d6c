//! `collectstatic`: copies every static file into `STATIC_ROOT`, then names each after its
//! content, rewrites CSS references, writes `staticfiles.json` and precompresses, as Django's
//! command with `ManifestStaticFilesStorage` (and whitenoise's compression).

use super::compress;
use super::finders::{self, DEFAULT_IGNORE, Found, Ignore, Source};
use super::storage::{self, MANIFEST_NAME};
use crate::management::{Command, CommandContext, CommandError, flag, verbosity, verbosity_arg};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// `roan collectstatic`.
pub struct CollectStatic;

impl Command for CollectStatic {
    fn name(&self) -> &'static str {
        "collectstatic"
    }

    fn about(&self) -> &'static str {
        "Collect static files in a single location (STATIC_ROOT)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            flag("noinput", "Do NOT prompt the user for input of any kind").alias("no-input"),
        )
        .arg(
            flag(
                "clear",
                "Clear the existing files using the storage before trying to copy or link the original file",
            )
            .short('c'),
        )
        .arg(flag("dry-run", "Do everything except modify the filesystem").short('n'))
        .arg(flag("link", "Create a symbolic link to each file instead of copying").short('l'))
        .arg(
            clap::Arg::new("ignore")
                .short('i')
                .long("ignore")
                .value_name("PATTERN")
                .action(clap::ArgAction::Append)
                .help("Ignore files or directories matching this glob-style pattern (repeatable)"),
        )
        .arg(flag(
            "no-default-ignore",
            "Don't ignore the common private glob-style patterns 'CVS', '.*' and '*~'",
        ))
        .arg(flag(
            "no-post-process",
            "Do NOT post process collected files (no hashed names, manifest or compression)",
        ))
        .arg(verbosity_arg())
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let settings = site.settings();
        if settings.static_root.trim().is_empty() {
            return Err(CommandError::new(
                "You're using the staticfiles app without having set the STATIC_ROOT setting to a \
                 filesystem path.\n  help: set STATIC_ROOT = \"staticfiles\" in settings.toml",
            ));
        }
        let options = Options {
            root: settings.path(&settings.static_root),
            static_url: settings.static_url.clone(),
            clear: args.get_flag("clear"),
            dry_run: args.get_flag("dry-run"),
            link: args.get_flag("link"),
            post_process: !args.get_flag("no-post-process"),
            verbosity: verbosity(args),
        };
        let mut patterns: Vec<&str> = args
            .get_many::<String>("ignore")
            .map(|v| v.map(String::as_str).collect())
            .unwrap_or_default();
        if !args.get_flag("no-default-ignore") {
            patterns.extend(DEFAULT_IGNORE);
        }
        let ignore = Ignore::new(patterns).map_err(CommandError::usage)?;
        if !args.get_flag("noinput") {
            confirm(&options)?;
        }
        let summary = collect(&options, site.static_dirs(), &ignore)?;
        if options.verbosity >= 1 {
            println!("{}", summary.line(&options));
        }
        Ok(())
    }
}

/// What one run does.
struct Options {
    root: PathBuf,
    static_url: String,
    clear: bool,
    dry_run: bool,
    link: bool,
    post_process: bool,
    verbosity: u8,
}

/// What one run did.
#[derive(Default)]
struct Summary {
    copied: usize,
    unmodified: usize,
    post_processed: usize,
}

impl Summary {
    /// Django's last line: "3 static files copied to '/srv/static', 12 unmodified, 15 post-processed."
    fn line(&self, o: &Options) -> String {
        let mut line = format!(
            "\n{} static file{} {} to '{}'",
            self.copied,
            if self.copied == 1 { "" } else { "s" },
            if o.link { "symlinked" } else { "copied" },
            o.root.display()
        );
        if self.unmodified > 0 {
            line.push_str(&format!(", {} unmodified", self.unmodified));
        }
        if self.post_processed > 0 {
            line.push_str(&format!(", {} post-processed", self.post_processed));
        }
        line.push('.');
        line
    }
}

/// Django's question before touching a destination that holds files.
fn confirm(o: &Options) -> Result<(), CommandError> {
    let has_files = std::fs::read_dir(&o.root).is_ok_and(|mut d| d.next().is_some());
    if !has_files {
        return Ok(());
    }
    let mut message = String::from(
        "\nYou have requested to collect static files at the destination\nlocation as specified in your settings:\n\n",
    );
    message.push_str(&format!("    {}\n\n", o.root.display()));
    if o.clear {
        message.push_str("This will DELETE ALL FILES in this location!\n");
    } else {
        message.push_str("This will overwrite existing files!\n");
    }
    message.push_str("Are you sure you want to do this?\n");
    eprintln!("{message}");
    if !crate::management::confirm("Type 'yes' to continue, or 'no' to cancel")? {
        return Err(CommandError::new(
            "Collecting static files cancelled.\n  help: answer 'yes', or run `roan collectstatic --noinput`",
        ));
    }
    Ok(())
}

fn collect(
    o: &Options,
    dirs: &[crate::site::StaticDir],
    ignore: &Ignore,
) -> Result<Summary, CommandError> {
    let io = |what: String| move |e: std::io::Error| CommandError::new(format!("{what}: {e}"));
    if o.clear {
        clear(o)?;
    }
    let found = finders::list(dirs, ignore).map_err(io("cannot list the static files".into()))?;
    let mut chosen: BTreeMap<String, Found> = BTreeMap::new();
    for f in found {
        if let Some(first) = chosen.get(&f.rel) {
            if o.verbosity >= 2 {
                println!(
                    "Found another file with the destination path '{}'. It will be ignored since \
                     only the first encountered file is collected. If this is not what you want, \
                     make sure every static file has a unique path.\n  (kept {}, ignored {})",
                    f.rel,
                    first.source.shown().display(),
                    f.source.shown().display()
                );
            }
            continue;
        }
        chosen.insert(f.rel.clone(), f);
    }

    let mut summary = Summary::default();
    let bar = progress(o, chosen.len() as u64, "Collecting");
    for f in chosen.values() {
        let dest = o.root.join(&f.rel);
        if unmodified(&f.source, &dest, o.link) {
            if o.verbosity >= 2 {
                println!("Skipping '{}' (not modified)", f.rel);
            }
            summary.unmodified += 1;
        } else {
            if o.dry_run {
                if o.verbosity >= 1 {
                    println!(
                        "Pretending to {} '{}'",
                        if o.link { "link" } else { "copy" },
                        f.source.shown().display()
                    );
                }
            } else {
                if o.verbosity >= 2 {
                    println!(
                        "{} '{}'",
                        if o.link { "Linking" } else { "Copying" },
                        f.source.shown().display()
                    );
                }
                place(&f.source, &dest, o.link)
                    .map_err(io(format!("cannot write {}", dest.display())))?;
            }
            summary.copied += 1;
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if o.post_process && !o.dry_run {
        summary.post_processed = post_process(o, &chosen)?;
    }
    Ok(summary)
}

/// Hashed copies, the manifest, then `.gz` and `.br` beside each file worth compressing.
fn post_process(o: &Options, chosen: &BTreeMap<String, Found>) -> Result<usize, CommandError> {
    let mut contents = BTreeMap::new();
    for (rel, f) in chosen {
        let content = f.source.read().map_err(|e| {
            CommandError::new(format!("cannot read {}: {e}", f.source.shown().display()))
        })?;
        contents.insert(rel.clone(), content.into_owned());
    }
    let (manifest, rewritten) = storage::post_process(&contents, &o.static_url)
        .map_err(|e| CommandError::new(e.to_string()))?;
    let bar = progress(o, contents.len() as u64, "Post-processing");
    for (rel, content) in &contents {
        let hashed = &manifest.paths[rel];
        let content = rewritten.get(rel).unwrap_or(content);
        let dest = o.root.join(hashed);
        if !dest.is_file() {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&dest, content)?;
        }
        if o.verbosity >= 2 {
            println!("Post-processed '{rel}' as '{hashed}'");
        }
        if compress::is_compressible(rel) {
            compress::compress_beside(&o.root.join(rel), &contents[rel])?;
            compress::compress_beside(&dest, content)?;
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    std::fs::write(o.root.join(MANIFEST_NAME), manifest.to_json())?;
    Ok(contents.len())
}

/// A progress bar on a terminal at the default verbosity; nothing when piped.
fn progress(o: &Options, len: u64, what: &'static str) -> Option<indicatif::ProgressBar> {
    if o.verbosity != 1 || !std::io::stderr().is_terminal() || len < 2 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    Some(bar)
}

/// Deletes everything in `STATIC_ROOT` (`--clear`), or says what it would delete.
fn clear(o: &Options) -> Result<(), CommandError> {
    let Ok(entries) = std::fs::read_dir(&o.root) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if o.dry_run {
            if o.verbosity >= 1 {
                println!("Pretending to delete '{}'", path.display());
            }
            continue;
        }
        if o.verbosity >= 1 {
            println!("Deleting '{}'", path.display());
        }
        let kind = std::fs::symlink_metadata(&path)?;
        if kind.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Whether `dest` already holds `source`: a copy at least as new (for an embedded file, the
/// same bytes), or the same link.
fn unmodified(source: &Source, dest: &Path, link: bool) -> bool {
    let Ok(dest_meta) = std::fs::symlink_metadata(dest) else {
        return false;
    };
    let source = match source {
        Source::File(path) => path,
        Source::Embedded { .. } => {
            return !dest_meta.file_type().is_symlink()
                && source
                    .read()
                    .is_ok_and(|bytes| std::fs::read(dest).is_ok_and(|d| d == *bytes));
        }
    };
    if dest_meta.file_type().is_symlink() != link {
        return false;
    }
    if link {
        return std::fs::read_link(dest).is_ok_and(|t| source.canonicalize().is_ok_and(|s| s == t));
    }
    let time =
        |m: std::io::Result<std::fs::Metadata>| -> Option<SystemTime> { m.ok()?.modified().ok() };
    match (time(std::fs::metadata(source)), time(Ok(dest_meta))) {
        (Some(s), Some(d)) => d >= s,
        _ => false,
    }
}

/// Copies (or links) `source` to `dest`, replacing what is there; an embedded file is written.
fn place(source: &Source, dest: &Path, link: bool) -> std::io::Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if std::fs::symlink_metadata(dest).is_ok() {
        std::fs::remove_file(dest)?;
    }
    let source = match source {
        Source::File(path) => path,
        Source::Embedded { .. } => return std::fs::write(dest, source.read()?),
    };
    if link {
        let source = source.canonicalize()?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(source, dest);
        #[cfg(not(unix))]
        return std::fs::copy(source, dest).map(|_| ());
    }
    std::fs::copy(source, dest).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::EmbeddedStatic;
    use crate::site::StaticDir;

    /// Any folder of roan's will do as an app's embedded static files.
    #[derive(rust_embed::Embed)]
    #[folder = "$CARGO_MANIFEST_DIR/templates/forms/errors/"]
    struct Embedded;

    #[test]
    fn embedded_files_are_found_collected_and_then_unmodified() {
        let root =
            std::env::temp_dir().join(format!("roan-collect-embedded-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dirs = vec![StaticDir {
            prefix: "vendor".into(),
            path: "(embedded in the binary) vendor".into(),
            embedded: Some(EmbeddedStatic::of::<Embedded>()),
        }];
        let o = Options {
            root: root.clone(),
            static_url: "/static/".into(),
            clear: false,
            dry_run: false,
            link: false,
            post_process: true,
            verbosity: 0,
        };
        let ignore = Ignore::new(DEFAULT_IGNORE.iter().copied()).unwrap();
        let found = finders::find(&dirs, "vendor/list/ul.html").expect("found");
        assert!(matches!(found, Source::Embedded { .. }));
        assert!(
            finders::find(&dirs, "list/ul.html").is_none(),
            "the prefix is needed"
        );

        let first = collect(&o, &dirs, &ignore).unwrap();
        assert_eq!(
            (first.copied, first.unmodified, first.post_processed),
            (1, 0, 1)
        );
        let original = std::fs::read(root.join("vendor/list/ul.html")).unwrap();
        assert_eq!(original, *found.read().unwrap());
        let manifest = storage::Manifest::load(&root).unwrap().unwrap();
        let hashed = manifest.hashed("vendor/list/ul.html").unwrap();
        assert!(root.join(hashed).is_file(), "{hashed}");

        let again = collect(&o, &dirs, &ignore).unwrap();
        assert_eq!((again.copied, again.unmodified), (0, 1));
    }
}
