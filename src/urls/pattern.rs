//! Django's route syntax: `posts/<int:id>/`, `<slug:slug>/`, `files/<path:rest>`.

use regex::Regex;
use std::fmt;

/// A path converter: what a `<kind:name>` part matches and what value it yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    /// `int`: one or more digits, yields a number.
    Int,
    /// `str` (the default): anything but `/`, not empty.
    Str,
    /// `slug`: ASCII letters, digits, hyphens and underscores.
    Slug,
    /// `uuid`: a lowercase, hyphenated UUID.
    Uuid,
    /// `path`: anything, `/` included, not empty.
    Path,
}

impl Converter {
    fn from_name(name: &str) -> Option<Converter> {
        Some(match name {
            "int" => Converter::Int,
            "str" => Converter::Str,
            "slug" => Converter::Slug,
            "uuid" => Converter::Uuid,
            "path" => Converter::Path,
            _ => return None,
        })
    }

    fn regex(self) -> &'static str {
        match self {
            Converter::Int => "[0-9]+",
            Converter::Str => "[^/]+",
            Converter::Slug => "[-a-zA-Z0-9_]+",
            Converter::Uuid => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            Converter::Path => ".+",
        }
    }

    /// Whether a whole text is what this converter matches (the route regex's part, checked
    /// without compiling a regex, for `reverse`).
    fn accepts(self, text: &str) -> bool {
        match self {
            Converter::Int => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
            Converter::Str => !text.is_empty() && !text.contains('/'),
            Converter::Slug => {
                !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }
            Converter::Uuid => {
                let groups: Vec<&str> = text.split('-').collect();
                groups.len() == 5
                    && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, len)| {
                        g.len() == len
                            && g.bytes()
                                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    })
            }
            // The regex's `.` stops at a newline.
            Converter::Path => !text.is_empty() && !text.contains('\n'),
        }
    }

    /// Whether `text` is a value of the converter (as [`accepts`](Converter::accepts), with an
    /// int that fits an i64), without converting it.
    fn fits(self, text: &str) -> bool {
        self.accepts(text) && (self != Converter::Int || text.parse::<i64>().is_ok())
    }

    /// Converts a matched text to its value; `None` means the pattern does not match (a 404).
    fn to_value(self, text: &str) -> Option<serde_json::Value> {
        match self {
            Converter::Int => text.parse::<i64>().ok().map(serde_json::Value::from),
            _ => Some(serde_json::Value::String(text.to_string())),
        }
    }
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Param { name: String, converter: Converter },
}

/// A parsed, compiled route.
#[derive(Debug, Clone)]
pub struct RoutePattern {
    route: String,
    parts: Vec<Part>,
    /// The compiled route, for routes [`by_segments`](RoutePattern::by_segments) cannot match.
    regex: Option<Regex>,
    /// The literal text before the first parameter (the whole route when it has none): a
    /// path that does not start with it cannot match, and the regex is not run.
    prefix: String,
    /// How many `/` a matching path has, when no parameter is a `path` (the others never
    /// hold a `/`): a path with another count is refused without running the regex.
    slashes: Option<usize>,
}

