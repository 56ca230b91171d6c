//! End to end through a generated project: twelve model edits, each followed by
//! `roan makemigrations` (questions answered in a pseudo-terminal where Django asks) and
//! `roan migrate` on SQLite, PostgreSQL and MariaDB (a fresh database each); rows survive with
//! their values, `makemigrations --check` is clean after each edit, and `migrate blog zero`
//! followed by `migrate` rebuilds everything.

mod common;

use common::*;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use std::path::Path;

/// One version of the blog app's models.
#[derive(Clone)]
struct V {
    author: &'static str,
    title: &'static str,
    title_len: u32,
    body: Option<bool>,
    views: bool,
    views_indexed: bool,
    slug: bool,
    slug_unique: bool,
    tag: bool,
}

fn models_rs(v: &V) -> String {
    let a = v.author;
    let mut post_fields = format!(
        "        #[sea_orm(primary_key)]\n        pub id: i32,\n        #[sea_orm(column_type = \"String(StringLen::N({}))\")]\n        pub {}: String,\n        pub author_id: i32,\n",
        v.title_len, v.title
    );
    match v.body {
        Some(true) => post_fields.push_str("        pub body: Option<String>,\n"),
        Some(false) => post_fields.push_str("        pub body: String,\n"),
        None => {}
    }
    if v.views {
        post_fields.push_str(if v.views_indexed {
            "        #[sea_orm(default_value = 0, indexed)]\n        pub views: i32,\n"
        } else {
            "        #[sea_orm(default_value = 0)]\n        pub views: i32,\n"
        });
    }
    if v.slug {
        post_fields.push_str(&format!(
            "        #[sea_orm(column_type = \"String(StringLen::N(50))\"{})]\n        pub slug: String,\n",
            if v.slug_unique { ", unique" } else { "" }
        ));
    }
    post_fields.push_str(&format!(
        "        #[sea_orm(belongs_to, from = \"author_id\", to = \"id\", on_delete = \"Cascade\")]\n        pub author: BelongsTo<super::{a}::Entity>,\n"
    ));
    let mut out = format!(
        r#"//! Models of the blog app.

pub mod {a} {{
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blog_{a}")]
    pub struct Model {{
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(100))")]
        pub name: String,
        #[sea_orm(has_many)]
        pub posts: HasMany<super::post::Entity>,
    }}

    impl ActiveModelBehavior for ActiveModel {{}}
}}

pub mod post {{
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blog_post")]
    pub struct Model {{
{post_fields}    }}

    impl ActiveModelBehavior for ActiveModel {{}}
}}
"#
    );
    if v.tag {
        out.push_str(
            r#"
pub mod tag {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blog_tag")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub label: String,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
"#,
        );
    }
    out
}

fn register(p: &Path, v: &V) {
    let mod_rs = p.join("src/blog/mod.rs");
    let text = std::fs::read_to_string(&mod_rs).unwrap();
    let start = text.find("    roan::App::new(\"blog\")").unwrap();
    let end = text.find("        // roan:models").unwrap();
    let mut models = format!(
        "    roan::App::new(\"blog\")\n        .model::<models::{}::Entity>()\n        .model::<models::post::Entity>()\n",
        v.author
    );
    if v.tag {
        models.push_str("        .model::<models::tag::Entity>()\n");
    }
    std::fs::write(
        &mod_rs,
        format!("{}{}{}", &text[..start], models, &text[end..]),
    )
    .unwrap();
    std::fs::write(p.join("src/blog/models.rs"), models_rs(v)).unwrap();
}

struct Backend {
    name: &'static str,
    url: String,
}

