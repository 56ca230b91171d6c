//! `ALLOWED_HOSTS`: only answer for the site's own host names (a guard against Host header
//! attacks, as Django's).

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Whether `host` (without port) matches a pattern list: an exact name, `.example.com` for the
/// domain and its subdomains, or `*`.
pub fn host_allowed(host: &str, allowed: &[String], debug: bool) -> bool {
    // Compared without case and without allocating: this runs on every request.
    let host = host.trim_end_matches('.');
    let ends_with = |suffix: &str| {
        host.len() >= suffix.len()
            && host.as_bytes()[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    if allowed.is_empty() && debug {
        return ["localhost", "127.0.0.1", "[::1]", "::1"]
            .iter()
            .any(|h| host.eq_ignore_ascii_case(h))
            || ends_with(".localhost");
    }
    allowed.iter().any(|p| {
        p == "*"
            || p.eq_ignore_ascii_case(host)
            || (p.starts_with('.') && (ends_with(p) || p[1..].eq_ignore_ascii_case(host)))
    })
}

/// The host name of a `Host` header value: the port removed, IPv6 brackets kept.
pub fn split_host(value: &str) -> Option<&str> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.starts_with('[') {
        return value.find(']').map(|end| &value[..=end]);
    }
    let host = value.rsplit_once(':').map_or(value, |(h, _)| h);
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'));
    valid.then_some(host)
}

/// A 400 response when the request's Host is missing or not allowed.
pub fn check(request: &Request, settings: &crate::conf::Settings) -> Option<Response> {
    // Borrowed, not copied: this runs on every request.
    let raw = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .unwrap_or_default();
    match split_host(raw) {
        Some(host) if host_allowed(host, &settings.allowed_hosts, settings.debug) => None,
        _ => {
            tracing::warn!(host = %raw, "Invalid HTTP_HOST header");
            let body = if settings.debug {
                format!(
                    "Bad Request (400)\n\nInvalid HTTP_HOST header: '{raw}'. You may need to add '{}' to ALLOWED_HOSTS in {}.",
                    split_host(raw).unwrap_or(raw),
                    settings.settings_file.display()
                )
            } else {
                "Bad Request (400)".to_string()
            };
            Some((StatusCode::BAD_REQUEST, body).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let list = vec!["example.com".to_string(), ".shop.test".to_string()];
        assert!(host_allowed("example.com", &list, false));
        assert!(host_allowed("EXAMPLE.com.", &list, false));
        assert!(!host_allowed("evil.com", &list, false));
        assert!(host_allowed("a.shop.test", &list, false));
        assert!(host_allowed("shop.test", &list, false));
        assert!(!host_allowed("badshop.test", &list, false));
        assert!(host_allowed("anything", &["*".to_string()], false));
        assert!(host_allowed(
            "a.shop.test",
            &[".SHOP.Test".to_string()],
            false
        ));
        assert!(host_allowed(
            "Example.COM",
            &["example.com".to_string()],
            false
        ));
        assert!(host_allowed("localhost", &[], true));
        assert!(host_allowed("[::1]", &[], true));
        assert!(!host_allowed("localhost", &[], false));
        assert!(!host_allowed("example.com", &[], true));
    }

    #[test]
    fn hosts_and_ports() {
        assert_eq!(split_host("example.com:8000"), Some("example.com"));
        assert_eq!(split_host("[::1]:8000"), Some("[::1]"));
        assert_eq!(split_host("127.0.0.1"), Some("127.0.0.1"));
        assert_eq!(split_host("evil.com/x"), None);
        assert_eq!(split_host(""), None);
    }
}
