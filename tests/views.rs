//! Generic views through the request pipeline: the Django tutorial's polls views written as
//! functions (part 3) and as `ListView`/`DetailView` (part 4) render the same HTML from the
//! same templates; pagination, default template and context names, 404s, 405s, and the
//! template and redirect views.

use axum::response::Response;
use roan::test::Client;
use roan::urls::{Urls, include, path};
use roan::views::{DetailView, ListView, RedirectView, TemplateView};
use roan::{Db, HttpRequest, Path, render};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::path::PathBuf;

mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub question_text: String,
        pub pub_date: DateTime,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod choice {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_choice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub choice_text: String,
        pub votes: i32,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

const INDEX: &str = r#"{% if latest_question_list %}<ul>
{% for question in latest_question_list %}<li><a href="{{ url('polls:detail', pk=question.id) }}">{{ question.question_text }}</a></li>
{% endfor %}</ul>{% else %}<p>No polls are available.</p>{% endif %}"#;

const DETAIL: &str = r#"<h1>{{ question.question_text }}</h1>
<ul>{% for choice in choices %}<li>{{ choice.choice_text }}</li>{% endfor %}</ul>
<p>{{ object.pub_date }}</p>"#;

const RESULTS: &str = r#"<h1>{{ question.question_text }}</h1>
<ul>{% for choice in choices %}<li>{{ choice.choice_text }} -- {{ choice.votes }} vote{{ choice.votes|pluralize }}</li>{% endfor %}</ul>"#;

const QUESTION_LIST: &str = r#"[{% for q in question_list %}{{ q.id }},{% endfor %}]
[{% for q in object_list %}{{ q.id }},{% endfor %}]
[{% for q in page_obj %}{{ q.id }},{% endfor %}]
{% if is_paginated %}page {{ page_obj.number }} of {{ page_obj.paginator.num_pages }} ({{ paginator.count }} in all){% if page_obj.has_next %} next={{ page_obj.next_page_number }}{% endif %}{% if page_obj.has_previous %} previous={{ page_obj.previous_page_number }}{% endif %}{% endif %}"#;

fn project_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("views-{name}-{}", std::process::id()));
    let t = d.join("templates/polls");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        d.join("settings.toml"),
        "SECRET_KEY = \"views-test-secret\"\nDEBUG = true\n",
    )
    .unwrap();
    for (file, text) in [
        ("index.html", INDEX),
        ("detail.html", DETAIL),
        ("results.html", RESULTS),
        ("question_list.html", QUESTION_LIST),
        (
            "question_detail.html",
            "{{ question.id }}:{{ object.question_text }}",
        ),
        ("about.html", "{{ title }} #{{ section }}"),
    ] {
        std::fs::write(t.join(file), text).unwrap();
    }
    d
}

// Part 3: function views.

async fn index(request: HttpRequest, Db(db): Db) -> roan::Result<Response> {
    let latest_question_list = question::Entity::find()
        .order_by_desc(question::Column::PubDate)
        .limit(5)
        .all(&db)
        .await?;
    render(
        &request,
        "polls/index.html",
        roan::context! { latest_question_list },
    )
}

async fn choices_of(db: &impl ConnectionTrait, question: i32) -> roan::Result<Vec<choice::Model>> {
    Ok(choice::Entity::find()
        .filter(choice::Column::QuestionId.eq(question))
        .order_by_asc(choice::Column::Id)
        .all(db)
        .await?)
}

async fn detail_with(
    request: HttpRequest,
    db: sea_orm::DatabaseConnection,
    id: i32,
    template: &str,
) -> roan::Result<Response> {
    let question = roan::get_object_or_404::<question::Entity>(&db, id).await?;
    let choices = choices_of(&db, id).await?;
    let object = question.clone();
    render(
        &request,
        template,
        roan::context! { question, object, choices },
    )
}

async fn detail(request: HttpRequest, Db(db): Db, Path(id): Path<i32>) -> roan::Result<Response> {
    detail_with(request, db, id, "polls/detail.html").await
}

async fn results(request: HttpRequest, Db(db): Db, Path(id): Path<i32>) -> roan::Result<Response> {
    detail_with(request, db, id, "polls/results.html").await
}

// Part 4: the same pages as generic views.

fn latest() -> ListView<question::Entity> {
    ListView::<question::Entity>::new()
        .queryset(|_| {
            question::Entity::find()
                .order_by_desc(question::Column::PubDate)
                .limit(5)
        })
        .template_name("polls/index.html")
        .context_object_name("latest_question_list")
}

/// A DetailView that also lists the question's choices, as the tutorial's
/// `question.choice_set.all` does.
fn question_page(template: &str) -> DetailView<question::Entity> {
    DetailView::<question::Entity>::new()
        .template_name(template)
        .get_context_data(|request, mut context| async move {
            let id: i32 = context.get_as("object.id").unwrap_or_default();
            let db = request.db().await?;
            context.insert("choices", choices_of(&db, id).await?);
            Ok(context)
        })
}

fn function_urls() -> Urls {
    Urls::app(
        "polls",
        vec![
            path("", index).name("index"),
            path("<int:pk>/", detail).name("detail"),
            path("<int:pk>/results/", results).name("results"),
        ],
    )
}

fn generic_urls() -> Urls {
    Urls::app(
        "polls",
        vec![
            path("", latest()).name("index"),
            path("<int:pk>/", question_page("polls/detail.html")).name("detail"),
            path("<int:pk>/results/", question_page("polls/results.html")).name("results"),
        ],
    )
}