/// A route that cannot be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("URL pattern {route:?}: {message}")]
pub struct PatternError {
    /// The route as written.
    pub route: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl RoutePattern {
    /// Parses a route written as in Django's `path()`: no leading slash, `<converter:name>` parts.
    ///
    /// ```
    /// use roan::urls::RoutePattern;
    /// let p = RoutePattern::parse("posts/<int:id>/").unwrap();
    /// let kwargs = p.matches("posts/42/").unwrap();
    /// assert_eq!(kwargs[0].1, serde_json::json!(42));
    /// assert!(p.matches("posts/abc/").is_none());
    /// ```
    pub fn parse(route: &str) -> Result<RoutePattern, PatternError> {
        let err = |message: String| PatternError {
            route: route.to_string(),
            message,
        };
        if route.starts_with('/') {
            return Err(err(
                "a route must not start with '/'; write it as Django does, e.g. \"blog/\"".into(),
            ));
        }
        let mut parts = Vec::new();
        let mut rest = route;
        let mut names: Vec<String> = Vec::new();
        while let Some(start) = rest.find('<') {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_string()));
            }
            let after = &rest[start + 1..];
            let end = after
                .find('>')
                .ok_or_else(|| err("a '<' has no closing '>'".into()))?;
            let inner = &after[..end];
            let (conv, name) = match inner.split_once(':') {
                Some((c, n)) => (c.trim(), n.trim()),
                None => ("str", inner.trim()),
            };
            let converter = Converter::from_name(conv).ok_or_else(|| {
                err(format!(
                    "unknown converter `{conv}`; use int, str, slug, uuid or path"
                ))
            })?;
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || name.starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(err(format!(
                    "`{name}` is not a valid parameter name; use letters, digits and '_'"
                )));
            }
            if names.iter().any(|n| n == name) {
                return Err(err(format!("parameter `{name}` appears twice")));
            }
            names.push(name.to_string());
            parts.push(Part::Param {
                name: name.to_string(),
                converter,
            });
            rest = &after[end + 1..];
        }
        if rest.contains('>') {
            return Err(err("a '>' has no opening '<'".into()));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        let regex = if by_segments(&parts) {
            None
        } else {
            Some(Regex::new(&regex_of(&parts)).map_err(|e| err(e.to_string()))?)
        };
        let prefix = match parts.first() {
            Some(Part::Literal(text)) => text.clone(),
            _ => String::new(),
        };
        let slashes = parts.iter().try_fold(0, |n, part| match part {
            Part::Literal(text) => Some(n + text.bytes().filter(|b| *b == b'/').count()),
            Part::Param {
                converter: Converter::Path,
                ..
            } => None,
            Part::Param { .. } => Some(n),
        });
        Ok(RoutePattern {
            route: route.to_string(),
            parts,
            regex,
            prefix,
            slashes,
        })
    }

    /// The route as written.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The path (with a leading `/`) when the route has no parameters.
    pub fn static_path(&self) -> Option<String> {
        self.reverse(&|_| None)
    }

    /// The parameter names, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param { name, .. } => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Matches a path (without its leading `/`); returns the converted parameters in order.
    pub fn matches(&self, path: &str) -> Option<Vec<(String, serde_json::Value)>> {
        self.matches_counted(path, slash_count(path))
    }

    /// [`matches`](RoutePattern::matches) given the path's count of `/`, which the resolver
    /// counts once for all the routes it tries.
    pub(crate) fn matches_counted(
        &self,
        path: &str,
        slashes: usize,
    ) -> Option<Vec<(String, serde_json::Value)>> {
        if !path.starts_with(&self.prefix) {
            return None;
        }
        if self.prefix.len() == self.route.len() {
            // No parameters: the route is all literal.
            return (path.len() == self.route.len()).then(Vec::new);
        }
        if self.slashes.is_some_and(|n| n != slashes) {
            return None;
        }
        let Some(regex) = &self.regex else {
            return self.match_segments(path);
        };
        let caps = regex.captures(path)?;
        let mut out = Vec::new();
        let mut i = 1;
        for part in &self.parts {
            if let Part::Param { name, converter } = part {
                let text = caps.get(i)?.as_str();
                out.push((name.clone(), converter.to_value(text)?));
                i += 1;
            }
        }
        Some(out)
    }

    /// [`matches`](RoutePattern::matches) for a route [`by_segments`] takes: each parameter runs
    /// to the next `/` (a `path` parameter, last, to the end), as the regex would match it.
    fn match_segments(&self, path: &str) -> Option<Vec<(String, serde_json::Value)>> {
        let mut rest = path;
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
                Part::Param { name, converter } => {
                    let end = match converter {
                        Converter::Path => rest.len(),
                        _ => rest.find('/').unwrap_or(rest.len()),
                    };
                    let (text, after) = rest.split_at(end);
                    if !converter.accepts(text) {
                        return None;
                    }
                    out.push((name.clone(), converter.to_value(text)?));
                    rest = after;
                }
            }
        }
        rest.is_empty().then_some(out)
    }

    /// Builds the path (with a leading `/`) from parameter values; `None` if a value is missing
    /// or its converter rejects it.
    pub fn reverse(&self, value_of: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        let mut values = Vec::new();
        for name in self.param_names() {
            values.push((name, value_of(name)?));
        }
        self.reverse_with(&|name| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        })
    }

    /// [`reverse`](RoutePattern::reverse) with borrowed values: no copy of each argument.
    pub(crate) fn reverse_with<'a>(
        &self,
        value_of: &dyn Fn(&str) -> Option<&'a str>,
    ) -> Option<String> {
        let mut out = String::with_capacity(self.route.len() + 8);
        out.push('/');
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Param { name, converter } => {
                    let value = value_of(name)?;
                    if !converter.fits(value) {
                        return None;
                    }
                    quote_into(&mut out, value);
                }
            }
        }
        Some(out)
    }
}

