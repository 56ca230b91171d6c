//! Reading the request's `Cookie` header.

use axum::http::{HeaderMap, header};

/// The value of the cookie `name` among the request's `Cookie` headers, trimmed.
///
/// It scans bytes and checks only the value it returns for UTF-8: several middleware read a
/// cookie on every request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let name = name.as_bytes();
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .find_map(|pair| {
            let eq = pair.iter().position(|b| *b == b'=')?;
            (pair[..eq].trim_ascii() == name).then(|| pair[eq + 1..].trim_ascii())
        })
        .and_then(|value| std::str::from_utf8(value).ok())
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
        assert_eq!(cookie(&headers, "a"), Some("1"));
    }
}
