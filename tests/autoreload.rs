//! `roan runserver` through the `roan` binary: Rust edits rebuild and restart, a broken build
//! keeps the last good server and shows the error, template edits need no rebuild.

mod common;

use common::*;
use std::time::{Duration, Instant};

#[test]
fn runserver_rebuilds_on_code_edits_and_survives_broken_builds() {
    let dir = workdir("autoreload");
    let p = new_project(&dir, "reload_site");
    let out = run(&p, &["startapp", "blog"]);
    assert!(out.status.success(), "{}", text(&out));
    let views = p.join("src/blog/views.rs");
    let mut v = std::fs::read_to_string(&views).unwrap();
    v.push_str(
        "\n/// Plain text.\npub async fn hello() -> &'static str {\n    \"version one\"\n}\n",
    );
    std::fs::write(&views, v).unwrap();
    edit(
        &p.join("src/blog/urls.rs"),
        r#"path("", views::index).name("index")"#,
        r#"path("", views::index).name("index"), path("hello/", views::hello).name("hello")"#,
    );

    let server = Server::start(&p, &[], &[]);
    let hello = || server.get("/blog/hello/").body;
    assert_eq!(hello(), "version one", "{}", server.log_text());

    // A view edit is served after the rebuild.
    let saved = Instant::now();
    edit(&views, "version one", "version two");
    assert!(
        eventually(Duration::from_secs(300), || hello() == "version two"),
        "the edit was not served:\n{}",
        server.log_text()
    );
    eprintln!("view edit to new response: {:.1?}", saved.elapsed());

    // A broken build: the old server answers, the error is printed and shown to a browser.
    let good = std::fs::read_to_string(&views).unwrap();
    std::fs::write(&views, format!("{good}\npub fn broken( {{\n")).unwrap();
    let browser = [("Accept", "text/html,application/xhtml+xml")];
    assert!(
        eventually(Duration::from_secs(300), || {
            let r = server.get_with("/blog/hello/", &browser);
            r.status == 500 && r.body.contains("Build failed")
        }),
        "the build error page was not shown:\n{}",
        server.log_text()
    );
    let page = server.get_with("/blog/hello/", &browser).body;
    assert!(page.contains("views.rs"), "the page names the file: {page}");
    assert_eq!(hello(), "version two", "the last good server still answers");
    assert!(server.log_text().contains("error"), "the error is printed");

    // Fixed: it recovers.
    std::fs::write(&views, good.replace("version two", "version three")).unwrap();
    assert!(
        eventually(Duration::from_secs(300), || hello() == "version three"),
        "did not recover:\n{}",
        server.log_text()
    );
    let r = server.get_with("/blog/hello/", &browser);
    assert_eq!(r.body, "version three");

    // A template edit is visible on the next request, with no rebuild.
    let rebuilds = server.log_text().matches("rebuilding").count();
    edit(
        &p.join("templates/blog/index.html"),
        "<h1>",
        "<h1>edited-template ",
    );
    let r = server.get("/blog/");
    assert!(r.body.contains("edited-template"), "{}", r.body);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        server.log_text().matches("rebuilding").count(),
        rebuilds,
        "a template edit rebuilt"
    );
}
