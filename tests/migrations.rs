//! The migration engine on every backend: a sequence of model edits is detected, written,
//! applied and, at the end, unapplied to zero and applied again; the rows inserted at the start
//! keep their values throughout.
//!
//! PostgreSQL and MariaDB are required under CI (CI set) and skipped with the reason elsewhere;
//! each run uses a fresh database.

mod common;

use common::{fresh_database, mysql_url, postgres_url};
use roan::db::{DefaultValue, Field, FieldType, Index, ModelState, OnDelete};
use roan::migrations::autodetector;
use roan::migrations::executor::{self, MigrateTarget};
use roan::migrations::graph::Graph;
use roan::migrations::questioner::{DefaultAnswer, NonInteractive, Questioner};
use roan::migrations::{Migration, Operation, ProjectState, recorder, writer};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::collections::VecDeque;

/// Answers from a script, and records the questions.
struct Scripted {
    answers: VecDeque<String>,
    asked: Vec<String>,
}

impl Scripted {
    fn new(answers: &[&str]) -> Scripted {
        Scripted {
            answers: answers.iter().map(|s| s.to_string()).collect(),
            asked: Vec::new(),
        }
    }
    fn next(&mut self) -> String {
        self.answers.pop_front().unwrap_or_default()
    }
}

impl Questioner for Scripted {
    fn ask_rename_field(&mut self, model: &str, old: &str, new: &str, field: &Field) -> bool {
        self.asked.push(format!(
            "Was {model}.{old} renamed to {model}.{new} (a {})?",
            field.describe()
        ));
        self.next() == "y"
    }
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool {
        self.asked
            .push(format!("Was the model {app}.{old} renamed to {app}.{new}?"));
        self.next() == "y"
    }
    fn ask_not_null_default(&mut self, model: &str, field: &Field, _adding: bool) -> DefaultAnswer {
        self.asked
            .push(format!("default for {model}.{}", field.name));
        match self.next().as_str() {
            "" | "quit" => DefaultAnswer::Quit,
            v => DefaultAnswer::OneOff(
                roan::migrations::questioner::parse_value(v, field.field_type).unwrap(),
            ),
        }
    }
}

fn pk() -> Field {
    Field::new("id", FieldType::Integer)
        .primary_key()
        .auto_increment()
}

fn model(name: &str, table: &str, fields: Vec<Field>, indexes: Vec<Index>) -> ModelState {
    ModelState {
        app: "blog".into(),
        name: name.into(),
        table: table.into(),
        fields,
        indexes,
    }
}

/// The models after each edit.
struct Models {
    author: ModelState,
    post: ModelState,
    tag: Option<ModelState>,
}

impl Models {
    fn state(&self) -> ProjectState {
        let mut all = vec![self.author.clone(), self.post.clone()];
        all.extend(self.tag.clone());
        ProjectState::from_models(all)
    }
    fn post_field(&mut self, name: &str) -> &mut Field {
        self.post
            .fields
            .iter_mut()
            .find(|f| f.name == name)
            .expect("field")
    }
}

struct Run {
    db: DatabaseConnection,
    backend: DbBackend,
    migrations: Vec<Migration>,
}

