//! End to end: generate a project and an app, build them, run the server and talk HTTP to it.

mod common;

use common::*;

const VIEWS_EXTRA: &str = r#"
/// A post page: the int converter turns the URL part into a number.
pub async fn detail(roan::Path(id): roan::Path<i64>) -> String {
    format!("post number {id}")
}

/// A view that fails.
pub async fn boom() -> roan::Result<Response> {
    Err(roan::Error::other(std::io::Error::other("the kaboom detail")))
}

/// A view that panics.
pub async fn panics() -> &'static str {
    panic!("the panic detail")
}

/// A view that raises Http404 with its own message.
pub async fn missing() -> roan::Result<Response> {
    Err(roan::Error::not_found("no such post here"))
}
"#;

const APP_COMMAND: &str = r#"
/// `roan publish TITLE`: an app's own command.
pub struct Publish;

impl roan::management::Command for Publish {
    fn name(&self) -> &'static str {
        "publish"
    }
    fn about(&self) -> &'static str {
        "Publish a post (added by the blog app)"
    }
    fn configure(&self, cmd: roan::clap::Command) -> roan::clap::Command {
        cmd.arg(roan::clap::Arg::new("title").required(true))
    }
    fn handle(
        &self,
        ctx: &roan::management::CommandContext,
        args: &roan::clap::ArgMatches,
    ) -> Result<(), roan::management::CommandError> {
        let title = args.get_one::<String>("title").cloned().unwrap_or_default();
        if title == "fail" {
            return Err(roan::management::CommandError::with_code("refused to publish", 3));
        }
        // Async work in a command, and a database error that converts with `?`.
        ctx.block_on(async {
            let db = ctx.db().await?;
            if title == "bad sql" {
                sea_orm::ConnectionTrait::execute_unprepared(&db, "SELEC nothing").await?;
            }
            Ok(())
        })?;
        println!("published {title}");
        Ok(())
    }
}
"#;

