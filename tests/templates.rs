//! Templates: search order, reloading in DEBUG, globals and escaping.

use roan::conf::Settings;
use roan::template::Templates;
use roan::urls::{Resolver, Urls, include, path};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tpl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::create_dir_all(d.join("app_templates")).unwrap();
    d
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

async fn detail() -> &'static str {
    "x"
}

fn engine(base: &Path, debug: bool) -> Templates {
    let text = format!("SECRET_KEY = \"k\"\nDEBUG = {debug}\n");
    let settings =
        Settings::from_toml_str(&text, &base.join("settings.toml"), &HashMap::new()).unwrap();
    let resolver = Resolver::new(vec![path(
        "blog/",
        include(Urls::app(
            "blog",
            vec![
                path("", detail).name("index"),
                path("<int:id>/", detail).name("detail"),
            ],
        )),
    )])
    .unwrap();
    Templates::new(
        &settings,
        vec![base.join("app_templates")],
        Arc::new(resolver),
    )
}

#[test]
fn project_then_app_then_builtin() {
    let d = dir("order");
    let t = engine(&d, true);
    // Built in.
    assert!(
        t.render("404.html", minijinja::context! {})
            .unwrap()
            .contains("Not Found")
    );
    // An app overrides the built-in, the project overrides the app.
    write(&d.join("app_templates/404.html"), "from the app");
    assert_eq!(
        t.render("404.html", minijinja::context! {}).unwrap(),
        "from the app"
    );
    write(&d.join("templates/404.html"), "from the project");
    assert_eq!(
        t.render("404.html", minijinja::context! {}).unwrap(),
        "from the project"
    );
    // Edited in place: re-read in DEBUG.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        &d.join("templates/404.html"),
        "edited in the project, longer",
    );
    assert_eq!(
        t.render("404.html", minijinja::context! {}).unwrap(),
        "edited in the project, longer"
    );
    // Names cannot leave the template directories.
    assert!(
        t.render("../settings.toml", minijinja::context! {})
            .is_err()
    );
}

#[test]
fn production_caches_templates() {
    let d = dir("cache");
    write(&d.join("templates/page.html"), "first");
    let t = engine(&d, false);
    assert_eq!(
        t.render("page.html", minijinja::context! {}).unwrap(),
        "first"
    );
    write(&d.join("templates/page.html"), "second, edited");
    assert_eq!(
        t.render("page.html", minijinja::context! {}).unwrap(),
        "first"
    );
}

#[test]
fn inheritance_globals_and_escaping() {
    let d = dir("globals");
    write(
        &d.join("templates/base.html"),
        "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}",
    );
    write(
        &d.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}T{% endblock %}{% block body %}\
         <a href=\"{{ url('blog:detail', id=3) }}\">{{ name }}</a> <img src=\"{{ static('img/a b.png') }}\">\
         {{ text|linebreaksbr }}{% endblock %}",
    );
    let t = engine(&d, true);
    let html = t
        .render(
            "page.html",
            minijinja::context! { name => "<script>alert('x')</script>", text => "a\nb" },
        )
        .unwrap();
    assert!(html.starts_with("<title>T</title>"), "{html}");
    assert!(html.contains("href=\"/blog/3/\""), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("src=\"/static/img/a b.png\""), "{html}");
    assert!(html.contains("a<br>b"), "{html}");

    write(&d.join("templates/bad.html"), "{{ url('blog:nope') }}");
    let err = format!(
        "{:#}",
        t.render("bad.html", minijinja::context! {}).unwrap_err()
    );
    assert!(
        err.contains("NoReverseMatch") && err.contains("bad.html"),
        "{err}"
    );
    write(
        &d.join("templates/bad2.html"),
        "{{ url('blog:detail', id='x') }}",
    );
    let err = format!(
        "{:#}",
        t.render("bad2.html", minijinja::context! {}).unwrap_err()
    );
    assert!(err.contains("blog/<int:id>/"), "{err}");

    // A name alone, a positional argument, and the mistakes.
    write(
        &d.join("templates/forms.html"),
        "{{ url('blog:index') }} {{ url('blog:detail', 5) }} {{ url('blog:detail', id=6) }}",
    );
    assert_eq!(
        t.render("forms.html", minijinja::context! {}).unwrap(),
        "/blog/ /blog/5/ /blog/6/"
    );
    for (file, call, expected) in [
        ("noname.html", "{{ url() }}", "needs a route name"),
        ("notstr.html", "{{ url(3) }}", "route name as a string"),
        ("extra.html", "{{ url('blog:index', 1) }}", "not found"),
        (
            "unknown.html",
            "{{ url('blog:detail', idd=1) }}",
            "not found",
        ),
    ] {
        write(&d.join("templates").join(file), call);
        let err = format!("{:#}", t.render(file, minijinja::context! {}).unwrap_err());
        assert!(err.contains(expected), "{call}: {err}");
    }
}
