//! The generic model operations on every backend: list with filter, search, order and pages;
//! get; create and update from form strings with per-field errors; delete with a cascade preview.

mod common;

use common::{fresh_database, mysql_url, postgres_url};
use roan::db::objects::{self, ListQuery, ObjectError};
use roan::db::{DefaultValue, Field, FieldType, ModelState, OnDelete};
use roan::migrations::{ProjectState, schema};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::collections::HashMap;

fn model(name: &str, fields: Vec<Field>) -> ModelState {
    ModelState {
        app: "blog".into(),
        name: name.into(),
        table: format!("blog_{name}"),
        fields,
        indexes: vec![],
    }
}

fn pk() -> Field {
    Field::new("id", FieldType::Integer)
        .primary_key()
        .auto_increment()
}

fn models() -> (ModelState, ModelState, ModelState) {
    let author = model(
        "author",
        vec![pk(), Field::new("name", FieldType::String).max_length(20)],
    );
    let post = model(
        "post",
        vec![
            pk(),
            Field::new("title", FieldType::String).max_length(40),
            Field::new("views", FieldType::Integer).default(DefaultValue::Int(0)),
            Field::new("published", FieldType::Boolean),
            Field::new("day", FieldType::Date).null(),
            Field::new("author_id", FieldType::Integer).foreign_key(
                "blog_author",
                "id",
                OnDelete::Cascade,
            ),
        ],
    );
    let comment = model(
        "comment",
        vec![
            pk(),
            Field::new("text", FieldType::Text),
            Field::new("post_id", FieldType::Integer).foreign_key(
                "blog_post",
                "id",
                OnDelete::Cascade,
            ),
        ],
    );
    (author, post, comment)
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn scenario(db: DatabaseConnection) {
    let backend = db.get_database_backend();
    let (author, post, comment) = models();
    for m in [&author, &post, &comment] {
        for sql in schema::create_table(m, &m.table, backend) {
            db.execute_unprepared(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
    let state = ProjectState::from_models([author.clone(), post.clone(), comment.clone()]);

    // Create, with typed conversion and errors per field.
    let ann = objects::create(&db, &author, &form(&[("name", "Ann")]))
        .await
        .unwrap();
    assert_eq!(ann["name"], "Ann");
    assert_eq!(ann["id"], 1);
    let err = objects::create(
        &db,
        &author,
        &form(&[("name", "a name far too long for it")]),
    )
    .await;
    match err {
        Err(ObjectError::Invalid(e)) => {
            assert!(e.0["name"][0].contains("at most 20 characters"), "{e:?}")
        }
        other => panic!("{other:?}"),
    }
    let err = objects::create(
        &db,
        &post,
        &form(&[("views", "many"), ("day", "31/12/2024")]),
    )
    .await;
    match err {
        Err(ObjectError::Invalid(e)) => {
            assert_eq!(e.0["views"], vec!["Enter a whole number."]);
            assert!(e.0["day"][0].contains("valid date"));
            assert_eq!(e.0["title"], vec!["This field is required."]);
            assert_eq!(e.0["author_id"], vec!["This field is required."]);
        }
        other => panic!("{other:?}"),
    }
    for (i, title) in ["Rust tips", "Django notes", "rusty nails", "Cooking"]
        .iter()
        .enumerate()
    {
        let views = (i * 10).to_string();
        let published = if i % 2 == 0 { "on" } else { "" };
        let row = objects::create(
            &db,
            &post,
            &form(&[
                ("title", title),
                ("views", &views),
                ("published", published),
                ("author_id", "1"),
                ("day", "2024-02-30"),
            ]),
        )
        .await;
        assert!(row.is_err(), "an invalid date is refused");
        let row = objects::create(
            &db,
            &post,
            &form(&[
                ("title", title),
                ("views", &views),
                ("published", published),
                ("author_id", "1"),
                ("day", ""),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(row["title"], *title);
        assert_eq!(row["day"], serde_json::Value::Null);
    }
    // A default applies when the field is not sent; an absent checkbox is false.
    let row = objects::create(
        &db,
        &post,
        &form(&[("title", "Defaults"), ("author_id", "1")]),
    )
    .await
    .unwrap();
    assert_eq!(row["views"], 0);
    assert_eq!(row["published"], false);

    // List: search (case-insensitive), filter, order, pages.
    let page = objects::list(
        &db,
        &post,
        &ListQuery {
            search: Some("RUST".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let titles: Vec<&str> = page
        .rows
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Rust tips", "rusty nails"]);
    let page = objects::list(
        &db,
        &post,
        &ListQuery {
            filters: vec![("published".into(), "true".into())],
            order: vec!["-views".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let titles: Vec<&str> = page
        .rows
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["rusty nails", "Rust tips"]);
    let page = objects::list(
        &db,
        &post,
        &ListQuery {
            order: vec!["title".into()],
            page: 2,
            per_page: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.pages, page.rows.len()), (5, 3, 2));
    assert!(matches!(
        objects::list(
            &db,
            &post,
            &ListQuery {
                order: vec!["nope".into()],
                ..Default::default()
            }
        )
        .await,
        Err(ObjectError::UnknownField { .. })
    ));
    // A search with LIKE wildcards matches them literally.
    let page = objects::list(
        &db,
        &post,
        &ListQuery {
            search: Some("%".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 0);

    // Get and update.
    let got = objects::get(&db, &post, "2").await.unwrap().unwrap();
    assert_eq!(got["title"], "Django notes");
    let updated = objects::update(
        &db,
        &post,
        "2",
        &form(&[("views", "99"), ("published", "on")]),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        (
            updated["views"].as_i64(),
            updated["published"].as_bool(),
            updated["title"].as_str()
        ),
        (Some(99), Some(true), Some("Django notes"))
    );
    assert!(objects::get(&db, &post, "999").await.unwrap().is_none());
    assert!(matches!(
        objects::get(&db, &post, "abc").await,
        Err(ObjectError::Invalid(_))
    ));

    // Delete with a preview of what cascades.
    objects::create(&db, &comment, &form(&[("text", "nice"), ("post_id", "1")]))
        .await
        .unwrap();
    objects::create(&db, &comment, &form(&[("text", "meh"), ("post_id", "2")]))
        .await
        .unwrap();
    let effects = objects::delete_preview(&db, &state, &author, "1")
        .await
        .unwrap();
    let summary: Vec<(String, u64)> = effects.iter().map(|e| (e.model.clone(), e.count)).collect();
    assert!(
        summary.contains(&("blog.post".into(), 5)) && summary.contains(&("blog.comment".into(), 2)),
        "{summary:?}"
    );
    let effects = objects::delete_preview(&db, &state, &post, "1")
        .await
        .unwrap();
    assert_eq!(effects.iter().map(|e| e.count).sum::<u64>(), 1);
    assert_eq!(objects::delete(&db, &comment, "1").await.unwrap(), 1);
    assert_eq!(objects::delete(&db, &comment, "1").await.unwrap(), 0);
}

/// Three tests of one scenario: on SQLite in memory, and on a fresh PostgreSQL and MariaDB
/// database `roan_<db>_<pid>` (skipped with the reason outside CI when a server is down).
macro_rules! on_every_backend {
    ($scenario:ident, $db:literal, $sqlite:ident, $postgresql:ident, $mariadb:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $scenario(Database::connect("sqlite::memory:").await.unwrap()).await;
        }

        #[tokio::test]
        async fn $postgresql() {
            if let Some(db) = server("PostgreSQL", &postgres_url(), $db).await {
                $scenario(db).await;
            }
        }

        #[tokio::test]
        async fn $mariadb() {
            if let Some(db) = server("MariaDB", &mysql_url(), $db).await {
                $scenario(db).await;
            }
        }
    };
}

/// A fresh database `roan_<what>_<pid>` on a server: each test its own, as they run at once.
async fn server(kind: &str, admin: &str, what: &str) -> Option<DatabaseConnection> {
    let url = fresh_database(kind, admin, &format!("roan_{what}_{}", std::process::id())).await?;
    Some(Database::connect(url).await.unwrap())
}

on_every_backend!(scenario, "objects", on_sqlite, on_postgresql, on_mariadb);

// Django's lookups through roan::db::query, on each backend.

fn polls() -> Vec<ModelState> {
    let question = ModelState {
        app: "polls".into(),
        name: "question".into(),
        table: "polls_question".into(),
        fields: vec![
            pk(),
            Field::new("question_text", FieldType::String).max_length(200),
            Field::new("pub_date", FieldType::DateTime).null(),
        ],
        indexes: vec![],
    };
    let choice = ModelState {
        app: "polls".into(),
        name: "choice".into(),
        table: "polls_choice".into(),
        fields: vec![
            pk(),
            Field::new("question_id", FieldType::Integer).foreign_key(
                "polls_question",
                "id",
                OnDelete::Cascade,
            ),
            Field::new("choice_text", FieldType::String).max_length(200),
            Field::new("votes", FieldType::Integer).default(DefaultValue::Int(0)),
        ],
        indexes: vec![],
    };
    vec![question, choice]
}

async fn ids_of(db: &DatabaseConnection, qs: roan::db::query::QuerySet<'_>) -> Vec<i64> {
    qs.all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn lookups(db: DatabaseConnection) {
    use roan::db::query::QuerySet;
    use serde_json::json;
    let models = polls();
    let backend = db.get_database_backend();
    for m in &models {
        for sql in schema::create_table(m, &m.table, backend) {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }
    for (text, date) in [
        ("What's up?", Some("2026-11-20 10:00:00")),
        ("Old question", Some("2025-03-04 09:00:00")),
        ("What is new?", Some("2026-12-01 12:30:00")),
        ("Undated", None),
    ] {
        let mut row = form(&[("question_text", text)]);
        if let Some(d) = date {
            row.insert("pub_date".into(), d.into());
        }
        objects::create(&db, &models[0], &row).await.unwrap();
    }
    for (q, text, votes) in [(1, "Not much", "3"), (1, "The sky", "0"), (3, "Rust", "1")] {
        let row = form(&[
            ("question_id", &q.to_string()),
            ("choice_text", text),
            ("votes", votes),
        ]);
        objects::create(&db, &models[1], &row).await.unwrap();
    }
    let q = || QuerySet::new(&models, "polls.question").unwrap();
    let c = || QuerySet::new(&models, "polls.choice").unwrap();
    let ids = |rows: Vec<roan::db::objects::Row>| -> Vec<i64> {
        rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
    };

    let this_year = q().filter(&[("pub_date__year", json!(2026))]).unwrap();
    assert_eq!(this_year.count(&db).await.unwrap(), 2);
    let recent = this_year
        .clone()
        .exclude(&[("question_text__startswith", json!("Old"))])
        .unwrap()
        .order_by(&["-pub_date"])
        .unwrap()
        .slice(0, Some(5));
    assert_eq!(ids(recent.all(&db).await.unwrap()), [3, 1]);
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("question_text__icontains", json!("WHAT"))])
                .unwrap()
                .order_by(&["id"])
                .unwrap()
        )
        .await,
        [1, 3]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("question_text__iexact", json!("old QUESTION"))])
                .unwrap()
        )
        .await,
        [2]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("question_text__endswith", json!("?"))])
                .unwrap()
                .order_by(&["id"])
                .unwrap()
        )
        .await,
        [1, 3]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("id__in", json!([1, 4]))])
                .unwrap()
                .order_by(&["id"])
                .unwrap()
        )
        .await,
        [1, 4]
    );
    assert_eq!(
        ids_of(&db, q().filter(&[("pk", json!(2))]).unwrap()).await,
        [2]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("pub_date__isnull", json!(true))]).unwrap()
        )
        .await,
        [4]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[(
                "pub_date__range",
                json!(["2026-01-01 00:00:00", "2026-11-30 00:00:00"])
            )])
            .unwrap()
        )
        .await,
        [1]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("pub_date__month", json!(12)), ("pub_date__day", json!(1))])
                .unwrap()
        )
        .await,
        [3]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("pub_date__year__lt", json!(2026))]).unwrap()
        )
        .await,
        [2]
    );
    // A 50% in the text is matched as text, not as a wildcard.
    assert_eq!(
        q().filter(&[("question_text__contains", json!("%"))])
            .unwrap()
            .count(&db)
            .await
            .unwrap(),
        0
    );

    // Across relations, both ways.
    assert_eq!(
        ids_of(&db, q().filter(&[("choice__votes__gt", json!(2))]).unwrap()).await,
        [1]
    );
    assert_eq!(
        ids_of(
            &db,
            q().filter(&[("choice__choice_text", json!("Rust"))])
                .unwrap()
        )
        .await,
        [3]
    );
    assert_eq!(
        ids_of(
            &db,
            c().filter(&[("question__pub_date__lte", json!("2026-11-30 00:00:00"))])
                .unwrap()
                .order_by(&["id"])
                .unwrap()
        )
        .await,
        [1, 2]
    );
    assert_eq!(
        ids_of(&db, c().filter(&[("question", json!(3))]).unwrap()).await,
        [3]
    );
    assert_eq!(
        ids_of(
            &db,
            c().filter(&[("question__question_text__startswith", json!("What"))])
                .unwrap()
                .order_by(&["-votes"])
                .unwrap()
        )
        .await,
        [1, 3, 2]
    );

    // first, last, exists, a slice's count.
    assert_eq!(q().first(&db).await.unwrap().unwrap()["id"], 1);
    assert_eq!(q().last(&db).await.unwrap().unwrap()["id"], 4);
    assert!(
        !q().filter(&[("question_text", json!("nothing"))])
            .unwrap()
            .exists(&db)
            .await
            .unwrap()
    );
    assert_eq!(
        q().order_by(&["id"])
            .unwrap()
            .slice(1, Some(3))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        ids(q()
            .order_by(&["id"])
            .unwrap()
            .slice(2, None)
            .all(&db)
            .await
            .unwrap()),
        [3, 4]
    );

    // update and delete in one statement each.
    assert_eq!(
        q().filter(&[("pk", json!(3))])
            .unwrap()
            .update(&db, &[("question_text", json!("x"))])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ids_of(&db, q().filter(&[("question_text", json!("x"))]).unwrap()).await,
        [3]
    );
    assert_eq!(
        c().filter(&[("question__question_text", json!("x"))])
            .unwrap()
            .delete(&db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(c().count(&db).await.unwrap(), 2);

    // Django's errors.
    assert_eq!(
        q().filter(&[("titel", json!("x"))])
            .unwrap_err()
            .to_string(),
        "FieldError: Cannot resolve keyword 'titel' into field. Choices are: choice, id, pub_date, question_text"
    );
    assert_eq!(
        q().filter(&[("question_text__foo", json!("x"))])
            .unwrap_err()
            .to_string(),
        "FieldError: Unsupported lookup 'foo' for question_text (String) or join on the field not permitted."
    );
    assert_eq!(
        q().filter(&[("id", json!("abc"))]).unwrap_err().to_string(),
        "ValidationError: id: 'abc': Enter a whole number."
    );
}

on_every_backend!(
    lookups,
    "lookups",
    lookups_on_sqlite,
    lookups_on_postgresql,
    lookups_on_mariadb
);

// Fixtures in Django's format, on each backend.

async fn fixtures_round_trip(db: DatabaseConnection) {
    use roan::db::fixtures::{self, Format};
    let models = polls();
    let backend = db.get_database_backend();
    for m in &models {
        for sql in schema::create_table(m, &m.table, backend) {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }
    // A fixture as Django's dumpdata writes it (choices listed after their questions here,
    // but the loader orders by foreign keys anyway).
    let text = include_str!("fixtures/django_polls.json");
    let mut objects = fixtures::parse(text, Format::Json, "django_polls.json").unwrap();
    objects.reverse();
    let parsed = vec![("django_polls.json".to_string(), objects)];
    assert_eq!(
        fixtures::load(&db, &models, &[], &parsed, false)
            .await
            .unwrap(),
        4
    );

    let refs: Vec<&ModelState> = models.iter().collect();
    let mut out = Vec::new();
    let n = fixtures::dump(&db, &refs, &[], &[], Format::Json, Some(2), &mut out)
        .await
        .unwrap();
    assert_eq!(n, 4);
    let dumped = String::from_utf8(out).unwrap();
    assert!(dumped.contains("\"model\": \"polls.question\""), "{dumped}");
    assert!(
        dumped.contains("\"pub_date\": \"2026-11-20T10:00:00\""),
        "{dumped}"
    );
    assert!(
        dumped.contains("\"question\": 1"),
        "a foreign key under its field's name: {dumped}"
    );
    let again = fixtures::parse(&dumped, Format::Json, "dump").unwrap();
    assert_eq!(again.len(), 4);
    assert_eq!(again[1].fields["question_text"], "Café or tea?");

    // Loading the same objects again updates them (no duplicates); JSONL too.
    let mut jsonl = Vec::new();
    fixtures::dump(
        &db,
        &refs[..1],
        &[],
        &["2".into()],
        Format::Jsonl,
        None,
        &mut jsonl,
    )
    .await
    .unwrap();
    let lines = String::from_utf8(jsonl).unwrap();
    // Fractions of a second are kept on every backend (MySQL's column is DATETIME(6)).
    assert_eq!(
        lines,
        "{\"model\": \"polls.question\", \"pk\": 2, \"fields\": {\"question_text\": \"Café or tea?\", \"pub_date\": \"2026-11-21T08:30:15.250\"}}\n"
    );
    assert_eq!(
        fixtures::load(&db, &models, &[], &[("again".into(), again)], false)
            .await
            .unwrap(),
        4
    );
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert_eq!(count("polls_question").await, 2);

    // One bad row: nothing of the fixture is stored, and the error names it.
    let bad = r#"[
        {"model": "polls.question", "pk": 7, "fields": {"question_text": "Fine", "pub_date": null}},
        {"model": "polls.choice", "pk": 9, "fields": {"question": 7, "choice_text": "x", "votes": "many"}}
    ]"#;
    let objects = fixtures::parse(bad, Format::Json, "bad.json").unwrap();
    let err = fixtures::load(&db, &models, &[], &[("bad.json".into(), objects)], false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Could not load polls.choice(pk=9)") && err.contains("'votes'"),
        "{err}"
    );
    assert_eq!(
        count("polls_question").await,
        2,
        "the good row was rolled back too"
    );
    let unknown = r#"[{"model": "polls.question", "pk": 8, "fields": {"question_text": "x", "colour": "red"}}]"#;
    let objects = fixtures::parse(unknown, Format::Json, "unknown.json").unwrap();
    assert!(
        fixtures::load(&db, &models, &[], &[("u".into(), objects.clone())], false)
            .await
            .is_err()
    );
    assert_eq!(
        fixtures::load(&db, &models, &[], &[("u".into(), objects)], true)
            .await
            .unwrap(),
        1,
        "--ignorenonexistent skips the unknown field"
    );
    // A new row after a load gets the next key (PostgreSQL's sequence was moved on).
    let row = objects::create(&db, &models[0], &form(&[("question_text", "New")]))
        .await
        .unwrap();
    assert_eq!(row["id"], 9, "{row:?}");

    fixtures::flush(&db, &refs).await.unwrap();
    assert_eq!(count("polls_choice").await, 0);
    assert_eq!(count("polls_question").await, 0);
}

on_every_backend!(
    fixtures_round_trip,
    "fixtures",
    fixtures_on_sqlite,
    fixtures_on_postgresql,
    fixtures_on_mariadb
);

// Many-to-many fields in fixtures: lists of primary keys, as Django writes them.

async fn fixtures_many_to_many(db: DatabaseConnection) {
    use roan::db::ManyToMany;
    use roan::db::fixtures::{self, Format};
    let (author, post, _) = models();
    let tag = model(
        "tag",
        vec![pk(), Field::new("name", FieldType::String).max_length(20)],
    );
    let link = model(
        "post_tags",
        vec![
            pk(),
            Field::new("post_id", FieldType::Integer).foreign_key(
                "blog_post",
                "id",
                OnDelete::Cascade,
            ),
            Field::new("tag_id", FieldType::Integer).foreign_key(
                "blog_tag",
                "id",
                OnDelete::Cascade,
            ),
        ],
    );
    let registry = vec![author, post, tag, link];
    let backend = db.get_database_backend();
    for m in &registry {
        for sql in schema::create_table(m, &m.table, backend) {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }
    let many = vec![ManyToMany::through(&registry[1], "tags", &registry[3]).unwrap()];
    // The tags come after the posts that list them: links are stored once every row is.
    let text = r#"[
        {"model": "blog.author", "pk": 1, "fields": {"name": "Ann"}},
        {"model": "blog.post", "pk": 1, "fields": {"title": "One", "views": 0, "published": true, "day": null, "author": 1, "tags": [2, 1]}},
        {"model": "blog.post", "pk": 2, "fields": {"title": "Two", "views": 0, "published": false, "day": null, "author": 1, "tags": []}},
        {"model": "blog.tag", "pk": 1, "fields": {"name": "rust"}},
        {"model": "blog.tag", "pk": 2, "fields": {"name": "web"}}
    ]"#;
    let objects = fixtures::parse(text, Format::Json, "m2m.json").unwrap();
    assert_eq!(
        fixtures::load(
            &db,
            &registry,
            &many,
            &[("m2m.json".into(), objects)],
            false
        )
        .await
        .unwrap(),
        5
    );
    let links = |db: DatabaseConnection| async move {
        db.query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT post_id, tag_id FROM blog_post_tags ORDER BY post_id, tag_id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get::<i32>("", "post_id").unwrap(),
                r.try_get::<i32>("", "tag_id").unwrap(),
            )
        })
        .collect::<Vec<_>>()
    };
    assert_eq!(links(db.clone()).await, vec![(1, 1), (1, 2)]);

    // The dump lists each post's tags after its columns; the link rows are not objects.
    let refs: Vec<&ModelState> = registry[..3].iter().collect();
    let mut out = Vec::new();
    assert_eq!(
        fixtures::dump(&db, &refs, &many, &[], Format::Jsonl, None, &mut out)
            .await
            .unwrap(),
        5
    );
    let dumped = String::from_utf8(out).unwrap();
    assert!(
        dumped.contains(
            r#"{"model": "blog.post", "pk": 1, "fields": {"title": "One", "views": 0, "published": true, "day": null, "author": 1, "tags": [1, 2]}}"#
        ),
        "{dumped}"
    );
    assert!(dumped.contains(r#""author": 1, "tags": []}}"#), "{dumped}");

    // Loading a post again replaces its links.
    let again = r#"[{"model": "blog.post", "pk": 1, "fields": {"title": "One", "tags": [2]}}]"#;
    let objects = fixtures::parse(again, Format::Json, "again.json").unwrap();
    fixtures::load(
        &db,
        &registry,
        &many,
        &[("again.json".into(), objects)],
        false,
    )
    .await
    .unwrap();
    assert_eq!(links(db.clone()).await, vec![(1, 2)]);

    // A list that is not one, or a key of no row: the load names the field and stores nothing.
    for (bad, says) in [
        (
            r#"[{"model": "blog.post", "pk": 2, "fields": {"title": "Changed", "tags": 1}}]"#,
            "a many-to-many field is a list of primary keys",
        ),
        (
            r#"[{"model": "blog.post", "pk": 2, "fields": {"title": "Changed", "tags": [1, 99]}}]"#,
            "'tags'",
        ),
    ] {
        let objects = fixtures::parse(bad, Format::Json, "bad.json").unwrap();
        let err = fixtures::load(
            &db,
            &registry,
            &many,
            &[("bad.json".into(), objects)],
            false,
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Could not load blog.post(pk=2)") && err.contains(says),
            "{err}"
        );
        assert_eq!(links(db.clone()).await, vec![(1, 2)], "{err}");
        let title = db
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                "SELECT title FROM blog_post WHERE id = 2",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "title")
            .unwrap();
        assert_eq!(title, "Two", "the post's own change was rolled back too");
    }
}