fn extra_urls() -> Vec<roan::urls::Pattern> {
    vec![
        path("all/", ListView::<question::Entity>::new().ordering(["id"])),
        path(
            "pages/",
            ListView::<question::Entity>::new()
                .ordering(["-id"])
                .paginate_by(3),
        ),
        path(
            "none/",
            ListView::<question::Entity>::new()
                .queryset(|_| question::Entity::find().filter(question::Column::Id.lt(0)))
                .allow_empty(false),
        ),
        path("q/<int:pk>/", DetailView::<question::Entity>::new()),
        path(
            "by-text/<str:slug>/",
            DetailView::<question::Entity>::new().slug_field("question_text"),
        ),
        path(
            "about/<str:section>/",
            TemplateView::new("polls/about.html")
                .extra_context(roan::context! { title => "About" }),
        ),
        path(
            "old/<int:pk>/",
            RedirectView::pattern_name("polls:detail").permanent(true),
        ),
        path(
            "go/<int:pk>/",
            RedirectView::to_url("/somewhere/%(pk)s/").query_string(true),
        ),
    ]
}

fn project(dir: &std::path::Path, generic: bool) -> roan::Project {
    let app = roan::App::new("polls")
        .model::<question::Entity>()
        .model::<choice::Entity>();
    roan::Project::new("views", dir).app(app).urls(move || {
        let mut urls = vec![path(
            "polls/",
            include(if generic {
                generic_urls()
            } else {
                function_urls()
            }),
        )];
        urls.extend(extra_urls());
        urls
    })
}

async fn client_with_polls(dir: &std::path::Path, generic: bool) -> Client {
    let client = Client::new(project(dir, generic)).await;
    let db = client.site().db().await.unwrap();
    let schema = sea_orm::Schema::new(db.get_database_backend());
    db.execute(&schema.create_table_from_entity(question::Entity))
        .await
        .unwrap();
    db.execute(&schema.create_table_from_entity(choice::Entity))
        .await
        .unwrap();
    let day = |d: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    };
    for i in 1..=7 {
        question::ActiveModel {
            id: Set(i),
            question_text: Set(format!("Question {i}?")),
            pub_date: Set(day(i as u32)),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (i, (q, text, votes)) in [(7, "Not much", 1), (7, "The sky", 2), (6, "Other", 0)]
        .into_iter()
        .enumerate()
    {
        choice::ActiveModel {
            id: Set(i as i32 + 1),
            question_id: Set(q),
            choice_text: Set(text.into()),
            votes: Set(votes),
        }
        .insert(db)
        .await
        .unwrap();
    }
    client
}

#[tokio::test]
async fn generic_views_render_the_same_pages_as_the_function_views() {
    let dir = project_dir("same");
    let functions = client_with_polls(&dir, false).await;
    let generic = client_with_polls(&dir, true).await;
    for url in ["/polls/", "/polls/7/", "/polls/7/results/", "/polls/6/"] {
        let a = functions.get(url).await;
        let b = generic.get(url).await;
        assert_eq!(a.status(), 200, "{url}: {}", a.text());
        assert_eq!(b.status(), 200, "{url}: {}", b.text());
        assert_eq!(a.text(), b.text(), "{url}");
    }
    let index = generic.get("/polls/").await;
    index
        .assert_contains(r#"<li><a href="/polls/7/">Question 7?</a></li>"#)
        .assert_not_contains("Question 2?");
    assert_eq!(index.template_name(), Some("polls/index.html"));
    assert!(
        index
            .context()
            .unwrap()
            .get_attr("object_list")
            .unwrap()
            .len()
            == Some(5)
    );
    generic
        .get("/polls/7/results/")
        .await
        .assert_contains("<li>Not much -- 1 vote</li><li>The sky -- 2 votes</li>");

    // A missing row is a 404 either way, with Django's message on the debug page.
    let missing = generic.get("/polls/99/").await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .contains("No question found matching the query"),
        "{}",
        missing.text()
    );
    assert_eq!(functions.get("/polls/99/").await.status(), 404);
}

#[tokio::test]
async fn list_and_detail_views_use_djangos_default_names_and_pages() {
    let dir = project_dir("defaults");
    let client = client_with_polls(&dir, true).await;

    // polls/question_list.html with question_list and object_list; no pages.
    let all = client.get("/all/").await;
    assert_eq!(all.template_name(), Some("polls/question_list.html"));
    all.assert_contains("[1,2,3,4,5,6,7,]\n[1,2,3,4,5,6,7,]\n[]");

    let first = client.get("/pages/").await;
    first.assert_contains("[7,6,5,]\n[7,6,5,]\n[7,6,5,]\npage 1 of 3 (7 in all) next=2");
    client
        .get("/pages/?page=2")
        .await
        .assert_contains("[4,3,2,]\n[4,3,2,]\n[4,3,2,]\npage 2 of 3 (7 in all) next=3 previous=1");
    client
        .get("/pages/?page=last")
        .await
        .assert_contains("[1,]\n[1,]\n[1,]\npage 3 of 3 (7 in all) previous=2");
    for bad in ["/pages/?page=4", "/pages/?page=0", "/pages/?page=x"] {
        assert_eq!(client.get(bad).await.status(), 404, "{bad}");
    }
    let past = client.get("/pages/?page=9").await;
    assert!(
        past.text()
            .contains("Invalid page (9): That page contains no results"),
        "{}",
        past.text()
    );
    assert_eq!(client.get("/none/").await.status(), 404);

    let one = client.get("/q/3/").await;
    assert_eq!(one.template_name(), Some("polls/question_detail.html"));
    one.assert_contains("3:Question 3?");
    client
        .get("/by-text/Question%204%3F/")
        .await
        .assert_contains("4:Question 4?");
    assert_eq!(client.get("/by-text/nothing/").await.status(), 404);

    // GET only, as Django's: a POST is a 405 that says what is allowed.
    let post = client.post("/q/3/", &[]).await;
    assert_eq!(post.status(), 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD, OPTIONS"));
    let options = client
        .request(axum::http::Method::OPTIONS, "/all/", None)
        .await;
    assert_eq!(options.status(), 200);
    assert_eq!(options.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[tokio::test]
async fn template_and_redirect_views() {
    let dir = project_dir("template");
    let client = client_with_polls(&dir, true).await;
    client
        .get("/about/history/")
        .await
        .assert_contains("About #history");

    let old = client.get("/old/7/").await;
    assert_eq!(old.status(), 301);
    assert_eq!(old.header("location"), Some("/polls/7/"));
    let go = client.get("/go/5/?from=mail").await;
    assert_eq!(go.status(), 302);
    assert_eq!(go.header("location"), Some("/somewhere/5/?from=mail"));
}

// The editing views, over a model with a foreign key and unique columns.

mod author {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "books_author")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(50))")]
        pub name: String,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// An author is shown by name (Django's `__str__`): in the book form's select, for one.
impl std::fmt::Display for author::Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

mod book {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "books_book")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(20))")]
        pub title: String,
        #[sea_orm(unique, column_type = "String(StringLen::N(50))")]
        pub slug: String,
        pub pages: i32,
        pub published: bool,
        #[sea_orm(column_type = "Text")]
        pub notes: Option<String>,
        pub author_id: i32,
        #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "Cascade")]
        pub author: BelongsTo<super::author::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod tag {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "books_tag")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(20))")]
        pub name: String,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The link table of `Book.tags`, as Django's auto-created `books_book_tags`.
mod book_tag {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "books_book_tags")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub book_id: i32,
        #[sea_orm(belongs_to, from = "book_id", to = "id", on_delete = "Cascade")]
        pub book: BelongsTo<super::book::Entity>,
        pub tag_id: i32,
        #[sea_orm(belongs_to, from = "tag_id", to = "id", on_delete = "Cascade")]
        pub tag: BelongsTo<super::tag::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

async fn tags_of(client: &Client, book: i32) -> Vec<i32> {
    use sea_orm::QueryOrder;
    let db = client.site().db().await.unwrap();
    book_tag::Entity::find()
        .filter(book_tag::Column::BookId.eq(book))
        .order_by_asc(book_tag::Column::TagId)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.tag_id)
        .collect()
}

