//! Django's `SecurityMiddleware`: HTTPS redirect and security headers.

use super::Middleware;
use crate::conf::Settings;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

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

/// The headers to add, computed once from the settings.
pub struct SecurityHeaders {
    settings: Arc<Settings>,
    always: Vec<(HeaderName, HeaderValue)>,
    hsts: Option<HeaderValue>,
    x_frame_options: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// The headers the settings ask for.
    pub fn new(settings: Arc<Settings>) -> SecurityHeaders {
        let mut always = Vec::new();
        let mut add = |name: HeaderName, value: &str| {
            if !value.is_empty()
                && let Ok(v) = HeaderValue::from_str(value)
            {
                always.push((name, v));
            }
        };
        if settings.secure_content_type_nosniff {
            add(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        }
        add(header::REFERRER_POLICY, &settings.secure_referrer_policy);
        add(
            HeaderName::from_static("cross-origin-opener-policy"),
            &settings.secure_cross_origin_opener_policy,
        );
        let hsts = (settings.secure_hsts_seconds > 0)
            .then(|| {
                let mut v = format!("max-age={}", settings.secure_hsts_seconds);
                if settings.secure_hsts_include_subdomains {
                    v.push_str("; includeSubDomains");
                }
                if settings.secure_hsts_preload {
                    v.push_str("; preload");
                }
                HeaderValue::from_str(&v).ok()
            })
            .flatten();
        let x_frame_options = HeaderValue::from_str(&settings.x_frame_options).ok();
        SecurityHeaders {
            settings,
            always,
            hsts,
            x_frame_options,
        }
    }
}

/// Django's `SecurityMiddleware` as a [`Middleware`]: allowed hosts and the HTTPS redirect
/// before the view, the security headers and `X-Frame-Options` on the response (one layer,
/// for speed).
#[derive(Clone)]
pub struct Security(Arc<SecurityHeaders>);

impl Security {
    /// The middleware for these settings.
    pub fn new(settings: Arc<Settings>) -> Security {
        Security(Arc::new(SecurityHeaders::new(settings)))
    }
}

impl Middleware for Security {
    /// Whether the request came over HTTPS.
    type State = bool;

    async fn before(&self, request: &mut Request) -> Result<bool, Response> {
        let settings = &self.0.settings;
        if let Some(rejection) = super::allowed_hosts::check(request, settings) {
            return Err(rejection);
        }
        let secure = is_secure(request, settings);
        if settings.secure_ssl_redirect && !secure {
            let host = request
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            return Err((
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, format!("https://{host}{path}"))],
            )
                .into_response());
        }
        Ok(secure)
    }

    async fn after(&self, secure: bool, mut response: Response) -> Response {
        let config = &self.0;
        let exempt = response
            .extensions()
            .get::<super::clickjacking::XFrameExempt>()
            .is_some();
        let headers = response.headers_mut();
        // Room for them all at once, rather than growing the map on the way.
        headers.reserve(config.always.len() + 2);
        // One lookup per header: a header the view set is kept.
        for (name, value) in &config.always {
            headers.entry(name).or_insert_with(|| value.clone());
        }
        if !exempt && let Some(v) = &config.x_frame_options {
            headers
                .entry(header::X_FRAME_OPTIONS)
                .or_insert_with(|| v.clone());
        }
        if secure && let Some(hsts) = &config.hsts {
            headers
                .entry(header::STRICT_TRANSPORT_SECURITY)
                .or_insert_with(|| hsts.clone());
        }
        response
    }
}