impl Run {
    async fn exec(&self, sql: &str) {
        self.db
            .execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let rows = self
            .db
            .query_all_raw(Statement::from_string(self.backend, sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.iter()
            .map(|r| {
                (0..)
                    .map_while(|i| {
                        r.try_get_by_index::<Option<String>>(i)
                            .map(|v| v.unwrap_or_else(|| "NULL".into()))
                            .or_else(|_| {
                                r.try_get_by_index::<Option<i64>>(i)
                                    .map(|v| v.map_or("NULL".into(), |n| n.to_string()))
                            })
                            .or_else(|_| {
                                r.try_get_by_index::<Option<i32>>(i)
                                    .map(|v| v.map_or("NULL".into(), |n| n.to_string()))
                            })
                            .ok()
                    })
                    .collect()
            })
            .collect()
    }

    /// Detects, "writes" (renders) and applies the change to `to`; returns the operations.
    async fn step(&mut self, to: &ProjectState, q: &mut dyn Questioner) -> Vec<Operation> {
        let graph = Graph::new(self.migrations.clone()).unwrap();
        let from = graph.full_state().unwrap();
        let changes = autodetector::detect(&from, to, &["blog".to_string()], q).expect("no quit");
        let ops = changes
            .get("blog")
            .map(|c| c.operations.clone())
            .unwrap_or_default();
        assert!(!ops.is_empty(), "no changes detected");
        let names: Vec<String> = self.migrations.iter().map(|m| m.name.clone()).collect();
        let name = writer::auto_name(writer::next_number(&names), &ops, names.is_empty());
        let deps: Vec<(String, String)> = graph
            .leaves("blog")
            .into_iter()
            .map(|l| ("blog".to_string(), l))
            .collect();
        let text = writer::render("blog", &name, &deps, &ops);
        assert!(text.contains("pub fn migration() -> Migration"));
        let mut m = Migration::new("blog", &name).operations(ops.clone());
        m.dependencies = deps;
        self.migrations.push(m);
        self.migrate(MigrateTarget::All).await;
        // Nothing left to detect.
        let graph = Graph::new(self.migrations.clone()).unwrap();
        let again = autodetector::detect(
            &graph.full_state().unwrap(),
            to,
            &["blog".to_string()],
            &mut NonInteractive::default(),
        )
        .expect("no question");
        assert!(again.is_empty(), "still detected: {again:?}");
        ops
    }

    async fn migrate(&self, target: MigrateTarget) {
        let graph = Graph::new(self.migrations.clone()).unwrap();
        let mut applied = recorder::applied(&self.db).await.unwrap();
        let steps = executor::plan(&graph, &applied, &target).unwrap();
        for step in steps {
            executor::run_step(&self.db, &graph, &step, &mut applied, false)
                .await
                .unwrap_or_else(|e| panic!("{:?}: {e}", self.backend));
        }
    }
}

async fn scenario(db: DatabaseConnection) {
    let backend = db.get_database_backend();
    let mut run = Run {
        db,
        backend,
        migrations: Vec::new(),
    };
    let mut m = Models {
        author: model(
            "author",
            "blog_author",
            vec![pk(), Field::new("name", FieldType::String).max_length(100)],
            vec![],
        ),
        post: model(
            "post",
            "blog_post",
            vec![
                pk(),
                Field::new("title", FieldType::String).max_length(200),
                Field::new("author_id", FieldType::Integer).foreign_key(
                    "blog_author",
                    "id",
                    OnDelete::Cascade,
                ),
            ],
            vec![],
        ),
        tag: Some(model(
            "tag",
            "blog_tag",
            vec![pk(), Field::new("label", FieldType::String).max_length(30)],
            vec![],
        )),
    };

    // 1. Two models with a foreign key (and a third to delete later).
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(run.migrations[0].name, "0001_initial");
    assert!(
        matches!(&ops[0], Operation::CreateModel { name, .. } if name == "author"),
        "FK target first: {ops:?}"
    );
    run.exec("INSERT INTO blog_author (name) VALUES ('Ann')")
        .await;
    run.exec("INSERT INTO blog_post (title, author_id) VALUES ('Hello', 1)")
        .await;
    run.exec("INSERT INTO blog_tag (label) VALUES ('news')")
        .await;

    // 2. A nullable field.
    m.post.fields.push(
        Field::new("subtitle", FieldType::String)
            .max_length(80)
            .null(),
    );
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(run.migrations[1].name, "0002_post_subtitle");
    assert_eq!(ops[0].describe(), "Add field subtitle to post");

    // 3. A field with a default.
    m.post
        .fields
        .push(Field::new("views", FieldType::Integer).default(DefaultValue::Int(0)));
    run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(
        run.rows("SELECT views FROM blog_post").await,
        vec![vec!["0"]]
    );

    // 4. NOT NULL without default: --noinput refuses; a one-off default is accepted.
    m.post
        .fields
        .push(Field::new("slug", FieldType::String).max_length(50));
    let graph = Graph::new(run.migrations.clone()).unwrap();
    let mut refuse = NonInteractive::default();
    assert!(
        autodetector::detect(
            &graph.full_state().unwrap(),
            &m.state(),
            &["blog".into()],
            &mut refuse
        )
        .is_err()
    );
    assert!(
        refuse
            .refused
            .unwrap()
            .contains("impossible to add a non-nullable field 'slug'")
    );
    let mut q = Scripted::new(&["hello-slug"]);
    run.step(&m.state(), &mut q).await;
    assert_eq!(
        run.rows("SELECT slug FROM blog_post").await,
        vec![vec!["hello-slug"]]
    );

    // 5. A longer max length.
    m.post_field("title").max_length = Some(300);
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(ops[0].describe(), "Alter field title on post");

    // 6. Nullable to NOT NULL, NULLs filled once.
    m.post_field("subtitle").null = false;
    let mut q = Scripted::new(&["none yet"]);
    run.step(&m.state(), &mut q).await;
    assert_eq!(
        run.rows("SELECT subtitle FROM blog_post").await,
        vec![vec!["none yet"]]
    );

    // 7. A field rename, answered yes.
    m.post_field("title").name = "headline".into();
    let mut q = Scripted::new(&["y"]);
    let ops = run.step(&m.state(), &mut q).await;
    assert_eq!(
        q.asked[0],
        "Was post.title renamed to post.headline (a varchar(300))?"
    );
    assert_eq!(
        ops,
        vec![Operation::rename_field("post", "title", "headline")]
    );

    // 8. A model rename, answered yes.
    m.author.name = "writer".into();
    m.author.table = "blog_writer".into();
    m.post_field("author_id")
        .foreign_key
        .as_mut()
        .unwrap()
        .to_table = "blog_writer".into();
    let mut q = Scripted::new(&["y"]);
    let ops = run.step(&m.state(), &mut q).await;
    assert_eq!(
        q.asked[0],
        "Was the model blog.author renamed to blog.writer?"
    );
    assert_eq!(
        ops[0],
        Operation::rename_model("author", "writer", "blog_writer")
    );
    assert_eq!(
        run.rows("SELECT name FROM blog_writer").await,
        vec![vec!["Ann"]]
    );

    // 9. An index.
    m.post
        .indexes
        .push(Index::new("blog_post_views_idx2", &["views"]));
    run.step(&m.state(), &mut NonInteractive::default()).await;

    // 10. A unique constraint over two fields.
    m.post
        .indexes
        .push(Index::new("blog_post_slug_views_uniq", &["slug", "views"]).unique());
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(
        ops,
        vec![Operation::add_constraint(
            "post",
            Index::new("blog_post_slug_views_uniq", &["slug", "views"])
        )]
    );
    let dup = run
        .db
        .execute_unprepared("INSERT INTO blog_post (headline, author_id, subtitle, views, slug) VALUES ('x', 1, 's', 0, 'hello-slug')")
        .await;
    assert!(dup.is_err(), "the unique constraint holds");

    // 11. A removed field.
    m.post.fields.retain(|f| f.name != "subtitle");
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(ops[0].describe(), "Remove field subtitle from post");

    // 12. A deleted model.
    m.tag = None;
    let ops = run.step(&m.state(), &mut NonInteractive::default()).await;
    assert_eq!(ops[0].describe(), "Delete model tag");

    // The rows kept their values through every edit.
    assert_eq!(
        run.rows("SELECT headline, slug, views, author_id FROM blog_post")
            .await,
        vec![vec!["Hello", "hello-slug", "0", "1"]]
    );
    // The foreign key still holds after the rebuilds and renames.
    let orphan = run
        .db
        .execute_unprepared("INSERT INTO blog_post (headline, author_id, views, slug) VALUES ('orphan', 999, 0, 'o')")
        .await;
    assert!(
        orphan.is_err(),
        "{backend:?}: a post pointing at no writer was accepted"
    );

    // Back to zero, and forwards again.
    run.migrate(MigrateTarget::Zero("blog".into())).await;
    assert!(recorder::applied(&run.db).await.unwrap().is_empty());
    run.migrate(MigrateTarget::All).await;
    assert_eq!(recorder::applied(&run.db).await.unwrap().len(), 12);
    run.exec("INSERT INTO blog_writer (name) VALUES ('Bo')")
        .await;
    run.exec(
        "INSERT INTO blog_post (headline, author_id, views, slug) VALUES ('Again', 1, 3, 's')",
    )
    .await;
}

/// A failing RunSql in the middle of a migration leaves nothing behind (transactional DDL).
async fn failing_migration_rolls_back(db: DatabaseConnection) {
    let backend = db.get_database_backend();
    let create = Migration::new("shop", "0001_initial").operations(vec![Operation::create_model(
        "item",
        "shop_item",
        vec![pk(), Field::new("name", FieldType::String).max_length(20)],
        vec![],
    )]);
    let broken = Migration::new("shop", "0002_broken")
        .depends_on(&[("shop", "0001_initial")])
        .operations(vec![
            Operation::add_field("item", Field::new("price", FieldType::Integer).null()),
            Operation::run_sql(
                &["INSERT INTO shop_item (name, price) VALUES ('a', 1)"],
                Some(&["DELETE FROM shop_item"]),
            ),
            Operation::run_sql(&["THIS IS NOT SQL"], None),
        ]);
    let graph = Graph::new(vec![create.clone(), broken]).unwrap();
    let mut applied = recorder::applied(&db).await.unwrap();
    for step in executor::plan(
        &graph,
        &applied,
        &MigrateTarget::To("shop".into(), "0001_initial".into()),
    )
    .unwrap()
    {
        executor::run_step(&db, &graph, &step, &mut applied, false)
            .await
            .unwrap();
    }
    let steps = executor::plan(&graph, &applied, &MigrateTarget::All).unwrap();
    let err = executor::run_step(&db, &graph, &steps[0], &mut applied, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("shop.0002_broken")
            && err.contains("THIS IS NOT SQL")
            && err.contains("rolled back"),
        "{err}"
    );
    // Not recorded, schema unchanged, no row.
    assert!(
        !recorder::applied(&db)
            .await
            .unwrap()
            .contains(&("shop".to_string(), "0002_broken".to_string()))
    );
    let count = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) FROM shop_item",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(count, 0);
    assert!(
        db.execute_unprepared("SELECT price FROM shop_item")
            .await
            .is_err(),
        "the column was rolled back"
    );
    // Fixed, it applies.
    let fixed = Migration::new("shop", "0002_broken")
        .depends_on(&[("shop", "0001_initial")])
        .operations(vec![Operation::add_field(
            "item",
            Field::new("price", FieldType::Integer).null(),
        )]);
    let graph = Graph::new(vec![create, fixed]).unwrap();
    for step in executor::plan(&graph, &applied, &MigrateTarget::All).unwrap() {
        executor::run_step(&db, &graph, &step, &mut applied, false)
            .await
            .unwrap();
    }
    db.execute_unprepared("SELECT price FROM shop_item")
        .await
        .unwrap();
}

fn tmp_sqlite(name: &str) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("mig-{name}-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&path);
    format!("sqlite://{}?mode=rwc", path.display())
}

async fn sqlite(name: &str) -> DatabaseConnection {
    let settings = roan::conf::Settings::from_toml_str(
        "DEBUG = true\n",
        std::path::Path::new("/tmp/settings.toml"),
        &[("DATABASE_URL".to_string(), tmp_sqlite(name))].into(),
    )
    .unwrap();
    roan::migrations::connect(&settings).await.unwrap()
}

/// A fresh database on a server, or None (skipped outside CI) when it cannot be reached.
async fn server_db(kind: &str, admin: &str, name: &str) -> Option<DatabaseConnection> {
    let db_name = format!("roan_test_{name}_{}", std::process::id());
    let url = fresh_database(kind, admin, &db_name).await?;
    Some(Database::connect(url).await.unwrap())
}

#[tokio::test]
async fn twelve_edits_on_sqlite() {
    scenario(sqlite("scenario").await).await;
}

#[tokio::test]
async fn twelve_edits_on_postgresql() {
    let url = postgres_url();
    if let Some(db) = server_db("PostgreSQL", &url, "scenario").await {
        scenario(db).await;
    }
}

#[tokio::test]
async fn twelve_edits_on_mariadb() {
    let url = mysql_url();
    if let Some(db) = server_db("MariaDB", &url, "scenario").await {
        scenario(db).await;
    }
}

#[tokio::test]
async fn failed_migration_is_rolled_back_on_sqlite() {
    failing_migration_rolls_back(sqlite("rollback").await).await;
}

#[tokio::test]
async fn failed_migration_is_rolled_back_on_postgresql() {
    let url = postgres_url();
    if let Some(db) = server_db("PostgreSQL", &url, "rollback").await {
        failing_migration_rolls_back(db).await;
    }
}

fn mig(app: &str, name: &str, deps: &[(&str, &str)]) -> Migration {
    Migration::new(app, name).depends_on(deps)
}

#[test]
fn plans_follow_dependencies_across_apps() {
    let graph = Graph::new(vec![
        mig("blog", "0001_initial", &[("auth", "0001_initial")]),
        mig("blog", "0002_more", &[("blog", "0001_initial")]),
        mig("auth", "0001_initial", &[]),
        mig("auth", "0002_more", &[("auth", "0001_initial")]),
    ])
    .unwrap();
    let order: Vec<String> = graph.ordered().iter().map(|m| m.label()).collect();
    assert_eq!(
        order,
        [
            "auth.0001_initial",
            "blog.0001_initial",
            "blog.0002_more",
            "auth.0002_more"
        ]
    );
    let key = |a: &str, n: &str| (a.to_string(), n.to_string());
    let none = Default::default();
    // migrate blog: blog's migrations and what they need, not auth.0002.
    let steps = executor::plan(&graph, &none, &MigrateTarget::App("blog".into())).unwrap();
    assert_eq!(
        steps,
        vec![
            executor::Step::Apply(key("auth", "0001_initial")),
            executor::Step::Apply(key("blog", "0001_initial")),
            executor::Step::Apply(key("blog", "0002_more")),
        ]
    );
    // migrate auth zero also unapplies blog, which depends on it, dependents first.
    let all: std::collections::BTreeSet<_> = graph.ordered().iter().map(|m| m.key()).collect();
    let steps = executor::plan(&graph, &all, &MigrateTarget::Zero("auth".into())).unwrap();
    assert_eq!(
        steps,
        vec![
            executor::Step::Unapply(key("auth", "0002_more")),
            executor::Step::Unapply(key("blog", "0002_more")),
            executor::Step::Unapply(key("blog", "0001_initial")),
            executor::Step::Unapply(key("auth", "0001_initial")),
        ]
    );
    // Backwards to a named migration.
    let steps = executor::plan(
        &graph,
        &all,
        &MigrateTarget::To("blog".into(), "0001_initial".into()),
    )
    .unwrap();
    assert_eq!(
        steps,
        vec![executor::Step::Unapply(key("blog", "0002_more"))]
    );
    // Unknown names and apps are explained.
    let err = executor::plan(
        &graph,
        &all,
        &MigrateTarget::To("blog".into(), "0009".into()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("0001_initial, 0002_more"), "{err}");
    assert!(executor::plan(&graph, &all, &MigrateTarget::App("nope".into())).is_err());
}

#[test]
fn broken_graphs_are_explained() {
    let err = Graph::new(vec![mig("blog", "0002_x", &[("blog", "0001_initial")])]).unwrap_err();
    assert!(
        err.to_string()
            .contains("depends on blog.0001_initial, which does not exist"),
        "{err}"
    );
    let err = Graph::new(vec![
        mig("a", "0001", &[("b", "0001")]),
        mig("b", "0001", &[("a", "0001")]),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("circular"), "{err}");
    // Two leaves in one app: a conflict that points at --merge.
    let graph = Graph::new(vec![
        mig("blog", "0001_initial", &[]),
        mig("blog", "0002_a", &[("blog", "0001_initial")]),
        mig("blog", "0002_b", &[("blog", "0001_initial")]),
    ])
    .unwrap();
    let err = graph.check_conflicts().unwrap_err().to_string();
    assert!(
        err.contains("0002_a and 0002_b") && err.contains("makemigrations --merge"),
        "{err}"
    );
    let merged = Graph::new(vec![
        mig("blog", "0001_initial", &[]),
        mig("blog", "0002_a", &[("blog", "0001_initial")]),
        mig("blog", "0002_b", &[("blog", "0001_initial")]),
        mig(
            "blog",
            "0003_merge",
            &[("blog", "0002_a"), ("blog", "0002_b")],
        ),
    ])
    .unwrap();
    assert!(merged.check_conflicts().is_ok());
    assert_eq!(merged.leaves("blog"), vec!["0003_merge"]);
}

#[test]
fn sql_for_a_create_model_runs_on_each_backend_shape() {
    let m = model(
        "post",
        "blog_post",
        vec![
            pk(),
            Field::new("title", FieldType::String)
                .max_length(200)
                .unique(),
            Field::new("published", FieldType::Boolean).default(DefaultValue::Bool(false)),
        ],
        vec![],
    );
    let sqlite = roan::migrations::schema::create_table(&m, "blog_post", DbBackend::Sqlite);
    assert!(sqlite[0].contains("AUTOINCREMENT"), "{sqlite:?}");
    assert!(
        sqlite[1].starts_with("CREATE UNIQUE INDEX \"blog_post_title_uniq\""),
        "{sqlite:?}"
    );
    let pg = roan::migrations::schema::create_table(&m, "blog_post", DbBackend::Postgres);
    assert!(
        pg[0].contains("GENERATED BY DEFAULT AS IDENTITY") && pg[0].contains("DEFAULT FALSE"),
        "{pg:?}"
    );
    let my = roan::migrations::schema::create_table(&m, "blog_post", DbBackend::MySql);
    assert!(
        my[0].contains("AUTO_INCREMENT") && my[0].starts_with("CREATE TABLE `blog_post`"),
        "{my:?}"
    );
}

fn seed(txn: &sea_orm::DatabaseTransaction) -> roan::migrations::RunFuture<'_> {
    Box::pin(async move {
        txn.execute_unprepared("INSERT INTO data_item (name) VALUES ('seeded')")
            .await?;
        Ok(())
    })
}

fn unseed(txn: &sea_orm::DatabaseTransaction) -> roan::migrations::RunFuture<'_> {
    Box::pin(async move {
        txn.execute_unprepared("DELETE FROM data_item WHERE name = 'seeded'")
            .await?;
        Ok(())
    })
}

async fn data_migration(db: DatabaseConnection) {
    let backend = db.get_database_backend();
    let graph = Graph::new(vec![
        Migration::new("data", "0001_initial").operations(vec![Operation::create_model(
            "item",
            "data_item",
            vec![pk(), Field::new("name", FieldType::String).max_length(20)],
            vec![],
        )]),
        Migration::new("data", "0002_seed")
            .depends_on(&[("data", "0001_initial")])
            .operations(vec![Operation::run_rust(seed, Some(unseed))]),
    ])
    .unwrap();
    let count = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            db.query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) FROM data_item",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
        }
    };
    let mut applied = recorder::applied(&db).await.unwrap();
    for step in executor::plan(&graph, &applied, &MigrateTarget::All).unwrap() {
        executor::run_step(&db, &graph, &step, &mut applied, false)
            .await
            .unwrap();
    }
    assert_eq!(count(&db).await, 1);
    let sql = executor::migration_sql(
        &graph,
        &("data".into(), "0002_seed".into()),
        &applied,
        backend,
        false,
    )
    .unwrap();
    assert!(sql[0].1[0].contains("RunRust"), "{sql:?}");
    for step in executor::plan(
        &graph,
        &applied,
        &MigrateTarget::To("data".into(), "0001_initial".into()),
    )
    .unwrap()
    {
        executor::run_step(&db, &graph, &step, &mut applied, false)
            .await
            .unwrap();
    }
    assert_eq!(count(&db).await, 0);
}