impl fmt::Display for RoutePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.route)
    }
}

/// How many `/` a path holds.
pub(crate) fn slash_count(path: &str) -> usize {
    path.bytes().filter(|b| *b == b'/').count()
}

/// The regex of a route: each literal escaped, each parameter its converter's group.
fn regex_of(parts: &[Part]) -> String {
    let mut re = String::from("^");
    for part in parts {
        match part {
            Part::Literal(text) => re.push_str(&regex::escape(text)),
            Part::Param { converter, .. } => {
                re.push('(');
                re.push_str(converter.regex());
                re.push(')');
            }
        }
    }
    re.push('$');
    re
}

/// Whether a route can be matched segment by segment, without its regex: every parameter is
/// followed by a literal that starts with `/` or ends the route, and a `path` parameter comes
/// last. Django's routes are almost all so (`polls/<int:question_id>/vote/`); a parameter that
/// never holds a `/` then ends exactly at the next one, so only the regex could tell apart
/// routes such as `<str:a>-<str:b>/`.
fn by_segments(parts: &[Part]) -> bool {
    parts.iter().enumerate().all(|(i, part)| match part {
        Part::Literal(_) => true,
        Part::Param {
            converter: Converter::Path,
            ..
        } => i + 1 == parts.len(),
        Part::Param { .. } => match parts.get(i + 1) {
            None => true,
            Some(Part::Literal(text)) => text.starts_with('/'),
            Some(Part::Param { .. }) => false,
        },
    })
}