async fn rows(url: &str, sql: &str) -> Vec<String> {
    let db: DatabaseConnection = Database::connect(url).await.unwrap();
    let backend = db.get_database_backend();
    let result = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    result
        .iter()
        .map(|r| {
            (0..)
                .map_while(|i| {
                    r.try_get_by_index::<String>(i)
                        .or_else(|_| r.try_get_by_index::<i32>(i).map(|n| n.to_string()))
                        .or_else(|_| r.try_get_by_index::<i64>(i).map(|n| n.to_string()))
                        .ok()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

async fn exec(url: &str, sql: &str) {
    let db: DatabaseConnection = Database::connect(url).await.unwrap();
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn roan_in(p: &Path, url: &str, args: &[&str]) -> std::process::Output {
    roan(p)
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap()
}

/// The row inserted after the first migration is still there after each edit.
async fn still_there(backends: &[Backend]) {
    for b in backends {
        assert_eq!(
            rows(&b.url, "SELECT COUNT(*) FROM blog_post WHERE author_id = 1").await,
            vec!["1"],
            "{}: the post row is gone",
            b.name
        );
    }
}

fn migrate_all(p: &Path, backends: &[Backend]) {
    for b in backends {
        let out = roan_in(p, &b.url, &["migrate"]);
        assert!(
            out.status.success(),
            "{}: migrate failed:\n{}",
            b.name,
            text(&out)
        );
    }
}

/// makemigrations in a pseudo-terminal, typing `answers` at the prompts.
fn makemigrations_pty(p: &Path, answers: &[(&str, &str)]) -> String {
    let (code, t) = run_in_pty(p, &["makemigrations"], answers, &[]);
    assert_eq!(code, 0, "makemigrations in a terminal failed:\n{t}");
    t
}

fn makemigrations(p: &Path) -> String {
    let out = run(p, &["makemigrations", "--noinput"]);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

fn check_clean(p: &Path) {
    let out = run(p, &["makemigrations", "--check", "--noinput"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "changes left after migrating:\n{}",
        text(&out)
    );
}

fn migration_files(p: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(p.join("src/blog/migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn twelve_model_edits_through_the_cli_on_every_backend() {
    let dir = workdir("models");
    let p = new_project(&dir, "models_site");
    let out = run(&p, &["startapp", "blog"]);
    assert!(out.status.success(), "{}", text(&out));

    let pid = std::process::id();
    let mut backends = vec![Backend {
        name: "SQLite",
        url: format!("sqlite://{}/e2e.sqlite3?mode=rwc", p.display()),
    }];
    let pg = postgres_url();
    if let Some(url) = fresh_database("PostgreSQL", &pg, &format!("roan_e2e_{pid}")).await {
        backends.push(Backend {
            name: "PostgreSQL",
            url,
        });
    }
    let my = mysql_url();
    if let Some(url) = fresh_database("MariaDB", &my, &format!("roan_e2e_{pid}")).await {
        backends.push(Backend {
            name: "MariaDB",
            url,
        });
    }

    // 1. Two models with a foreign key, and a third that is deleted at the end.
    let mut v = V {
        author: "author",
        title: "title",
        title_len: 200,
        body: None,
        views: false,
        views_indexed: false,
        slug: false,
        slug_unique: false,
        tag: true,
    };
    register(&p, &v);
    let out = makemigrations(&p);
    assert!(
        out.contains("0001_initial.rs")
            && out.contains("+ Create model author")
            && out.contains("+ Create model post"),
        "{out}"
    );
    let initial = std::fs::read_to_string(p.join("src/blog/migrations/0001_initial.rs")).unwrap();
    assert!(
        initial.contains(".foreign_key(\"blog_author\", \"id\", OnDelete::Cascade)"),
        "{initial}"
    );
    migrate_all(&p, &backends);
    for b in &backends {
        exec(&b.url, "INSERT INTO blog_author (name) VALUES ('Ann')").await;
        exec(
            &b.url,
            "INSERT INTO blog_post (title, author_id) VALUES ('Hello', 1)",
        )
        .await;
        exec(&b.url, "INSERT INTO blog_tag (label) VALUES ('news')").await;
    }
    check_clean(&p);
    let showed = roan_in(&p, &backends[0].url, &["showmigrations"]);
    assert!(
        text(&showed).contains("[X] 0001_initial"),
        "{}",
        text(&showed)
    );

    // 2. A nullable field.
    v.body = Some(true);
    register(&p, &v);
    assert!(makemigrations(&p).contains("0002_post_body.rs"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 3. A field with a default.
    v.views = true;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Add field views to post"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 4. NOT NULL without default: --noinput exits 3 and writes nothing; a one-off default typed
    //    at the prompt.
    v.slug = true;
    register(&p, &v);
    let before = migration_files(&p);
    let out = run(&p, &["makemigrations", "--noinput"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("impossible to add a non-nullable field 'slug'"),
        "{}",
        text(&out)
    );
    assert_eq!(migration_files(&p), before, "a migration was written");
    let out = makemigrations_pty(
        &p,
        &[
            ("Select an option", "\r"),
            ("Value for post.slug", "hello-slug\r"),
        ],
    );
    assert!(out.contains("+ Add field slug to post"), "{out}");
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 5. A longer max length.
    v.title_len = 300;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Alter field title on post"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 6. Nullable to NOT NULL, the NULLs filled with a value typed at the prompt.
    v.body = Some(false);
    register(&p, &v);
    let out = makemigrations_pty(
        &p,
        &[
            ("Select an option", "\r"),
            ("Value for post.body", "no body\r"),
        ],
    );
    assert!(out.contains("+ Alter field body on post"), "{out}");
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 7. A field rename, answered yes.
    v.title = "headline";
    register(&p, &v);
    let out = makemigrations_pty(
        &p,
        &[(
            "Was post.title renamed to post.headline (a varchar(300))?",
            "y",
        )],
    );
    assert!(
        out.contains("+ Rename field title on post to headline"),
        "{out}"
    );
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 8. A model rename, answered yes.
    v.author = "writer";
    register(&p, &v);
    let out = makemigrations_pty(
        &p,
        &[("Was the model blog.author renamed to blog.writer?", "y")],
    );
    assert!(out.contains("+ Rename model author to writer"), "{out}");
    assert!(
        !out.contains("Alter field author_id"),
        "the foreign key follows the rename: {out}"
    );
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 9. An index.
    v.views_indexed = true;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Alter field views on post"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 10. A unique constraint.
    v.slug_unique = true;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Alter field slug on post"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 11. A removed field.
    v.body = None;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Remove field body from post"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    // 12. A deleted model.
    v.tag = false;
    register(&p, &v);
    assert!(makemigrations(&p).contains("+ Delete model tag"));
    migrate_all(&p, &backends);
    still_there(&backends).await;
    check_clean(&p);

    for b in &backends {
        assert_eq!(
            rows(
                &b.url,
                "SELECT headline, slug, views, author_id FROM blog_post"
            )
            .await,
            vec!["Hello|hello-slug|0|1"],
            "{}",
            b.name
        );
        assert_eq!(
            rows(&b.url, "SELECT name FROM blog_writer").await,
            vec!["Ann"],
            "{}",
            b.name
        );
        let dup = Database::connect(&b.url)
            .await
            .unwrap()
            .execute_unprepared("INSERT INTO blog_post (headline, author_id, views, slug) VALUES ('x', 1, 0, 'hello-slug')")
            .await;
        assert!(dup.is_err(), "{}: the unique slug holds", b.name);
    }

    // sqlmigrate prints the SQL of a migration for the configured backend.
    for b in &backends {
        let out = roan_in(&p, &b.url, &["sqlmigrate", "blog", "0001"]);
        assert!(
            out.status.success() && text(&out).contains("CREATE TABLE"),
            "{}",
            text(&out)
        );
    }

    // Back to zero and forwards again.
    for b in &backends {
        let out = roan_in(&p, &b.url, &["migrate", "blog", "zero"]);
        assert!(out.status.success(), "{}: {}", b.name, text(&out));
        assert!(
            text(&out).contains("Unapplying blog.0001_initial... OK"),
            "{}",
            text(&out)
        );
        let out = roan_in(&p, &b.url, &["showmigrations", "blog"]);
        assert!(!text(&out).contains("[X]"), "{}", text(&out));
        // The SQL sqlmigrate prints for the initial migration runs on the backend as printed.
        let out = roan_in(&p, &b.url, &["sqlmigrate", "blog", "0001_initial"]);
        let sql = String::from_utf8_lossy(&out.stdout).into_owned();
        for stmt in sql.split(";\n") {
            let stmt: String = stmt
                .lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            let stmt = stmt.trim();
            if !stmt.is_empty() && stmt != "BEGIN" && stmt != "COMMIT" {
                exec(&b.url, stmt).await;
            }
        }
        assert_eq!(
            rows(&b.url, "SELECT COUNT(*) FROM blog_post").await,
            vec!["0"],
            "{}",
            b.name
        );
        for t in ["blog_post", "blog_tag", "blog_author"] {
            exec(&b.url, &format!("DROP TABLE {t}")).await;
        }
        let out = roan_in(&p, &b.url, &["migrate", "--plan"]);
        assert!(
            text(&out).contains("blog.0001_initial\n    Create model author"),
            "{}",
            text(&out)
        );
        let out = roan_in(&p, &b.url, &["migrate"]);
        assert!(out.status.success(), "{}: {}", b.name, text(&out));
        exec(&b.url, "INSERT INTO blog_writer (name) VALUES ('Bo')").await;
        exec(&b.url, "INSERT INTO blog_post (headline, author_id, views, slug) VALUES ('Again', 1, 3, 'again')").await;
    }

    // --fake records without running; backwards and forwards.
    let sqlite = &backends[0].url;
    let out = roan_in(&p, sqlite, &["migrate", "blog", "0011", "--fake"]);
    assert!(
        text(&out).contains("Unapplying blog.0012_delete_tag... FAKED"),
        "{}",
        text(&out)
    );
    let out = roan_in(&p, sqlite, &["showmigrations", "blog"]);
    assert!(text(&out).contains("[ ] 0012_delete_tag"), "{}", text(&out));
    let out = roan_in(&p, sqlite, &["migrate", "--fake"]);
    assert!(
        text(&out).contains("Applying blog.0012_delete_tag... FAKED"),
        "{}",
        text(&out)
    );

    // --fake-initial: an initial migration whose tables all exist is recorded without running;
    // one whose tables do not all exist (blog's author was renamed since) runs, and fails
    // cleanly, rolled back.
    let out = roan_in(&p, sqlite, &["migrate", "sessions", "zero", "--fake"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = roan_in(&p, sqlite, &["migrate", "sessions", "--fake-initial"]);
    assert!(
        text(&out).contains("Applying sessions.0001_initial... FAKED"),
        "{}",
        text(&out)
    );
    let out = roan_in(&p, sqlite, &["migrate", "blog", "zero", "--fake"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = roan_in(
        &p,
        sqlite,
        &["migrate", "blog", "0001_initial", "--fake-initial"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("rolled back and not recorded"),
        "{}",
        text(&out)
    );
    let out = roan_in(&p, sqlite, &["migrate", "--fake"]);
    assert!(out.status.success(), "{}", text(&out));

    // Two leaves: migrate refuses and points at --merge, which writes a merge migration.
    let dir = p.join("src/blog/migrations");
    for name in ["0013_a", "0013_b"] {
        let body = roan::migrations::writer::render(
            "blog",
            name,
            &[("blog".into(), "0012_delete_tag".into())],
            &[],
        );
        roan::migrations::writer::write(&dir, name, &body).unwrap();
    }
    let out = roan_in(&p, sqlite, &["migrate"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("makemigrations --merge"),
        "{}",
        text(&out)
    );
    let out = run(&p, &["makemigrations", "--merge"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("0014_merge_0013_a_0013_b"),
        "{}",
        text(&out)
    );
    let out = roan_in(&p, sqlite, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    check_clean(&p);

    // The shell in a terminal on each backend: completion of methods and lookups, a query, an
    // attribute set and saved, an error in one line, and the history in a second session.
    for b in &backends {
        exec(
            &b.url,
            "INSERT INTO blog_post (headline, author_id, views, slug) VALUES ('From the shell test', 1, 0, 'shelltest')",
        )
        .await;
        let home = dir.join(format!("home-{}", b.name));
        std::fs::create_dir_all(&home).unwrap();
        let home = home.to_string_lossy().to_string();
        let env = [("DATABASE_URL", b.url.as_str()), ("HOME", home.as_str())];
        let (code, screen) = run_in_pty(
            &p,
            &["shell"],
            &[
                (">>> ", "Post.objects.fi\t"),
                ("filter  first", "lter(headline__ic\t"),
                ("headline__icontains", "='shell t')\r"),
                (
                    "<QuerySet [<Post: Post object (",
                    "p = Post.objects.get(slug='shelltest')\r",
                ),
                (">>> ", "p.views = 99; p.save()\r"),
                (">>> ", "Post.objects.get(headlin='x')\r"),
                (
                    "Cannot resolve keyword 'headlin' into field.",
                    "Post.objects.filter(views__gte=99).count()\r",
                ),
                ("\n1\r\n", "\x04"),
            ],
            &env,
        );
        assert_eq!(code, 0, "{}: {screen}", b.name);
        assert!(
            screen
                .contains("FieldError: Cannot resolve keyword 'headlin' into field. Choices are:")
                && screen.contains("headline"),
            "{}: {screen}",
            b.name
        );
        assert_eq!(
            rows(
                &b.url,
                "SELECT views FROM blog_post WHERE slug = 'shelltest'"
            )
            .await,
            vec!["99"],
            "{}: p.save() stored the change",
            b.name
        );
        let (code, screen) = run_in_pty(
            &p,
            &["shell"],
            &[(">>> ", "\x1b[A\r"), ("\n1\r\n", "\x04")],
            &env,
        );
        assert_eq!(code, 0, "{}: {screen}", b.name);
        assert!(
            screen.contains("Post.objects.filter(views__gte=99).count()"),
            "{}: the line came back from the history: {screen}",
            b.name
        );
    }
}

/// The tutorial's polls models (part 2), as a user writes them.
const TUTORIAL_MODELS: &str = r#"//! Models of the polls app.

pub mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub question_text: String,
        pub pub_date: DateTimeUtc,
        #[sea_orm(has_many)]
        pub choices: HasMany<super::choice::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod choice {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls_choice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_id: i32,
        #[sea_orm(belongs_to, from = "question_id", to = "id", on_delete = "Cascade")]
        pub question: BelongsTo<super::question::Entity>,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub choice_text: String,
        #[sea_orm(default_value = 0)]
        pub votes: i32,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
"#;

/// The tutorial's session ("Playing with the API", parts 2 and 5) and the lines the shell's
/// documentation adds, each with what Django prints for it (`None`: a line that prints nothing;
/// a `datetime` is shown only by its start, it is the time of the run).
fn tutorial_lines(year: &str) -> Vec<(String, Option<String>)> {
    let q1 = "<Question: Question object (1)>";
    [
        ("Question.objects.all()", Some("<QuerySet []>".to_string())),
        ("from polls.models import Choice, Question", None),
        ("from django.utils import timezone", None),
        (
            "q = Question(question_text=\"What's new?\", pub_date=timezone.now())",
            None,
        ),
        ("q.save()", None),
        ("q.id", Some("1".into())),
        ("q.question_text", Some("\"What's new?\"".into())),
        ("q.pub_date", Some(format!("datetime.datetime({year}, "))),
        ("q.question_text = \"What's up?\"; q.save()", None),
        ("Question.objects.all()", Some(format!("<QuerySet [{q1}]>"))),
        ("Question.objects.filter(id=1)", Some(format!("<QuerySet [{q1}]>"))),
        (
            "Question.objects.filter(question_text__startswith=\"What\")",
            Some(format!("<QuerySet [{q1}]>")),
        ),
        (
            &*format!("Question.objects.get(pub_date__year={year})"),
            Some(q1.to_string()),
        ),
        (
            "Question.objects.get(id=2)",
            Some(
                "polls.models.Question.DoesNotExist: Question matching query does not exist."
                    .into(),
            ),
        ),
        ("Question.objects.get(pk=1)", Some(q1.to_string())),
        ("q = Question.objects.get(pk=1)", None),
        ("q.choice_set.all()", Some("<QuerySet []>".into())),
        (
            "q.choice_set.create(choice_text=\"Not much\", votes=0)",
            Some("<Choice: Choice object (1)>".into()),
        ),
        (
            "q.choice_set.create(choice_text=\"The sky\", votes=0)",
            Some("<Choice: Choice object (2)>".into()),
        ),
        (
            "c = q.choice_set.create(choice_text=\"Just hacking again\", votes=0)",
            None,
        ),
        ("c.question", Some(q1.to_string())),
        (
            "q.choice_set.all()",
            Some("<QuerySet [<Choice: Choice object (1)>, <Choice: Choice object (2)>, <Choice: Choice object (3)>]>".into()),
        ),
        ("q.choice_set.count()", Some("3".into())),
        (
            &*format!("Choice.objects.filter(question__pub_date__year={year})"),
            Some("<QuerySet [<Choice: Choice object (1)>, <Choice: Choice object (2)>, <Choice: Choice object (3)>]>".into()),
        ),
        (
            &*format!("Question.objects.filter(pub_date__year={year}).exclude(question_text__startswith=\"Old\").order_by(\"-pub_date\")[:5]"),
            Some(format!("<QuerySet [{q1}]>")),
        ),
        (
            "Choice.objects.filter(question__pub_date__lte=timezone.now()).count()",
            Some("3".into()),
        ),
        (
            "c = q.choice_set.filter(choice_text__startswith=\"Just hacking\")",
            None,
        ),
        ("c.delete()", Some("(1, {'polls.Choice': 1})".into())),
        (
            "Question.objects.filter(pk=1).update(question_text=\"x\")",
            Some("1".into()),
        ),
        (
            "print(Question.objects.get(pk=1).question_text)",
            Some("x".into()),
        ),
        (
            "Question.objects.filter(titel=\"x\")",
            Some("FieldError: Cannot resolve keyword 'titel' into field. Choices are: choice, id, pub_date, question_text".into()),
        ),
    ]
    .into_iter()
    .map(|(line, out)| (line.to_string(), out))
    .collect()
}

/// A run's output with the time of the run (`datetime.datetime(...)`) blotted out.
fn without_times(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            if l.starts_with("datetime.datetime(") {
                "datetime.datetime(…)"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tutorials_shell_session_in_a_terminal_on_sqlite_and_postgresql() {
    let dir = workdir("tutorial_shell");
    let p = new_project(&dir, "mysite");
    let out = run(&p, &["startapp", "polls"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(p.join("src/polls/models.rs"), TUTORIAL_MODELS).unwrap();
    edit(
        &p.join("src/polls/mod.rs"),
        "        // roan:models",
        "        .model::<models::question::Entity>()\n        .model::<models::choice::Entity>()\n        // roan:models",
    );
    makemigrations(&p);

    let year = chrono::Utc::now().format("%Y").to_string();
    let lines = tutorial_lines(&year);
    let script: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let pid = std::process::id();
    let pg = postgres_url();
    let mut kinds = vec![("SQLite", None)];
    if let Some(url) = fresh_database("PostgreSQL", &pg, &format!("roan_tut_{pid}")).await {
        kinds.push(("PostgreSQL", Some(url)));
    }
    for (kind, pg_url) in kinds {
        // A fresh database for each way of running the same lines.
        let fresh = async |run_name: &str| -> String {
            let url = match &pg_url {
                None => format!("sqlite://{}/{run_name}.sqlite3?mode=rwc", dir.display()),
                Some(_) => fresh_database(kind, &pg, &format!("roan_tut_{pid}_{run_name}"))
                    .await
                    .expect("the server answered a moment ago"),
            };
            let out = roan_in(&p, &url, &["migrate"]);
            assert!(out.status.success(), "{kind}: {}", text(&out));
            url
        };

        // In a terminal, typed line by line: each output in its place.
        let url = fresh("pty").await;
        let home = dir.join(format!("home-{kind}"));
        std::fs::create_dir_all(&home).unwrap();
        let home = home.to_string_lossy().to_string();
        let env = [("DATABASE_URL", url.as_str()), ("HOME", home.as_str())];
        // The line editor redraws the line after a `\r` at each key; a new prompt comes after the
        // line break that ends the previous output.
        let mut typed: Vec<(&str, String)> = lines
            .iter()
            .enumerate()
            .map(|(i, (l, _))| (if i == 0 { ">>> " } else { "\n\r>>> " }, format!("{l}\r")))
            .collect();
        typed.push(("\n\r>>> ", "Question.objects.fi\t".into()));
        typed.push(("filter  first", "lter(question_text__ic\t".into()));
        typed.push(("question_text__icontains", "=\"X\")\r".into()));
        typed.push(("\n\r>>> ", "\x04".into()));
        let typed: Vec<(&str, &str)> = typed.iter().map(|(w, s)| (*w, s.as_str())).collect();
        let (code, screen) = run_in_pty(&p, &["shell"], &typed, &env);
        assert_eq!(code, 0, "{kind}: {screen}");
        let mut at = 0;
        for (line, shown) in &lines {
            let Some(shown) = shown else { continue };
            let Some(found) = screen[at..].find(shown.as_str()) else {
                panic!(
                    "{kind}: after `{line}`, {shown:?} was not shown:\n{}",
                    &screen[at..]
                );
            };
            at += found + shown.len();
        }
        assert!(
            screen[at..].contains("Question.objects.filter(question_text__icontains=\"X\")")
                && screen[at..].contains("<QuerySet [<Question: Question object (1)>]>"),
            "{kind}: the completed line ran:\n{}",
            &screen[at..]
        );
        // A second session recalls the last line from the history.
        let (code, screen) = run_in_pty(
            &p,
            &["shell"],
            &[(">>> ", "\x1b[A\r"), ("<QuerySet [", "\x04")],
            &env,
        );
        assert_eq!(code, 0, "{kind}: {screen}");
        assert!(
            screen.contains("Question.objects.filter(question_text__icontains=\"X\")")
                && screen.contains("<QuerySet [<Question: Question object (1)>]>"),
            "{kind}: the line came back from the history: {screen}"
        );

        // `shell -c` and the same lines piped in print the same, each on a fresh database.
        let url = fresh("c").await;
        let by_c = roan(&p)
            .args(["shell", "-c", &script])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        let url = fresh("pipe").await;
        let mut shell = roan(&p);
        shell.arg("shell").env("DATABASE_URL", &url);
        let piped = with_stdin(shell, script.as_bytes());
        let expected: Vec<&str> = lines.iter().filter_map(|(_, o)| o.as_deref()).collect();
        let errors = |o: &&str| o.contains("Error: ") || o.contains("DoesNotExist: ");
        let stdout: Vec<String> = expected
            .iter()
            .filter(|o| !errors(o))
            .map(|o| {
                if o.starts_with("datetime.datetime(") {
                    "datetime.datetime(…)".to_string()
                } else {
                    o.to_string()
                }
            })
            .collect();
        let stderr: Vec<&str> = expected.iter().copied().filter(errors).collect();
        for (how, out) in [("shell -c", &by_c), ("a piped script", &piped)] {
            assert_eq!(
                out.status.code(),
                Some(1),
                "{kind}, {how}: an error line fails the run"
            );
            assert_eq!(
                without_times(&out.stdout),
                stdout.join("\n"),
                "{kind}, {how}: {}",
                text(out)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stderr).trim_end(),
                stderr.join("\n"),
                "{kind}, {how}"
            );
        }
    }
}