on_every_backend!(
    fixtures_many_to_many,
    "fixtures_m2m",
    many_to_many_fixtures_on_sqlite,
    many_to_many_fixtures_on_postgresql,
    many_to_many_fixtures_on_mariadb
);

/// A declared many-to-many field whose models or foreign keys do not match is reported by
/// `roan check` with Django's ids, and left out of the site.
#[test]
fn many_to_many_declarations_are_checked() {
    let (author, post, _) = models();
    let link = model(
        "post_tags",
        vec![
            pk(),
            Field::new("post_id", FieldType::Integer).foreign_key(
                "blog_post",
                "id",
                OnDelete::Cascade,
            ),
        ],
    );
    let app = roan::App::new("blog")
        .model_state(author)
        .model_state(post)
        .model_state(link)
        .many_to_many("post", "tags", "post_tags")
        .many_to_many("post", "topics", "post_topics")
        .many_to_many("article", "tags", "post_tags");
    assert!(app.many_to_many_fields().is_empty());
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("m2m-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let settings = roan::conf::Settings::from_toml_str(
        "SECRET_KEY = \"k\"\nDEBUG = true\n",
        &dir.join("settings.toml"),
        &HashMap::new(),
    )
    .unwrap();
    let project = roan::Project::new("checked", &dir).app(app);
    let site = roan::Site::new(&project, settings).unwrap();
    assert!(site.many_to_many().is_empty());
    let found: Vec<String> = roan::management::checks::run(&project, &site)
        .iter()
        .map(|m| format!("{}: {}", m.id, m.message))
        .collect();
    for expected in [
        "fields.E336: 'blog.post.tags': the link model 'blog.post_tags' needs exactly one foreign key besides 'post_id' (it has 0)",
        "fields.E331: 'blog.post.topics' specifies a many-to-many relation through model 'blog.post_topics', which has not been installed",
        "fields.E300: 'blog.article.tags' is declared on model 'blog.article', which is not registered",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected}\nnot in {found:#?}"
        );
    }
}

