//! Static files from DEBUG to production: finders over two apps and STATICFILES_DIRS,
//! `collectstatic` (hashed names, CSS rewriting, the manifest, precompression, --clear,
//! --dry-run, --ignore, the question), `findstatic`, and the project's own server serving
//! STATIC_ROOT with DEBUG off.

mod common;

use common::*;
use std::path::Path;

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn manifest(root: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&root.join("staticfiles.json"))).unwrap()
}

#[test]
fn collectstatic_then_serve_with_debug_off() {
    let dir = workdir("statics");
    let p = new_project(&dir, "statics_site");
    for app in ["polls", "shop"] {
        let out = run(&p, &["startapp", app]);
        assert!(out.status.success(), "{}", text(&out));
    }
    // Two apps' static directories, found beside their sources; the project's STATICFILES_DIRS
    // first, so its copy of a path wins; a prefixed directory.
    write(
        &p.join("src/polls/static/polls/style.css"),
        b"li a { color: green; }\nbody { background: url(\"images/background.png\") }\n",
    );
    write(
        &p.join("src/polls/static/polls/images/background.png"),
        b"\x89PNG fake image",
    );
    write(
        &p.join("src/polls/static/polls/same.txt"),
        b"from the polls app",
    );
    write(
        &p.join("src/shop/static/shop/big.css"),
        ".rule { margin: 0 auto; padding: 1px }\n"
            .repeat(1300)
            .as_bytes(),
    );
    write(&p.join("static/polls/same.txt"), b"from STATICFILES_DIRS");
    write(&p.join("static/.hidden"), b"secret");
    write(&p.join("static/notes.txt~"), b"editor backup");
    write(&p.join("extra/readme.txt"), b"downloads");
    edit(
        &p.join("settings.toml"),
        "STATICFILES_DIRS = [\"static\"]",
        "STATICFILES_DIRS = [\"static\", [\"downloads\", \"extra\"]]",
    );
    edit(
        &p.join("templates/shop/index.html"),
        "{% block content %}",
        "{% block content %}<link rel=\"stylesheet\" href=\"{{ static('shop/nothing.css') }}\">",
    );
    edit(
        &p.join("templates/polls/index.html"),
        "{% block content %}",
        "{% block content %}<link rel=\"stylesheet\" href=\"{{ static('polls/style.css') }}\">",
    );

    let out = run(&p, &["findstatic", "polls/same.txt"]);
    let found = text(&out);
    assert!(out.status.success(), "{found}");
    let project_copy = found.find("static/polls/same.txt").expect(&found);
    let app_copy = found.find("src/polls/static/polls/same.txt").expect(&found);
    assert!(project_copy < app_copy, "STATICFILES_DIRS first: {found}");
    let out = run(&p, &["findstatic", "polls/same.txt", "--first"]);
    assert!(!text(&out).contains("src/polls/static"), "{}", text(&out));
    let out = run(&p, &["findstatic", "polls/nothing.css"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("No matching file found for 'polls/nothing.css'."),
        "{}",
        text(&out)
    );

    // First collection: every file copied and post-processed.
    let root = p.join("staticfiles");
    let out = run(&p, &["collectstatic", "--noinput", "-v", "2"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Found another file with the destination path 'polls/same.txt'"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "6 static files copied to '{}', 6 post-processed.",
            root.display()
        )),
        "{said}"
    );
    assert_eq!(read(&root.join("polls/same.txt")), "from STATICFILES_DIRS");
    assert_eq!(read(&root.join("downloads/readme.txt")), "downloads");
    assert!(!root.join(".hidden").exists() && !root.join("notes.txt~").exists());
    let m = manifest(&root);
    assert_eq!(m["version"], "1.1");
    let png = m["paths"]["polls/images/background.png"].as_str().unwrap();
    let css = m["paths"]["polls/style.css"].as_str().unwrap();
    assert!(
        png.starts_with("polls/images/background.") && png.ends_with(".png"),
        "{png}"
    );
    let png_file = png.rsplit('/').next().unwrap();
    assert!(
        read(&root.join(css)).contains(&format!("url(\"images/{png_file}\")")),
        "the hashed CSS points at the hashed image: {}",
        read(&root.join(css))
    );
    assert!(read(&root.join("polls/style.css")).contains("url(\"images/background.png\")"));
    let big = m["paths"]["shop/big.css"].as_str().unwrap();
    for name in [big, "shop/big.css"] {
        for ext in ["gz", "br"] {
            assert!(root.join(format!("{name}.{ext}")).is_file(), "{name}.{ext}");
        }
    }
    assert!(
        !root.join(format!("{png}.gz")).exists(),
        "images are not compressed"
    );

    // Again: nothing to copy.
    let out = run(&p, &["collectstatic", "--noinput"]);
    assert!(
        text(&out).contains(&format!(
            "0 static files copied to '{}', 6 unmodified, 6 post-processed.",
            root.display()
        )),
        "{}",
        text(&out)
    );
    // The question, answered no: nothing happens.
    let out = roan(&p)
        .args(["collectstatic", "--clear"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"no\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("This will DELETE ALL FILES in this location!"),
        "{said}"
    );
    assert!(
        said.contains("Type 'yes' to continue, or 'no' to cancel"),
        "{said}"
    );
    assert!(
        said.contains("Collecting static files cancelled."),
        "{said}"
    );
    assert!(root.join("polls/same.txt").is_file());
    // --dry-run writes and deletes nothing.
    let before = snapshot(&root);
    let out = run(&p, &["collectstatic", "--noinput", "--clear", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Pretending to delete"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&root), before, "a dry run changes nothing");
    // --clear with --ignore: the ignored files are gone, the rest is back.
    let out = run(
        &p,
        &["collectstatic", "--noinput", "--clear", "-i", "*.txt"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!root.join("polls/same.txt").exists() && !root.join("downloads/readme.txt").exists());
    assert!(root.join(css).is_file() && root.join("staticfiles.json").is_file());

    // DEBUG off: the page links the hashed name, and the project's server serves it.
    std::fs::write(root.join(".hidden"), "dotfile").unwrap();
    let env = [("DEBUG", "false"), ("ALLOWED_HOSTS", "127.0.0.1")];
    let server = Server::start(&p, &["--noreload"], &env);
    let page = server.get("/polls/");
    assert_eq!(page.status, 200, "{}\n{}", page.body, server.log_text());
    assert!(
        page.body.contains(&format!("href=\"/static/{css}\"")),
        "{}",
        page.body
    );

    // A path the manifest does not have is an error naming it, not a silent 404 later.
    let missing = server.get("/shop/");
    assert_eq!(missing.status, 500);
    assert!(
        server
            .log_text()
            .contains("Missing staticfiles manifest entry for 'shop/nothing.css'"),
        "{}",
        server.log_text()
    );

    let hashed_url = format!("/static/{big}");
    let r = server.get_with(&hashed_url, &[("Accept-Encoding", "br, gzip")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("br"));
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=315360000, immutable")
    );
    assert!(
        r.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    );
    assert!(r.header("last-modified").is_some());
    let etag = r.header("etag").expect("an ETag").to_string();
    let gz = server.get_with(&hashed_url, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let plain = server.get(&hashed_url);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(
        plain.body.len(),
        ".rule { margin: 0 auto; padding: 1px }\n".len() * 1300
    );
    let again = server.get_with(&hashed_url, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    let modified = r.header("last-modified").unwrap().to_string();
    let since = server.get_with(&hashed_url, &[("If-Modified-Since", &modified)]);
    assert_eq!(since.status, 304);
    let head = http(server.port, "HEAD", &hashed_url, &[], "");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(
        head.header("content-length"),
        plain.header("content-length")
    );
    let range = server.get_with(&hashed_url, &[("Range", "bytes=0-4")]);
    assert_eq!((range.status, range.body.as_str()), (206, ".rule"));
    let unhashed = server.get("/static/shop/big.css");
    assert_eq!(unhashed.header("cache-control"), Some("public, max-age=60"));
    for bad in [
        "/static/../settings.toml",
        "/static/%2e%2e/settings.toml",
        "/static/.hidden",
        "/static/polls/",
        "/static/polls/missing.css",
    ] {
        let r = server.get(bad);
        assert_eq!(r.status, 404, "{bad}: {}", r.body);
    }
    // Not collected (ignored above), so only the finders have it.
    assert_eq!(server.get("/static/polls/same.txt").status, 404);
    drop(server);

    // runserver --insecure serves from the finders without DEBUG; --nostatic serves nothing.
    let insecure = Server::start(&p, &["--noreload", "--insecure"], &env);
    let r = insecure.get("/static/polls/same.txt");
    assert_eq!((r.status, r.body.as_str()), (200, "from STATICFILES_DIRS"));
    drop(insecure);
    let nostatic = Server::start(&p, &["--noreload", "--nostatic"], &[]);
    assert_eq!(nostatic.get("/static/css/site.css").status, 404);
    assert_eq!(nostatic.get("/polls/").status, 200);
}
