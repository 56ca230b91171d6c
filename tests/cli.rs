//! The `roan` binary without building a project: startproject, startapp and their refusals.

mod common;

use common::*;

#[test]
fn startproject_writes_a_complete_project() {
    let dir = workdir("startproject");
    let out = run(&dir, &["startproject", "mysite"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("roan runserver"), "prints next steps");
    let p = dir.join("mysite");
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "settings.toml",
        "src/main.rs",
        "src/urls.rs",
        "templates/base.html",
        "static/css/site.css",
        ".gitignore",
        ".cargo/config.toml",
        "README.md",
    ] {
        assert!(p.join(f).is_file(), "{f} missing");
    }
    let cargo = std::fs::read_to_string(p.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"mysite\""));
    assert!(cargo.contains("[package.metadata.roan]"));
    assert!(cargo.contains(&format!("path = \"{}\"", env!("CARGO_MANIFEST_DIR"))));
    assert!(
        cargo.contains("features = [\"sqlite\"]"),
        "a new project compiles SQLite's driver alone: {cargo}"
    );
    let config = std::fs::read_to_string(p.join(".cargo/config.toml")).unwrap();
    assert!(
        config.contains("build-dir = \"{cargo-cache-home}/roan/build\""),
        "plain cargo shares roan's build directory: {config}"
    );
    let lock = std::fs::read_to_string(p.join("Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"mysite\"") && lock.contains("name = \"sea-orm\""));

    let settings = std::fs::read_to_string(p.join("settings.toml")).unwrap();
    let table: toml::Table = settings.parse().unwrap();
    let key = table["SECRET_KEY"].as_str().unwrap();
    assert!(key.chars().count() >= 50, "secret key too short");
    assert_eq!(table["DEBUG"].as_bool(), Some(true));
    assert_eq!(table["ALLOWED_HOSTS"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        table["DATABASES"]["default"]["ENGINE"].as_str(),
        Some("sqlite")
    );
    assert!(table.contains_key("TIME_ZONE") && table.contains_key("STATIC_URL"));
    assert!(table.contains_key("STATIC_ROOT") && table.contains_key("TEMPLATES"));

    // A second project gets another key.
    let out = run(&dir, &["startproject", "othersite"]);
    assert!(out.status.success());
    let other = std::fs::read_to_string(dir.join("othersite/settings.toml")).unwrap();
    assert!(!other.contains(key));

    // An explicit empty directory is used.
    std::fs::create_dir(dir.join("empty")).unwrap();
    let out = run(&dir, &["startproject", "third", "empty"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.join("empty/src/main.rs").is_file());
}

#[test]
fn bad_names_and_non_empty_targets_are_refused() {
    let dir = workdir("refusals");
    for (name, reason, suggestion) in [
        ("fn", "keyword", "fn_site"),
        ("match", "keyword", "match_site"),
        ("roan", "crate", "roan_site"),
        ("tokio", "crate", "tokio_site"),
        ("1abc", "not a valid project name", "my_1abc"),
        ("my-site", "not a valid project name", "my_site"),
    ] {
        let out = run(&dir, &["startproject", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        let msg = text(&out);
        assert!(msg.contains(reason), "{name}: {msg}");
        assert!(msg.contains(&format!("'{suggestion}'")), "{name}: {msg}");
        assert!(!dir.join(name).exists(), "{name} was created");
    }

    let existing = dir.join("taken");
    std::fs::create_dir_all(existing.join("sub")).unwrap();
    std::fs::write(existing.join("notes.txt"), b"keep me\n").unwrap();
    std::fs::write(existing.join("sub/Cargo.toml"), b"[package]\nname='x'\n").unwrap();
    let before = snapshot(&existing);
    for args in [
        &["startproject", "taken"][..],
        &["startproject", "fresh", "taken"][..],
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("not empty"), "{}", text(&out));
        assert_eq!(snapshot(&existing), before, "the directory was changed");
    }
    assert!(!dir.join("fresh").exists());
}

#[test]
fn project_commands_outside_a_project_explain_how_to_start() {
    let dir = workdir("outside");
    for cmd in ["migrate", "runserver", "startapp"] {
        let out = run(&dir, &[cmd, "blog"]);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", text(&out));
        let msg = text(&out);
        assert!(
            msg.contains("inside") && msg.contains("roan startproject"),
            "{cmd}: {msg}"
        );
    }
    let out = run(&dir, &["--help"]);
    assert!(out.status.success());
    assert!(text(&out).contains("startproject"));
}

#[test]
fn startapp_writes_the_app_and_installs_it_once() {
    let dir = workdir("startapp");
    let p = new_project(&dir, "site_a");
    let out = run(&p.join("src"), &["startapp", "blog"]);
    assert!(out.status.success(), "{}", text(&out));
    for f in [
        "src/blog/mod.rs",
        "src/blog/models.rs",
        "src/blog/views.rs",
        "src/blog/urls.rs",
        "src/blog/admin.rs",
        "src/blog/tests.rs",
        "src/blog/migrations/mod.rs",
        "templates/blog/index.html",
    ] {
        assert!(p.join(f).is_file(), "{f} missing");
    }
    let main = std::fs::read_to_string(p.join("src/main.rs")).unwrap();
    assert_eq!(main.matches("mod blog;").count(), 1);
    assert_eq!(main.matches(".app(blog::app())").count(), 1);
    let urls = std::fs::read_to_string(p.join("src/urls.rs")).unwrap();
    assert_eq!(
        urls.matches("include(crate::blog::urls::urls())").count(),
        1
    );

    // The same name again is refused and nothing changes.
    let before = snapshot(&p);
    let out = run(&p, &["startapp", "blog"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("already"), "{}", text(&out));
    assert_eq!(snapshot(&p), before);

    // Names that are modules of the project, keywords or invalid are refused.
    for bad in ["urls", "fn", "my-app", "1x"] {
        let out = run(&p, &["startapp", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
        assert!(text(&out).contains("Try '"), "{bad}: {}", text(&out));
    }
    assert_eq!(snapshot(&p), before);
}

#[test]
fn startapp_without_markers_prints_the_lines_to_add() {
    let dir = workdir("nomarker");
    let p = new_project(&dir, "site_b");
    let main_path = p.join("src/main.rs");
    let main = std::fs::read_to_string(&main_path).unwrap();
    let stripped: String = main
        .lines()
        .filter(|l| !l.contains("// roan:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&main_path, &stripped).unwrap();
    let out = run(&p, &["startapp", "shop"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let msg = text(&out);
    assert!(
        msg.contains("mod shop;") && msg.contains(".app(shop::app())"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read_to_string(&main_path).unwrap(),
        stripped,
        "main.rs was edited"
    );
    assert!(p.join("src/shop/views.rs").is_file());
}

#[test]
fn roan_path_chooses_the_checkout_to_depend_on() {
    let dir = workdir("roanpath");
    let here = env!("CARGO_MANIFEST_DIR");
    let out = run(&dir, &["startproject", "pathsite", "--roan-path", here]);
    assert!(out.status.success(), "{}", text(&out));
    let cargo = std::fs::read_to_string(dir.join("pathsite/Cargo.toml")).unwrap();
    assert!(
        cargo.contains(&format!(
            "roan = {{ path = \"{here}\", default-features = false, features = [\"sqlite\"] }}"
        )),
        "{cargo}"
    );

    std::fs::create_dir_all(dir.join("not_roan")).unwrap();
    let out = run(
        &dir,
        &["startproject", "other", "--roan-path", "no/such/dir"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no/such/dir"), "{}", text(&out));
    let out = run(&dir, &["startproject", "other2", "--roan-path", "not_roan"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no roan package"), "{}", text(&out));
    assert!(!dir.join("other").exists() && !dir.join("other2").exists());
}

/// Core offers hooks and contrib apps plug in: no file outside `src/contrib/` names a contrib
/// app's module (lib.rs re-exports the apps; the CLI's skeletons list them for a new project).
#[test]
fn core_never_names_a_contrib_app() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path == src.join("contrib") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && path != src.join("lib.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.contains("contrib::") {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "core names contrib apps; offer a hook on App instead:\n{}",
        offenders.join("\n")
    );
}
