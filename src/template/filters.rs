//! Django's most used template filters, registered on a minijinja environment.
//!
//! Each filter follows the semantics of Django's filter of the same name (see Django's
//! "Built-in template tags and filters"), adapted to minijinja's call syntax:
//! `{{ value|filter(arg) }}` instead of Django's `{{ value|filter:"arg" }}`.
//!
//! Like Django, the filters fail silently: a value of the wrong type gives an empty or
//! unchanged result rather than an error. Where Django's string filters would print
//! `None` for a missing value, these print nothing (`none` and undefined become `""`).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use minijinja::value::{Rest, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, Value};

/// Registers every filter below on `env` (overriding minijinja's built-in `default` and `urlencode`
/// with Django's semantics).
///
/// - `date(format="N j, Y")`: `{{ "2024-03-09 14:05:07"|date("D, d M Y H:i") }}` → `Sat, 09 Mar 2024 14:05`
/// - `default(arg)`: `{{ ""|default("n/a") }}` → `n/a` (any falsy value)
/// - `default_if_none(arg)`: `{{ none|default_if_none("n/a") }}` → `n/a` (only none/undefined)
/// - `truncatechars(n)`: `{{ "Joel is a slug"|truncatechars(7) }}` → `Joel i…`
/// - `truncatewords(n)`: `{{ "Joel is a slug"|truncatewords(2) }}` → `Joel is …`
/// - `linebreaksbr`: `{{ "a\nb"|linebreaksbr }}` → `a<br>b` (escaped, safe)
/// - `linebreaks`: `{{ "a\n\nb"|linebreaks }}` → `<p>a</p>\n\n<p>b</p>` (escaped, safe)
/// - `pluralize(arg="s")`: `{{ 2|pluralize("y,ies") }}` → `ies`; `{{ [1]|pluralize }}` → nothing
/// - `slugify`: `{{ "  Crème brûlée  "|slugify }}` → `creme-brulee`
/// - `yesno(arg="yes,no,maybe")`: `{{ none|yesno("on,off,unknown") }}` → `unknown`
/// - `urlencode(safe="/")`: `{{ "a b/c"|urlencode }}` → `a%20b/c`; `{{ {"a": 1}|urlencode }}` → `a=1`
/// - `floatformat(arg=-1)`: `{{ 6666.6666|floatformat("2g") }}` → `6,666.67`
/// - `capfirst`: `{{ "django"|capfirst }}` → `Django`
/// - `add(arg)`: `{{ "3"|add(4) }}` → `7`; `{{ [1]|add([2]) }}` → `[1, 2]`
/// - `cut(arg)`: `{{ "a b c"|cut(" ") }}` → `abc`
/// - `striptags`: `{{ "<b>Joel</b> is"|striptags }}` → `Joel is`
/// - `wordcount`: `{{ "Joel is a slug"|wordcount }}` → `4`
/// - `filesizeformat`: `{{ 123456789|filesizeformat }}` → `117.7 MB`
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("date", date);
    env.add_filter("default", default);
    env.add_filter("default_if_none", default_if_none);
    env.add_filter("truncatechars", truncatechars);
    env.add_filter("truncatewords", truncatewords);
    env.add_filter("linebreaksbr", linebreaksbr);
    env.add_filter("linebreaks", linebreaks);
    env.add_filter("pluralize", pluralize);
    env.add_filter("slugify", slugify);
    env.add_filter("yesno", yesno);
    env.add_filter("urlencode", urlencode);
    env.add_filter("floatformat", floatformat);
    env.add_filter("capfirst", capfirst);
    env.add_filter("add", add);
    env.add_filter("cut", cut);
    env.add_filter("striptags", striptags);
    env.add_filter("wordcount", wordcount);
    env.add_filter("filesizeformat", filesizeformat);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The text of a value as Django's `@stringfilter` sees it, except that none/undefined are "".
fn text_of(value: &Value) -> String {
    if value.is_none() || value.is_undefined() {
        String::new()
    } else if let Some(s) = value.as_str() {
        s.to_string()
    } else {
        value.to_string()
    }
}

/// Wraps `s` as a safe string when `source` was safe (Django's `is_safe=True` filters).
fn keep_safety(source: &Value, s: String) -> Value {
    if source.is_safe() {
        Value::from_safe_string(s)
    } else {
        Value::from(s)
    }
}

/// Django's `escape()`: `& < > " '`.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether the template being rendered auto-escapes its output (Django's `autoescape`).
fn autoescaping(state: &State) -> bool {
    !matches!(state.auto_escape(), AutoEscape::None)
}

/// Python's `int(x)`: integers as they are, floats truncated, bools 0/1, numeric strings parsed.
fn py_int(value: &Value) -> Option<i128> {
    match value.kind() {
        ValueKind::Bool => Some(i128::from(value.is_true())),
        ValueKind::Number if value.is_integer() => i128::try_from(value.clone()).ok(),
        ValueKind::Number => {
            let f = f64::try_from(value.clone()).ok()?;
            // `as` saturates; the bound keeps the result exact-ish and meaningful.
            (f.is_finite() && f.abs() < 1e38).then(|| f.trunc() as i128)
        }
        ValueKind::String => value.as_str()?.trim().parse::<i128>().ok(),
        _ => None,
    }
}