// The shell: the tutorial's session, line by line, with what Django prints.

#[test]
fn the_tutorials_shell_session() {
    let mut shell = roan::shell::Session::in_memory(polls()).unwrap();
    tutorial(&mut shell);
}

#[test]
fn the_tutorials_shell_session_on_postgresql() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(async {
        let url = fresh_database(
            "PostgreSQL",
            &postgres_url(),
            &format!("roan_shell_{}", std::process::id()),
        )
        .await?;
        let db = Database::connect(&url).await.unwrap();
        for m in &polls() {
            for sql in schema::create_table(m, &m.table, db.get_database_backend()) {
                db.execute_unprepared(&sql).await.unwrap();
            }
        }
        Some(url)
    }) else {
        return;
    };
    let dir = std::env::temp_dir();
    let settings = roan::conf::Settings::from_toml_str(
        &format!("SECRET_KEY = \"k\"\n[DATABASES.default]\nURL = \"{url}\"\n"),
        &dir.join("settings.toml"),
        &Default::default(),
    )
    .unwrap();
    let mut shell = roan::shell::Session::connect(polls(), &settings, true).unwrap();
    tutorial(&mut shell);
}

fn tutorial(shell: &mut roan::shell::Session) {
    let mut run = |line: &str| shell.run(line).join("\n");
    assert_eq!(run("Question.objects.all()"), "<QuerySet []>");
    assert_eq!(run("from polls.models import Choice, Question"), "");
    assert_eq!(run("from django.utils import timezone"), "");
    assert_eq!(
        run("q = Question(question_text=\"What's new?\", pub_date=timezone.now())"),
        ""
    );
    assert_eq!(run("q.save()"), "");
    assert_eq!(run("q.id"), "1");
    assert!(
        run("q.pub_date").starts_with("datetime.datetime(20"),
        "{}",
        run("q.pub_date")
    );
    assert_eq!(run("q.question_text"), "\"What's new?\"");
    assert_eq!(run("q.question_text = \"What's up?\"; q.save()"), "");
    assert_eq!(
        run("Question.objects.all()"),
        "<QuerySet [<Question: Question object (1)>]>"
    );
    assert_eq!(
        run("Question.objects.filter(question_text__startswith=\"What\")"),
        "<QuerySet [<Question: Question object (1)>]>"
    );
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(
        run(&format!("Question.objects.get(pub_date__year={year})")),
        "<Question: Question object (1)>"
    );
    assert_eq!(
        run("Question.objects.get(id=2)"),
        "polls.models.Question.DoesNotExist: Question matching query does not exist."
    );
    assert_eq!(run("q = Question.objects.get(pk=1)"), "");
    assert_eq!(run("q.choice_set.all()"), "<QuerySet []>");
    assert_eq!(
        run("q.choice_set.create(choice_text=\"Not much\", votes=0)"),
        "<Choice: Choice object (1)>"
    );
    assert_eq!(
        run("q.choice_set.create(choice_text=\"The sky\", votes=0)"),
        "<Choice: Choice object (2)>"
    );
    assert_eq!(
        run("c = q.choice_set.create(choice_text=\"Just hacking again\", votes=0)"),
        ""
    );
    assert_eq!(run("c.question"), "<Question: Question object (1)>");
    assert_eq!(run("q.choice_set.count()"), "3");
    assert_eq!(
        run(&format!(
            "Choice.objects.filter(question__pub_date__year={year}).count()"
        )),
        "3"
    );
    assert_eq!(
        run("c = q.choice_set.filter(choice_text__startswith=\"Just hacking\")"),
        ""
    );
    assert_eq!(run("c.delete()"), "(1, {'polls.Choice': 1})");
    assert_eq!(
        run("Question.objects.filter(pk=1).update(question_text=\"x\")"),
        "1"
    );
    assert_eq!(run("print(Question.objects.get(pk=1).question_text)"), "x");
    assert_eq!(
        run("Question.objects.filter(titel=\"x\")"),
        "FieldError: Cannot resolve keyword 'titel' into field. Choices are: choice, id, pub_date, question_text"
    );
    assert!(
        run("Question.objects.filter(pub_date__year=2026).exclude(question_text__startswith=\"Old\").order_by(\"-pub_date\")[:5]")
            .starts_with("<QuerySet [")
    );
    assert_eq!(
        run("Question.objects.values_list(\"id\", flat=True)"),
        "[1]"
    );
    assert_eq!(
        run("Choice.objects.values(\"choice_text\", \"votes\")[:1]"),
        "[{'choice_text': 'Not much', 'votes': 0}]"
    );
    assert_eq!(
        run("Choice.objects.order_by(\"-id\").first()"),
        "<Choice: Choice object (2)>"
    );
    assert_eq!(
        run("Question.objects.get_or_create(question_text=\"x\")"),
        "(<Question: Question object (1)>, False)"
    );
    assert_eq!(
        run("Question.objects.filter(pk__in=[1, 5]).exists()"),
        "True"
    );
    assert_eq!(
        run("Choice.objects.filter(question__pub_date__lte=timezone.now()).count()"),
        "2"
    );
    assert_eq!(run("nothing"), "NameError: name 'nothing' is not defined");
    assert_eq!(
        run("q.titel"),
        "AttributeError: 'Question' object has no attribute 'titel'"
    );
    assert!(run("q = ").starts_with("SyntaxError:"));
    assert_eq!(run("len(Choice.objects.all())"), "2");
    assert!(run("Choice.objects.get(votes=0)").contains(
        "MultipleObjectsReturned: get() returned more than one Choice -- it returned 2!"
    ));

    // Completion: model names, manager methods, fields and lookups.
    let done = |s: &roan::shell::Session, text: &str| s.complete(text);
    let shell = &*shell;
    assert!(done(shell, "Quest").contains(&"Question".to_string()));
    assert_eq!(
        done(shell, "Question.objects.fi"),
        ["Question.objects.filter", "Question.objects.first"]
    );
    assert_eq!(
        done(shell, "Question.objects.filter(question_text__ic"),
        ["Question.objects.filter(question_text__icontains"]
    );
    assert_eq!(
        done(shell, "Question.objects.filter(pub_"),
        ["Question.objects.filter(pub_date"]
    );
}

