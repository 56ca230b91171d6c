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

async fn server(kind: &str, admin: &str) -> Option<DatabaseConnection> {
    let url = fresh_database(kind, admin, &format!("roan_objects_{}", std::process::id())).await?;
    Some(Database::connect(url).await.unwrap())
}

#[tokio::test]
async fn on_sqlite() {
    scenario(Database::connect("sqlite::memory:").await.unwrap()).await;
}

#[tokio::test]
async fn on_postgresql() {
    if let Some(db) = server("PostgreSQL", &postgres_url()).await {
        scenario(db).await;
    }
}

#[tokio::test]
async fn on_mariadb() {
    if let Some(db) = server("MariaDB", &mysql_url()).await {
        scenario(db).await;
    }
}
