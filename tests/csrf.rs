//! CSRF with Django's semantics, through the request pipeline.

use axum::Form;
use axum::response::Response;
use roan::test::Client;
use roan::urls::{Pattern, path};
use roan::{HttpRequest, render};
use std::collections::HashMap;
use std::path::PathBuf;

async fn form_page(request: HttpRequest) -> roan::Result<Response> {
    render(&request, "form.html", roan::context! {})
}

async fn submit(Form(data): Form<HashMap<String, String>>) -> String {
    format!("got {}", data.get("name").cloned().unwrap_or_default())
}

/// An upload form's view: the title and the size and text of the file.
async fn upload(data: roan::forms::FormData) -> String {
    let mut out: Vec<String> = data
        .iter()
        .filter(|(k, _)| *k != "csrfmiddlewaretoken")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if let Some(f) = data.file("doc") {
        let content = f.read().unwrap_or_default();
        out.push(format!(
            "doc={}:{}",
            f.name,
            String::from_utf8_lossy(&content)
        ));
    }
    out.join(" ")
}

async fn token(request: HttpRequest) -> String {
    request.csrf_token().unwrap_or_default()
}

fn urls() -> Vec<Pattern> {
    vec![
        path("form/", axum::routing::get(form_page).post(submit)),
        path("token/", token),
        path("upload/", axum::routing::post(upload)),
        path("hook/", submit).csrf_exempt(),
    ]
}

fn project(debug: bool, extra: &str) -> roan::Project {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("csrf-{}-{n}", std::process::id()));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("settings.toml"),
        format!("SECRET_KEY = \"k\"\nDEBUG = {debug}\n{extra}"),
    )
    .unwrap();
    std::fs::write(
        d.join("templates/form.html"),
        "<form method=\"post\">{{ csrf_input() }}<input name=\"name\"></form>",
    )
    .unwrap();
    roan::Project::new("csrf_test", d).urls(urls)
}

fn form_token(html: &str) -> String {
    let start = html.find("value=\"").expect("a token in the form") + 7;
    html[start..start + 64].to_string()
}

#[tokio::test]
async fn forms_need_the_cookie_and_a_matching_token() {
    let client = Client::new(project(true, ""))
        .await
        .enforce_csrf_checks(true);
    // No cookie yet.
    let r = client.post("/form/", &[("name", "x")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("CSRF cookie not set."), "{}", r.text());

    let page = client.get("/form/").await;
    assert!(
        page.header("set-cookie")
            .is_some_and(|c| c.starts_with("csrftoken="))
    );
    let token = form_token(&page.text());
    assert_eq!(token.len(), 64);
    let second = form_token(&client.get("/form/").await.text());
    assert_ne!(token, second, "each form gets a differently masked token");

    let r = client.post("/form/", &[("name", "x")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("CSRF token missing."), "{}", r.text());
    let wrong = "A".repeat(64);
    let r = client
        .post("/form/", &[("name", "x"), ("csrfmiddlewaretoken", &wrong)])
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("CSRF token incorrect."), "{}", r.text());

    let r = client
        .post(
            "/form/",
            &[("name", "ann"), ("csrfmiddlewaretoken", &token)],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text());
    assert_eq!(r.text(), "got ann");
    // An older form's token still works: the secret is the same.
    let r = client
        .post(
            "/form/",
            &[("name", "bo"), ("csrfmiddlewaretoken", &second)],
        )
        .await;
    assert_eq!(r.text(), "got bo");
}

#[tokio::test]
async fn upload_forms_carry_the_token_in_their_multipart_body() {
    let client = Client::new(project(true, ""))
        .await
        .enforce_csrf_checks(true);
    let token = form_token(&client.get("/form/").await.text());
    let file: &[u8] = b"hello, file";
    let r = client
        .post_multipart("/upload/", &[("title", "Notes")], &[("doc", "a.txt", file)])
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("CSRF token missing."), "{}", r.text());
    let r = client
        .post_multipart(
            "/upload/",
            &[("title", "Notes"), ("csrfmiddlewaretoken", &"B".repeat(64))],
            &[("doc", "a.txt", file)],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("CSRF token incorrect."), "{}", r.text());
    // The token anywhere among the fields; the view still reads the whole body.
    let r = client
        .post_multipart(
            "/upload/",
            &[("title", "Notes"), ("csrfmiddlewaretoken", &token)],
            &[("doc", "a.txt", file)],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text());
    assert_eq!(r.text(), "title=Notes doc=a.txt:hello, file");
}

#[tokio::test]
async fn scripts_send_the_header() {
    let client = Client::new(project(true, ""))
        .await
        .enforce_csrf_checks(true);
    let token = client.get("/token/").await.text();
    let r = client
        .post_with_headers("/form/", &[("name", "js")], &[("X-CSRFToken", &token)])
        .await;
    assert_eq!(r.text(), "got js");
    let r = client
        .post_with_headers("/form/", &[("name", "js")], &[("X-CSRFToken", "nope")])
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn origins_are_checked() {
    let client = Client::new(project(
        true,
        "SECURE_PROXY_SSL_HEADER = [\"X-Forwarded-Proto\", \"https\"]\nCSRF_TRUSTED_ORIGINS = [\"https://*.trusted.test\"]\n",
    ))
    .await
    .enforce_csrf_checks(true);
    let token = client.get("/token/").await.text();
    let post = |headers: Vec<(&'static str, String)>| {
        let token = token.clone();
        let client = &client;
        async move {
            let mut h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            h.push(("X-CSRFToken", &token));
            client
                .post_with_headers("/form/", &[("name", "o")], &h)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        post(vec![("Origin", "http://testserver".into())]).await,
        200
    );
    assert_eq!(
        post(vec![("Origin", "https://evil.test".into())]).await,
        403
    );
    // Over HTTPS without Origin, the Referer must be this site or trusted.
    let https = ("X-Forwarded-Proto", "https".to_string());
    assert_eq!(post(vec![https.clone()]).await, 403);
    assert_eq!(
        post(vec![
            https.clone(),
            ("Referer", "https://testserver/form/".into())
        ])
        .await,
        200
    );
    assert_eq!(
        post(vec![
            https.clone(),
            ("Referer", "http://testserver/form/".into())
        ])
        .await,
        403
    );
    assert_eq!(
        post(vec![
            https.clone(),
            ("Origin", "https://shop.trusted.test".into())
        ])
        .await,
        200
    );
}

#[tokio::test]
async fn exemptions_and_the_default_test_client() {
    let enforcing = Client::new(project(true, ""))
        .await
        .enforce_csrf_checks(true);
    assert_eq!(
        enforcing.post("/hook/", &[("name", "h")]).await.text(),
        "got h"
    );
    let default = Client::new(project(true, "")).await;
    assert_eq!(
        default.post("/form/", &[("name", "t")]).await.text(),
        "got t"
    );
}

#[tokio::test]
async fn the_reason_page_is_plain_without_debug() {
    let client = Client::new(project(false, ""))
        .await
        .enforce_csrf_checks(true);
    let r = client.post("/form/", &[("name", "x")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("403 Forbidden"), "{}", r.text());
    assert!(!r.text().contains("CSRF cookie"), "{}", r.text());
}
