//! The bare axum + sea-orm + minijinja version of the polls pages that `benches/pages.sh` runs
//! against a roan project: the same queries on the same database, the same templates, and only
//! the work each page needs done by hand (reading a cookie, checking the CSRF token, loading the
//! session row and the user). No middleware.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::value::Kwargs;
use minijinja::{Environment, Value, context};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::sync::Arc;

pub mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_text: String,
        pub pub_date: DateTime,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod choice {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_choice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_id: i32,
        pub choice_text: String,
        pub votes: i32,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roan_session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub session_key: String,
        pub session_data: String,
        pub expire_date: DateTime,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roan_auth_user")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub password: String,
        pub last_login: Option<DateTime>,
        pub is_superuser: bool,
        pub username: String,
        pub first_name: String,
        pub last_name: String,
        pub email: String,
        pub is_staff: bool,
        pub is_active: bool,
        pub date_joined: DateTime,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

struct Pages {
    env: Environment<'static>,
    db: DatabaseConnection,
}

type Shared = State<Arc<Pages>>;

const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn random_string(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("random");
    buf.iter()
        .map(|b| CHARS[*b as usize % CHARS.len()] as char)
        .collect()
}

fn masked(secret: &str) -> String {
    let mask = random_string(secret.len());
    let index = |c: u8| CHARS.iter().position(|x| *x == c).unwrap_or(0);
    let cipher: String = secret
        .bytes()
        .zip(mask.bytes())
        .map(|(s, m)| CHARS[(index(s) + index(m)) % CHARS.len()] as char)
        .collect();
    format!("{mask}{cipher}")
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The polls routes, on a pool set up as roan sets up its own (size, and SQLite's pragmas).
pub async fn router(templates: &str, url: &str) -> axum::Router {
    let mut env = Environment::new();
    env.set_loader(minijinja::path_loader(templates));
    env.add_function("static", |path: &str| {
        Value::from_safe_string(format!("/static/{path}"))
    });
    env.add_function("url", |name: &str, kwargs: Kwargs| {
        let id: i64 = kwargs.get("question_id").unwrap_or(0);
        let path = match name {
            "polls:detail" => format!("/polls/{id}/"),
            "polls:vote" => format!("/polls/{id}/vote/"),
            "polls:results" => format!("/polls/{id}/results/"),
            _ => "/polls/".to_string(),
        };
        Ok(Value::from_safe_string(path))
    });
    let size = std::thread::available_parallelism().map_or(4, |n| Ord::max(2 * n.get() as u32, 4));
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .max_connections(size)
        .min_connections(1);
    if url.starts_with("sqlite") {
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(std::time::Duration::from_secs(5))
                .foreign_keys(true)
        });
        // The query planner stability guarantee, as roan sets it: without it SQLite prepares
        // every statement with a `LIMIT ?` again at each execution.
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|connection, _| {
                Box::pin(async move {
                    let mut handle = connection.lock_handle().await?;
                    // SAFETY: an open connection, locked by sqlx for the call.
                    unsafe {
                        libsqlite3_sys::sqlite3_db_config(
                            handle.as_raw_handle().as_ptr(),
                            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                            1 as std::ffi::c_int,
                            std::ptr::null_mut::<std::ffi::c_int>(),
                        );
                    }
                    Ok(())
                })
            })
        });
    }
    let db = Database::connect(options).await.expect("the database");
    axum::Router::new()
        .route("/polls/", get(index))
        .route("/polls/{id}/", get(detail))
        .route("/polls/{id}/vote/", post(vote))
        .route("/polls/me/", get(me))
        .with_state(Arc::new(Pages { env, db }))
}

fn render(env: &Environment<'static>, name: &str, ctx: Value) -> Response {
    match env.get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn index(State(pages): Shared) -> Response {
    let latest_question_list = question::Entity::find()
        .order_by_desc(question::Column::PubDate)
        .limit(5)
        .all(&pages.db)
        .await
        .unwrap_or_default();
    render(
        &pages.env,
        "polls/index.html",
        context! { latest_question_list => Value::from(minijinja::value::Serde(&latest_question_list)) },
    )
}

async fn detail(State(pages): Shared, headers: HeaderMap, Path(id): Path<i32>) -> Response {
    let Ok(Some(question)) = question::Entity::find_by_id(id).one(&pages.db).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let choices = choice::Entity::find()
        .filter(choice::Column::QuestionId.eq(id))
        .all(&pages.db)
        .await
        .unwrap_or_default();
    let (secret, new) = match cookie(&headers, "csrftoken") {
        Some(s) if s.len() == 32 => (s.to_string(), false),
        _ => (random_string(32), true),
    };
    let token = masked(&secret);
    let csrf = Value::from_safe_string(format!(
        r#"<input type="hidden" name="csrfmiddlewaretoken" value="{token}">"#
    ));
    let mut response = render(
        &pages.env,
        "polls/detail.html",
        context! {
        question => Value::from(minijinja::value::Serde(&question)),
        choices => Value::from(minijinja::value::Serde(&choices)),
        csrf_input => Value::from_function(move |_: &[Value]| Ok(csrf.clone())) },
    );
    if new {
        let value = format!("csrftoken={secret}; Max-Age=31449600; Path=/; SameSite=Lax");
        if let Ok(v) = value.parse() {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    response
}

async fn vote(
    State(pages): Shared,
    headers: HeaderMap,
    Path(id): Path<i32>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let field = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let secret = cookie(&headers, "csrftoken").unwrap_or("");
    if secret.len() != 32 || field("csrfmiddlewaretoken") != Some(secret) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(choice_id) = field("choice").and_then(|c| c.parse::<i32>().ok()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let updated = choice::Entity::update_many()
        .col_expr(
            choice::Column::Votes,
            Expr::col(choice::Column::Votes).add(1),
        )
        .filter(choice::Column::Id.eq(choice_id))
        .filter(choice::Column::QuestionId.eq(id))
        .exec(&pages.db)
        .await;
    match updated {
        Ok(r) if r.rows_affected == 1 => (
            StatusCode::FOUND,
            [(header::LOCATION, format!("/polls/{id}/results/"))],
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn me(State(pages): Shared, headers: HeaderMap) -> Response {
    let login = || {
        (
            StatusCode::FOUND,
            [(header::LOCATION, "/accounts/login/?next=/polls/me/")],
        )
            .into_response()
    };
    let Some(key) = cookie(&headers, "sessionid") else {
        return login();
    };
    let now = chrono::Utc::now().naive_utc();
    let Ok(Some(row)) = session::Entity::find_by_id(key.to_string())
        .filter(session::Column::ExpireDate.gt(now))
        .one(&pages.db)
        .await
    else {
        return login();
    };
    let data: serde_json::Value = serde_json::from_str(&row.session_data).unwrap_or_default();
    let Some(id) = data.get("_auth_user_id").and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    }) else {
        return login();
    };
    let Ok(Some(user)) = user::Entity::find_by_id(id as i32).one(&pages.db).await else {
        return login();
    };
    render(
        &pages.env,
        "polls/me.html",
        context! { user => context! { is_authenticated => true, username => user.username } },
    )
}
