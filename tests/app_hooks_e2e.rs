//! A third-party app written in a generated project, with only roan's public API, plugs in a
//! middleware, a template variable (loaded only when a template reads it), a post_migrate step,
//! a system check, a settings section and guarded URLs; each is observed from outside: over
//! HTTP, in `roan check` and in `roan migrate`.

mod common;

use common::*;

const HOOKS: &str = r#"
/// `[BLOG]` in settings.toml.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlogSettings {
    #[serde(rename = "PAGE_SIZE", default)]
    pub page_size: u32,
}

/// Adds `X-Blog: <PAGE_SIZE>` to every response.
#[derive(Clone)]
pub struct Tag(u32);

impl roan::middleware::Middleware for Tag {
    type State = ();
    async fn before(&self, _r: &mut axum::extract::Request) -> Result<(), axum::response::Response> {
        Ok(())
    }
    async fn after(&self, _s: (), mut r: axum::response::Response) -> axum::response::Response {
        r.headers_mut().insert("x-blog", self.0.to_string().parse().unwrap());
        r
    }
}

static LOADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `motto` in every template: "loaded" only when a template reads it.
#[derive(Debug, Default)]
struct Motto(std::sync::OnceLock<roan::template::Value>);

impl roan::template::deferred::Deferred for Motto {
    fn get(&self) -> Option<roan::template::Value> {
        self.0.get().cloned()
    }
    fn load(&self) -> roan::apps::BoxFuture<'_, roan::Result<()>> {
        Box::pin(async move {
            let n = LOADS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let _ = self.0.set(roan::template::Value::from(format!("motto load {n}")));
            Ok(())
        })
    }
}

fn context(_parts: &axum::http::request::Parts) -> Vec<(&'static str, roan::template::Value)> {
    vec![
        ("blog_name", roan::template::Value::from("The Hook Blog")),
        ("motto", roan::template::deferred::deferred(Motto::default())),
    ]
}

fn seed<'a>(
    db: &'a sea_orm::DatabaseConnection,
    _project: &'a roan::Project,
) -> roan::apps::BoxFuture<'a, roan::Result<()>> {
    Box::pin(async move {
        println!("blog post_migrate ran on {:?}", sea_orm::ConnectionTrait::get_database_backend(db));
        Ok(())
    })
}

fn page_size_check(_p: &roan::Project, site: &roan::Site) -> Vec<roan::management::checks::CheckMessage> {
    use roan::management::checks::{CheckMessage, Level};
    let size = site.settings().section::<BlogSettings>("BLOG").map(|b| b.page_size).unwrap_or(0);
    if size <= 100 {
        return vec![];
    }
    vec![CheckMessage::new(Level::Warning, "blog.W001", format!("BLOG.PAGE_SIZE = {size} is large"), "keep it at 100 or less")]
}

/// The app's configuration with every hook.
pub fn app() -> roan::App {
    roan::App::new("blog")
        .settings::<BlogSettings>("BLOG")
        .layer(|site: &roan::Site| {
            let size = site.settings().section::<BlogSettings>("BLOG").map(|b| b.page_size).unwrap_or(0);
            roan::middleware::MiddlewareLayer::new(Tag(size))
        })
        .context(context)
        .post_migrate(seed)
        .check(page_size_check)
        .migrations(migrations::all)
}
"#;

const VIEWS: &str = r#"
/// Uses the apps' variables.
pub async fn hooks(request: HttpRequest) -> roan::Result<Response> {
    render(&request, "blog/hooks.html", roan::context! {})
}

/// Uses none of the deferred variables.
pub async fn plain(request: HttpRequest) -> roan::Result<Response> {
    render(&request, "blog/plain.html", roan::context! {})
}
"#;

