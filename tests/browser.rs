//! The pages a person looks at (welcome, debug 404 and 500, plain error pages, a form with errors),
//! rendered by headless Chromium from a live server. Chromium is required under CI (CI set); elsewhere the
//! test is skipped, with the reason printed, when it is not installed.

use roan::urls::{Pattern, path};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(move |d| d.join(name))
                .collect::<Vec<_>>()
        })
        .find(|p| p.is_file())
}

fn browse(browser: &Path, url: &str, shot: &Path) -> String {
    let profile = shot.with_extension("profile");
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,900",
    ];
    let dom = Command::new(browser)
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    let shot_out = Command::new(browser)
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        shot_out.status.success(),
        "{}",
        String::from_utf8_lossy(&shot_out.stderr)
    );
    let png = std::fs::read(shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 5_000,
        "{} is not a real screenshot",
        shot.display()
    );
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

async fn fails() -> roan::Result<String> {
    Err(roan::Error::other(std::io::Error::other(
        "disk <full> & on fire",
    )))
}

/// A contact form bound to the query string, so a plain GET shows it with errors.
async fn contact(data: roan::forms::FormData) -> roan::Result<axum::response::Html<String>> {
    use roan::forms::{CharField, EmailField, Form, Widget};
    let form = Form::new()
        .field(
            "subject",
            CharField::new().max_length(100).help_text("One line."),
        )
        .field("message", CharField::new().widget(Widget::Textarea))
        .field("sender", EmailField::new())
        .bind(data);
    let _ = form.is_valid();
    Ok(axum::response::Html(format!(
        "<!doctype html><html><head><style>.errorlist {{ color: #b00020; }} label {{ display: block; font-weight: 600; }} div {{ margin: .6rem 0; }}</style></head><body><h1>Contact</h1><form method=\"post\">{}<button>Send</button></form></body></html>",
        form.as_div()?
    )))
}

fn urls() -> Vec<Pattern> {
    vec![
        path("items/<int:id>/", fails).name("item"),
        path("contact/", contact).name("contact"),
    ]
}

async fn serve(dir: &Path, debug: bool, with_urls: bool) -> u16 {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("settings.toml"),
        format!(
            "SECRET_KEY = \"browser-secret-value\"\nDEBUG = {debug}\nALLOWED_HOSTS = [\"127.0.0.1\"]\n[TEMPLATES]\nDIRS = []\n"
        ),
    )
    .unwrap();
    let mut project = roan::Project::new("browser_site", dir);
    if with_urls {
        project = project.urls(urls);
    }
    let site = roan::Site::new(&project, project.load_settings().unwrap()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, site.router()).await });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn error_and_welcome_pages_render_in_a_browser() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed; CI installs it (apt-get install chromium)");
        }
        eprintln!("SKIPPED: chromium is not installed (apt-get install chromium)");
        return;
    };
    let out =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let welcome = serve(&out.join("fresh"), true, false).await;
    let debug = serve(&out.join("debug"), true, true).await;
    let plain = serve(&out.join("plain"), false, true).await;

    let b = browser.clone();
    let o = out.clone();
    let pages = tokio::task::spawn_blocking(move || {
        [
            browse(
                &b,
                &format!("http://127.0.0.1:{welcome}/"),
                &o.join("welcome.png"),
            ),
            browse(
                &b,
                &format!("http://127.0.0.1:{debug}/items/x/"),
                &o.join("debug404.png"),
            ),
            browse(
                &b,
                &format!("http://127.0.0.1:{debug}/items/3/"),
                &o.join("debug500.png"),
            ),
            browse(
                &b,
                &format!("http://127.0.0.1:{plain}/items/x/"),
                &o.join("plain404.png"),
            ),
            browse(
                &b,
                &format!("http://127.0.0.1:{plain}/items/3/"),
                &o.join("plain500.png"),
            ),
            browse(
                &b,
                &format!("http://127.0.0.1:{debug}/contact/?subject=Hello&sender=nope"),
                &o.join("form_errors.png"),
            ),
        ]
    })
    .await
    .unwrap();
    let [welcome, d404, d500, p404, p500, form] = pages;
    assert!(
        form.contains("This field is required.")
            && form.contains("Enter a valid email address.")
            && form.contains("value=\"Hello\"")
            && form.contains("aria-invalid=\"true\""),
        "{form}"
    );
    assert!(
        welcome.contains("The install worked successfully"),
        "{welcome}"
    );
    assert!(
        d404.contains("Page not found") && d404.contains("items/&lt;int:id&gt;/"),
        "{d404}"
    );
    assert!(d500.contains("disk &lt;full&gt; &amp; on fire"), "{d500}");
    assert!(
        !d500.contains("browser-secret-value"),
        "secret shown: {d500}"
    );
    assert!(
        p404.contains("Not Found") && !p404.contains("items"),
        "{p404}"
    );
    assert!(
        p500.contains("Server Error (500)") && !p500.contains("disk"),
        "{p500}"
    );
    eprintln!("screenshots in {}", out.display());
}
