//! Django's `SecurityMiddleware`: HTTPS redirect and security headers.

use crate::conf::Settings;
use crate::site::Site;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether the request came over HTTPS (directly, or as `SECURE_PROXY_SSL_HEADER` says).
pub fn is_secure(request: &Request, settings: &Settings) -> bool {
    if request.uri().scheme_str() == Some("https") {
        return true;
    }
    match settings.secure_proxy_ssl_header.as_slice() {
        [name, value] => request
            .headers()
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case(value)),
        _ => false,
    }
}

/// The middleware.
pub async fn security(State(site): State<Site>, request: Request, next: Next) -> Response {
    let settings = site.settings();
    let secure = is_secure(&request, settings);
    if settings.secure_ssl_redirect && !secure {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("https://{host}{path}"))],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if !value.is_empty()
            && !headers.contains_key(&name)
            && let Ok(v) = HeaderValue::from_str(value)
        {
            headers.insert(name, v);
        }
    };
    if settings.secure_content_type_nosniff {
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    }
    set(header::REFERRER_POLICY, &settings.secure_referrer_policy);
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        &settings.secure_cross_origin_opener_policy,
    );
    if secure && settings.secure_hsts_seconds > 0 {
        let mut hsts = format!("max-age={}", settings.secure_hsts_seconds);
        if settings.secure_hsts_include_subdomains {
            hsts.push_str("; includeSubDomains");
        }
        if settings.secure_hsts_preload {
            hsts.push_str("; preload");
        }
        set(header::STRICT_TRANSPORT_SECURITY, &hsts);
    }
    response
}