/// Python's `float(x)` for numbers, bools and numeric strings.
fn py_float(value: &Value) -> Option<f64> {
    match value.kind() {
        ValueKind::Bool => Some(if value.is_true() { 1.0 } else { 0.0 }),
        ValueKind::Number => f64::try_from(value.clone()).ok(),
        ValueKind::String => value.as_str()?.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// Python's `str.split()` whitespace.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

// ---------------------------------------------------------------------------------------------
// date
// ---------------------------------------------------------------------------------------------

/// A point in time as the `date` filter sees it.
struct Moment {
    /// Wall-clock date and time (in `offset` when there is one).
    dt: NaiveDateTime,
    /// The UTC offset the value carried; `None` for naive values (treated as UTC where
    /// Django would use the default time zone).
    offset: Option<FixedOffset>,
    /// The value was a plain date (`YYYY-MM-DD`): time fields read as midnight.
    date_only: bool,
}

impl Moment {
    fn offset_seconds(&self) -> i32 {
        self.offset.map_or(0, |o| o.local_minus_utc())
    }

    fn unix_seconds(&self) -> i64 {
        self.dt.and_utc().timestamp() - i64::from(self.offset_seconds())
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_AP: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Django's named formats (English locale).
fn named_format(name: &str) -> Option<&'static str> {
    Some(match name {
        "DATE_FORMAT" => "N j, Y",
        "DATETIME_FORMAT" => "N j, Y, P",
        "SHORT_DATE_FORMAT" => "m/d/Y",
        "SHORT_DATETIME_FORMAT" => "m/d/Y P",
        "TIME_FORMAT" => "P",
        "YEAR_MONTH_FORMAT" => "F Y",
        "MONTH_DAY_FORMAT" => "F j",
        _ => return None,
    })
}

/// `date(value, format="N j, Y")`: formats a datetime with Django's format characters.
fn date(value: &Value, format: Option<Value>) -> String {
    date_in(value, format, None)
}

/// Under `USE_TZ`, the `date` filter shows an aware value (one with an offset) as the
/// wall-clock time of `TIME_ZONE`, as Django's templates show datetimes in the current time
/// zone; naive values are shown as they are.
pub(crate) fn use_time_zone(env: &mut Environment<'static>, tz: crate::timezone::Tz) {
    env.add_filter("date", move |value: &Value, format: Option<Value>| {
        date_in(value, format, Some(tz))
    });
}

fn date_in(value: &Value, format: Option<Value>, tz: Option<crate::timezone::Tz>) -> String {
    use chrono::{Offset, TimeZone};
    let Some(mut moment) = to_moment(value) else {
        return String::new();
    };
    if let (Some(tz), Some(offset)) = (tz, moment.offset)
        && !moment.date_only
        && let Some(instant) = offset.from_local_datetime(&moment.dt).single()
    {
        let local = instant.with_timezone(&tz);
        moment.dt = local.naive_local();
        moment.offset = Some(local.offset().fix());
    }
    let format = format.map(|f| text_of(&f)).unwrap_or_default();
    let format = if format.is_empty() {
        "DATE_FORMAT"
    } else {
        format.as_str()
    };
    let format = named_format(format).unwrap_or(format);
    format_moment(&moment, format)
}

fn to_moment(value: &Value) -> Option<Moment> {
    let utc = FixedOffset::east_opt(0)?;
    match value.kind() {
        ValueKind::Number => {
            let dt = if value.is_integer() {
                DateTime::from_timestamp(i64::try_from(value.clone()).ok()?, 0)?
            } else {
                let f = f64::try_from(value.clone()).ok()?;
                if !f.is_finite() || f.abs() > 1e15 {
                    return None;
                }
                let secs = f.floor();
                let micros = (((f - secs) * 1e6).round() as u32).min(999_999);
                DateTime::from_timestamp(secs as i64, micros * 1000)?
            };
            Some(Moment {
                dt: dt.naive_utc(),
                offset: Some(utc),
                date_only: false,
            })
        }
        ValueKind::String => parse_moment(value.as_str()?),
        _ => None,
    }
}

/// Parses RFC 3339, `YYYY-MM-DD HH:MM[:SS[.ffffff]][offset]` and `YYYY-MM-DD`.
fn parse_moment(s: &str) -> Option<Moment> {
    let s = s.trim();
    let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = s.get(10..)?;
    if rest.is_empty() {
        return Some(Moment {
            dt: date.and_time(NaiveTime::MIN),
            offset: None,
            date_only: true,
        });
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (time, offset) = split_offset(rest)?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .ok()?;
    // Python datetimes carry microseconds, not nanoseconds.
    let time = time.with_nanosecond(time.nanosecond() / 1000 * 1000)?;
    Some(Moment {
        dt: date.and_time(time),
        offset,
        date_only: false,
    })
}

/// Splits a trailing UTC offset (`Z`, `UTC`, `+HH`, `+HHMM`, `+HH:MM`) off a time string.
fn split_offset(s: &str) -> Option<(&str, Option<FixedOffset>)> {
    let s = s.trim_end();
    if let Some(t) = s.strip_suffix(['Z', 'z']).or_else(|| s.strip_suffix("UTC")) {
        return Some((t.trim_end(), Some(FixedOffset::east_opt(0)?)));
    }
    let Some(pos) = s.rfind(['+', '-']) else {
        return Some((s, None));
    };
    let (time, off) = s.split_at(pos);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off.get(1..)?.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits.get(..2)?.parse::<i32>().ok()?,
            digits.get(2..)?.parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some((
        time.trim_end(),
        Some(FixedOffset::east_opt(sign * (h * 3600 + m * 60))?),
    ))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 100, day % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    }
}

/// `+HHMM` (Django's `O`), with `sep` between hours and minutes.
fn offset_string(seconds: i32, sep: &str) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}{sep}{:02}", s / 3600, (s / 60) % 60)
}

/// The time zone name Django prints for a fixed offset (`UTC`, `UTC+02:00`).
fn tz_name(seconds: i32) -> String {
    if seconds == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{}", offset_string(seconds, ":"))
    }
}

/// Django's `f`: 12-hour time, minutes left off when zero.
fn time_f(dt: &NaiveDateTime) -> String {
    let hour = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    if dt.minute() == 0 {
        hour.to_string()
    } else {
        format!("{hour}:{:02}", dt.minute())
    }
}

fn am_pm(dt: &NaiveDateTime) -> &'static str {
    if dt.hour() > 11 { "p.m." } else { "a.m." }
}

/// Python's `datetime.isoformat()` (or `date.isoformat()` for plain dates).
fn isoformat(m: &Moment) -> String {
    let dt = &m.dt;
    let mut out = format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day());
    if m.date_only {
        return out;
    }
    let _ = write!(
        out,
        "T{:02}:{:02}:{:02}",
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    let micros = dt.nanosecond() / 1000;
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
    if let Some(offset) = m.offset {
        out.push_str(&offset_string(offset.local_minus_utc(), ":"));
    }
    out
}

fn format_moment(m: &Moment, format: &str) -> String {
    let dt = &m.dt;
    let month0 = dt.month0() as usize % 12;
    let weekday = dt.weekday().num_days_from_monday() as usize % 7;
    let hour12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        let _ = match c {
            '\\' => {
                out.push(chars.next().unwrap_or('\\'));
                Ok(())
            }
            'a' => write!(out, "{}", am_pm(dt)),
            'A' => write!(out, "{}", if dt.hour() > 11 { "PM" } else { "AM" }),
            'b' => write!(out, "{}", MONTHS[month0][..3].to_ascii_lowercase()),
            'c' => write!(out, "{}", isoformat(m)),
            'd' => write!(out, "{:02}", dt.day()),
            'D' => write!(out, "{}", &WEEKDAYS[weekday][..3]),
            'e' => write!(
                out,
                "{}",
                m.offset
                    .map(|o| tz_name(o.local_minus_utc()))
                    .unwrap_or_default()
            ),
            'E' | 'F' => write!(out, "{}", MONTHS[month0]),
            'f' => write!(out, "{}", time_f(dt)),
            'g' => write!(out, "{hour12}"),
            'G' => write!(out, "{}", dt.hour()),
            'h' => write!(out, "{hour12:02}"),
            'H' => write!(out, "{:02}", dt.hour()),
            'i' => write!(out, "{:02}", dt.minute()),
            'I' => write!(out, "0"),
            'j' => write!(out, "{}", dt.day()),
            'l' => write!(out, "{}", WEEKDAYS[weekday]),
            'L' => write!(out, "{}", if is_leap(dt.year()) { "True" } else { "False" }),
            'm' => write!(out, "{:02}", dt.month()),
            'M' => write!(out, "{}", &MONTHS[month0][..3]),
            'n' => write!(out, "{}", dt.month()),
            'N' => write!(out, "{}", MONTHS_AP[month0]),
            'o' => write!(out, "{}", dt.iso_week().year()),
            'O' => write!(out, "{}", offset_string(m.offset_seconds(), "")),
            'P' => match (dt.hour(), dt.minute()) {
                (0, 0) => write!(out, "midnight"),
                (12, 0) => write!(out, "noon"),
                _ => write!(out, "{} {}", time_f(dt), am_pm(dt)),
            },
            'r' => write!(
                out,
                "{}, {:02} {} {:04} {:02}:{:02}:{:02} {}",
                &WEEKDAYS[weekday][..3],
                dt.day(),
                &MONTHS[month0][..3],
                dt.year(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                offset_string(m.offset_seconds(), "")
            ),
            's' => write!(out, "{:02}", dt.second()),
            'S' => write!(out, "{}", ordinal_suffix(dt.day())),
            't' => write!(out, "{}", days_in_month(dt.year(), dt.month())),
            'T' => write!(out, "{}", tz_name(m.offset_seconds())),
            'u' => write!(out, "{:06}", dt.nanosecond() / 1000),
            'U' => write!(out, "{}", m.unix_seconds()),
            'w' => write!(out, "{}", dt.weekday().num_days_from_sunday()),
            'W' => write!(out, "{}", dt.iso_week().week()),
            'y' => write!(out, "{:02}", dt.year().rem_euclid(100)),
            'Y' => write!(out, "{:04}", dt.year()),
            'z' => write!(out, "{}", dt.ordinal()),
            'Z' => write!(out, "{}", m.offset_seconds()),
            _ => {
                out.push(c);
                Ok(())
            }
        };
    }
    out
}

