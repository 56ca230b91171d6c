//! A bare axum + minijinja server rendering the benchmark page: templates loaded once from a
//! directory, `static()` and `url()` as plain functions, no middleware.

use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use minijinja::{Environment, Value, context};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: roan-bench-baseline TEMPLATES_DIR PORT");
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("a port");
    let mut env = Environment::new();
    env.set_loader(minijinja::path_loader(dir));
    env.add_function("static", |path: &str| Value::from_safe_string(format!("/static/{path}")));
    env.add_function("url", |_name: &str| Value::from_safe_string("/bench/page/".into()));
    let app = axum::Router::new()
        .route("/bench/page/", get(page))
        .with_state(Arc::new(env));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
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
