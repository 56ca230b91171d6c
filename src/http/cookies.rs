//! Reading the request's `Cookie` header.

use axum::http::{HeaderMap, header};

/// The value of the cookie `name` among the request's `Cookie` headers, trimmed.
///
/// Several middleware read a cookie on every request, so it jumps from `;` to `;` (and to the
/// `=` of each cookie) with `memchr`, and checks only the value it returns for UTF-8.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .find_map(|v| value_in(v.as_bytes(), name.as_bytes()))
        .and_then(|value| std::str::from_utf8(value).ok())
}

/// The value of `name` in one `Cookie` header: the first `name=value` pair between `;`s whose
/// name, trimmed, is `name`.
fn value_in<'a>(header: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut rest = header;
    loop {
        let end = memchr::memchr(b';', rest).unwrap_or(rest.len());
        let pair = &rest[..end];
        if let Some(eq) = memchr::memchr(b'=', pair)
            && pair[..eq].trim_ascii() == name
        {
            return Some(pair[eq + 1..].trim_ascii());
        }
        rest = rest.get(end + 1..)?;
    }
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
        assert_eq!(
            cookie(&headers, "id"),
            None,
            "a name's tail is not the name"
        );
    }

    #[test]
    fn a_name_inside_a_value_or_before_spaces_is_told_apart() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("x=sessionid=no;sessionid =yes ;csrftoken; csrftoken=t"),
        );
        assert_eq!(cookie(&headers, "sessionid"), Some("yes"));
        assert_eq!(
            cookie(&headers, "csrftoken"),
            Some("t"),
            "a name without '=' is skipped"
        );
        assert_eq!(cookie(&headers, "x"), Some("sessionid=no"));
        assert_eq!(cookie(&headers, "no"), None);
    }
}
