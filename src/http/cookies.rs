//! Reading the request's `Cookie` header.

use axum::http::{HeaderMap, header};

/// The value of the cookie `name` among the request's `Cookie` headers, trimmed.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::cookie;
    use axum::http::{HeaderMap, HeaderValue, header};

    #[test]
    fn finds_a_cookie_among_several_headers() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; sessionid= abc "),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("csrftoken=x"));
        assert_eq!(cookie(&headers, "sessionid"), Some("abc"));
        assert_eq!(cookie(&headers, "csrftoken"), Some("x"));
        assert_eq!(cookie(&headers, "session"), None);
    }
}