#[tokio::test]
async fn data_migrations_run_rust_on_sqlite() {
    data_migration(sqlite("data").await).await;
}

#[tokio::test]
async fn data_migrations_run_rust_on_mariadb() {
    let url = mysql_url();
    if let Some(db) = server_db("MariaDB", &url, "data").await {
        data_migration(db).await;
    }
}

/// The contrib apps' migrations are frozen files: a fresh project's models match them, and an
/// edited contrib model is a change `makemigrations --check` reports, not a rewritten history.
#[test]
fn contrib_migrations_are_frozen_history() {
    use roan::contrib::{auth, sessions};
    let changes = |models: Vec<roan::db::ModelState>| {
        let mut migrations = auth::migrations::all();
        migrations.extend(sessions::migrations::all());
        let from = Graph::new(migrations).unwrap().full_state().unwrap();
        let mut all = models;
        all.push(sessions::model());
        let to = ProjectState::from_models(all);
        let apps = vec!["auth".to_string(), "sessions".to_string()];
        autodetector::detect(&from, &to, &apps, &mut NonInteractive::default())
            .unwrap()
            .into_keys()
            .collect::<Vec<_>>()
    };
    assert!(
        changes(auth::models()).is_empty(),
        "a fresh project has no changes"
    );

    let mut edited = auth::models();
    let user = edited.iter_mut().find(|m| m.name == "user").unwrap();
    user.fields.push(
        Field::new("nickname", FieldType::String)
            .max_length(30)
            .null(),
    );
    assert_eq!(changes(edited), ["auth"], "the edit is a change to migrate");
}

