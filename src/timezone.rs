//! Time zones, as Django's `django.utils.timezone`: the current time, and conversions between
//! UTC (what the database stores) and the site's `TIME_ZONE` (what people read and type).
//!
//! With `USE_TZ = true` (the default, as in Django 5), forms read a typed date and time in
//! `TIME_ZONE` and give it as an aware value, stored as UTC; a stored value is shown in
//! `TIME_ZONE` in forms and by the `date` template filter.
//!
//! ```
//! use roan::timezone::{self, Tz};
//!
//! let paris: Tz = timezone::parse("Europe/Paris").unwrap();
//! let naive = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(14, 30, 0).unwrap();
//! let aware = timezone::make_aware(naive, paris).unwrap();
//! assert_eq!(aware.to_rfc3339(), "2026-12-01T14:30:00+01:00");
//! assert_eq!(timezone::localtime(aware.to_utc(), paris).naive_local(), naive);
//! ```

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

pub use chrono_tz::Tz;

/// Django's `timezone.now()`: the current time, in UTC.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A `TIME_ZONE` name (`"Europe/Paris"`, `"UTC"`) as a time zone of the IANA database.
pub fn parse(name: &str) -> Result<Tz, UnknownTimeZone> {
    name.parse::<Tz>()
        .map_err(|_| UnknownTimeZone(name.to_string()))
}

/// A name that is not a time zone of the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time zone of the IANA database")]
pub struct UnknownTimeZone(pub String);

/// Django's `localtime`: an instant as the wall-clock time of `tz`.
pub fn localtime(value: DateTime<Utc>, tz: Tz) -> DateTime<Tz> {
    value.with_timezone(&tz)
}

/// Django's `make_aware`: a wall-clock time of `tz` as an instant; `None` when the clocks of
/// `tz` skip it (a spring-forward gap) or show it twice (the hour after a fall-back), as
/// Django's forms refuse such a time rather than guess.
pub fn make_aware(value: NaiveDateTime, tz: Tz) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&value).single()
}

/// Reads a date and time as the database, fixtures and forms write it: RFC 3339 with an offset
/// (`2026-12-01T13:30:00Z`, `2026-12-01 14:30:00+01:00`) is an instant; without one
/// (`2026-12-01T13:30:00`, `2026-12-01 13:30`) it is UTC, as a naive value read from the
/// database is under `USE_TZ`.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(aware) = DateTime::parse_from_rfc3339(text) {
        return Some(aware.to_utc());
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_and_folds_are_refused() {
        let paris = parse("Europe/Paris").unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 2026-03-29 02:30 does not exist in Paris; 2026-10-25 02:30 happens twice.
        assert_eq!(make_aware(at("2026-03-29 02:30"), paris), None);
        assert_eq!(make_aware(at("2026-10-25 02:30"), paris), None);
        assert_eq!(
            make_aware(at("2026-07-01 12:00"), paris).map(|d| d.to_rfc3339()),
            Some("2026-07-01T12:00:00+02:00".into())
        );
    }

    #[test]
    fn unknown_names_are_errors() {
        assert_eq!(
            parse("Europe/Pariss").unwrap_err().to_string(),
            "\"Europe/Pariss\" is not a time zone of the IANA database"
        );
        assert_eq!(parse("UTC").unwrap(), Tz::UTC);
    }

    #[test]
    fn instants_with_and_without_offsets() {
        let utc = |s: &str| parse_instant(s).map(|d| d.to_rfc3339());
        assert_eq!(
            utc("2026-12-01T14:30:00+01:00"),
            Some("2026-12-01T13:30:00+00:00".into())
        );
        assert_eq!(
            utc("2026-12-01 13:30:00"),
            Some("2026-12-01T13:30:00+00:00".into())
        );
        assert_eq!(
            utc("2026-12-01 14:30:00+01:00"),
            Some("2026-12-01T13:30:00+00:00".into())
        );
        assert_eq!(
            utc("2026-12-01T13:30"),
            Some("2026-12-01T13:30:00+00:00".into())
        );
        assert_eq!(utc("yesterday"), None);
    }
}
