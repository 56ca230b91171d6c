//! A bare axum + minijinja server rendering the benchmark page: templates loaded once from a
//! directory, `static()` and `url()` as plain functions, no middleware. Given a database URL
//! too, it serves the polls pages of `benches/pages.sh` instead (see `pages`).

mod pages;

use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use minijinja::{Environment, Value, context};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: roan-bench-baseline TEMPLATES_DIR PORT [DATABASE_URL]");
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("a port");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    if let Some(url) = args.next() {
        let app = pages::router(&dir, &url).await;
        axum::serve(listener, app).await.expect("serve");
        return;
    }
    let mut env = Environment::new();
    env.set_loader(minijinja::path_loader(dir));
    env.add_function("static", |path: &str| {
        Value::from_safe_string(format!("/static/{path}"))
    });
    env.add_function("url", |_name: &str| {
        Value::from_safe_string("/bench/page/".into())
    });
    let app = axum::Router::new()
        .route("/bench/page/", get(page))
        .route("/bench/form/", post(form))
        .with_state(Arc::new(env));
    axum::serve(listener, app).await.expect("serve");
}

async fn page(State(env): State<Arc<Environment<'static>>>) -> Html<String> {
    let items: Vec<Value> = (0..20)
        .map(|i| context! { id => i, title => format!("Item {i}") })
        .collect();
    let html = env
        .get_template("bench/page.html")
        .and_then(|t| t.render(context! { items, request => context! { path => "/bench/page/" } }))
        .unwrap_or_else(|e| format!("error: {e}"));
    Html(html)
}

/// The forms benchmark, by hand: the ten fields of `benches/forms.sh` read from the body,
/// checked as the roan form checks them, and the form rendered again with its errors.
async fn form(
    State(env): State<Arc<Environment<'static>>>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Html<String> {
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut fields = Vec::new();
    let mut add = |name: &str, kind: &str, value: String, error: Option<String>| {
        let label = {
            let spaced = name.replace('_', " ");
            let mut c = spaced.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        fields.push(context! { name, kind, value, label, error });
    };
    let required = |v: &str| v.is_empty().then(|| "This field is required.".to_string());
    let name = get("name");
    let e = required(&name).or_else(|| {
        (name.chars().count() > 100)
            .then(|| "Ensure this value has at most 100 characters.".to_string())
    });
    add("name", "text", name, e);
    let email = get("email");
    let valid_email = email
        .split_once('@')
        .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.'));
    let e = required(&email)
        .or_else(|| (!valid_email).then(|| "Enter a valid email address.".to_string()));
    add("email", "email", email, e);
    let age = get("age");
    let e = required(&age).or_else(|| match age.parse::<i64>() {
        Ok(n) if (0..=150).contains(&n) => None,
        Ok(_) => Some("Ensure this value is less than or equal to 150.".into()),
        Err(_) => Some("Enter a whole number.".into()),
    });
    add("age", "number", age, e);
    let website = get("website");
    let e = (!website.is_empty() && !website.starts_with("http"))
        .then(|| "Enter a valid URL.".to_string());
    add("website", "url", website, e);
    let subject = get("subject");
    let e = required(&subject);
    add("subject", "text", subject, e);
    let message = get("message");
    let e = required(&message);
    add("message", "textarea", message, e);
    let newsletter = get("newsletter");
    add("newsletter", "checkbox", newsletter, None);
    let priority = get("priority");
    let e = required(&priority).or_else(|| {
        (!["low", "normal", "high"].contains(&priority.as_str())).then(|| {
            format!("Select a valid choice. {priority} is not one of the available choices.")
        })
    });
    add("priority", "select", priority, e);
    let date = get("date");
    let e = required(&date).or_else(|| {
        let parts: Vec<&str> = date.split('-').collect();
        (parts.len() != 3 || parts.iter().any(|p| p.parse::<u32>().is_err()))
            .then(|| "Enter a valid date.".to_string())
    });
    add("date", "date", date, e);
    let code = get("code");
    let e = required(&code).or_else(|| {
        (!code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .then(|| "Enter a valid “slug”.".to_string())
    });
    add("code", "text", code, e);
    let html = env
        .get_template("bench/form_baseline.html")
        .and_then(|t| t.render(context! { fields }))
        .unwrap_or_else(|e| format!("error: {e}"));
    Html(html)
}