// ---------------------------------------------------------------------------------------------
// default, default_if_none, yesno
// ---------------------------------------------------------------------------------------------

/// `default(value, arg)`: `arg` when `value` is falsy. A second argument (minijinja's
/// `boolean` flag) is accepted and ignored: Django's `default` always tests truthiness.
fn default(value: &Value, args: Rest<Value>) -> Result<Value, Error> {
    if args.len() > 2 {
        return Err(Error::from(ErrorKind::TooManyArguments));
    }
    Ok(if value.is_true() {
        value.clone()
    } else {
        args.first().cloned().unwrap_or_else(|| Value::from(""))
    })
}

/// `default_if_none(value, arg)`: `arg` only when `value` is none or undefined.
fn default_if_none(value: &Value, arg: Value) -> Value {
    if value.is_none() || value.is_undefined() {
        arg
    } else {
        value.clone()
    }
}

/// `yesno(value, arg="yes,no,maybe")`.
fn yesno(value: &Value, arg: Option<Value>) -> Value {
    let arg = arg.map_or_else(|| "yes,no,maybe".to_string(), |a| text_of(&a));
    let bits: Vec<&str> = arg.split(',').collect();
    let (yes, no, maybe) = match bits.as_slice() {
        [yes, no, maybe] => (*yes, *no, *maybe),
        [yes, no, ..] => (*yes, *no, *no),
        _ => return value.clone(),
    };
    Value::from(if value.is_none() || value.is_undefined() {
        maybe
    } else if value.is_true() {
        yes
    } else {
        no
    })
}

// ---------------------------------------------------------------------------------------------
// Truncation
// ---------------------------------------------------------------------------------------------

/// Combining marks, which Django's `Truncator` does not count.
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// `truncatechars(value, n)`: at most `n` characters, the last one `…` when cut.
fn truncatechars(value: &Value, n: Value) -> Value {
    let Some(length) = py_int(&n) else {
        return value.clone();
    };
    if length <= 0 {
        return keep_safety(value, String::new());
    }
    let text = text_of(value);
    let truncate_len = length - 1;
    let mut count: i128 = 0;
    let mut end_index = None;
    for (i, c) in text.char_indices() {
        if is_combining(c) {
            continue;
        }
        count += 1;
        if end_index.is_none() && count > truncate_len {
            end_index = Some(i);
        }
        if count > length {
            let kept = text.get(..end_index.unwrap_or(0)).unwrap_or_default();
            return keep_safety(value, format!("{kept}…"));
        }
    }
    keep_safety(value, text)
}

/// `truncatewords(value, n)`: the first `n` words, then ` …` when cut.
fn truncatewords(value: &Value, n: Value) -> Value {
    let Some(length) = py_int(&n) else {
        return value.clone();
    };
    if length <= 0 {
        return keep_safety(value, String::new());
    }
    let text = text_of(value);
    let words: Vec<&str> = text.split(is_py_space).filter(|w| !w.is_empty()).collect();
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    let mut out = words[..words.len().min(length)].join(" ");
    if words.len() > length && !out.ends_with(" …") {
        out.push_str(" …");
    }
    keep_safety(value, out)
}

// ---------------------------------------------------------------------------------------------
// Line breaks
// ---------------------------------------------------------------------------------------------

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// The text of `value`, HTML-escaped when auto-escaping is on and `value` is not safe.
fn escaped_text(state: &State, value: &Value) -> (String, bool) {
    let text = normalize_newlines(&text_of(value));
    let escape = autoescaping(state) && !value.is_safe();
    (text, escape)
}

/// `linebreaksbr(value)`: newlines become `<br>`.
fn linebreaksbr(state: &State, value: &Value) -> Value {
    let (text, escape) = escaped_text(state, value);
    let text = if escape { escape_html(&text) } else { text };
    Value::from_safe_string(text.replace('\n', "<br>"))
}

/// `linebreaks(value)`: blank-line separated blocks become `<p>…</p>`, other newlines `<br>`.
fn linebreaks(state: &State, value: &Value) -> Value {
    let (text, escape) = escaped_text(state, value);
    let paragraphs: Vec<String> = split_paragraphs(&text)
        .into_iter()
        .map(|p| {
            let p = if escape {
                escape_html(p)
            } else {
                p.to_string()
            };
            format!("<p>{}</p>", p.replace('\n', "<br>"))
        })
        .collect();
    Value::from_safe_string(paragraphs.join("\n\n"))
}

/// Python's `re.split("\n{2,}", s)`.
fn split_paragraphs(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(pos) = rest.find("\n\n") {
        parts.push(&rest[..pos]);
        rest = rest[pos..].trim_start_matches('\n');
    }
    parts.push(rest);
    parts
}

// ---------------------------------------------------------------------------------------------
// pluralize, wordcount
// ---------------------------------------------------------------------------------------------

/// `pluralize(value, arg="s")`: `"s"`, `"es"` or `"singular,plural"` suffixes.
fn pluralize(value: &Value, arg: Option<Value>) -> String {
    let arg = arg.map_or_else(|| "s".to_string(), |a| text_of(&a));
    let arg = if arg.contains(',') {
        arg
    } else {
        format!(",{arg}")
    };
    let bits: Vec<&str> = arg.split(',').collect();
    let [singular, plural] = bits.as_slice() else {
        return String::new();
    };
    let is_one = match value.kind() {
        ValueKind::Number | ValueKind::Bool | ValueKind::String => match py_float(value) {
            Some(f) => f == 1.0,
            None => return String::new(),
        },
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => {
            match value.len() {
                Some(n) => n == 1,
                None => return String::new(),
            }
        }
        _ => return String::new(),
    };
    if is_one { singular } else { plural }.to_string()
}

/// `wordcount(value)`: the number of whitespace-separated words.
fn wordcount(value: &Value) -> usize {
    text_of(value)
        .split(is_py_space)
        .filter(|w| !w.is_empty())
        .count()
}

// ---------------------------------------------------------------------------------------------
// slugify
// ---------------------------------------------------------------------------------------------

/// ASCII for the non-ASCII characters `slugify` keeps: roughly NFKD followed by dropping
/// non-ASCII, plus letters NFKD leaves alone (`ß`, `æ`, `œ`, `ø`, `ł`, `đ`, ...).
fn ascii_fold(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' | 'Ǎ' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ª' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' | 'Ǐ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' | 'ĸ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' | 'Ǒ' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'º' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'Þ' => "TH",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' | 'Ǔ' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ŷ' | 'Ÿ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        '¹' => "1",
        '²' => "2",
        '³' => "3",
        '¼' => "14",
        '½' => "12",
        '¾' => "34",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        // Compatibility spaces and spacing accents decompose to a space.
        '\u{a0}'
        | '¨'
        | '¯'
        | '´'
        | '¸'
        | '\u{2000}'..='\u{200a}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{3000}' => " ",
        // Full-width ASCII.
        '\u{ff01}'..='\u{ff5e}' => {
            const ASCII: &str = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
            let i = (c as usize).checked_sub(0xff01)?;
            return ASCII.get(i..i + 1);
        }
        _ => return None,
    })
}