static SENT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn contact_form() -> roan::forms::Form {
    use roan::forms::{CharField, EmailField, Form};
    Form::new()
        .field("subject", CharField::new().max_length(30))
        .field("sender", EmailField::new())
}

fn book_form() -> roan::forms::ModelForm {
    roan::forms::ModelForm::of::<book::Entity>()
        .fields([
            "title",
            "slug",
            "author",
            "pages",
            "published",
            "notes",
            "tags",
        ])
        .choice_label("tags", |row| {
            row["name"].as_str().unwrap_or("?").to_string()
        })
        .label("pages", "Number of pages")
}

fn edit_project(dir: &std::path::Path) -> roan::Project {
    use roan::views::{CreateView, DeleteView, FormView, UpdateView};
    let app = roan::App::new("books")
        .model_display::<author::Entity>()
        .model::<book::Entity>()
        .model::<tag::Entity>()
        .model::<book_tag::Entity>()
        // The form's `tags` field comes from here (a ModelForm of a model gets its app's
        // many-to-many fields).
        .many_to_many("book", "tags", "book_tags");
    roan::Project::new("editing", dir).app(app).urls(|| {
        vec![
            path(
                "contact/",
                FormView::new(contact_form)
                    .template_name("contact.html")
                    .success_url("/thanks/")
                    .form_valid(|_, form| async move {
                        let sender = form.cleaned_data()["sender"]
                            .as_str()
                            .unwrap_or("")
                            .to_string();
                        SENT.lock().unwrap().push(sender);
                        Ok(())
                    }),
            ),
            path(
                "books/add/",
                CreateView::<book::Entity>::new()
                    .form(book_form)
                    .success_url("/books/{id}/"),
            ),
            path(
                "books/quick/",
                CreateView::<book::Entity>::new()
                    .fields(["title", "slug", "author", "pages"])
                    .before_save(|_, mut row| async move {
                        row.insert("published".into(), serde_json::Value::Bool(true));
                        Ok(row)
                    })
                    .success_url("books:edit"),
            ),
            path("books/careless/", CreateView::<book::Entity>::new()),
            path(
                "books/<int:pk>/edit/",
                UpdateView::<book::Entity>::new()
                    .form(book_form)
                    .success_url("/books/{id}/"),
            )
            .name("books:edit"),
            path(
                "books/<int:pk>/delete/",
                DeleteView::<book::Entity>::new().success_url("/books/"),
            ),
            path(
                "authors/<int:pk>/books/",
                axum::routing::get(author_books).post(author_books_post),
            ),
        ]
    })
}

