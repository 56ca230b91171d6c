//! Cross-site request forgery protection, with Django's semantics.
//!
//! A secret lives in the `csrftoken` cookie; each form gets a differently masked copy of it
//! (`csrf_input()` in templates), and scripts send it in the `X-CSRFToken` header. A POST, PUT,
//! PATCH or DELETE without a matching token gets 403; so does one whose `Origin` (or, over HTTPS
//! without `Origin`, whose `Referer`) is not this site or in `CSRF_TRUSTED_ORIGINS`.
//! A route can opt out with [`crate::urls::Pattern::csrf_exempt`].

use crate::conf::Settings;
use crate::http::ErrorReport;
use crate::site::Site;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Length of the secret and of the mask.
pub const SECRET_LENGTH: usize = 32;
/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";
/// The header that carries the token.
pub const HEADER: &str = "x-csrftoken";

fn random_string(n: usize) -> String {
    crate::crypto::get_random_string(n, CHARS)
}

/// Each byte's position in [`CHARS`], or `NONE` for a byte that is not one of them.
const POSITIONS: [u8; 256] = {
    let mut table = [NONE; 256];
    let mut i = 0;
    while i < CHARS.len() {
        table[CHARS[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const NONE: u8 = u8::MAX;

fn index(c: u8) -> Option<usize> {
    match POSITIONS[usize::from(c)] {
        NONE => None,
        i => Some(usize::from(i)),
    }
}

/// Masks the secret with a fresh random mask: 64 characters, different every time.
pub fn mask(secret: &str) -> String {
    let mut token = random_string(SECRET_LENGTH);
    let mut mask = [0u8; SECRET_LENGTH];
    mask.copy_from_slice(&token.as_bytes()[..SECRET_LENGTH]);
    token.reserve(SECRET_LENGTH);
    for (s, m) in secret.bytes().zip(mask) {
        let sum = index(s).unwrap_or(0) + index(m).unwrap_or(0);
        token.push(char::from(CHARS[sum % CHARS.len()]));
    }
    token
}

/// The secret inside a masked token (64 characters) or the secret itself (32).
pub fn unmask(token: &str) -> Option<String> {
    if !token.bytes().all(|c| index(c).is_some()) {
        return None;
    }
    match token.len() {
        n if n == SECRET_LENGTH => Some(token.to_string()),
        n if n == 2 * SECRET_LENGTH => {
            let (mask, cipher) = token.split_at(SECRET_LENGTH);
            Some(
                cipher
                    .bytes()
                    .zip(mask.bytes())
                    .map(|(c, m)| {
                        let (c, m) = (index(c).unwrap_or(0), index(m).unwrap_or(0));
                        CHARS[(c + CHARS.len() - m) % CHARS.len()] as char
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The CSRF state of one request: the secret from the cookie (or a new one) and whether a
/// template or view used the token (then the cookie is sent).
#[derive(Clone, Debug)]
pub struct CsrfToken(Arc<TokenState>);

/// What the clones of one request's [`CsrfToken`] share (one allocation per request).
#[derive(Debug)]
struct TokenState {
    /// The browser's secret, or one made on first use.
    secret: std::sync::OnceLock<String>,
    from_cookie: bool,
    used: AtomicBool,
}

impl CsrfToken {
    /// The state for a request with these headers.
    pub fn from_headers(headers: &HeaderMap, settings: &Settings) -> CsrfToken {
        match crate::http::cookie(headers, &settings.csrf_cookie_name)
            .filter(|s| s.len() == SECRET_LENGTH && s.bytes().all(|c| index(c).is_some()))
            .map(str::to_string)
        {
            Some(secret) => CsrfToken(Arc::new(TokenState {
                secret: std::sync::OnceLock::from(secret),
                from_cookie: true,
                used: AtomicBool::new(false),
            })),
            None => CsrfToken(Arc::new(TokenState {
                secret: std::sync::OnceLock::new(),
                from_cookie: false,
                used: AtomicBool::new(false),
            })),
        }
    }

    /// A masked token for a form or a script (Django's `get_token`); the cookie will be set.
    pub fn token(&self) -> String {
        self.0.used.store(true, Ordering::Relaxed);
        mask(self.secret())
    }

    fn secret(&self) -> &str {
        self.0.secret.get_or_init(|| random_string(SECRET_LENGTH))
    }

    /// The `Set-Cookie` value to send, when the token was used and the browser lacks the cookie.
    pub fn cookie_to_set(&self, settings: &Settings) -> Option<HeaderValue> {
        if self.0.from_cookie || !self.0.used.load(Ordering::Relaxed) {
            return None;
        }
        let mut c = format!(
            "{}={}; Path=/; Max-Age=31449600; SameSite=Lax",
            settings.csrf_cookie_name,
            self.secret()
        );
        if settings.csrf_cookie_secure {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).ok()
    }
}

/// Whether the method changes state (and so is checked).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn origin_matches(origin: &str, pattern: &str) -> bool {
    let (Some((os, oh)), Some((ps, ph))) = (origin.split_once("://"), pattern.split_once("://"))
    else {
        return false;
    };
    if os != ps {
        return false;
    }
    match ph.strip_prefix("*.") {
        Some(domain) => oh.ends_with(&format!(".{domain}")) || oh == domain,
        None => oh.eq_ignore_ascii_case(ph),
    }
}

/// Checks an unsafe request; `Err` is the reason shown on the 403 page.
pub fn check(
    headers: &HeaderMap,
    secure: bool,
    form_token: Option<&str>,
    state: &CsrfToken,
    settings: &Settings,
) -> Result<(), String> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let scheme = if secure { "https" } else { "http" };
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let ok = is_origin_of(origin, scheme, host)
            || settings
                .csrf_trusted_origins
                .iter()
                .any(|p| origin_matches(origin, p));
        if !ok {
            return Err(format!(
                "Origin checking failed - {origin} does not match any trusted origins."
            ));
        }
    } else if secure {
        let Some(referer) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) else {
            return Err("Referer checking failed - no Referer.".into());
        };
        let Some(rest) = referer.strip_prefix("https://") else {
            return Err(
                "Referer checking failed - Referer is insecure while host is secure.".into(),
            );
        };
        let referer_origin = format!("https://{}", rest.split('/').next().unwrap_or(""));
        let ok = is_origin_of(&referer_origin, scheme, host)
            || settings
                .csrf_trusted_origins
                .iter()
                .any(|p| origin_matches(&referer_origin, p));
        if !ok {
            return Err(format!(
                "Referer checking failed - {referer} does not match any trusted origins."
            ));
        }
    }
    if !state.0.from_cookie {
        return Err("CSRF cookie not set.".into());
    }
    let header_token = headers.get(HEADER).and_then(|v| v.to_str().ok());
    let Some(token) = form_token.or(header_token).filter(|t| !t.is_empty()) else {
        return Err("CSRF token missing.".into());
    };
    match unmask(token) {
        Some(secret)
            if crate::crypto::constant_time_compare(
                secret.as_bytes(),
                state.secret().as_bytes(),
            ) =>
        {
            Ok(())
        }
        Some(_) => Err("CSRF token incorrect.".into()),
        None => Err(format!(
            "CSRF token has incorrect length or characters (it must be {SECRET_LENGTH} or {} letters and digits).",
            2 * SECRET_LENGTH
        )),
    }
}

/// Whether `origin` is `scheme://host` (ASCII case aside), compared in place.
fn is_origin_of(origin: &str, scheme: &str, host: &str) -> bool {
    let (o, s) = (origin.as_bytes(), scheme.len());
    o.len() == s + 3 + host.len()
        && o[..s].eq_ignore_ascii_case(scheme.as_bytes())
        && &o[s..s + 3] == b"://"
        && o[s + 3..].eq_ignore_ascii_case(host.as_bytes())
}

/// Marks a request the test client sends without enforcing the check.
#[derive(Clone, Copy, Debug)]
pub struct SkipCsrfCheck;

/// Django's `CsrfViewMiddleware.process_view` for an unsafe request to a route that is not
/// exempt: gives the request back (a form body buffered, so the view reads it again) or the
/// 403 response.
pub(crate) async fn protect(
    site: &Site,
    req: Request,
    token: &CsrfToken,
) -> Result<Request, Response> {
    let settings = site.settings();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // Only a multipart body needs the type (its boundary) once the request is taken apart.
    let multipart_type = content_type
        .starts_with("multipart/form-data")
        .then(|| content_type.to_string());
    let (mut parts, body) = req.into_parts();
    let limit = settings.data_upload_limit();
    let (body, form_token) = if is_form {
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => {
                // Parsed once: the view's `FormData` is this one (the bytes stay for other
                // extractors).
                let data = crate::forms::data::FormData::from_urlencoded(&bytes);
                let token = data.get(FORM_FIELD).map(str::to_string);
                parts
                    .extensions
                    .insert(crate::forms::data::ParsedBody(data));
                (Body::from(bytes), token)
            }
            Err(_) => return Err(crate::middleware::body_limit::too_large(settings)),
        }
    } else if let Some(content_type) = multipart_type {
        // As Django reads `request.POST` here: the whole body, files streamed to disk past
        // FILE_UPLOAD_MAX_MEMORY_SIZE; the view's `FormData` is this one.
        let limits = crate::forms::data::UploadLimits::of(settings);
        match crate::forms::data::read_multipart(&content_type, body, &limits).await {
            Ok(data) => {
                let token = data.get(FORM_FIELD).map(str::to_string);
                parts
                    .extensions
                    .insert(crate::forms::data::ParsedBody(data));
                (Body::empty(), token)
            }
            Err(crate::Error::PayloadTooLarge(_)) => {
                return Err(crate::middleware::body_limit::too_large(settings));
            }
            Err(e) => return Err(e.into_response()),
        }
    } else {
        (body, None)
    };
    let req = Request::from_parts(parts, body);
    let secure = crate::middleware::security::is_secure(&req, settings);
    match check(
        req.headers(),
        secure,
        form_token.as_deref(),
        token,
        settings,
    ) {
        Ok(()) => Ok(req),
        Err(reason) => {
            tracing::warn!(path = %req.uri().path(), %reason, "Forbidden (CSRF)");
            let mut response = StatusCode::FORBIDDEN.into_response();
            response.extensions_mut().insert(ErrorReport {
                kind: "CSRF verification failed. Request aborted.".into(),
                message: reason,
                chain: Vec::new(),
            });
            Err(response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_compared_with_scheme_and_host() {
        assert!(is_origin_of("http://example.com", "http", "example.com"));
        assert!(is_origin_of("HTTP://Example.COM", "http", "example.com"));
        assert!(!is_origin_of("https://example.com", "http", "example.com"));
        assert!(!is_origin_of(
            "http://example.com.evil",
            "http",
            "example.com"
        ));
        assert!(!is_origin_of("http:/xexample.com", "http", "example.com"));
        assert!(!is_origin_of("http://é", "http", "e"));
    }

    #[test]
    fn masking_round_trips_and_differs() {
        let secret = random_string(SECRET_LENGTH);
        let a = mask(&secret);
        let b = mask(&secret);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(unmask(&a).as_deref(), Some(secret.as_str()));
        assert_eq!(unmask(&secret).as_deref(), Some(secret.as_str()));
        assert_eq!(unmask("short"), None);
        assert_eq!(unmask(&"!".repeat(64)), None);
    }

    #[test]
    fn trusted_origin_patterns() {
        assert!(origin_matches(
            "https://a.example.com",
            "https://*.example.com"
        ));
        assert!(origin_matches(
            "https://example.com",
            "https://*.example.com"
        ));
        assert!(!origin_matches(
            "http://a.example.com",
            "https://*.example.com"
        ));
        assert!(!origin_matches(
            "https://evilexample.com",
            "https://*.example.com"
        ));
        assert!(origin_matches("https://shop.test", "https://shop.test"));
    }
}
