//! Error pages: the technical 404/500 pages with DEBUG, the plain `404.html`/`500.html` without.

use super::Site;
use crate::conf::{MASK, is_secret_name};
use crate::http::ErrorReport;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;

use axum::http::{HeaderMap, Method, Uri};

/// What the error pages show of the request.
#[derive(Clone)]
pub(crate) struct RequestInfo {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
}

const SECRET_HEADERS: &[&str] = &[
    "cookie",
    "authorization",
    "proxy-authorization",
    "set-cookie",
];

/// The page for an error response.
pub(super) fn render(
    site: &Site,
    info: &RequestInfo,
    status: StatusCode,
    report: Option<&ErrorReport>,
) -> Response {
    if !site.settings().debug {
        if status.is_server_error()
            && let Some(r) = report
        {
            tracing::error!(path = %info.uri, kind = %r.kind, error = %r.message, "server error");
        }
        return plain(site, status);
    }
    let result = if status == StatusCode::FORBIDDEN
        && let Some(r) = report
    {
        site.templates().render(
            "roan/debug_403.html",
            context! { kind => r.kind.clone(), reason => r.message.clone(), request_path => info.uri.path() },
        )
    } else if status == StatusCode::NOT_FOUND {
        debug_404(site, info, report)
    } else if status.is_server_error() {
        debug_500(site, info, report)
    } else {
        return plain(site, status);
    };
    match result {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the debug error page failed to render");
            plain(site, status)
        }
    }
}

/// A 400 for a request roan refuses before routing.
pub(super) fn bad_request(site: &Site, info: &RequestInfo, reason: &str) -> Response {
    tracing::warn!(path = %info.uri, %reason, "bad request");
    plain(site, StatusCode::BAD_REQUEST)
}

/// The welcome page, shown at `/` with DEBUG while no URL is configured.
pub(super) fn welcome(site: &Site) -> Response {
    let ctx = context! {
        project_name => site.project_name(),
        roan_version => env!("CARGO_PKG_VERSION"),
        settings_file => site.settings().settings_file.display().to_string(),
    };
    match site.templates().render("roan/welcome.html", ctx) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the welcome page failed to render");
            plain(site, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

fn plain(site: &Site, status: StatusCode) -> Response {
    let name = match status.as_u16() {
        400 => "400.html",
        403 => "403.html",
        404 => "404.html",
        _ => "500.html",
    };
    match site.templates().render(name, context! {}) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %format!("{e:#}"), "error page failed to render");
            (status, status.canonical_reason().unwrap_or("Error")).into_response()
        }
    }
}

fn debug_404(
    site: &Site,
    info: &RequestInfo,
    report: Option<&ErrorReport>,
) -> Result<String, minijinja::Error> {
    let patterns: Vec<minijinja::Value> = site
        .resolver()
        .routes()
        .iter()
        .map(|r| context! { route => r.pattern.route(), name => r.name.clone() })
        .collect();
    let reason = report.map(|r| r.message.clone()).unwrap_or_default();
    site.templates().render(
        "roan/debug_404.html",
        context! {
            request_method => info.method.as_str(),
            request_path => info.uri.path(),
            reason,
            patterns,
            settings_file => site.settings().settings_file.display().to_string(),
            project_name => site.project_name(),
        },
    )
}

fn debug_500(
    site: &Site,
    info: &RequestInfo,
    report: Option<&ErrorReport>,
) -> Result<String, minijinja::Error> {
    let headers: Vec<(String, String)> = info
        .headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_string();
            let value = if SECRET_HEADERS.contains(&name.as_str()) || is_secret_name(&name) {
                MASK.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect();
    let (error_type, error_message, error_chain) = match report {
        Some(r) => (r.kind.clone(), r.message.clone(), r.chain.clone()),
        None => ("Server error".into(), "unknown error".into(), Vec::new()),
    };
    site.templates().render(
        "roan/debug_500.html",
        context! {
            error_type,
            error_message,
            error_chain,
            request_method => info.method.as_str(),
            request_path => info.uri.path(),
            request_query => info.uri.query().unwrap_or(""),
            request_headers => headers,
            settings => site.settings().masked_pairs(),
            project_name => site.project_name(),
            roan_version => env!("CARGO_PKG_VERSION"),
            rust_version => format!("{} or newer", env!("CARGO_PKG_RUST_VERSION")),
        },
    )
}