mod post_by_user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blog_post")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub author_id: i32,
        #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "Cascade")]
        pub author: BelongsTo<roan::contrib::auth::user::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// auth's user is a sea-orm entity that matches its frozen table, and a project's model can
/// belong to it: the migration points at `roan_auth_user` and depends on auth.
#[tokio::test]
async fn a_project_model_belongs_to_the_auth_user() {
    use roan::contrib::auth;
    let entity = roan::db::model_of::<auth::user::Entity>("auth");
    let state = auth::models()
        .into_iter()
        .find(|m| m.name == "user")
        .unwrap();
    assert_eq!(entity.table, state.table);
    let shape = |m: &ModelState| {
        let mut f: Vec<_> = m
            .fields
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.field_type,
                    f.null,
                    f.max_length,
                    f.unique,
                    f.primary_key,
                )
            })
            .collect();
        f.sort_by(|a, b| a.0.cmp(&b.0));
        f
    };
    assert_eq!(
        shape(&entity),
        shape(&state),
        "the entity matches auth's table"
    );

    let post = roan::db::model_of::<post_by_user::Entity>("blog");
    assert_eq!(
        post.name, "post",
        "the model name is the table's, less the app's prefix"
    );
    assert_eq!(
        roan::db::model_of::<post_by_user::Entity>("news").name,
        "blog_post",
        "a table without the app's prefix is its own model name"
    );
    let from = Graph::new(auth::migrations::all())
        .unwrap()
        .full_state()
        .unwrap();
    let mut models = auth::models();
    models.push(post.clone());
    let to = ProjectState::from_models(models);
    let changes = autodetector::detect(
        &from,
        &to,
        &["auth".to_string(), "blog".to_string()],
        &mut NonInteractive::default(),
    )
    .unwrap();
    let blog = &changes["blog"];
    assert!(blog.depends_on_apps.contains("auth"), "{blog:?}");
    assert!(!changes.contains_key("auth"));

    // Applied on SQLite, the foreign key holds.
    let mut migrations = auth::migrations::all();
    migrations.push(
        Migration::new("blog", "0001_initial")
            .depends_on(&[("auth", "0001_initial")])
            .operations(blog.operations.clone()),
    );
    let graph = Graph::new(migrations).unwrap();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut applied = Default::default();
    for step in executor::plan(&graph, &applied, &MigrateTarget::All).unwrap() {
        executor::run_step(&db, &graph, &step, &mut applied, false)
            .await
            .unwrap();
    }
    db.execute_unprepared("PRAGMA foreign_keys = ON")
        .await
        .unwrap();
    let orphan = db
        .execute_unprepared("INSERT INTO blog_post (author_id) VALUES (42)")
        .await;
    assert!(
        orphan.is_err(),
        "no user 42: the foreign key refuses the row"
    );

    // As Django, each foreign key column is indexed: the project's, and auth's link tables'
    // (its migration 0002 added theirs).
    assert!(post.field("author_id").unwrap().db_index);
    let indexes: Vec<String> = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_idx' ORDER BY name",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    for name in [
        "blog_post_author_id_idx",
        "roan_auth_user_groups_group_id_idx",
        "roan_auth_user_groups_user_id_idx",
        "roan_auth_group_permissions_permission_id_idx",
    ] {
        assert!(
            indexes.iter().any(|i| i == name),
            "{name} not in {indexes:?}"
        );
    }
}