/// Percent-encodes a path value onto `out`, keeping what Django's `reverse` keeps.
fn quote_into(out: &mut String, value: &str) {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b':')
        .remove(b'@')
        .remove(b'&')
        .remove(b'=')
        .remove(b'+')
        .remove(b'$')
        .remove(b',')
        .remove(b'!')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b';');
    out.extend(percent_encoding::utf8_percent_encode(value, KEEP));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converters_match_and_reject() {
        let p = RoutePattern::parse("a/<int:id>/<slug:s>/<uuid:u>/<path:rest>").unwrap();
        let m = p
            .matches("a/7/hello-world/123e4567-e89b-12d3-a456-426614174000/x/y.txt")
            .unwrap();
        assert_eq!(m[0], ("id".into(), json!(7)));
        assert_eq!(m[1].1, json!("hello-world"));
        assert_eq!(m[3].1, json!("x/y.txt"));
        assert!(
            p.matches("a/x/s/123e4567-e89b-12d3-a456-426614174000/r")
                .is_none()
        );
        assert!(
            p.matches("a/1/s s/123e4567-e89b-12d3-a456-426614174000/r")
                .is_none()
        );
        assert!(p.matches("a/1/s/not-a-uuid/r").is_none());
        // An int too large for i64 is a no-match (404), not a panic.
        let big = RoutePattern::parse("<int:n>/").unwrap();
        assert!(big.matches("99999999999999999999999/").is_none());
    }

    #[test]
    fn str_is_default_and_stops_at_slash() {
        let p = RoutePattern::parse("u/<name>/").unwrap();
        assert_eq!(p.matches("u/bob/").unwrap()[0].1, json!("bob"));
        assert!(p.matches("u/bob/x/").is_none());
        assert!(p.matches("u//").is_none());
    }

    #[test]
    fn literals_are_escaped() {
        let p = RoutePattern::parse("a.b/").unwrap();
        assert!(p.matches("a.b/").is_some());
        assert!(p.matches("axb/").is_none());
    }

    #[test]
    fn reverse_checks_converters() {
        let p = RoutePattern::parse("posts/<int:id>/<slug:slug>/").unwrap();
        let ok = p.reverse(&|n| Some(if n == "id" { "3".into() } else { "a-b".into() }));
        assert_eq!(ok.as_deref(), Some("/posts/3/a-b/"));
        assert!(
            p.reverse(&|n| Some(if n == "id" { "x".into() } else { "a".into() }))
                .is_none()
        );
        assert!(p.reverse(&|_| None).is_none());
        let s = RoutePattern::parse("t/<str:q>/").unwrap();
        assert_eq!(
            s.reverse(&|_| Some("a b".into())).as_deref(),
            Some("/t/a%20b/")
        );
    }

    #[test]
    fn converters_accept_what_their_regex_matches() {
        let samples = [
            "",
            "0",
            "42",
            "-1",
            "a",
            "a-b_c",
            "a b",
            "a/b",
            "x\ny",
            "\u{e9}t\u{e9}",
            "A1",
            "123e4567-e89b-12d3-a456-426614174000",
            "123E4567-E89B-12D3-A456-426614174000",
            "123e4567-e89b-12d3-a456-42661417400",
            "123e4567e89b-12d3-a456-426614174000-",
        ];
        for conv in [
            Converter::Int,
            Converter::Str,
            Converter::Slug,
            Converter::Uuid,
            Converter::Path,
        ] {
            let re = Regex::new(&format!("^(?:{})$", conv.regex())).unwrap();
            for s in samples {
                assert_eq!(conv.accepts(s), re.is_match(s), "{conv:?} on {s:?}");
            }
        }
    }

    #[test]
    fn segments_match_as_the_regex_does() {
        let routes = [
            "polls/<int:question_id>/vote/",
            "<slug:slug>/",
            "a/<str:s>",
            "<uuid:u>/x/<int:n>/",
            "files/<path:rest>",
            "<str:a>/<path:rest>",
            "u/<name>/edit/",
        ];
        let paths = [
            "",
            "polls/1/vote/",
            "polls/01/vote/",
            "polls/x/vote/",
            "polls/1/vote",
            "polls//vote/",
            "polls/1/2/vote/",
            "a-b_c/",
            "a b/",
            "a/",
            "a/x",
            "a/x/",
            "a/\u{e9}t\u{e9}",
            "a/x\ny",
            "123e4567-e89b-12d3-a456-426614174000/x/5/",
            "123E4567-E89B-12D3-A456-426614174000/x/5/",
            "files/x/y.txt",
            "files/",
            "files/x\ny",
            "files//",
            "k/l/m",
            "u/bob/edit/",
            "u/bob/edit/x",
            "u/b/o/edit/",
        ];
        for route in routes {
            let pattern = RoutePattern::parse(route).unwrap();
            assert!(pattern.regex.is_none(), "{route} is matched by segments");
            let mut with_regex = pattern.clone();
            with_regex.regex = Some(Regex::new(&regex_of(&pattern.parts)).unwrap());
            for path in paths {
                assert_eq!(
                    pattern.matches(path),
                    with_regex.matches(path),
                    "{route} on {path:?}"
                );
            }
        }
        for route in ["<str:a>-<str:b>/", "<int:a><slug:b>/", "<path:p>/edit/"] {
            let pattern = RoutePattern::parse(route).unwrap();
            assert!(pattern.regex.is_some(), "{route} needs its regex");
        }
        let dashed = RoutePattern::parse("<str:a>-<str:b>/").unwrap();
        assert_eq!(
            dashed.matches("x-y-z/").unwrap(),
            vec![("a".into(), json!("x-y")), ("b".into(), json!("z"))]
        );
    }

    #[test]
    fn bad_routes_are_errors() {
        for bad in ["/x/", "<int:id", "<foo:id>/", "<int:1d>/", "<a>/<a>/", "x>"] {
            assert!(RoutePattern::parse(bad).is_err(), "{bad}");
        }
    }
}
