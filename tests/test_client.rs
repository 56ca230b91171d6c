//! The test client and the request pipeline, in-process: routing, converters, forms, redirects,
//! cookies and error pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use roan::test::Client;
use roan::urls::{Pattern, Urls, include, path};
use roan::{Form, HttpRequest, Path, Query};
use std::path::PathBuf;

fn project_dir(debug: bool) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("client-{debug}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("settings.toml"),
        format!("SECRET_KEY = \"client-test-secret\"\nDEBUG = {debug}\n"),
    )
    .unwrap();
    std::fs::write(
        d.join("templates/hello.html"),
        "Hello {{ who }} from {{ request.path }} ({{ request.GET.q }})",
    )
    .unwrap();
    std::fs::write(
        d.join("templates/fields.html"),
        "{{ request.method }}|{{ request.path }}|{{ request.full_path }}|{{ request.GET.q }}|\
         {{ request.url_name }}|{{ messages }}|{{ who }}",
    )
    .unwrap();
    d
}

#[derive(serde::Deserialize)]
struct Note {
    title: String,
    /// Every value of a repeated key.
    #[serde(default)]
    tag: Vec<String>,
}

async fn hello(request: HttpRequest) -> roan::Result<Response> {
    roan::render(&request, "hello.html", roan::context! { who => "roan" })
}

/// The view's own `messages` wins over the built-in one, as in a Django context.
async fn fields(request: HttpRequest) -> roan::Result<Response> {
    roan::render(
        &request,
        "fields.html",
        roan::context! { messages => "mine", who => "me" },
    )
}

/// Reads the body with no limit of its own: only the site's body limit stops it.
async fn raw_length(request: axum::extract::Request) -> String {
    match axum::body::to_bytes(request.into_body(), usize::MAX).await {
        Ok(bytes) => format!("{} bytes", bytes.len()),
        Err(e) => format!("refused: {e}"),
    }
}

async fn by_slug(Path((year, slug)): Path<(i64, String)>) -> String {
    format!("{year}/{slug}")
}

async fn create(Form(note): Form<Note>) -> Response {
    (
        [(
            header::SET_COOKIE,
            format!(
                "last={}{}; Path=/; HttpOnly",
                note.title,
                note.tag.join("+")
            ),
        )],
        roan::redirect_to("/notes/done/"),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct Page {
    page: u32,
    #[serde(default)]
    sort: Vec<String>,
}

async fn page(Query(p): Query<Page>) -> String {
    format!("page {} by {}", p.page, p.sort.join(","))
}

async fn done(request: HttpRequest) -> String {
    let cookie = request
        .headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    format!("done with cookie [{cookie}]")
}

async fn to_named(request: HttpRequest) -> roan::Result<Response> {
    roan::redirect(&request, "notes:done")
}

async fn json() -> roan::JsonResponse<serde_json::Value> {
    roan::JsonResponse(serde_json::json!({"ok": true}))
}

async fn db_ping(roan::Db(db): roan::Db) -> roan::Result<String> {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT 1 + 1 AS two",
        ))
        .await?
        .ok_or_else(|| roan::Error::not_found("no row"))?;
    let two: i32 = row.try_get("", "two")?;
    Ok(format!("db says {two}"))
}

/// Django's `redirect("archive", 2024, "a-b")` and its keyword form.
async fn go_positional(request: HttpRequest) -> roan::Result<Response> {
    let year = 2024;
    roan::redirect(&request, ("archive", [year.to_string(), "a-b".into()]))
}

async fn go_keywords(request: HttpRequest) -> roan::Result<Response> {
    roan::redirect(
        &request,
        ("archive", &[("year", "1999"), ("slug", "x")][..]),
    )
}

mod note {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "client_note")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub published: bool,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `get_object_or_404(Note.objects.filter(published=True), pk=id)`.
async fn published_note(roan::Db(db): roan::Db, Path(id): Path<i32>) -> roan::Result<String> {
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
    let backend = db.get_database_backend();
    db.execute(
        &sea_orm::Schema::new(backend)
            .create_table_from_entity(note::Entity)
            .if_not_exists()
            .to_owned(),
    )
    .await?;
    db.execute_unprepared(
        "INSERT OR IGNORE INTO client_note (id, published) VALUES (1, 1), (2, 0)",
    )
    .await?;
    let published = note::Entity::find().filter(note::Column::Published.eq(true));
    let n = roan::get_object_or_404_in(&db, published, id).await?;
    Ok(format!("note {}", n.id))
}

fn urls() -> Vec<Pattern> {
    vec![
        path("go/positional/", go_positional),
        path("go/keywords/", go_keywords),
        path("published/<int:id>/", published_note),
        path("hello/", hello).name("hello"),
        path("fields/", fields).name("fields"),
        path("raw/", raw_length).csrf_exempt(),
        path("archive/<int:year>/<slug:slug>/", by_slug).name("archive"),
        path("json/", get(json)),
        path("db/", db_ping),
        path("page/", page),
        path(
            "notes/",
            include(Urls::app(
                "notes",
                vec![
                    path("", axum::routing::post(create)).name("create"),
                    path("done/", done).name("done"),
                    path("go/", to_named),
                ],
            )),
        ),
    ]
}