// inspectdb's reading of existing tables, on each backend.

async fn introspection(db: DatabaseConnection) {
    use roan::db::introspect;
    let models = polls();
    let backend = db.get_database_backend();
    for m in &models {
        for sql in schema::create_table(m, &m.table, backend) {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }
    let tables = introspect::tables(&db).await.unwrap();
    assert!(
        tables.contains(&"polls_question".to_string())
            && tables.contains(&"polls_choice".to_string()),
        "{tables:?}"
    );
    let (question, guesses) = introspect::inspect(&db, "polls_question").await.unwrap();
    assert!(guesses.is_empty(), "{guesses:?}");
    let f = |m: &ModelState, n: &str| m.field(n).unwrap().clone();
    let id = f(&question, "id");
    assert!(id.primary_key && id.auto_increment, "{id:?}");
    let text = f(&question, "question_text");
    assert_eq!(
        (text.field_type, text.max_length, text.null),
        (FieldType::String, Some(200), false)
    );
    let date = f(&question, "pub_date");
    assert_eq!((date.field_type, date.null), (FieldType::DateTime, true));
    let (choice, _) = introspect::inspect(&db, "polls_choice").await.unwrap();
    let fk = f(&choice, "question_id").foreign_key.unwrap();
    assert_eq!(
        (fk.to_table.as_str(), fk.to_column.as_str()),
        ("polls_question", "id")
    );
    let code = introspect::entities(&[question, choice], &[]);
    for line in [
        "#[sea_orm(table_name = \"polls_question\")]",
        "#[sea_orm(column_type = \"String(StringLen::N(200))\")]",
        "pub pub_date: Option<DateTime>,",
        "#[sea_orm(belongs_to, from = \"question_id\", to = \"id\")]",
        "pub question: BelongsTo<super::polls_question::Entity>,",
    ] {
        assert!(code.contains(line), "{line} not in\n{code}");
    }
    assert!(introspect::inspect(&db, "nothing_here").await.is_err());
}

on_every_backend!(
    introspection,
    "inspect",
    introspection_on_sqlite,
    introspection_on_postgresql,
    introspection_on_mariadb
);

/// A fixture Django 5.2's `dumpdata` wrote (tests/support/django_polls.py made it) loads into
/// roan; roan's dump of it is Django's text (datetimes without Django's `Z`: roan's columns are
/// naive UTC), and Django loads roan's dump back to the same fixture.
#[tokio::test]
async fn fixtures_round_trip_with_django() {
    use roan::db::fixtures::{self, Format};
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let models = polls();
    for m in &models {
        for sql in schema::create_table(m, &m.table, db.get_database_backend()) {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }
    let django = include_str!("fixtures/django_dumpdata_polls.json");
    let objects = fixtures::parse(django, Format::Json, "django_dumpdata_polls.json").unwrap();
    assert_eq!(
        fixtures::load(&db, &models, &[], &[("django".into(), objects)], false)
            .await
            .unwrap(),
        5
    );
    let refs: Vec<&ModelState> = models.iter().collect();
    let mut out = Vec::new();
    fixtures::dump(&db, &refs, &[], &[], Format::Json, Some(2), &mut out)
        .await
        .unwrap();
    let ours = String::from_utf8(out).unwrap();
    assert_eq!(
        ours,
        django.replace("Z\"", "\""),
        "roan writes Django's text"
    );

    let python = match std::env::var("ROAN_TEST_DJANGO_PYTHON") {
        Ok(p) => p,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("ROAN_TEST_DJANGO_PYTHON must name a python with Django 5.2 under CI")
        }
        Err(_) => {
            eprintln!(
                "skipped the Django half: set ROAN_TEST_DJANGO_PYTHON to a python with Django 5.2"
            );
            return;
        }
    };
    let file = std::env::temp_dir().join(format!("roan-dump-{}.json", std::process::id()));
    std::fs::write(&file, &ours).unwrap();
    let back = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/django_polls.py"
        ))
        .arg("roundtrip")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&back.stdout),
        django,
        "Django loads roan's dump back to its own fixture"
    );

    // inspectdb on the tables Django itself created for the polls app.
    let django_db =
        std::env::temp_dir().join(format!("roan-django-{}.sqlite3", std::process::id()));
    let made = std::process::Command::new(std::env::var("ROAN_TEST_DJANGO_PYTHON").unwrap())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/django_polls.py"
        ))
        .arg("make-db")
        .arg(&django_db)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let db = Database::connect(format!("sqlite://{}?mode=ro", django_db.display()))
        .await
        .unwrap();
    let (question, guesses) = roan::db::introspect::inspect(&db, "polls_question")
        .await
        .unwrap();
    let (choice, _) = roan::db::introspect::inspect(&db, "polls_choice")
        .await
        .unwrap();
    assert!(guesses.is_empty(), "{guesses:?}");
    let code = roan::db::introspect::entities(&[question.clone(), choice.clone()], &[]);
    assert!(question.field("id").unwrap().auto_increment, "{code}");
    assert_eq!(
        question.field("question_text").unwrap().max_length,
        Some(200)
    );
    assert!(question.field("pub_date").unwrap().null);
    assert_eq!(
        choice
            .field("question_id")
            .unwrap()
            .foreign_key
            .as_ref()
            .map(|f| f.to_table.as_str()),
        Some("polls_question")
    );
    assert!(
        code.contains("pub question: BelongsTo<super::polls_question::Entity>,"),
        "{code}"
    );
    let _ = std::fs::remove_file(&django_db);
}