/// `slugify(value)`: ASCII letters, digits, `_` and `-` only, lowercased.
fn slugify(value: &Value) -> String {
    let text = text_of(value);
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    let mut push = |c: char, out: &mut String| {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            if pending_hyphen {
                out.push('-');
                pending_hyphen = false;
            }
            out.push(c);
        } else if c == '-' || (c.is_ascii() && is_py_space(c)) {
            pending_hyphen = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else if let Some(folded) = ascii_fold(c) {
            folded.chars().for_each(|f| push(f, &mut out));
        }
    }
    out.trim_matches(['-', '_']).to_string()
}

// ---------------------------------------------------------------------------------------------
// urlencode
// ---------------------------------------------------------------------------------------------

/// Python's `urllib.parse.quote(s, safe)` (`plus`: `quote_plus`, spaces as `+`).
fn quote(s: &str, safe: &str, plus: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric()
            || b"_.-~".contains(&b)
            || (b.is_ascii() && safe.as_bytes().contains(&b))
        {
            out.push(char::from(b));
        } else if plus && b == b' ' {
            out.push('+');
        } else {
            out.push_str(percent_encoding::percent_encode_byte(b));
        }
    }
    out
}

/// `urlencode(value, safe="/")`: percent-encodes a string; a map becomes a query string
/// (`a=1&b=2`, like Python's `urlencode(..., doseq=True)`, none values left out).
fn urlencode(value: &Value, safe: Option<Value>) -> String {
    let safe = safe.map(|s| text_of(&s));
    if value.kind() != ValueKind::Map {
        return quote(&text_of(value), safe.as_deref().unwrap_or("/"), false);
    }
    let safe = safe.as_deref().unwrap_or("");
    let Ok(keys) = value.try_iter() else {
        return String::new();
    };
    let mut pairs = Vec::new();
    for key in keys {
        let Ok(item) = value.get_item(&key) else {
            continue;
        };
        let key = quote(&text_of(&key), safe, true);
        let items: Vec<Value> = match item.kind() {
            ValueKind::Seq => item.try_iter().map(Iterator::collect).unwrap_or_default(),
            _ => vec![item],
        };
        for item in items {
            if item.is_none() || item.is_undefined() {
                continue;
            }
            pairs.push(format!("{key}={}", quote(&text_of(&item), safe, true)));
        }
    }
    pairs.join("&")
}

// ---------------------------------------------------------------------------------------------
// floatformat
// ---------------------------------------------------------------------------------------------

/// Largest exponent or number of decimals `floatformat` works with (bounds memory use).
const MAX_DECIMAL_DIGITS: i64 = 4096;

/// A decimal number: `digits` (ASCII, most significant first) × 10^`exp`.
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

/// Parses Python `Decimal` syntax: `[sign]digits[.digits][e[sign]digits]`.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(pos) => (&s[..pos], s[pos + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let frac_len = i64::try_from(frac_part.len()).ok()?;
    let exp = exponent.checked_sub(frac_len)?;
    if exp.abs() > MAX_DECIMAL_DIGITS || frac_len > MAX_DECIMAL_DIGITS {
        return None;
    }
    let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    if exp > 0 {
        digits.extend(std::iter::repeat_n(b'0', exp as usize));
    }
    Some(Decimal {
        negative,
        digits,
        exp: exp.min(0),
    })
}