fn project(debug: bool) -> roan::Project {
    roan::Project::new("client_test", project_dir(debug)).urls(urls)
}

#[tokio::test]
async fn routes_converters_and_templates() {
    let client = Client::new(project(true)).await;
    let r = client.get("/hello/?q=search").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "Hello roan from /hello/ (search)");
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(
        client.get("/fields/?q=a%20b").await.text(),
        "GET|/fields/|/fields/?q=a%20b|a b|fields|mine|me"
    );

    assert_eq!(
        client.reverse("archive", &[("year", "2024"), ("slug", "a-b")]),
        "/archive/2024/a-b/"
    );
    assert_eq!(client.get("/archive/2024/a-b/").await.text(), "2024/a-b");
    assert_eq!(client.get("/archive/20x4/a-b/").await.status(), 404);
    assert_eq!(client.get("/archive/2024/a%20b/").await.status(), 404);

    let r = client.get("/hello/?q=x").await;
    r.assert_contains("Hello roan")
        .assert_not_contains("Goodbye");
    assert_eq!(r.template_name(), Some("hello.html"));
    let who = r.context().and_then(|c| c.get_attr("who").ok());
    assert_eq!(
        who.as_ref().and_then(|v| v.as_str()),
        Some("roan"),
        "response.context()"
    );
    assert!(
        client.get("/json/").await.context().is_none(),
        "no template, no context"
    );
    let r = client.get("/go/positional/").await;
    r.assert_redirects("/archive/2024/a-b/");
    let r = client.get("/go/keywords/").await;
    assert_eq!(r.header("location"), Some("/archive/1999/x/"));
    assert_eq!(client.get("/published/1/").await.text(), "note 1");
    assert_eq!(
        client.get("/published/2/").await.status(),
        404,
        "filtered out"
    );
    assert_eq!(client.get("/published/3/").await.status(), 404);

    let r = client.get("/json/").await;
    assert_eq!(r.json::<serde_json::Value>().unwrap()["ok"], true);
    // A method the view does not accept: the method router answers itself, with what it allows.
    let r = client.post("/json/", &[]).await;
    assert_eq!(r.status(), 405);
    assert_eq!(r.header("allow"), Some("GET,HEAD"));
}

#[tokio::test]
async fn forms_redirects_and_cookies() {
    let client = Client::new(project(true)).await.follow_redirects(true);
    let r = client.post("/notes/", &[("title", "first")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "done with cookie [last=first]");
    assert_eq!(r.redirect_chain().len(), 1);
    assert_eq!(r.redirect_chain()[0].0, "/notes/done/");
    // roan::Form keeps every value of a repeated key; a body that does not fit the type, or is
    // not a form, is a 400 through the error pages (axum's Form answers 422 and 415 in plain
    // text).
    let r = client
        .post(
            "/notes/",
            &[("title", "tagged"), ("tag", "a"), ("tag", "b")],
        )
        .await;
    assert_eq!(r.text(), "done with cookie [last=taggeda+b]");
    let r = client.post("/notes/", &[("tag", "a")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    r.assert_contains_with_status("Bad Request (400)", 400);
    let r = client
        .post_with_headers("/notes/", &[], &[("Content-Type", "application/json")])
        .await;
    r.assert_contains_with_status("Bad Request (400)", 400);
    assert_eq!(
        client.get("/page/?page=2&sort=a&sort=b").await.text(),
        "page 2 by a,b"
    );
    let r = client.get("/page/?page=two").await;
    r.assert_contains_with_status("Bad Request (400)", 400);

    let client = Client::new(project(true)).await;
    let r = client.get("/notes/go/").await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.header("location"), Some("/notes/done/"));
    // APPEND_SLASH
    let r = client.get("/hello?x=1").await;
    assert_eq!(r.status(), 301);
    assert_eq!(r.header("location"), Some("/hello/?x=1"));
}

#[tokio::test]
async fn each_client_has_a_working_database() {
    let client = Client::new(project(true)).await;
    assert_eq!(client.get("/db/").await.text(), "db says 2");
}

#[tokio::test]
async fn error_pages_with_and_without_debug() {
    let debug = Client::new(project(true)).await;
    let r = debug.get("/missing/").await;
    assert_eq!(r.status(), 404);
    assert!(
        r.text()
            .contains("archive/&lt;int:year&gt;/&lt;slug:slug&gt;/"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("notes:done"));

    let plain = Client::new(project(false)).await;
    let r = plain.get("/missing/").await;
    assert_eq!(r.status(), 404);
    assert!(r.text().contains("Not Found"));
    assert!(!r.text().contains("archive"));
}

#[tokio::test]
async fn the_welcome_page_shows_only_without_urls() {
    let empty = roan::Project::new("fresh", project_dir(true));
    let client = Client::new(empty).await;
    let r = client.get("/").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().contains("The install worked successfully"));
    let with_urls = Client::new(project(true)).await;
    assert_eq!(with_urls.get("/").await.status(), 404);
}

async fn framed() -> Response {
    roan::middleware::clickjacking::exempt("in a frame")
}

fn security_urls() -> Vec<Pattern> {
    vec![path("page/", hello), path("framed/", framed)]
}

fn security_project(extra: &str) -> roan::Project {
    let d = project_dir(false);
    let settings = std::fs::read_to_string(d.join("settings.toml")).unwrap();
    std::fs::write(d.join("settings.toml"), format!("{settings}{extra}")).unwrap();
    roan::Project::new("security_test", d).urls(security_urls)
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let client = Client::new(security_project("")).await;
    let r = client.get("/page/").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        r.header("strict-transport-security"),
        None,
        "no HSTS over plain HTTP"
    );
    // Error pages get them too.
    let r = client.get("/missing/").await;
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    // A view can be exempt from X-Frame-Options.
    let r = client.get("/framed/").await;
    assert_eq!(r.header("x-frame-options"), None);
}

#[tokio::test]
async fn hosts_outside_allowed_hosts_get_400() {
    let project = security_project("ALLOWED_HOSTS = [\"example.com\", \".shop.test\"]\n");
    let site = roan::Site::new(&project, project.load_settings().unwrap()).unwrap();
    let call = |host: &'static str| {
        let router = site.router();
        async move {
            use tower::ServiceExt;
            let req = axum::http::Request::builder()
                .uri("/page/")
                .header("host", host)
                .body(axum::body::Body::empty())
                .unwrap();
            router.oneshot(req).await.unwrap().status().as_u16()
        }
    };
    assert_eq!(call("example.com").await, 200);
    assert_eq!(call("example.com:8000").await, 200);
    assert_eq!(call("www.shop.test").await, 200);
    assert_eq!(call("evil.com").await, 400);
    assert_eq!(call("example.com.evil.com").await, 400);
    assert_eq!(call("").await, 400);
}

