//! Writing a migration file and registering it in the app's `migrations/mod.rs`.

use super::Operation;
use std::path::{Path, PathBuf};

/// The marker above which migration modules are declared.
pub const MODULES_MARKER: &str = "// roan:migration-modules";
/// The marker above which migrations are listed.
pub const LIST_MARKER: &str = "// roan:migration-list";

/// The next number after the app's existing migration names (`0001_initial` → 2).
pub fn next_number(existing: &[String]) -> u32 {
    existing
        .iter()
        .filter_map(|n| n.get(..4).and_then(|d| d.parse::<u32>().ok()))
        .max()
        .map_or(1, |n| n + 1)
}

/// Django's automatic name: `0001_initial`, `0002_post_slug`, or `0003_auto_20261126_0630`.
pub fn auto_name(number: u32, operations: &[Operation], initial: bool) -> String {
    let stem = if initial {
        "initial".to_string()
    } else {
        let joined = operations
            .iter()
            .map(Operation::name_fragment)
            .collect::<Vec<_>>()
            .join("_");
        if !operations.is_empty() && joined.len() <= 52 {
            joined
        } else {
            format!("auto_{}", chrono::Local::now().format("%Y%m%d_%H%M"))
        }
    };
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{number:04}_{stem}")
}

/// The Rust module name of a migration file (`0002_post_slug` → `m0002_post_slug`).
pub fn module_name(name: &str) -> String {
    format!("m{name}")
}

/// The text of a migration file.
pub fn render(
    app: &str,
    name: &str,
    dependencies: &[(String, String)],
    operations: &[Operation],
) -> String {
    let mut s = format!(
        "//! Migration {app}.{name}, written by roan {} on {}.\n\nuse roan::migrations::prelude::*;\n\n/// {}\npub fn migration() -> Migration {{\n    Migration::new({app:?}, {name:?})\n",
        env!("CARGO_PKG_VERSION"),
        chrono::Local::now().format("%Y-%m-%d %H:%M"),
        if operations.is_empty() {
            "An empty migration: add operations (RunSql, ...) by hand.".to_string()
        } else {
            operations
                .iter()
                .map(Operation::describe)
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    if !dependencies.is_empty() {
        let deps: Vec<String> = dependencies
            .iter()
            .map(|(a, n)| format!("({a:?}, {n:?})"))
            .collect();
        s.push_str(&format!("        .depends_on(&[{}])\n", deps.join(", ")));
    }
    s.push_str("        .operations(vec![\n");
    for op in operations {
        s.push_str(&format!("            {},\n", op.to_rust("            ")));
    }
    s.push_str("        ])\n}\n");
    s
}

/// What writing a migration did.
#[derive(Debug)]
pub struct Written {
    /// The migration file.
    pub path: PathBuf,
    /// Lines to add by hand when the markers in `mod.rs` are missing.
    pub manual: Vec<String>,
}

/// Writes `dir/<name>.rs` (never over an existing file) and registers it in `dir/mod.rs`.
pub fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.rs"));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(text.as_bytes())?;
    }
    let module = module_name(name);
    let decl = format!("#[path = \"{name}.rs\"]\nmod {module};");
    let entry = format!("{module}::migration(),");
    let mod_rs = dir.join("mod.rs");
    let current = std::fs::read_to_string(&mod_rs).unwrap_or_default();
    let (with_decl, ok1) = insert_above(&current, MODULES_MARKER, &decl);
    let (with_entry, ok2) = insert_above(&with_decl, LIST_MARKER, &entry);
    let mut manual = Vec::new();
    if ok1 && ok2 {
        let tmp = dir.join("mod.rs.roan-tmp");
        std::fs::write(&tmp, with_entry)?;
        std::fs::rename(&tmp, &mod_rs)?;
    } else {
        manual.push(decl);
        manual.push(format!("{entry}   (in the list returned by all())"));
    }
    Ok(Written { path, manual })
}

fn insert_above(text: &str, marker: &str, block: &str) -> (String, bool) {
    if text
        .lines()
        .any(|l| l.trim() == block.lines().last().unwrap_or("").trim())
    {
        return (text.to_string(), true);
    }
    let Some(pos) = text
        .lines()
        .position(|l| l.trim_start().starts_with(marker))
    else {
        return (text.to_string(), false);
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let indent: String = lines[pos]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    for (i, l) in block.lines().enumerate() {
        lines.insert(pos + i, format!("{indent}{l}"));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Field, FieldType};

    #[test]
    fn names_follow_django() {
        assert_eq!(next_number(&[]), 1);
        assert_eq!(next_number(&["0001_initial".into(), "0007_x".into()]), 8);
        let add = Operation::add_field("post", Field::new("slug", FieldType::String));
        assert_eq!(
            auto_name(2, std::slice::from_ref(&add), false),
            "0002_post_slug"
        );
        assert_eq!(auto_name(1, &[add], true), "0001_initial");
        let many: Vec<Operation> = (0..20)
            .map(|i| Operation::remove_field("post", &format!("field_{i}")))
            .collect();
        assert!(auto_name(3, &many, false).starts_with("0003_auto_"));
    }
}