/// Inserts `,` every three digits of an integer part.
fn group_thousands(int_part: &str) -> String {
    let len = int_part.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Rounds `d` half-up to `places` decimals; returns (is_negative, integer part, decimals).
fn quantize(d: &Decimal, places: usize) -> (bool, String, String) {
    let frac_len = usize::try_from(-d.exp).unwrap_or(0);
    let mut digits = d.digits.clone();
    if frac_len <= places {
        digits.extend(std::iter::repeat_n(b'0', places - frac_len));
    } else {
        let drop = frac_len - places;
        let keep = digits.len().saturating_sub(drop);
        let round_up = drop <= digits.len() && digits[keep] >= b'5';
        digits.truncate(keep);
        if round_up {
            let mut carry = true;
            for digit in digits.iter_mut().rev() {
                if *digit == b'9' {
                    *digit = b'0';
                } else {
                    *digit += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                digits.insert(0, b'1');
            }
        }
    }
    if digits.len() <= places {
        let pad = places + 1 - digits.len();
        digits.splice(0..0, std::iter::repeat_n(b'0', pad));
    }
    let nonzero = digits.iter().any(|&b| b != b'0');
    let split = digits.len() - places;
    let int_part = String::from_utf8_lossy(&digits[..split]);
    let int_part = match int_part.trim_start_matches('0') {
        "" => "0".to_string(),
        s => s.to_string(),
    };
    let decimals = String::from_utf8_lossy(&digits[split..]).into_owned();
    (d.negative && nonzero, int_part, decimals)
}

/// `floatformat(value, arg=-1)`: Django's rounding of numbers for display.
fn floatformat(value: &Value, arg: Option<Value>) -> Result<String, Error> {
    let input = text_of(value);
    let mut grouping = false;
    let places = match &arg {
        None => -1,
        Some(a) if a.kind() == ValueKind::String => {
            let mut s = a.as_str().unwrap_or_default();
            if let Some(rest) = s.strip_suffix("gu").or_else(|| s.strip_suffix("ug")) {
                grouping = true;
                s = rest;
            } else if let Some(rest) = s.strip_suffix('g') {
                grouping = true;
                s = rest;
            } else if let Some(rest) = s.strip_suffix('u') {
                s = rest;
            }
            if s.is_empty() {
                -1
            } else {
                match s.trim().parse::<i64>() {
                    Ok(p) => p,
                    Err(_) => return Ok(input),
                }
            }
        }
        Some(a) => match py_int(a) {
            Some(p) => i64::try_from(p).unwrap_or(i64::MAX),
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("floatformat argument must be an integer, not {}", a.kind()),
                ));
            }
        },
    };
    let decimal_text = match value.kind() {
        ValueKind::Number if value.is_integer() => input.clone(),
        ValueKind::Number => match f64::try_from(value.clone()) {
            Ok(f) if f.is_finite() => format!("{f}"),
            Ok(_) => return Ok(input),
            Err(_) => return Ok(String::new()),
        },
        ValueKind::Bool => if value.is_true() { "1" } else { "0" }.to_string(),
        ValueKind::String => input.clone(),
        _ => return Ok(String::new()),
    };
    let Some(d) = parse_decimal(&decimal_text) else {
        // Python's Decimal accepts "inf"/"nan" (and then floatformat returns the input).
        return Ok(match decimal_text.trim().parse::<f64>() {
            Ok(f) if !f.is_finite() => input,
            _ => String::new(),
        });
    };
    if places.abs() > MAX_DECIMAL_DIGITS {
        return Ok(input);
    }
    let frac_len = usize::try_from(-d.exp).unwrap_or(0);
    let frac_digits = &d.digits[d.digits.len().saturating_sub(frac_len)..];
    let whole = frac_digits.iter().all(|&b| b == b'0');
    let places_used = if whole && places <= 0 {
        0
    } else {
        places.unsigned_abs() as usize
    };
    let (negative, int_part, decimals) = quantize(&d, places_used);
    let int_part = if grouping {
        group_thousands(&int_part)
    } else {
        int_part
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&int_part);
    if !decimals.is_empty() {
        out.push('.');
        out.push_str(&decimals);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// capfirst, add, cut, striptags, filesizeformat
// ---------------------------------------------------------------------------------------------

/// `capfirst(value)`: the first character upper-cased.
fn capfirst(value: &Value) -> Value {
    let text = text_of(value);
    let mut chars = text.chars();
    let out = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    keep_safety(value, out)
}

/// `add(value, arg)`: integer sum when both read as integers, else strings or lists
/// concatenated, else `""`.
fn add(value: &Value, arg: &Value) -> Value {
    if let (Some(a), Some(b)) = (py_int(value), py_int(arg))
        && let Some(sum) = a.checked_add(b)
    {
        return Value::from(sum);
    }
    match (value.kind(), arg.kind()) {
        (ValueKind::String, ValueKind::String) => {
            let joined = format!("{}{}", text_of(value), text_of(arg));
            if value.is_safe() && arg.is_safe() {
                Value::from_safe_string(joined)
            } else {
                Value::from(joined)
            }
        }
        (ValueKind::Seq, ValueKind::Seq) => match (value.try_iter(), arg.try_iter()) {
            (Ok(a), Ok(b)) => Value::from(a.chain(b).collect::<Vec<Value>>()),
            _ => Value::from(""),
        },
        (ValueKind::Number, ValueKind::Number) => {
            match (f64::try_from(value.clone()), f64::try_from(arg.clone())) {
                (Ok(a), Ok(b)) => Value::from(a + b),
                _ => Value::from(""),
            }
        }
        _ => Value::from(""),
    }
}

/// `cut(value, arg)`: every occurrence of `arg` removed.
fn cut(value: &Value, arg: Value) -> Value {
    let arg = text_of(&arg);
    let out = text_of(value).replace(&arg, "");
    if value.is_safe() && arg != ";" {
        Value::from_safe_string(out)
    } else {
        Value::from(out)
    }
}

/// One pass of tag stripping, roughly as Python's `HTMLParser` finds tags: `<` followed by a
/// letter, `/`+letter, `!` or `?` opens a tag (or comment) that runs to its `>`; a `<` that
/// opens nothing, or a tag that never closes, stays as text.
fn strip_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match tag_len(tail) {
            Some(len) => rest = &tail[len..],
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The byte length of the tag or comment at the start of `s` (which starts with `<`).
fn tag_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let next = *bytes.get(1)?;
    if s.starts_with("<!--") {
        return s.get(4..)?.find("-->").map(|p| p + 4 + 3);
    }
    let is_tag = next.is_ascii_alphabetic()
        || next == b'!'
        || next == b'?'
        || (next == b'/' && bytes.get(2).is_some_and(u8::is_ascii_alphabetic));
    if !is_tag {
        return None;
    }
    let mut i = 2;
    let mut after_equals = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'>' => return Some(i + 1),
            b'"' | b'\'' if after_equals => {
                let close = s.get(i + 1..)?.find(char::from(b))?;
                i += close + 1;
                after_equals = false;
            }
            b'=' => after_equals = true,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

/// `striptags(value)`: HTML tags and comments removed (repeatedly, as Django does).
fn striptags(value: &Value) -> Value {
    let mut text = text_of(value);
    for _ in 0..64 {
        if !(text.contains('<') && text.contains('>')) {
            break;
        }
        let stripped = strip_once(&text);
        if stripped.matches('<').count() == text.matches('<').count() {
            break;
        }
        text = stripped;
    }
    keep_safety(value, text)
}

/// `filesizeformat(value)`: `"102 bytes"`, `"13.0 KB"`, `"4.1 MB"`, ...
///
/// Django separates number and unit with a non-breaking space; this uses a plain space.
fn filesizeformat(value: &Value) -> String {
    let Some(bytes) = py_int(value) else {
        return "0 bytes".to_string();
    };
    let negative = bytes < 0;
    let size = bytes.unsigned_abs();
    const UNITS: [(u32, &str); 5] = [(10, "KB"), (20, "MB"), (30, "GB"), (40, "TB"), (50, "PB")];
    let text = if size < 1 << 10 {
        if size == 1 {
            "1 byte".to_string()
        } else {
            format!("{size} bytes")
        }
    } else {
        let (shift, unit) = UNITS
            .iter()
            .rev()
            .find(|(shift, _)| size >= 1u128 << shift)
            .copied()
            .unwrap_or((10, "KB"));
        // Python's round(x, 1) and Rust's `{:.1}` both round the exact binary value half-even.
        format!("{:.1} {unit}", size as f64 / (1u128 << shift) as f64)
    };
    if negative { format!("-{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        register(&mut env);
        env
    }

    /// Renders `source` as a non-HTML template (no auto-escaping).
    fn render(source: &str, ctx: Value) -> String {
        env()
            .render_str(source, ctx)
            .unwrap_or_else(|e| panic!("{source}: {e:#}"))
    }

    /// Renders `source` as `t.html` (HTML auto-escaping on).
    fn render_html(source: &str, ctx: Value) -> String {
        env()
            .render_named_str("t.html", source, ctx)
            .unwrap_or_else(|e| panic!("{source}: {e:#}"))
    }

    fn r(source: &str) -> String {
        render(source, context! {})
    }

    #[test]
    fn date_shows_aware_values_in_the_time_zone() {
        let mut env = env();
        use_time_zone(&mut env, crate::timezone::parse("Europe/Paris").unwrap());
        let out = |s: &str| env.render_str(s, context! {}).unwrap();
        // Winter and summer time; a naive value and a plain date are shown as they are.
        assert_eq!(
            out(r#"{{ "2026-12-01T13:30:00Z"|date("Y-m-d H:i O") }}"#),
            "2026-12-01 14:30 +0100"
        );
        assert_eq!(
            out(r#"{{ "2026-07-01T23:30:00+00:00"|date("Y-m-d H:i") }}"#),
            "2026-07-02 01:30"
        );
        assert_eq!(out(r#"{{ "2026-12-01 13:30:00"|date("H:i") }}"#), "13:30");
        assert_eq!(out(r#"{{ "2026-12-01"|date("Y-m-d") }}"#), "2026-12-01");
        assert_eq!(r(r#"{{ "2026-12-01T13:30:00Z"|date("H:i") }}"#), "13:30");
    }

    const D: &str = "2024-03-09 14:05:07";

    fn d(format: &str) -> String {
        render(
            &format!("{{{{ d|date({format:?}) }}}}"),
            context! { d => D },
        )
    }

    #[test]
    fn register_doc_examples() {
        let cases = [
            (
                r#"{{ "2024-03-09 14:05:07"|date("D, d M Y H:i") }}"#,
                "Sat, 09 Mar 2024 14:05",
            ),
            (r#"{{ ""|default("n/a") }}"#, "n/a"),
            (r#"{{ none|default_if_none("n/a") }}"#, "n/a"),
            (r#"{{ "Joel is a slug"|truncatechars(7) }}"#, "Joel i…"),
            (r#"{{ "Joel is a slug"|truncatewords(2) }}"#, "Joel is …"),
            (r#"{{ "a\nb"|linebreaksbr }}"#, "a<br>b"),
            (r#"{{ "a\n\nb"|linebreaks }}"#, "<p>a</p>\n\n<p>b</p>"),
            (r#"{{ 2|pluralize("y,ies") }}"#, "ies"),
            (r#"{{ [1]|pluralize }}"#, ""),
            (r#"{{ "  Crème brûlée  "|slugify }}"#, "creme-brulee"),
            (r#"{{ none|yesno("on,off,unknown") }}"#, "unknown"),
            (r#"{{ "a b/c"|urlencode }}"#, "a%20b/c"),
            (r#"{{ {"a": 1}|urlencode }}"#, "a=1"),
            (r#"{{ 6666.6666|floatformat("2g") }}"#, "6,666.67"),
            (r#"{{ "django"|capfirst }}"#, "Django"),
            (r#"{{ "3"|add(4) }}"#, "7"),
            (r#"{{ [1]|add([2]) }}"#, "[1, 2]"),
            (r#"{{ "a b c"|cut(" ") }}"#, "abc"),
            (r#"{{ "<b>Joel</b> is"|striptags }}"#, "Joel is"),
            (r#"{{ "Joel is a slug"|wordcount }}"#, "4"),
            (r#"{{ 123456789|filesizeformat }}"#, "117.7 MB"),
        ];
        for (source, expected) in cases {
            assert_eq!(render(source, context! {}), expected, "{source}");
        }
    }

    #[test]
    fn strict_undefined_is_accepted_where_django_would_be_silent() {
        let mut env = env();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let out = env
            .render_str(
                "{{ missing|default('x') }} {{ missing|default_if_none('y') }} [{{ missing|date }}]",
                context! {},
            )
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(out, "x y []");
    }

    #[test]
    fn date_examples() {
        assert_eq!(d("D, d M Y H:i"), "Sat, 09 Mar 2024 14:05");
        assert_eq!(d("jS F Y, P"), "9th March 2024, 2:05 p.m.");
        assert_eq!(r("{{ '2024-03-09 12:00:00'|date('P') }}"), "noon");
        assert_eq!(r("{{ '2024-03-09 00:00:00'|date('P') }}"), "midnight");
        assert_eq!(r("{{ '2024-03-09 09:00:00'|date('P') }}"), "9 a.m.");
        assert_eq!(r("{{ '2024-03-09 00:30:00'|date('P') }}"), "12:30 a.m.");
        assert_eq!(render("{{ d|date }}", context! { d => D }), "March 9, 2024");
    }

    #[test]
    fn date_each_format_char() {
        let cases = [
            ("a", "p.m."),
            ("A", "PM"),
            ("b", "mar"),
            ("c", "2024-03-09T14:05:07"),
            ("d", "09"),
            ("D", "Sat"),
            ("e", ""),
            ("E", "March"),
            ("f", "2:05"),
            ("F", "March"),
            ("g", "2"),
            ("G", "14"),
            ("h", "02"),
            ("H", "14"),
            ("i", "05"),
            ("j", "9"),
            ("l", "Saturday"),
            ("L", "True"),
            ("m", "03"),
            ("M", "Mar"),
            ("n", "3"),
            ("N", "March"),
            ("o", "2024"),
            ("O", "+0000"),
            ("P", "2:05 p.m."),
            ("r", "Sat, 09 Mar 2024 14:05:07 +0000"),
            ("s", "07"),
            ("S", "th"),
            ("t", "31"),
            ("T", "UTC"),
            ("u", "000000"),
            ("U", "1709993107"),
            ("w", "6"),
            ("W", "10"),
            ("y", "24"),
            ("Y", "2024"),
            ("z", "69"),
            ("Z", "0"),
        ];
        for (format, expected) in cases {
            assert_eq!(d(format), expected, "format char {format}");
        }
        assert_eq!(d("\\Y\\-m"), "Y-03");
        assert_eq!(d("Y-m-d \\a\\t H\\h"), "2024-03-09 at 14h");
        assert_eq!(d("DATE_FORMAT"), "March 9, 2024");
        assert_eq!(d("DATETIME_FORMAT"), "March 9, 2024, 2:05 p.m.");
        assert_eq!(d("SHORT_DATE_FORMAT"), "03/09/2024");
        assert_eq!(d("SHORT_DATETIME_FORMAT"), "03/09/2024 2:05 p.m.");
    }

    #[test]
    fn date_inputs() {
        let f = "Y-m-d H:i:s u O";
        let check = |value: Value, expected: &str| {
            let out = render(&format!("{{{{ v|date({f:?}) }}}}"), context! { v => value });
            assert_eq!(out, expected);
        };
        check(
            Value::from("2024-03-09T14:05:07+00:00"),
            "2024-03-09 14:05:07 000000 +0000",
        );
        check(
            Value::from("2024-03-09T14:05:07Z"),
            "2024-03-09 14:05:07 000000 +0000",
        );
        check(
            Value::from("2024-03-09T14:05:07.250+02:00"),
            "2024-03-09 14:05:07 250000 +0200",
        );
        check(
            Value::from("2024-03-09 14:05:07.123456+00:00"),
            "2024-03-09 14:05:07 123456 +0000",
        );
        check(
            Value::from("2024-03-09 14:05:07-0530"),
            "2024-03-09 14:05:07 000000 -0530",
        );
        check(
            Value::from("2024-03-09"),
            "2024-03-09 00:00:00 000000 +0000",
        );
        check(Value::from(1709993107), "2024-03-09 14:05:07 000000 +0000");
        check(
            Value::from(1709993107.5),
            "2024-03-09 14:05:07 500000 +0000",
        );
        for bad in [
            Value::from(""),
            Value::from(()),
            Value::UNDEFINED,
            Value::from("yesterday"),
            Value::from("2024-13-45"),
            Value::from("2024-03-09 25:00:00"),
            Value::from("2024-03-09Tjunk"),
            Value::from("2024-03-09 14:05:07+99:00"),
            Value::from("é2024-03-09 14:05"),
            Value::from(f64::NAN),
            Value::from(u64::MAX),
            Value::from(true),
            Value::from(vec![1, 2]),
        ] {
            check(bad, "");
        }
        assert_eq!(r("{{ missing|date }}"), "");
        assert_eq!(
            r("{{ '2024-03-09T14:05:07.5+02:00'|date('c') }}"),
            "2024-03-09T14:05:07.500000+02:00"
        );
        assert_eq!(
            r("{{ '2024-03-09T14:05:07+02:00'|date('U e T Z') }}"),
            "1709985907 UTC+02:00 UTC+02:00 7200"
        );
        assert_eq!(r("{{ '2024-03-09'|date('c') }}"), "2024-03-09");
        assert_eq!(r("{{ '2024-03-01'|date('jS') }}"), "1st");
        assert_eq!(r("{{ '2024-03-02'|date('jS') }}"), "2nd");
        assert_eq!(r("{{ '2024-03-23'|date('jS') }}"), "23rd");
        assert_eq!(r("{{ '2024-03-12'|date('jS') }}"), "12th");
        assert_eq!(r("{{ '2023-02-01'|date('t L N') }}"), "28 False Feb.");
        assert_eq!(r("{{ '2023-09-01'|date('N') }}"), "Sept.");
        assert_eq!(r("{{ '2024-03-09 14:05'|date('H:i') }}"), "14:05");
        assert_eq!(r("{{ d|date('Y\\\\') }}"), "");
        assert_eq!(
            render("{{ d|date('Y\\\\') }}", context! { d => D }),
            "2024\\"
        );
    }

    #[test]
    fn default_and_default_if_none() {
        for falsy in ["none", "missing", "false", "0", "''", "[]", "{}"] {
            assert_eq!(
                r(&format!("{{{{ {falsy}|default('x') }}}}")),
                "x",
                "{falsy}"
            );
        }
        assert_eq!(r("{{ 'a'|default('x') }}"), "a");
        assert_eq!(r("{{ 1|default('x') }}"), "1");
        assert_eq!(r("{{ ''|default('x', true) }}"), "x");
        assert_eq!(r("{{ none|default_if_none('x') }}"), "x");
        assert_eq!(r("{{ missing|default_if_none('x') }}"), "x");
        assert_eq!(r("{{ ''|default_if_none('x') }}"), "");
        assert_eq!(r("{{ 0|default_if_none('x') }}"), "0");
        assert_eq!(r("{{ false|default_if_none('x') }}"), "False");
    }

    #[test]
    fn truncation() {
        assert_eq!(r("{{ 'Joel is a slug'|truncatechars(7) }}"), "Joel i…");
        assert_eq!(
            r("{{ 'Joel is a slug'|truncatechars(14) }}"),
            "Joel is a slug"
        );
        assert_eq!(
            r("{{ 'Joel is a slug'|truncatechars(100) }}"),
            "Joel is a slug"
        );
        assert_eq!(r("{{ 'Joel'|truncatechars(1) }}"), "…");
        assert_eq!(r("{{ 'Joel'|truncatechars(0) }}"), "");
        assert_eq!(r("{{ 'Joel'|truncatechars('3') }}"), "Jo…");
        assert_eq!(r("{{ 'Joel'|truncatechars('x') }}"), "Joel");
        assert_eq!(r("{{ 'Crème brûlée'|truncatechars(5) }}"), "Crèm…");
        assert_eq!(r("{{ '日本語のテキスト'|truncatechars(4) }}"), "日本語…");
        assert_eq!(
            r("{{ 'e\u{301}e\u{301}e\u{301}'|truncatechars(2) }}"),
            "e\u{301}…"
        );
        assert_eq!(r("{{ 12345|truncatechars(3) }}"), "12…");
        assert_eq!(r("{{ 'Joel is a slug'|truncatewords(2) }}"), "Joel is …");
        assert_eq!(
            r("{{ 'Joel is a slug'|truncatewords(4) }}"),
            "Joel is a slug"
        );
        assert_eq!(
            r("{{ ' Joel  is\n a slug '|truncatewords(9) }}"),
            "Joel is a slug"
        );
        assert_eq!(r("{{ 'Joel is'|truncatewords(0) }}"), "");
        assert_eq!(r("{{ 'Joel is'|truncatewords(none) }}"), "Joel is");
    }

    #[test]
    fn linebreaks_filters() {
        let ctx = context! { v => "<b>x</b>\r\ny\rz" };
        assert_eq!(
            render_html("{{ v|linebreaksbr }}", ctx.clone()),
            "&lt;b&gt;x&lt;/b&gt;<br>y<br>z"
        );
        assert_eq!(
            render("{{ v|linebreaksbr }}", ctx.clone()),
            "<b>x</b><br>y<br>z"
        );
        assert_eq!(
            render_html("{{ v|safe|linebreaksbr }}", ctx),
            "<b>x</b><br>y<br>z"
        );
        assert_eq!(
            render_html("{{ v|linebreaks }}", context! { v => "a & b\nc\n\n\nd\n" }),
            "<p>a &amp; b<br>c</p>\n\n<p>d<br></p>"
        );
        assert_eq!(render_html("{{ ''|linebreaks }}", context! {}), "<p></p>");
        assert_eq!(render_html("{{ none|linebreaksbr }}", context! {}), "");
    }

    #[test]
    fn pluralize_filter() {
        let p = |v: Value, arg: &str| {
            render(&format!("{{{{ v|pluralize{arg} }}}}"), context! { v => v })
        };
        assert_eq!(p(Value::from(0), ""), "s");
        assert_eq!(p(Value::from(1), ""), "");
        assert_eq!(p(Value::from(2), ""), "s");
        assert_eq!(p(Value::from(1.0), ""), "");
        assert_eq!(p(Value::from(1.5), ""), "s");
        assert_eq!(p(Value::from("1"), ""), "");
        assert_eq!(p(Value::from("2"), ""), "s");
        assert_eq!(p(Value::from("abc"), ""), "");
        assert_eq!(p(Value::from(vec![1]), ""), "");
        assert_eq!(p(Value::from(Vec::<i32>::new()), ""), "s");
        assert_eq!(p(Value::from(vec![1, 2]), ""), "s");
        assert_eq!(p(Value::from(2), "('es')"), "es");
        assert_eq!(p(Value::from(1), "('es')"), "");
        assert_eq!(p(Value::from(1), "('y,ies')"), "y");
        assert_eq!(p(Value::from(2), "('y,ies')"), "ies");
        assert_eq!(p(Value::from(0), "('y,ies')"), "ies");
        assert_eq!(p(Value::from(2), "('y,ies,x')"), "");
        assert_eq!(p(Value::from(()), ""), "");
        assert_eq!(r("{{ 3 }} cherr{{ 3|pluralize('y,ies') }}"), "3 cherries");
    }

    #[test]
    fn slugify_filter() {
        assert_eq!(r("{{ 'Hello, World!'|slugify }}"), "hello-world");
        assert_eq!(r("{{ '  Crème brûlée  '|slugify }}"), "creme-brulee");
        assert_eq!(r("{{ ' Joel is a slug '|slugify }}"), "joel-is-a-slug");
        assert_eq!(r("{{ '__a -- b__'|slugify }}"), "a-b");
        assert_eq!(r("{{ 'a_b'|slugify }}"), "a_b");
        assert_eq!(
            r("{{ 'Straße Łódź Æon Œuvre'|slugify }}"),
            "strasse-lodz-aeon-oeuvre"
        );
        assert_eq!(r("{{ 'Žluťoučký kůň ÀÿÑ'|slugify }}"), "zlutoucky-kun-ayn");
        assert_eq!(r("{{ '日本 x'|slugify }}"), "x");
        assert_eq!(r("{{ 'a\u{a0}b ﬁ'|slugify }}"), "a-b-fi");
        assert_eq!(r("{{ 'Ｈｅｌｌｏ'|slugify }}"), "hello");
        assert_eq!(r("{{ 42|slugify }}"), "42");
    }

    #[test]
    fn yesno_filter() {
        assert_eq!(r("{{ true|yesno }}"), "yes");
        assert_eq!(r("{{ false|yesno }}"), "no");
        assert_eq!(r("{{ none|yesno }}"), "maybe");
        assert_eq!(r("{{ none|yesno('yeah,no') }}"), "no");
        assert_eq!(r("{{ 1|yesno('on,off,?') }}"), "on");
        assert_eq!(r("{{ ''|yesno('on,off,?') }}"), "off");
        assert_eq!(r("{{ true|yesno('bad') }}"), "True");
        assert_eq!(r("{{ none|yesno('a,b,c,d') }}"), "b");
    }

    #[test]
    fn urlencode_filter() {
        assert_eq!(r("{{ '/a b?c=d&e'|urlencode }}"), "/a%20b%3Fc%3Dd%26e");
        assert_eq!(r("{{ '/a b'|urlencode('') }}"), "%2Fa%20b");
        assert_eq!(r("{{ 'a:b/c'|urlencode(':') }}"), "a:b%2Fc");
        assert_eq!(r("{{ 'A_z.-~0'|urlencode }}"), "A_z.-~0");
        assert_eq!(r("{{ 'é'|urlencode }}"), "%C3%A9");
        assert_eq!(r("{{ 12|urlencode }}"), "12");
        assert_eq!(r("{{ none|urlencode }}"), "");
        assert_eq!(
            r("{{ {'a': 1, 'b': 'x y/z', 'c': none, 'd': [1, 2]}|urlencode }}"),
            "a=1&b=x+y%2Fz&d=1&d=2"
        );
    }

    #[test]
    fn floatformat_filter() {
        let f = |v: &str, arg: &str| r(&format!("{{{{ {v}|floatformat{arg} }}}}"));
        let table = [
            ("34.23234", "", "34.2"),
            ("34.00000", "", "34"),
            ("34.26000", "", "34.3"),
            ("34.23234", "(3)", "34.232"),
            ("34.00000", "(3)", "34.000"),
            ("34.26000", "(3)", "34.260"),
            ("34.23234", "('-3')", "34.232"),
            ("34.00000", "('-3')", "34"),
            ("34.26000", "('-3')", "34.260"),
            ("34.23234", "(-3)", "34.232"),
            ("39.56", "(0)", "40"),
            ("39.56", "('0')", "40"),
            ("6666.6666", "('2g')", "6,666.67"),
            ("6666.6666", "('-2g')", "6,666.67"),
            ("6666.0", "('-2g')", "6,666"),
            ("10000", "('g')", "10,000"),
            ("1234567.891", "('2g')", "1,234,567.89"),
            ("66666.666", "('2u')", "66666.67"),
            ("0.5", "(0)", "1"),
            ("1.5", "(0)", "2"),
            ("2.5", "(0)", "3"),
            ("-2.5", "(0)", "-3"),
            ("0.005", "(2)", "0.01"),
            ("-0.01", "", "0.0"),
            ("-0.04", "(1)", "0.0"),
            ("-1.25", "(1)", "-1.3"),
            ("9.99", "(1)", "10.0"),
            ("99.96", "", "100.0"),
            ("7", "", "7"),
            ("7", "(2)", "7.00"),
            ("-7", "('g')", "-7"),
            ("1.0", "", "1"),
            ("0.0001", "", "0.0"),
            ("'34.23234'", "", "34.2"),
            ("' 1.5e3 '", "", "1500"),
            ("'1.25e-1'", "(2)", "0.13"),
            ("'.5'", "", "0.5"),
            ("'abc'", "", ""),
            ("''", "", ""),
            ("none", "", ""),
            ("missing", "", ""),
            ("[1]", "", ""),
            ("true", "(2)", "1.00"),
            ("'inf'", "", "inf"),
            ("34.2", "('x')", "34.2"),
            ("'1e999999'", "", "1e999999"),
            ("1", "(99999)", "1"),
        ];
        for (value, arg, expected) in table {
            assert_eq!(f(value, arg), expected, "{value}|floatformat{arg}");
        }
        assert!(
            env()
                .render_str("{{ 1|floatformat([1]) }}", context! {})
                .is_err()
        );
    }

    #[test]
    fn misc_filters() {
        assert_eq!(r("{{ 'django'|capfirst }}"), "Django");
        assert_eq!(r("{{ 'élan'|capfirst }}"), "Élan");
        assert_eq!(r("{{ ''|capfirst }}"), "");
        assert_eq!(r("{{ 4|add(2) }}"), "6");
        assert_eq!(r("{{ '3'|add(4) }}"), "7");
        assert_eq!(r("{{ 1.5|add(1) }}"), "2");
        assert_eq!(r("{{ 'ab'|add('cd') }}"), "abcd");
        assert_eq!(r("{{ [1, 2]|add([3]) }}"), "[1, 2, 3]");
        assert_eq!(r("{{ 'a'|add(1) }}"), "");
        assert_eq!(r("{{ none|add(1) }}"), "");
        assert_eq!(r("{{ {}|add({}) }}"), "");
        assert_eq!(r("{{ 'String with spaces'|cut(' ') }}"), "Stringwithspaces");
        assert_eq!(r("{{ 'abc'|cut('') }}"), "abc");
        assert_eq!(
            render_html("{{ v|safe|cut('x') }}", context! { v => "<b>x</b>" }),
            "<b></b>"
        );
        assert_eq!(r("{{ 'Joel is a slug'|wordcount }}"), "4");
        assert_eq!(r("{{ '  '|wordcount }}"), "0");
        assert_eq!(r("{{ none|wordcount }}"), "0");
    }

    #[test]
    fn striptags_filter() {
        let cases = [
            (
                "<b>Joel</b> <button>is</button> a <span>slug</span>",
                "Joel is a slug",
            ),
            ("<adf>a", "a"),
            ("</adf>a", "a"),
            ("<asdf><asdf>e", "e"),
            ("hi, <f x", "hi, <f x"),
            ("234<235, right?", "234<235, right?"),
            ("a4<a5 right?", "a4<a5 right?"),
            ("b7>b2!", "b7>b2!"),
            ("</fe", "</fe"),
            ("<x>b<y>", "b"),
            ("a<p onclick=\"alert('<test>')\">b</p>c", "abc"),
            ("a<p a >b</p>c", "abc"),
            ("d<a:b c:d>e</p>f", "def"),
            ("&gotcha&#;<>", "&gotcha&#;<>"),
            ("<sc<!-- -->ript>test<<!-- -->/script>", "ript>test"),
            ("X<<<<br>br>br>br>X", "XX"),
            ("a<!-- <b>c</b> -->d", "ad"),
            ("<!DOCTYPE html><p>x</p>", "x"),
        ];
        for (input, expected) in cases {
            let out = render("{{ v|striptags }}", context! { v => input });
            assert_eq!(out, expected, "{input}");
        }
        assert_eq!(
            render_html("{{ v|striptags }}", context! { v => "<b>a &amp; b</b>" }),
            "a &amp;amp; b"
        );
    }

    #[test]
    fn filesizeformat_filter() {
        let cases = [
            ("0", "0 bytes"),
            ("1", "1 byte"),
            ("102", "102 bytes"),
            ("1023", "1023 bytes"),
            ("1024", "1.0 KB"),
            ("13312", "13.0 KB"),
            ("10240", "10.0 KB"),
            ("4299161", "4.1 MB"),
            ("123456789", "117.7 MB"),
            ("1073741824", "1.0 GB"),
            ("1099511627776", "1.0 TB"),
            ("1125899906842624", "1.0 PB"),
            ("1125899906842624 * 2000", "2000.0 PB"),
            ("-1024", "-1.0 KB"),
            ("-1", "-1 byte"),
            ("1024.9", "1.0 KB"),
            ("'2048'", "2.0 KB"),
            ("'x'", "0 bytes"),
            ("none", "0 bytes"),
            ("[]", "0 bytes"),
        ];
        for (value, expected) in cases {
            assert_eq!(r(&format!("{{{{ ({value})|filesizeformat }}}}")), expected);
        }
    }

    #[test]
    fn filters_never_panic_on_odd_input() {
        let values = [
            Value::UNDEFINED,
            Value::from(()),
            Value::from(true),
            Value::from(-1),
            Value::from(i64::MIN),
            Value::from(u64::MAX),
            Value::from(f64::NAN),
            Value::from(f64::INFINITY),
            Value::from(-1e300),
            Value::from(""),
            Value::from("<>&\"'\u{0}\u{301}日本\r\n"),
            Value::from(vec![Value::from(1), Value::from("a")]),
            Value::from_iter([("k", Value::from(()))]),
            Value::from_safe_string("<i>".into()),
        ];
        let filters = [
            "date",
            "date('abc\\\\')",
            "default",
            "default_if_none(1)",
            "truncatechars(2)",
            "truncatechars(-5)",
            "truncatewords(1)",
            "linebreaksbr",
            "linebreaks",
            "pluralize",
            "pluralize('a,b')",
            "slugify",
            "yesno",
            "urlencode",
            "floatformat",
            "floatformat('-2g')",
            "capfirst",
            "add(1)",
            "add('x')",
            "cut('a')",
            "striptags",
            "wordcount",
            "filesizeformat",
        ];
        let env = env();
        for value in &values {
            for filter in filters {
                for name in ["t.txt", "t.html"] {
                    let source = format!("{{{{ v|{filter} }}}}");
                    let _ = env.render_named_str(name, &source, context! { v => value });
                }
            }
        }
    }
}