fn books_of(author: i32) -> roan::forms::ModelFormSet {
    roan::forms::ModelFormSet::new(book_form)
        .inline("author_id", author)
        .extra(1)
        .can_delete(true)
}

async fn author_books(request: HttpRequest, Path(pk): Path<i32>) -> roan::Result<Response> {
    let formset = books_of(pk).load_for(&request).await?;
    render(
        &request,
        "books/author_books.html",
        roan::context! { formset },
    )
}

async fn author_books_post(
    request: HttpRequest,
    Path(pk): Path<i32>,
    data: roan::forms::FormData,
) -> roan::Result<Response> {
    let db = request.db().await?;
    let mut formset = books_of(pk).bind(data).load_for(&request).await?;
    if formset.is_valid(&db).await? {
        let saved = formset.save(&db).await?;
        let summary = format!(
            "/done/?created={}&updated={}&deleted={}",
            saved.created.len(),
            saved.updated.len(),
            saved.deleted.len()
        );
        return roan::redirect(&request, summary.as_str());
    }
    render(
        &request,
        "books/author_books.html",
        roan::context! { formset },
    )
}

async fn editing_client(name: &str) -> Client {
    let dir = project_dir(name);
    let t = dir.join("templates");
    std::fs::create_dir_all(t.join("books")).unwrap();
    std::fs::write(
        t.join("contact.html"),
        "<form method=\"post\">{{ form }}</form>",
    )
    .unwrap();
    std::fs::write(
        t.join("books/book_form.html"),
        "{% if object %}Editing {{ book.title }}{% endif %}<form method=\"post\">{{ form }}</form>",
    )
    .unwrap();
    std::fs::write(
        t.join("books/author_books.html"),
        "{{ formset.non_form_errors }}<form method=\"post\">{{ formset }}</form>",
    )
    .unwrap();
    std::fs::write(
        t.join("books/book_confirm_delete.html"),
        "Delete “{{ book.title }}” ({{ object.pages }} pages)?",
    )
    .unwrap();
    let client = Client::new(edit_project(&dir)).await;
    let db = client.site().db().await.unwrap();
    let schema = sea_orm::Schema::new(db.get_database_backend());
    db.execute(&schema.create_table_from_entity(author::Entity))
        .await
        .unwrap();
    db.execute(&schema.create_table_from_entity(book::Entity))
        .await
        .unwrap();
    db.execute(&schema.create_table_from_entity(tag::Entity))
        .await
        .unwrap();
    db.execute(&schema.create_table_from_entity(book_tag::Entity))
        .await
        .unwrap();
    for (id, name) in [(1, "space"), (2, "ai"), (3, "short")] {
        tag::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (id, name) in [(1, "Ann Leckie"), (2, "Ted Chiang")] {
        author::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
        }
        .insert(db)
        .await
        .unwrap();
    }
    client
}

async fn book(client: &Client, id: i32) -> Option<book::Model> {
    let db = client.site().db().await.unwrap();
    book::Entity::find_by_id(id).one(db).await.unwrap()
}