#[test]
fn a_third_party_app_plugs_in_through_the_public_hooks() {
    let dir = workdir("hooks");
    let p = new_project(&dir, "hooks_site");
    let out = run(&p, &["startapp", "blog"]);
    assert!(out.status.success(), "{}", text(&out));
    let mod_rs = p.join("src/blog/mod.rs");
    let text_of = std::fs::read_to_string(&mod_rs).unwrap();
    let start = text_of.find("/// The app's configuration").unwrap();
    std::fs::write(&mod_rs, format!("{}{HOOKS}", &text_of[..start])).unwrap();
    let mut views = std::fs::read_to_string(p.join("src/blog/views.rs")).unwrap();
    views.push_str(VIEWS);
    std::fs::write(p.join("src/blog/views.rs"), views).unwrap();
    edit(
        &p.join("src/blog/urls.rs"),
        "use super::views;",
        "use super::views;\nuse roan::contrib::auth::RequireUser;\nuse roan::urls::include;",
    );
    edit(
        &p.join("src/blog/urls.rs"),
        r#"path("", views::index).name("index")"#,
        r#"path("", views::index).name("index"),
        path("hooks/", views::hooks),
        path("plain/", views::plain),
        path("members/", include(vec![path("", views::plain).name("members")])).login_required(),
        path("editors/", views::plain).permission_required("blog.change_post")"#,
    );
    std::fs::write(
        p.join("templates/blog/hooks.html"),
        "name={{ blog_name }} motto={{ motto }} user={{ user }} auth={{ user.is_authenticated }} perm={{ perms.blog.add_post }}",
    )
    .unwrap();
    std::fs::write(p.join("templates/blog/plain.html"), "plain {{ blog_name }}").unwrap();
    let settings = std::fs::read_to_string(p.join("settings.toml")).unwrap();
    std::fs::write(
        p.join("settings.toml"),
        // A key of the project's own goes before the first table; the app's section anywhere.
        format!("BLOG_OWNER = \"ann\"\n{settings}\n[BLOG]\nPAGE_SIZE = 500\n"),
    )
    .unwrap();

    // The check and the settings section.
    let out = run(&p, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("(blog.W001) BLOG.PAGE_SIZE = 500 is large"),
        "{}",
        text(&out)
    );

    // An unknown key inside the declared section names its line.
    edit(
        &p.join("settings.toml"),
        "PAGE_SIZE = 500",
        "PAGE_SIZE = 500\nPAGE_SIZ = 1",
    );
    let out = run(&p, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("settings.toml:") && text(&out).contains("PAGE_SIZ"),
        "{}",
        text(&out)
    );
    edit(
        &p.join("settings.toml"),
        "PAGE_SIZE = 500\nPAGE_SIZ = 1",
        "PAGE_SIZE = 50",
    );
    let out = run(&p, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("no issues"), "{}", text(&out));

    // post_migrate.
    let out = run(&p, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("blog post_migrate ran on Sqlite"),
        "{}",
        text(&out)
    );

    let server = Server::start(&p, &["--noreload"], &[]);
    // The middleware and the template variables; `motto` is loaded on the page that reads it.
    let r = server.get("/blog/plain/");
    assert_eq!(r.status, 200, "{}", server.log_text());
    assert_eq!(r.header("x-blog"), Some("50"));
    assert_eq!(r.body.trim(), "plain The Hook Blog");
    let r = server.get("/blog/hooks/");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains(
            "name=The Hook Blog motto=motto load 1 user=AnonymousUser auth=False perm=False"
        ),
        "{}",
        r.body
    );
    // A page that does not read it does not load it: the next load is number 2.
    assert_eq!(server.get("/blog/plain/").status, 200);
    assert!(server.get("/blog/hooks/").body.contains("motto load 2"));

    // Guards on an included list and on a route: anonymous users go to log in.
    let r = server.get("/blog/members/");
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/accounts/login/?next=%2Fblog%2Fmembers%2F")
    );
    let r = server.get("/blog/editors/");
    assert_eq!(r.status, 302);
}