#[test]
fn generated_project_serves_pages_errors_and_passes_its_own_tests() {
    let dir = workdir("project");
    let p = new_project(&dir, "e2e_site");
    let secret = std::fs::read_to_string(p.join("settings.toml"))
        .unwrap()
        .parse::<toml::Table>()
        .unwrap()["SECRET_KEY"]
        .as_str()
        .unwrap()
        .to_string();

    // A new project: the welcome page, and a debug 404 that lists no patterns.
    {
        let server = Server::start(&p, &["--noreload"], &[]);
        let home = server.get("/");
        assert_eq!(home.status, 200, "{}", server.log_text());
        assert!(
            home.body.contains("The install worked successfully"),
            "{}",
            home.body
        );
        let missing = server.get("/nope/");
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("Page not found"));
        let css = server.get("/static/css/site.css");
        assert_eq!(css.status, 200);
        assert!(css.body.contains("font-family"));
        let log = server.log_text();
        assert!(
            log.contains("unapplied migration(s)") && log.contains("Run 'roan migrate'"),
            "{log}"
        );
        assert!(
            log.contains("\"GET / HTTP/1.1\" 200"),
            "Django-style log line: {log}"
        );
        assert!(
            !log.contains('\u{1b}'),
            "no colour codes in a log that is not a terminal: {log:?}"
        );
        let mut server = server;
        let status = server.stop().expect("the server stops on SIGTERM");
        assert!(status.success(), "graceful shutdown exits 0: {status}");
    }

    // An app with routes of every kind.
    let out = run(&p, &["startapp", "blog"]);
    assert!(out.status.success(), "{}", text(&out));
    let views = p.join("src/blog/views.rs");
    let mut v = std::fs::read_to_string(&views).unwrap();
    v.push_str(VIEWS_EXTRA);
    std::fs::write(&views, v).unwrap();
    edit(
        &p.join("src/blog/urls.rs"),
        r#"vec![path("", views::index).name("index")]"#,
        r#"vec![
        path("", views::index).name("index"),
        path("post/<int:id>/", views::detail).name("detail"),
        path("boom/", views::boom).name("boom"),
        path("panic/", views::panics).name("panic"),
        path("missing/", views::missing).name("missing"),
    ]"#,
    );
    edit(
        &p.join("templates/blog/index.html"),
        "{% endblock %}",
        "<a id=\"detail\" href=\"{{ url('blog:detail', id=7) }}\">seven</a>\n\
         <p id=\"f\">{{ 'Hello World'|slugify }} {{ 3|pluralize }}</p>\n{% endblock %}",
    );

    // An app adds its own management command.
    let mut app_mod = std::fs::read_to_string(p.join("src/blog/mod.rs")).unwrap();
    app_mod = app_mod.replace(
        "roan::App::new(\"blog\")",
        "roan::App::new(\"blog\").command(Publish)",
    );
    app_mod.push_str(APP_COMMAND);
    std::fs::write(p.join("src/blog/mod.rs"), app_mod).unwrap();

    let check = run(&p, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(text(&check).contains("no issues"));

    {
        let server = Server::start(&p, &["--noreload"], &[]);
        let index = server.get("/blog/");
        assert_eq!(index.status, 200, "{}\n{}", index.body, server.log_text());
        assert!(
            index.body.contains("href=\"/blog/post/7/\""),
            "reversed URL: {}",
            index.body
        );
        assert!(
            index.body.contains("hello-world s"),
            "filters: {}",
            index.body
        );
        assert!(
            index.body.contains("/static/css/site.css"),
            "static(): {}",
            index.body
        );

        let detail = server.get("/blog/post/7/");
        assert_eq!(detail.status, 200);
        assert_eq!(detail.body, "post number 7");

        // A value the converter rejects is a 404 listing the patterns tried (DEBUG).
        let bad = server.get("/blog/post/abc/");
        assert_eq!(bad.status, 404);
        assert!(
            bad.body.contains("blog/post/&lt;int:id&gt;/"),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("blog:detail"), "{}", bad.body);

        // APPEND_SLASH keeps the query string.
        let slash = server.get("/blog/post/7?x=1");
        assert_eq!(slash.status, 301);
        assert_eq!(slash.header("location"), Some("/blog/post/7/?x=1"));

        let gone = server.get("/blog/missing/");
        assert_eq!(gone.status, 404);
        assert!(gone.body.contains("no such post here"));

        for (path, detail) in [
            ("/blog/boom/", "the kaboom detail"),
            ("/blog/panic/", "the panic detail"),
        ] {
            let r = server.get_with(path, &[("Cookie", "sessionid=cookie-secret-value")]);
            assert_eq!(r.status, 500, "{path}");
            assert!(r.body.contains(detail), "{path}: {}", r.body);
            assert!(r.body.contains("SECRET_KEY"), "settings listed");
            assert!(!r.body.contains(&secret), "{path}: the secret key is shown");
            assert!(
                !r.body.contains("cookie-secret-value"),
                "{path}: cookie shown"
            );
            assert!(r.body.contains("********************"));
        }
        // Security headers on a normal page, a foreign Host refused, a large body refused.
        let page = server.get("/blog/");
        assert_eq!(page.header("x-frame-options"), Some("DENY"));
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(page.header("referrer-policy"), Some("same-origin"));
        assert_eq!(
            page.header("cross-origin-opener-policy"),
            Some("same-origin")
        );
        let evil = server.get_with("/blog/", &[("Host", "evil.example")]);
        assert_eq!(evil.status, 400, "{}", evil.body);
        assert!(
            evil.body.contains("ALLOWED_HOSTS"),
            "DEBUG explains: {}",
            evil.body
        );
        let big = "x".repeat(5 * 1024 * 1024);
        let r = http(
            server.port,
            "POST",
            "/blog/",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &big,
        );
        assert_eq!(r.status, 413, "a 5 MB POST got {}", r.status);
        assert!(
            r.body.contains("DATA_UPLOAD_MAX_MEMORY_SIZE"),
            "DEBUG names the setting: {}",
            r.body
        );
        // Malformed paths are refused, never a 500.
        assert_eq!(server.get("/blog/%00/").status, 400);
        assert_eq!(server.get("/blog/%ff%fe/").status, 400);
    }

    // Without DEBUG: plain pages, nothing internal.
    {
        let server = Server::start(
            &p,
            &["--noreload"],
            &[("DEBUG", "false"), ("ALLOWED_HOSTS", "127.0.0.1")],
        );
        let missing = server.get("/blog/post/abc/");
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("Not Found"), "{}", missing.body);
        // Without DEBUG, static files are not served from the source folders.
        assert_eq!(server.get("/static/css/site.css").status, 404);
        assert!(
            !missing.body.contains("int:id"),
            "patterns leaked: {}",
            missing.body
        );
        for path in ["/blog/boom/", "/blog/panic/"] {
            let r = server.get(path);
            assert_eq!(r.status, 500);
            assert!(r.body.contains("Server Error (500)"), "{}", r.body);
            assert!(
                !r.body.contains("detail") && !r.body.contains(&secret),
                "{}",
                r.body
            );
        }
        assert!(
            server.log_text().contains("the kaboom detail"),
            "the error is logged"
        );
        // The project overrides the plain 404 page with its own template.
        std::fs::write(p.join("templates/404.html"), "custom not-found page").unwrap();
        let r = server.get("/nothing/here/");
        assert_eq!(r.status, 404);
        // Production caches templates: the override needs a restart, which the next block does.
        let _ = r;
    }
    {
        let server = Server::start(
            &p,
            &["--noreload"],
            &[("DEBUG", "false"), ("ALLOWED_HOSTS", "127.0.0.1")],
        );
        let r = server.get("/nothing/here/");
        assert_eq!(r.body, "custom not-found page");
    }

    // Settings errors stop the start with the place and the fix.
    let settings = p.join("settings.toml");
    let good = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        good.replace("APPEND_SLASH = true", "APPEND_SLSH = true"),
    )
    .unwrap();
    let out = run(&p, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let msg = text(&out);
    assert!(
        msg.contains("settings.toml:") && msg.contains("APPEND_SLSH"),
        "{msg}"
    );
    assert!(msg.contains("did you mean `APPEND_SLASH`"), "{msg}");
    std::fs::write(&settings, &good).unwrap();
    let out = roan(&p)
        .args(["check"])
        .env("DEBUG", "false")
        .env("SECRET_KEY", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("SECRET_KEY"), "{}", text(&out));

    // diffsettings masks the secret.
    let out = run(&p, &["diffsettings"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("SECRET_KEY = \"********************\""),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains(&secret));

    // `roan --help` in a project lists the project's commands.
    let out = run(&p, &["--help"]);
    let help = text(&out);
    for cmd in [
        "runserver",
        "check",
        "diffsettings",
        "startapp",
        "publish",
        "test",
        "build",
    ] {
        assert!(help.contains(cmd), "{help}");
    }
    assert!(help.contains("added by the blog app"), "{help}");
    let out = run(&p, &["publish", "Hello world"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "published Hello world"
    );
    let out = run(&p, &["publish", "fail"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "the exit code passes through: {}",
        text(&out)
    );
    let out = run(&p, &["publish", "bad sql"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error: database error:"),
        "{}",
        text(&out)
    );
    let out = run(&p, &["publish", "--help"]);
    assert!(
        text(&out).contains("Usage: roan publish <title>"),
        "usage names the command users type: {}",
        text(&out)
    );

    // The project's own tests (the app skeleton's tests.rs uses the test client) pass under
    // `roan test`, which passes a test name through to cargo test.
    let out = run(&p, &["test", "index_page"]);
    assert!(
        out.status.success(),
        "roan test in the project failed:\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains("test result: ok. 1 passed"),
        "the name filters: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("index_page_is_served ... ok"),
        "{}",
        text(&out)
    );
}

#[test]
fn exit_codes_and_arguments_pass_through() {
    let dir = workdir("passthrough");
    let p = new_project(&dir, "pass_site");
    let out = run(&p, &["no-such-command"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run(&p, &["runserver", "not-a-port", "--noreload"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not a valid port"), "{}", text(&out));

    // `roan build` prints the binary's path; the binary runs every command without the CLI.
    let out = run(&p, &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let exe = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert_eq!(exe, p.join("target/debug/pass_site"), "{}", text(&out));
    let bare = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args(args)
            .current_dir(&p)
            .env_remove("DATABASE_URL")
            .env_remove("ROAN_PROJECT_DIR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = bare(&["diffsettings"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&p, &["build", "--bogus"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // Built with SQLite's driver alone, it names the feature a PostgreSQL URL needs.
    let out = bare(
        &["migrate"],
        &[("DATABASE_URL", "postgres://u@127.0.0.1:9/x")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("built without it") && text(&out).contains("\"postgres\""),
        "{}",
        text(&out)
    );
}

/// Two projects with one crate name, built one after the other into the shared build
/// directory: each runs its own code, with its own settings and database, in both orders and
/// after a rebuild of either.
#[test]
fn same_name_projects_each_run_their_own_binary() {
    let dir = workdir("twins");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let a = new_project(&dir.join("a"), "twin");
    let b = new_project(&dir.join("b"), "twin");
    edit(
        &b.join("settings.toml"),
        "TIME_ZONE = \"UTC\"",
        "TIME_ZONE = \"Europe/Paris\"",
    );
    let zone = |p: &std::path::Path| {
        let out = run(p, &["diffsettings", "--all"]);
        assert!(out.status.success(), "{}", text(&out));
        let t = text(&out);
        t.lines()
            .find(|l| l.starts_with("TIME_ZONE"))
            .unwrap_or_default()
            .to_string()
    };
    for round in 0..2 {
        assert!(zone(&a).contains("\"UTC\""), "a, round {round}");
        assert!(zone(&b).contains("Europe/Paris"), "b, round {round}");
    }
    assert!(zone(&b).contains("Europe/Paris"), "b twice in a row");
    assert!(zone(&a).contains("\"UTC\""), "a after b");

    // A rebuild of either keeps them apart: a view edit in a shows in a only.
    edit(&a.join("src/main.rs"), "fn main()", "// edited\nfn main()");
    assert!(zone(&a).contains("\"UTC\""), "a after its rebuild");
    assert!(zone(&b).contains("Europe/Paris"), "b after a's rebuild");

    // Each migrates its own database.
    let out = run(&a, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(a.join("db.sqlite3").is_file());
    assert!(!b.join("db.sqlite3").exists(), "b's folder untouched");

    // A binary handed another project's directory refuses to run anything.
    let exe = a.join("target/debug/twin");
    let out = std::process::Command::new(&exe)
        .args(["diffsettings"])
        .env("ROAN_PROJECT_DIR", &b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("was built from") && text(&out).contains("nothing was run"),
        "{}",
        text(&out)
    );
}

const POLLS_MODELS: &str = r#"//! Models of the polls app.

pub mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub question_text: String,
        #[sea_orm(unique, column_type = "String(StringLen::N(50))")]
        pub slug: String,
        #[sea_orm(column_type = "String(StringLen::N(100))")]
        pub attachment: String,
        pub category_id: i32,
        #[sea_orm(belongs_to, from = "category_id", to = "id", on_delete = "Cascade")]
        pub category: BelongsTo<super::category::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod category {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_category")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(50))")]
        pub name: String,
    }

    impl ActiveModelBehavior for ActiveModel {}

    /// Django's `__str__`: what the shell shows.
    impl std::fmt::Display for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.name)
        }
    }
}

pub mod tag {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls_tag")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(20))")]
        pub name: String,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod question_tags {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls_question_tags")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_id: i32,
        #[sea_orm(belongs_to, from = "question_id", to = "id", on_delete = "Cascade")]
        pub question: BelongsTo<super::question::Entity>,
        pub tag_id: i32,
        #[sea_orm(belongs_to, from = "tag_id", to = "id", on_delete = "Cascade")]
        pub tag: BelongsTo<super::tag::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
"#;

const POLLS_VIEWS: &str = r#"//! Views of the polls app: a declared form and generic views.

use super::models::question;
use roan::forms::{FileField, ModelForm};
use roan::views::{CreateView, DeleteView, DetailView, FormView, ListView, UpdateView};
use sea_orm::{EntityTrait, QueryOrder};

#[derive(roan::Form, serde::Deserialize)]
pub struct Contact {
    #[form(max_length = 100)]
    pub subject: String,
    #[form(email)]
    pub sender: String,
    pub cc_myself: bool,
    #[form(choices = [("news", "News"), ("tips", "Tips"), ("jobs", "Jobs")], required = false)]
    pub topics: Vec<String>,
}

pub fn contact() -> FormView {
    FormView::new(Contact::form)
        .template_name("polls/contact.html")
        .success_url("/polls/")
}

pub fn index() -> ListView<question::Entity> {
    ListView::<question::Entity>::new()
        .queryset(|_| question::Entity::find().order_by_asc(question::Column::Id))
        .context_object_name("latest_question_list")
        .template_name("polls/index.html")
}

pub fn detail() -> DetailView<question::Entity> {
    DetailView::<question::Entity>::new()
}

fn question_form() -> ModelForm {
    ModelForm::of::<question::Entity>()
        .fields(["question_text", "slug", "category", "tags", "attachment"])
        .many_to_many("tags", "polls_question_tags", "question_id", "tag_id")
        .choice_label("category", |row| row["name"].as_str().unwrap_or("").to_string())
        .choice_label("tags", |row| row["name"].as_str().unwrap_or("").to_string())
        .field("attachment", FileField::new().upload_to("attachments/"))
}

pub fn create() -> CreateView<question::Entity> {
    CreateView::<question::Entity>::new()
        .form(question_form)
        .success_url("polls:detail")
}

pub fn update() -> UpdateView<question::Entity> {
    UpdateView::<question::Entity>::new()
        .form(question_form)
        .success_url("polls:detail")
}

pub fn delete() -> DeleteView<question::Entity> {
    DeleteView::<question::Entity>::new().success_url("polls:index")
}
"#;

const POLLS_URLS: &str = r#"//! URL patterns of the polls app.

use super::views;
use roan::urls::{Urls, path};

pub fn urls() -> Urls {
    Urls::app(
        "polls",
        vec![
            path("", views::index()).name("index"),
            path("<int:pk>/", views::detail()).name("detail"),
            path("add/", views::create()).name("add"),
            path("<int:pk>/edit/", views::update()).name("edit"),
            path("<int:pk>/delete/", views::delete()).name("delete"),
            path("contact/", views::contact()).name("contact"),
        ],
    )
}
"#;

const POLLS_TESTS: &str = r##"//! The polls app through the test client: forms, generic views, uploads.

use super::models::{category, question, question_tags, tag};
use roan::test::Client;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

async fn client() -> Client {
    let client = Client::new(crate::project()).await;
    let db = client.site().db().await.unwrap();
    for (id, name) in [(1, "general"), (2, "sport")] {
        category::ActiveModel { id: Set(id), name: Set(name.into()) }.insert(db).await.unwrap();
    }
    for (id, name) in [(1, "fun"), (2, "news")] {
        tag::ActiveModel { id: Set(id), name: Set(name.into()) }.insert(db).await.unwrap();
    }
    client
}

#[tokio::test]
async fn derived_contact_form() {
    let client = client().await;
    client.get("/polls/contact/").await.assert_contains(r#"<select name="topics" id="id_topics" multiple>"#);
    client
        .post("/polls/contact/", &[("subject", "Hi"), ("sender", "nope"), ("topics", "news")])
        .await
        .assert_contains("Enter a valid email address.")
        .assert_contains(r#"<option value="news" selected>News</option>"#);
    client
        .post("/polls/contact/", &[("subject", "Hi"), ("sender", "a@b.org"), ("topics", "news"), ("topics", "jobs")])
        .await
        .assert_redirects("/polls/");
}

#[tokio::test]
async fn create_update_delete_with_fk_m2m_and_a_file() {
    let client = client().await;
    let db = client.site().db().await.unwrap();
    client.get("/polls/add/").await.assert_contains(r#"<option value="2">sport</option>"#);
    let bad = client
        .post_multipart("/polls/add/", &[("question_text", "What's up?"), ("slug", "up"), ("category", "7")], &[])
        .await;
    bad.assert_contains("Select a valid choice. That choice is not one of the available choices.")
        .assert_contains("This field is required.")
        .assert_contains(r#"value="What&#x27;s up?""#);

    let big: Vec<u8> = (0..10 * 1024 * 1024).map(|i| (i % 7) as u8).collect();
    client
        .post_multipart(
            "/polls/add/",
            &[("question_text", "What's up?"), ("slug", "up"), ("category", "2"), ("tags", "1"), ("tags", "2")],
            &[("attachment", "../../big report.bin", &big)],
        )
        .await
        .assert_redirects("/polls/1/");
    let q = question::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    assert_eq!((q.category_id, q.attachment.as_str()), (2, "attachments/big_report.bin"));
    let media = client.site().settings().media_root_path();
    assert_eq!(std::fs::metadata(media.join(&q.attachment)).unwrap().len(), big.len() as u64);
    let links = question_tags::Entity::find().filter(question_tags::Column::QuestionId.eq(1)).all(db).await.unwrap();
    assert_eq!(links.len(), 2, "both tags of the multi-select are linked");
    let served = client.get("/media/attachments/big_report.bin").await;
    assert_eq!(served.bytes().len(), big.len());

    client.get("/polls/").await.assert_contains("What&#x27;s up?");
    client.get("/polls/1/").await.assert_contains("What&#x27;s up?");
    client
        .post_multipart("/polls/1/edit/", &[("question_text", "Still up?"), ("slug", "up"), ("category", "1"), ("tags", "2")], &[])
        .await
        .assert_redirects("/polls/1/");
    let q = question::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    assert_eq!((q.question_text.as_str(), q.attachment.as_str()), ("Still up?", "attachments/big_report.bin"));
    client.get("/polls/1/delete/").await.assert_contains("Still up?");
    client.post("/polls/1/delete/", &[]).await.assert_redirects("/polls/");
    assert!(question::Entity::find_by_id(1).one(db).await.unwrap().is_none());
}
"##;

#[test]
fn a_generated_project_with_a_declared_form_generic_views_and_uploads() {
    let dir = workdir("generic");
    let p = new_project(&dir, "polls_site");
    let out = run(&p, &["startapp", "polls"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(p.join("src/polls/models.rs"), POLLS_MODELS).unwrap();
    std::fs::write(p.join("src/polls/views.rs"), POLLS_VIEWS).unwrap();
    std::fs::write(p.join("src/polls/urls.rs"), POLLS_URLS).unwrap();
    std::fs::write(p.join("src/polls/tests.rs"), POLLS_TESTS).unwrap();
    edit(
        &p.join("src/polls/mod.rs"),
        "        // roan:models",
        "        .model_display::<models::category::Entity>()\n        .model::<models::question::Entity>()\n        .model::<models::tag::Entity>()\n        .model::<models::question_tags::Entity>()\n        // roan:models",
    );
    let t = p.join("templates/polls");
    std::fs::write(
        t.join("index.html"),
        "{% for q in latest_question_list %}<li>{{ q.question_text }}</li>{% endfor %}",
    )
    .unwrap();
    std::fs::write(
        t.join("question_detail.html"),
        "<h1>{{ question.question_text }}</h1>",
    )
    .unwrap();
    std::fs::write(
        t.join("question_form.html"),
        "<form method=\"post\" enctype=\"multipart/form-data\">{{ csrf_input() }}{{ form }}</form>",
    )
    .unwrap();
    std::fs::write(
        t.join("question_confirm_delete.html"),
        "Delete {{ object.question_text }}?",
    )
    .unwrap();
    std::fs::write(
        t.join("contact.html"),
        "<form method=\"post\">{{ csrf_input() }}{{ form }}</form>",
    )
    .unwrap();

    let out = run(&p, &["makemigrations"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&p, &["test"]);
    assert!(out.status.success(), "the project's tests:\n{}", text(&out));
    let all = text(&out);
    for name in [
        "derived_contact_form",
        "create_update_delete_with_fk_m2m_and_a_file",
    ] {
        assert!(
            all.contains(&format!("{name} ... ok")),
            "{name} did not pass:\n{all}"
        );
    }

    // And over real HTTP: migrate, then the generic list page and the derived form.
    let out = run(&p, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out));

    // Fixtures: loaddata from the app's fixtures/, dumpdata (to stdout and to a .gz), flush.
    std::fs::create_dir_all(p.join("src/polls/fixtures")).unwrap();
    std::fs::write(
        p.join("src/polls/fixtures/categories.json"),
        r#"[{"model": "polls.category", "pk": 1, "fields": {"name": "general"}},
            {"model": "polls.category", "pk": 2, "fields": {"name": "sport"}},
            {"model": "polls.tag", "pk": 1, "fields": {"name": "fun"}}]"#,
    )
    .unwrap();
    let out = run(&p, &["loaddata", "categories"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Installed 3 object(s) from 1 fixture(s)"),
        "{}",
        text(&out)
    );
    let out = run(&p, &["dumpdata", "polls.category", "--indent", "2"]);
    assert!(out.status.success(), "{}", text(&out));
    let dumped = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        dumped.contains("\"model\": \"polls.category\",\n  \"pk\": 2,")
            && dumped.contains("\"name\": \"sport\""),
        "{dumped}"
    );
    let out = run(
        &p,
        &[
            "dumpdata",
            "polls",
            "-e",
            "polls.question",
            "-o",
            "dump.json.gz",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(p.join("dump.json.gz").exists());
    let out = run(&p, &["flush", "--noinput"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&p, &["dumpdata", "polls.category"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let out = run(&p, &["loaddata", "dump.json.gz"]);
    assert!(
        text(&out).contains("Installed 3 object(s) from 1 fixture(s)"),
        "{}",
        text(&out)
    );

    // The shell: `-c`, a piped script, and an error's exit code; no compile per line.
    let out = run(
        &p,
        &[
            "shell",
            "-c",
            "Category.objects.filter(name__startswith='sp').count()",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    let mut shell = roan(&p);
    shell.arg("shell");
    let out = with_stdin(
        shell,
        b"from polls.models import Category\nc = Category.objects.get(\n    pk=1)\nprint(c.name)\nCategory.objects.all()\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "general\n<QuerySet [<Category: general>, <Category: sport>]>\n"
    );
    // On a terminal: Tab completion of methods and lookups, and history in a second session.
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let home_env = home.to_string_lossy().to_string();
    let (code, screen) = run_in_pty(
        &p,
        &["shell"],
        &[
            (">>> ", "Category.objects.fi\t"),
            ("filter  first", "lter(name__ic\t"),
            ("name__icontains", "='gen')\r"),
            ("<Category: general>]>", "\x04"),
        ],
        &[("HOME", home_env.as_str())],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("objects imported automatically"),
        "{screen}"
    );
    assert!(
        screen.contains("Category.objects.filter(name__icontains='gen')"),
        "{screen}"
    );
    assert!(
        screen.contains("<QuerySet [<Category: general>]>"),
        "{screen}"
    );
    let (code, screen) = run_in_pty(
        &p,
        &["shell"],
        &[(">>> ", "\x1b[A\r"), ("<Category: general>]>", "\x04")],
        &[("HOME", home_env.as_str())],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Category.objects.filter(name__icontains='gen')")
            && screen.contains("<QuerySet [<Category: general>]>"),
        "the line came back from the history: {screen}"
    );
    // inspectdb: entities for existing tables, used by an app that does not manage them.
    let out = run(&p, &["inspectdb", "polls_category", "polls_tag"]);
    assert!(out.status.success(), "{}", text(&out));
    let out_run = run(&p, &["startapp", "legacy"]);
    assert!(out_run.status.success(), "{}", text(&out_run));
    std::fs::write(p.join("src/legacy/models.rs"), &out.stdout).unwrap();
    edit(
        &p.join("src/legacy/mod.rs"),
        "        // roan:models",
        "        .unmanaged_model::<models::polls_category::Entity>()\n        .unmanaged_model::<models::polls_tag::Entity>()\n        // roan:models",
    );
    let out = run(&p, &["makemigrations", "--check"]);
    assert!(
        out.status.success(),
        "the unmanaged models need no migration: {}",
        text(&out)
    );
    let out = run(
        &p,
        &[
            "shell",
            "-c",
            "PollsCategory.objects.filter(name='sport').count()",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");

    let out = run(&p, &["shell", "-c", "Category.objects.get(pk=9)"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains(
            "polls.models.Category.DoesNotExist: Category matching query does not exist."
        ),
        "{}",
        text(&out)
    );
    std::fs::write(
        p.join("broken.json"),
        r#"[{"model": "polls.tag", "pk": 5, "fields": {"name": "ok"}},
            {"model": "polls.tag", "pk": 6, "fields": {"name": "this name is far too long for the column"}},
            {"model": "polls.nothing", "pk": 1, "fields": {}}]"#,
    )
    .unwrap();
    let out = run(&p, &["loaddata", "broken.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("Invalid model identifier: 'polls.nothing'"),
        "{}",
        text(&out)
    );
    // dbshell runs the database's own client on the project's database.
    if std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok()
    {
        let out = roan(&p)
            .args(["dbshell", "--", "-cmd", ".tables"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("polls_question"), "{}", text(&out));
    } else if std::env::var_os("CI").is_some() {
        panic!("sqlite3 is needed for the dbshell test: apt-get install sqlite3");
    } else {
        eprintln!("skipped: dbshell needs sqlite3 (apt-get install sqlite3)");
    }
    let out = run(&p, &["loaddata", "nothing"]);
    assert!(
        text(&out).contains("No fixture named 'nothing' found."),
        "{}",
        text(&out)
    );
    // FIXTURE_DIRS: searched by name after the apps' fixtures/; a directory listed twice is
    // refused, as Django refuses it.
    std::fs::create_dir_all(p.join("fixtures_extra")).unwrap();
    std::fs::write(
        p.join("fixtures_extra/extra_tags.json"),
        r#"[{"model": "polls.tag", "pk": 7, "fields": {"name": "extra"}}]"#,
    )
    .unwrap();
    let settings = std::fs::read_to_string(p.join("settings.toml")).unwrap();
    std::fs::write(
        p.join("settings.toml"),
        format!("FIXTURE_DIRS = [\"fixtures_extra\"]\n{settings}"),
    )
    .unwrap();
    let out = run(&p, &["loaddata", "extra_tags"]);
    assert!(
        text(&out).contains("Installed 1 object(s) from 1 fixture(s)"),
        "{}",
        text(&out)
    );
    std::fs::write(
        p.join("settings.toml"),
        format!("FIXTURE_DIRS = [\"fixtures_extra\", \"./fixtures_extra\"]\n{settings}"),
    )
    .unwrap();
    let out = run(&p, &["loaddata", "extra_tags"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("settings.FIXTURE_DIRS contains duplicates"),
        "{}",
        text(&out)
    );
    std::fs::write(p.join("settings.toml"), &settings).unwrap();
    let out = run(&p, &["dumpdata", "polls.tag"]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("\"ok\""),
        "nothing of broken.json was loaded"
    );
    // Many-to-many fields as Django writes them: a user's groups are a list of keys, and the
    // link table's rows are not objects of their own.
    std::fs::write(
        p.join("people.json"),
        r#"[{"model": "auth.user", "pk": 1, "fields": {"password": "!", "last_login": null, "is_superuser": false, "username": "ann", "first_name": "", "last_name": "", "email": "", "is_staff": false, "is_active": true, "date_joined": "2026-11-20T10:00:00", "groups": [1], "user_permissions": []}},
            {"model": "auth.group", "pk": 1, "fields": {"name": "editors", "permissions": []}}]"#,
    )
    .unwrap();
    let out = run(&p, &["loaddata", "people.json"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&p, &["dumpdata", "auth", "-e", "auth.permission"]);
    assert!(out.status.success(), "{}", text(&out));
    let dumped = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        dumped.contains(r#""username": "ann""#)
            && dumped.contains(r#""groups": [1], "user_permissions": []}"#)
            && dumped.contains(r#""name": "editors", "permissions": []}"#)
            && !dumped.contains("auth.user_groups"),
        "{dumped}"
    );
    let server = Server::start(&p, &[], &[]);
    let r = server.get("/polls/contact/");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains(r#"<input type="email" name="sender""#),
        "{}",
        r.body
    );
    assert_eq!(server.get("/polls/").status, 200);
    assert_eq!(server.get("/polls/9/").status, 404);
}