#[tokio::test]
async fn create_and_update_views_validate_save_and_redirect() {
    let client = editing_client("create").await;

    // GET: the empty form, with Django's widgets and the foreign key as a select.
    let page = client.get("/books/add/").await;
    page.assert_contains(
        r#"<input type="text" name="title" id="id_title" required maxlength="20">"#,
    )
    .assert_contains(r#"<option value="" selected>---------</option>"#)
    .assert_contains(r#"<option value="2">Ted Chiang</option>"#)
    .assert_contains(r#"<label for="id_pages">Number of pages:</label>"#)
    .assert_contains(r#"<textarea name="notes""#)
    .assert_contains(r#"<input type="checkbox" name="published" id="id_published">"#);
    assert_eq!(page.template_name(), Some("books/book_form.html"));

    // An invalid POST: shown again (200) with the messages and the input kept.
    let bad = client
        .post(
            "/books/add/",
            &[
                ("title", "A title far too long for it"),
                ("slug", "ancillary"),
                ("author", "9"),
                ("pages", "many"),
            ],
        )
        .await;
    bad.assert_contains("Ensure this value has at most 20 characters (it has 27).")
        .assert_contains("Select a valid choice. That choice is not one of the available choices.")
        .assert_contains("Enter a whole number.")
        .assert_contains(r#"value="ancillary""#);
    assert_eq!(book(&client, 1).await, None, "nothing was saved");

    // A valid POST saves and redirects to the success URL with the new id.
    let ok = client
        .post(
            "/books/add/",
            &[
                ("title", "Ancillary Justice"),
                ("slug", "ancillary"),
                ("author", "1"),
                ("pages", "386"),
                ("published", "on"),
                ("notes", ""),
                ("tags", "1"),
                ("tags", "2"),
            ],
        )
        .await;
    ok.assert_redirects("/books/1/");
    assert_eq!(
        tags_of(&client, 1).await,
        vec![1, 2],
        "every selected tag is linked"
    );
    let saved = book(&client, 1).await.expect("saved");
    assert_eq!(
        (
            saved.title.as_str(),
            saved.author_id,
            saved.pages,
            saved.published,
            saved.notes
        ),
        ("Ancillary Justice", 1, 386, true, None)
    );

    // The slug is unique: Django's message on the field.
    let again = client
        .post(
            "/books/add/",
            &[
                ("title", "Another"),
                ("slug", "ancillary"),
                ("author", "2"),
                ("pages", "1"),
            ],
        )
        .await;
    again.assert_contains("Book with this Slug already exists.");

    // The update form is filled from the row; the row's own slug is not a duplicate.
    let edit = client.get("/books/1/edit/").await;
    edit.assert_contains(r#"<select name="tags" id="id_tags" multiple>"#)
        .assert_contains(r#"<option value="2" selected>ai</option>"#)
        .assert_contains(r#"<option value="3">short</option>"#);
    edit.assert_contains("Editing Ancillary Justice")
        .assert_contains(r#"value="Ancillary Justice""#)
        .assert_contains(r#"<option value="1" selected>Ann Leckie</option>"#)
        .assert_contains(r#"checked"#);
    client
        .post(
            "/books/1/edit/",
            &[
                ("title", "Ancillary Sword"),
                ("slug", "ancillary"),
                ("author", "2"),
                ("pages", "356"),
                ("tags", "2"),
                ("tags", "3"),
            ],
        )
        .await
        .assert_redirects("/books/1/");
    assert_eq!(
        tags_of(&client, 1).await,
        vec![2, 3],
        "the links follow the selection"
    );
    let updated = book(&client, 1).await.unwrap();
    assert_eq!(
        (updated.title.as_str(), updated.author_id, updated.published),
        ("Ancillary Sword", 2, false),
        "an unticked checkbox is false"
    );
    assert_eq!(client.get("/books/7/edit/").await.status(), 404);

    // before_save changes the row; a route name as success_url is reversed with the pk.
    client
        .post(
            "/books/quick/",
            &[
                ("title", "Exhalation"),
                ("slug", "exhalation"),
                ("author", "2"),
                ("pages", "350"),
            ],
        )
        .await
        .assert_redirects("/books/2/edit/");
    assert!(book(&client, 2).await.unwrap().published);

    // A CreateView without fields is refused with Django's message.
    let careless = client.get("/books/careless/").await;
    assert_eq!(careless.status(), 500);
    assert!(
        careless
            .text()
            .contains("Using ModelFormMixin (base class of CreateView) without the &#x27;fields&#x27; attribute is prohibited"),
        "{}",
        careless.text()
    );
}

#[tokio::test]
async fn delete_view_confirms_then_deletes() {
    let client = editing_client("delete").await;
    client
        .post(
            "/books/add/",
            &[
                ("title", "Stories"),
                ("slug", "stories"),
                ("author", "2"),
                ("pages", "281"),
            ],
        )
        .await
        .assert_redirects("/books/1/");
    let confirm = client.get("/books/1/delete/").await;
    confirm.assert_contains("Delete “Stories” (281 pages)?");
    assert_eq!(
        confirm.template_name(),
        Some("books/book_confirm_delete.html")
    );
    assert!(book(&client, 1).await.is_some(), "GET deletes nothing");
    client
        .post("/books/1/delete/", &[])
        .await
        .assert_redirects("/books/");
    assert_eq!(book(&client, 1).await, None);
    assert_eq!(client.post("/books/1/delete/", &[]).await.status(), 404);
    let put = client
        .request(axum::http::Method::PUT, "/books/1/delete/", None)
        .await;
    assert_eq!(put.status(), 405);
    assert_eq!(put.header("allow"), Some("GET, POST, HEAD, OPTIONS"));
}

#[tokio::test]
async fn form_view_runs_form_valid_then_redirects() {
    let client = editing_client("formview").await;
    client
        .get("/contact/")
        .await
        .assert_contains(r#"<input type="email" name="sender""#);
    client
        .post("/contact/", &[("subject", "Hi"), ("sender", "nope")])
        .await
        .assert_contains("Enter a valid email address.")
        .assert_contains(r#"value="Hi""#);
    client
        .post(
            "/contact/",
            &[("subject", "Hi"), ("sender", "ann@example.com")],
        )
        .await
        .assert_redirects("/thanks/");
    assert_eq!(*SENT.lock().unwrap(), vec!["ann@example.com".to_string()]);
}

#[tokio::test]
async fn an_inline_formset_creates_updates_and_deletes_an_authors_books() {
    let client = editing_client("inline").await;
    let page = client.get("/authors/1/books/").await;
    page.assert_contains(
        r#"<input type="hidden" name="form-TOTAL_FORMS" value="1" id="id_form-TOTAL_FORMS">"#,
    )
    .assert_contains(r#"<input type="hidden" name="form-INITIAL_FORMS" value="0""#)
    .assert_contains(r#"name="form-0-title""#)
    .assert_contains(r#"name="form-0-DELETE""#)
    .assert_not_contains(r#"name="form-0-author""#);

    // One new book; the second (extra) form left empty is skipped.
    let created = client
        .post(
            "/authors/1/books/",
            &[
                ("form-TOTAL_FORMS", "2"),
                ("form-INITIAL_FORMS", "0"),
                ("form-0-title", "Ancillary Justice"),
                ("form-0-slug", "ancillary"),
                ("form-0-pages", "386"),
                ("form-1-title", ""),
                ("form-1-slug", ""),
                ("form-1-pages", ""),
            ],
        )
        .await;
    created.assert_redirects("/done/?created=1&updated=0&deleted=0");
    let first = book(&client, 1).await.unwrap();
    assert_eq!(
        (first.title.as_str(), first.author_id),
        ("Ancillary Justice", 1)
    );

    // The row's form carries its key; a new form with the same slug is refused, and nothing
    // is saved.
    client
        .get("/authors/1/books/")
        .await
        .assert_contains(r#"<input type="hidden" name="form-0-id" value="1" id="id_form-0-id">"#)
        .assert_contains(r#"value="Ancillary Justice""#)
        .assert_contains(r#"name="form-INITIAL_FORMS" value="1""#);
    let duplicate = client
        .post(
            "/authors/1/books/",
            &[
                ("form-TOTAL_FORMS", "2"),
                ("form-INITIAL_FORMS", "1"),
                ("form-0-id", "1"),
                ("form-0-title", "Ancillary Sword"),
                ("form-0-slug", "ancillary"),
                ("form-0-pages", "356"),
                ("form-1-title", "Copy"),
                ("form-1-slug", "ancillary"),
                ("form-1-pages", "1"),
            ],
        )
        .await;
    duplicate.assert_contains("Book with this Slug already exists.");
    assert_eq!(book(&client, 1).await.unwrap().title, "Ancillary Justice");
    assert_eq!(book(&client, 2).await, None);

    // A forged key is an error, not another author's row.
    client
        .post(
            "/authors/1/books/",
            &[
                ("form-TOTAL_FORMS", "1"),
                ("form-INITIAL_FORMS", "1"),
                ("form-0-id", "999"),
                ("form-0-title", "X"),
                ("form-0-slug", "x"),
                ("form-0-pages", "1"),
            ],
        )
        .await
        .assert_contains("Select a valid choice. That choice is not one of the available choices.");

    // Update the first, add one, then delete the first.
    client
        .post(
            "/authors/1/books/",
            &[
                ("form-TOTAL_FORMS", "2"),
                ("form-INITIAL_FORMS", "1"),
                ("form-0-id", "1"),
                ("form-0-title", "Ancillary Sword"),
                ("form-0-slug", "ancillary"),
                ("form-0-pages", "356"),
                ("form-1-title", "Provenance"),
                ("form-1-slug", "provenance"),
                ("form-1-pages", "400"),
            ],
        )
        .await
        .assert_redirects("/done/?created=1&updated=1&deleted=0");
    assert_eq!(book(&client, 1).await.unwrap().title, "Ancillary Sword");
    assert_eq!(book(&client, 2).await.unwrap().author_id, 1);
    client
        .post(
            "/authors/1/books/",
            &[
                ("form-TOTAL_FORMS", "3"),
                ("form-INITIAL_FORMS", "2"),
                ("form-0-id", "1"),
                ("form-0-title", "Ancillary Sword"),
                ("form-0-slug", "ancillary"),
                ("form-0-pages", "356"),
                ("form-0-DELETE", "on"),
                ("form-1-id", "2"),
                ("form-1-title", "Provenance"),
                ("form-1-slug", "provenance"),
                ("form-1-pages", "400"),
            ],
        )
        .await
        .assert_redirects("/done/?created=0&updated=0&deleted=1");
    assert_eq!(book(&client, 1).await, None);
    assert!(book(&client, 2).await.is_some());
    // Another author's page does not show these books.
    client
        .get("/authors/2/books/")
        .await
        .assert_not_contains("Provenance");
}

// Uploads: streamed to disk, stored under MEDIA_ROOT with safe names, served back.

mod document {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "docs_document")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(50))")]
        pub title: String,
        #[sea_orm(column_type = "String(StringLen::N(100))")]
        pub file: String,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

fn document_form() -> roan::forms::ModelForm {
    roan::forms::ModelForm::of::<document::Entity>()
        .fields(["title", "file"])
        .field("file", roan::forms::FileField::new().upload_to("uploads/"))
}

/// Reports how the upload arrived: in memory or in a temporary file.
async fn probe(data: roan::forms::FormData) -> String {
    match data.file("file") {
        Some(f) => format!(
            "{} bytes, temporary={}",
            f.size,
            f.temporary_file_path().is_some_and(|p| p.exists())
        ),
        None => "no file".into(),
    }
}

async fn download(request: HttpRequest, Path(pk): Path<i32>) -> roan::Result<Response> {
    let db = request.db().await?;
    let doc = roan::get_object_or_404::<document::Entity>(&db, pk).await?;
    let path = request.settings().media_root_path().join(&doc.file);
    roan::files::FileResponse::new(path)
        .as_attachment(&format!("{}.bin", doc.title))
        .send(&request)
        .await
}

fn upload_project(dir: &std::path::Path) -> roan::Project {
    use roan::views::CreateView;
    let app = roan::App::new("docs").model::<document::Entity>();
    roan::Project::new("uploads", dir).app(app).urls(|| {
        vec![
            path(
                "docs/add/",
                CreateView::<document::Entity>::new()
                    .form(document_form)
                    .success_url("/docs/{id}/"),
            ),
            path("docs/<int:pk>/download/", download),
            path(
                "docs/<int:pk>/edit/",
                roan::views::UpdateView::<document::Entity>::new()
                    .form(|| {
                        document_form().field(
                            "file",
                            roan::forms::FileField::new()
                                .required(false)
                                .upload_to("uploads/"),
                        )
                    })
                    .success_url("/docs/{id}/"),
            ),
            path("probe/", axum::routing::post(probe)),
            path(
                "image/",
                roan::views::FormView::new(|| {
                    roan::forms::Form::new().field("picture", roan::forms::ImageField::new())
                })
                .template_name("docs/image.html")
                .success_url("/thanks/"),
            ),
        ]
    })
}

#[tokio::test]
async fn uploads_stream_to_media_root_under_safe_names_and_are_served_back() {
    use tower::ServiceExt;
    let dir = project_dir("uploads");
    let media = dir.join("media");
    let _ = std::fs::remove_dir_all(&media);
    std::fs::create_dir_all(dir.join("templates/docs")).unwrap();
    std::fs::write(
        dir.join("templates/docs/document_form.html"),
        "<form method=\"post\"{% if form.is_multipart %} enctype=\"multipart/form-data\"{% endif %}>{{ csrf_input() }}{{ form }}</form>",
    )
    .unwrap();
    std::fs::write(dir.join("templates/docs/image.html"), "{{ form }}").unwrap();
    let client = Client::new(upload_project(&dir))
        .await
        .enforce_csrf_checks(true);
    let db = client.site().db().await.unwrap();
    let schema = sea_orm::Schema::new(db.get_database_backend());
    db.execute(&schema.create_table_from_entity(document::Entity))
        .await
        .unwrap();

    let page = client.get("/docs/add/").await;
    page.assert_contains(r#"enctype="multipart/form-data""#)
        .assert_contains(r#"<input type="file" name="file""#);
    let token = {
        let text = page.text();
        let start = text.find("name=\"csrfmiddlewaretoken\" value=\"").unwrap() + 34;
        text[start..start + 64].to_string()
    };

    // 10 MB: past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which files do not count against, and
    // past FILE_UPLOAD_MAX_MEMORY_SIZE, so it goes through a temporary file.
    let big: Vec<u8> = (0..10 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    client
        .post_multipart(
            "/probe/",
            &[("csrfmiddlewaretoken", &token)],
            &[("file", "big.bin", &big)],
        )
        .await
        .assert_contains("10485760 bytes, temporary=true");
    client
        .post_multipart(
            "/probe/",
            &[("csrfmiddlewaretoken", &token)],
            &[("file", "small.txt", b"tiny")],
        )
        .await
        .assert_contains("4 bytes, temporary=false");

    client
        .post_multipart(
            "/docs/add/",
            &[("csrfmiddlewaretoken", &token), ("title", "Big")],
            &[("file", "big.bin", &big)],
        )
        .await
        .assert_redirects("/docs/1/");
    let stored = document::Entity::find_by_id(1)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.file, "uploads/big.bin");
    assert_eq!(std::fs::read(media.join("uploads/big.bin")).unwrap(), big);

    // A name that tries to climb out lands inside MEDIA_ROOT; a taken name gets a suffix.
    client
        .post_multipart(
            "/docs/add/",
            &[("csrfmiddlewaretoken", &token), ("title", "Evil")],
            &[("file", "../../../evil.txt", b"gotcha")],
        )
        .await
        .assert_redirects("/docs/2/");
    let evil = document::Entity::find_by_id(2)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(evil.file, "uploads/evil.txt");
    assert!(media.join("uploads/evil.txt").exists());
    assert!(!dir.join("evil.txt").exists() && !dir.parent().unwrap().join("evil.txt").exists());
    client
        .post_multipart(
            "/docs/add/",
            &[("csrfmiddlewaretoken", &token), ("title", "Again")],
            &[("file", "evil.txt", b"second")],
        )
        .await
        .assert_redirects("/docs/3/");
    let again = document::Entity::find_by_id(3)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(again.file.starts_with("uploads/evil_") && again.file.ends_with(".txt"));

    // Missing and empty files get Django's messages.
    client
        .post_multipart(
            "/docs/add/",
            &[("csrfmiddlewaretoken", &token), ("title", "None")],
            &[],
        )
        .await
        .assert_contains("This field is required.");
    client
        .post_multipart(
            "/docs/add/",
            &[("csrfmiddlewaretoken", &token), ("title", "Empty")],
            &[("file", "empty.txt", b"")],
        )
        .await
        .assert_contains("The submitted file is empty.");
    client
        .post_multipart(
            "/image/",
            &[("csrfmiddlewaretoken", &token)],
            &[("picture", "cat.png", b"not a png at all")],
        )
        .await
        .assert_contains("Upload a valid image. The file you uploaded was either not an image or a corrupted image.");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    client
        .post_multipart(
            "/image/",
            &[("csrfmiddlewaretoken", &token)],
            &[("picture", "cat.png", png)],
        )
        .await
        .assert_redirects("/thanks/");

    // Fields other than files still count against DATA_UPLOAD_MAX_MEMORY_SIZE.
    let long = "x".repeat(3 * 1024 * 1024);
    let too_big = client
        .post_multipart(
            "/probe/",
            &[("csrfmiddlewaretoken", &token), ("notes", &long)],
            &[],
        )
        .await;
    assert_eq!(too_big.status(), 413);

    // In DEBUG, MEDIA_URL serves MEDIA_ROOT, Range requests included; FileResponse downloads.
    let media_page = client.get("/media/uploads/evil.txt").await;
    assert_eq!(media_page.status(), 200);
    assert_eq!(media_page.text(), "gotcha");
    let ranged = client
        .site()
        .router()
        .oneshot(
            axum::http::Request::get("/media/uploads/big.bin")
                .header("host", "testserver")
                .header("range", "bytes=0-9")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.headers()["content-length"], "10");
    assert_eq!(client.get("/media/../settings.toml").await.status(), 404);
    let file = client.get("/docs/1/download/").await;
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.header("content-disposition"),
        Some(r#"attachment; filename="Big.bin""#)
    );
    assert_eq!(file.bytes().len(), big.len());
    assert_eq!(client.get("/docs/9/download/").await.status(), 404);

    // Editing a row that holds a file: Django's ClearableFileInput. The stored file is a link;
    // a new file and "Clear" together are refused; "Clear" alone empties the column.
    client
        .get("/docs/3/edit/")
        .await
        .assert_contains(&format!(
            "Currently: <a href=\"/media/{}\">{}</a>",
            again.file, again.file
        ))
        .assert_contains(r#"<input type="checkbox" name="file-clear" id="file-clear_id">"#)
        .assert_contains(r#"<label for="file-clear_id">Clear</label><br>"#);
    client
        .post_multipart(
            "/docs/3/edit/",
            &[
                ("csrfmiddlewaretoken", &token),
                ("title", "Again"),
                ("file-clear", "on"),
            ],
            &[("file", "new.txt", b"new")],
        )
        .await
        .assert_contains("Please either submit a file or check the clear checkbox, not both.");
    client
        .post_multipart(
            "/docs/3/edit/",
            &[("csrfmiddlewaretoken", &token), ("title", "Kept")],
            &[],
        )
        .await
        .assert_redirects("/docs/3/");
    let kept = document::Entity::find_by_id(3)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept.title.as_str(), kept.file.as_str()),
        ("Kept", again.file.as_str())
    );
    client
        .post_multipart(
            "/docs/3/edit/",
            &[
                ("csrfmiddlewaretoken", &token),
                ("title", "Cleared"),
                ("file-clear", "on"),
            ],
            &[],
        )
        .await
        .assert_redirects("/docs/3/");
    let cleared = document::Entity::find_by_id(3)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cleared.file, "");
}

// Time zones: a date and time typed in TIME_ZONE is stored as UTC and shown back in TIME_ZONE.

mod event {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "events_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(50))")]
        pub title: String,
        pub starts: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

async fn event_page(request: HttpRequest, Path(pk): Path<i32>) -> roan::Result<Response> {
    let db = request.db().await?;
    let event = roan::get_object_or_404::<event::Entity>(&db, pk).await?;
    render(&request, "events/page.html", roan::context! { event })
}

#[tokio::test]
async fn a_time_typed_in_time_zone_is_stored_as_utc_and_shown_back_in_time_zone() {
    use roan::views::{CreateView, UpdateView};
    let dir = project_dir("time_zone");
    std::fs::write(
        dir.join("settings.toml"),
        "SECRET_KEY = \"views-test-secret\"\nDEBUG = true\nTIME_ZONE = \"Europe/Paris\"\n",
    )
    .unwrap();
    let t = dir.join("templates/events");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("event_form.html"), "{{ form }}").unwrap();
    std::fs::write(
        t.join("page.html"),
        r#"{{ event.starts|date("Y-m-d H:i T") }}"#,
    )
    .unwrap();
    let app = roan::App::new("events").model::<event::Entity>();
    let project = roan::Project::new("events", &dir).app(app).urls(|| {
        vec![
            path(
                "add/",
                CreateView::<event::Entity>::new()
                    .fields(["title", "starts"])
                    .success_url("/{id}/edit/"),
            ),
            path(
                "<int:pk>/edit/",
                UpdateView::<event::Entity>::new()
                    .fields(["title", "starts"])
                    .success_url("/{id}/edit/"),
            ),
            path("<int:pk>/", axum::routing::get(event_page)),
        ]
    });
    let client = Client::new(project).await;
    let db = client.site().db().await.unwrap();
    let schema = sea_orm::Schema::new(db.get_database_backend());
    db.execute(&schema.create_table_from_entity(event::Entity))
        .await
        .unwrap();

    client
        .post(
            "/add/",
            &[("title", "Launch"), ("starts", "2026-12-01 14:30")],
        )
        .await
        .assert_redirects("/1/edit/");
    let stored = event::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    assert_eq!(stored.starts.to_rfc3339(), "2026-12-01T13:30:00+00:00");
    client
        .get("/1/edit/")
        .await
        .assert_contains(r#"value="2026-12-01 14:30:00""#);
    client
        .get("/1/")
        .await
        .assert_contains("2026-12-01 14:30 UTC+01:00");
    // Summer time, and a time that does not exist in Paris.
    client
        .post(
            "/1/edit/",
            &[("title", "Launch"), ("starts", "2026-07-01 09:00")],
        )
        .await
        .assert_redirects("/1/edit/");
    let stored = event::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    assert_eq!(stored.starts.to_rfc3339(), "2026-07-01T07:00:00+00:00");
    let page = client
        .post(
            "/1/edit/",
            &[("title", "Launch"), ("starts", "2026-03-29 02:30")],
        )
        .await;
    assert_eq!(page.status(), 200);
    page.assert_contains("2026-03-29 02:30:00 couldn&#x27;t be interpreted in time zone Europe/Paris; it may be ambiguous or it may not exist.");
}