#[tokio::test]
async fn https_redirect_and_hsts_behind_a_proxy() {
    let project = security_project(
        "ALLOWED_HOSTS = [\"example.com\"]\nSECURE_SSL_REDIRECT = true\nSECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = true\nSECURE_PROXY_SSL_HEADER = [\"X-Forwarded-Proto\", \"https\"]\n",
    );
    let site = roan::Site::new(&project, project.load_settings().unwrap()).unwrap();
    use tower::ServiceExt;
    let plain = axum::http::Request::builder()
        .uri("/page/?a=1")
        .header("host", "example.com")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = site.router().oneshot(plain).await.unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(r.headers()["location"], "https://example.com/page/?a=1");
    let secure = axum::http::Request::builder()
        .uri("/page/")
        .header("host", "example.com")
        .header("x-forwarded-proto", "https")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = site.router().oneshot(secure).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=3600; includeSubDomains"
    );
}

#[tokio::test]
async fn large_bodies_are_refused_before_the_view() {
    let client = Client::new(project(true)).await;
    let big = "x".repeat(3 * 1024 * 1024);
    // No Content-Length: the body is cut off while the view reads it.
    let r = client.post("/notes/", &[("title", big.as_str())]).await;
    assert_eq!(r.status(), 413);
    // A declared length over the limit is refused before the view, naming the setting.
    let length = (big.len() + "title=".len()).to_string();
    let r = client
        .post_with_headers(
            "/notes/",
            &[("title", big.as_str())],
            &[("Content-Length", length.as_str())],
        )
        .await;
    assert_eq!(r.status(), 413);
    assert!(
        r.text()
            .contains("DATA_UPLOAD_MAX_MEMORY_SIZE (2621440 bytes)"),
        "{}",
        r.text()
    );
    // Under the limit is fine.
    let r = client.post("/notes/", &[("title", "short")]).await;
    assert!(r.status().as_u16() < 400, "{}", r.status());
    // A view reading the raw body stops at the limit too.
    let r = client.post("/raw/", &[("title", big.as_str())]).await;
    assert!(r.text().starts_with("refused:"), "{}", r.text());
    assert_eq!(client.post("/raw/", &[("t", "x")]).await.text(), "3 bytes");
}

#[tokio::test]
async fn a_project_can_change_its_middleware() {
    let added = security_project("").middleware(|routes, site| {
        roan::middleware::default_stack(routes, site).layer(axum::middleware::map_response(
            |mut r: Response| async move {
                r.headers_mut()
                    .insert("x-served-by", axum::http::HeaderValue::from_static("roan"));
                r
            },
        ))
    });
    let client = Client::new(added).await;
    let r = client.get("/page/").await;
    assert_eq!(r.header("x-served-by"), Some("roan"));
    assert_eq!(
        r.header("x-frame-options"),
        Some("DENY"),
        "the default stack is kept"
    );

    let bare = security_project("").middleware(|routes, _site| routes);
    let client = Client::new(bare).await;
    let r = client.get("/page/").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.header("x-frame-options"),
        None,
        "the default stack was left out"
    );
}
