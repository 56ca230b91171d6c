//! Form fields with Django's names, options and messages. Each turns the submitted text into a
//! value (a `serde_json::Value`: strings, numbers, booleans, lists, null), or into errors.

use super::widgets::Widget;
use serde_json::Value as Json;
use std::sync::Arc;

/// A validation error: the message shown to the user and Django's code for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// What to show, e.g. "This field is required.".
    pub message: String,
    /// Django's code, e.g. `required`, `invalid`, `max_length`.
    pub code: &'static str,
}

impl ValidationError {
    /// An error with a message and a code.
    pub fn new(message: impl Into<String>, code: &'static str) -> ValidationError {
        ValidationError {
            message: message.into(),
            code,
        }
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValidationError {}

/// An extra check on a cleaned value (Django's `validators=[...]`).
pub type Validator = Arc<dyn Fn(&Json) -> Result<(), ValidationError> + Send + Sync>;

/// What every field has: label, requiredness, initial value, help text, widget, validators and
/// message overrides (Django's `Field.__init__` arguments).
#[derive(Clone)]
pub struct FieldOptions {
    /// Whether an empty value is an error [default: true].
    pub required: bool,
    /// The label [default: the field name, underscores as spaces, capitalised].
    pub label: Option<String>,
    /// The value shown in an unbound form.
    pub initial: Option<Json>,
    /// Help shown beside the field.
    pub help_text: String,
    /// The widget, when not the field's default.
    pub widget: Option<Widget>,
    /// Shown but not editable; the submitted value is ignored.
    pub disabled: bool,
    /// Extra checks.
    pub validators: Vec<Validator>,
    /// Message overrides by code (`required`, `invalid`, ...).
    pub error_messages: Vec<(&'static str, String)>,
}

impl Default for FieldOptions {
    fn default() -> FieldOptions {
        FieldOptions {
            required: true,
            label: None,
            initial: None,
            help_text: String::new(),
            widget: None,
            disabled: false,
            validators: Vec::new(),
            error_messages: Vec::new(),
        }
    }
}

impl FieldOptions {
    pub(crate) fn message(&self, code: &'static str, default: String) -> ValidationError {
        let message = self
            .error_messages
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, m)| m.clone())
            .unwrap_or(default);
        ValidationError::new(message, code)
    }
}

/// A form field: how its widget reads the submission and how the text becomes a value.
/// Implement it for a field of your own; the fields below are Django's.
pub trait FormField: Send + Sync {
    /// The options every field has.
    fn options(&self) -> &FieldOptions;
    /// The widget used when none is given.
    fn default_widget(&self) -> Widget {
        Widget::TextInput
    }
    /// The submitted text as a value; `Json::Null` for empty (Django's `to_python`).
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError>;
    /// Checks of the value beyond its type: lengths, bounds, choices (Django's `validate` and
    /// the field's own validators).
    fn check(&self, _value: &Json) -> Result<(), ValidationError> {
        Ok(())
    }
    /// HTML attributes the field adds to its widget (`maxlength`, `min`, `step`, ...).
    fn widget_attrs(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Django's `from_current_timezone`, for a field of a date and time under `USE_TZ`: the
    /// cleaned wall-clock time read in `tz` and given as an instant (RFC 3339 with the
    /// offset). Other fields keep their value.
    fn make_aware_in(
        &self,
        value: Json,
        _tz: crate::timezone::Tz,
    ) -> Result<Json, ValidationError> {
        Ok(value)
    }
    /// Django's `to_current_timezone`: a stored instant as the wall-clock time of `tz`, the
    /// way the widget shows it; `None` for a field that is not a date and time.
    fn localtime_in(&self, _value: &Json, _tz: crate::timezone::Tz) -> Option<Json> {
        None
    }
    /// The choices of a choice field: (value, label).
    fn choices(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Whether the field takes an uploaded file (cleaned by [`FormField::clean_file`]).
    fn is_file(&self) -> bool {
        false
    }
    /// The uploaded file (or none) as a clean value; `initial` is the stored file of the row
    /// being edited, kept when no new file comes.
    fn clean_file(
        &self,
        _file: Option<&super::UploadedFile>,
        initial: Option<&Json>,
    ) -> Result<Json, Vec<ValidationError>> {
        Ok(initial.cloned().unwrap_or(Json::Null))
    }
    /// The directory under `MEDIA_ROOT` a file field's uploads are stored in.
    fn upload_to(&self) -> &str {
        ""
    }

    /// The widget.
    fn widget(&self) -> Widget {
        self.options()
            .widget
            .clone()
            .unwrap_or_else(|| self.default_widget())
    }

    /// Whether the value counts as empty for `required`.
    fn is_empty(&self, value: &Json) -> bool {
        match value {
            Json::Null => true,
            Json::String(s) => s.is_empty(),
            Json::Array(a) => a.is_empty(),
            _ => false,
        }
    }

    /// The submission as a clean value, or every error (Django's `Field.clean`).
    fn clean(&self, raw: &[&str]) -> Result<Json, Vec<ValidationError>> {
        let options = self.options();
        let value = self.to_value(raw).map_err(|e| vec![e])?;
        if self.is_empty(&value) {
            if options.required {
                return Err(vec![
                    options.message("required", "This field is required.".into()),
                ]);
            }
            return Ok(value);
        }
        let mut errors = Vec::new();
        if let Err(e) = self.check(&value) {
            errors.push(e);
        }
        for v in &options.validators {
            if let Err(e) = v(&value) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }
}

/// The last submitted value, or "".
fn last<'a>(raw: &[&'a str]) -> &'a str {
    raw.last().copied().unwrap_or("")
}

/// The builder methods every field has, as Django's field arguments.
macro_rules! common_options {
    ($t:ty) => {
        common_options!($t, options);
    };
    ($t:ty, $($path:ident).+) => {
        impl $t {
            /// Whether an empty value is an error [default: true].
            pub fn required(mut self, required: bool) -> Self {
                self.$($path).+.required = required;
                self
            }
            /// The label.
            pub fn label(mut self, label: impl Into<String>) -> Self {
                self.$($path).+.label = Some(label.into());
                self
            }
            /// The value of an unbound form.
            pub fn initial(mut self, initial: impl serde::Serialize) -> Self {
                self.$($path).+.initial = serde_json::to_value(initial).ok();
                self
            }
            /// Help shown beside the field.
            pub fn help_text(mut self, text: impl Into<String>) -> Self {
                self.$($path).+.help_text = text.into();
                self
            }
            /// The widget.
            pub fn widget(mut self, widget: Widget) -> Self {
                self.$($path).+.widget = Some(widget);
                self
            }
            /// Shown, not editable; the submission is ignored.
            pub fn disabled(mut self, disabled: bool) -> Self {
                self.$($path).+.disabled = disabled;
                self
            }
            /// An extra check.
            pub fn validator(
                mut self,
                check: impl Fn(&serde_json::Value) -> Result<(), ValidationError>
                + Send
                + Sync
                + 'static,
            ) -> Self {
                self.$($path).+.validators.push(std::sync::Arc::new(check));
                self
            }
            /// Replaces the message of an error code (`required`, `invalid`, ...).
            pub fn error_message(mut self, code: &'static str, message: impl Into<String>) -> Self {
                self.$($path).+.error_messages.push((code, message.into()));
                self
            }
        }
    };
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Django's `CharField`: text, stripped by default, with optional length bounds.
#[derive(Clone, Default)]
pub struct CharField {
    options: FieldOptions,
    max_length: Option<usize>,
    min_length: Option<usize>,
    no_strip: bool,
    empty_value_null: bool,
}
common_options!(CharField);

impl CharField {
    /// A required text field.
    pub fn new() -> CharField {
        CharField::default()
    }
    /// At most `n` characters (also the input's `maxlength`).
    pub fn max_length(mut self, n: usize) -> CharField {
        self.max_length = Some(n);
        self
    }
    /// At least `n` characters.
    pub fn min_length(mut self, n: usize) -> CharField {
        self.min_length = Some(n);
        self
    }
    /// Whether leading and trailing whitespace is removed [default: true].
    pub fn strip(mut self, strip: bool) -> CharField {
        self.no_strip = !strip;
        self
    }
    /// An empty value cleans to null instead of "" (Django's `empty_value=None`).
    pub fn empty_value_none(mut self) -> CharField {
        self.empty_value_null = true;
        self
    }

    fn text(&self, raw: &[&str]) -> String {
        let s = last(raw);
        if self.no_strip {
            s.to_string()
        } else {
            s.trim().to_string()
        }
    }

    fn check_length(&self, s: &str) -> Result<(), ValidationError> {
        let n = s.chars().count();
        if let Some(max) = self.max_length
            && n > max
        {
            return Err(self.options.message(
                "max_length",
                format!(
                    "Ensure this value has at most {max} {} (it has {n}).",
                    plural(max, "character")
                ),
            ));
        }
        if let Some(min) = self.min_length
            && n < min
        {
            return Err(self.options.message(
                "min_length",
                format!(
                    "Ensure this value has at least {min} {} (it has {n}).",
                    plural(min, "character")
                ),
            ));
        }
        Ok(())
    }
}

impl FormField for CharField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = self.text(raw);
        if s.is_empty() && self.empty_value_null {
            return Ok(Json::Null);
        }
        Ok(Json::String(s))
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        self.check_length(value.as_str().unwrap_or(""))
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        let mut attrs = Vec::new();
        if let Some(n) = self.max_length {
            attrs.push(("maxlength".into(), n.to_string()));
        }
        if let Some(n) = self.min_length {
            attrs.push(("minlength".into(), n.to_string()));
        }
        attrs
    }
}

/// A text field with a pattern check and its own message (shared by email, URL, slug, regex).
macro_rules! text_field {
    ($(#[$doc:meta])* $name:ident, $widget:expr, $code:literal, $message:expr, $valid:expr) => {
        $(#[$doc])*
        #[derive(Clone, Default)]
        pub struct $name {
            text: CharField,
        }

        impl $name {
            /// A required field.
            pub fn new() -> $name {
                $name::default()
            }
            /// At most `n` characters.
            pub fn max_length(mut self, n: usize) -> $name {
                self.text = self.text.max_length(n);
                self
            }
            /// At least `n` characters.
            pub fn min_length(mut self, n: usize) -> $name {
                self.text = self.text.min_length(n);
                self
            }
        }

        common_options!($name, text.options);

        impl FormField for $name {
            fn options(&self) -> &FieldOptions {
                &self.text.options
            }
            fn default_widget(&self) -> Widget {
                $widget
            }
            fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
                self.text.to_value(raw)
            }
            fn check(&self, value: &Json) -> Result<(), ValidationError> {
                let s = value.as_str().unwrap_or("");
                let valid: fn(&str) -> bool = $valid;
                if !valid(s) {
                    return Err(self.text.options.message($code, $message.into()));
                }
                self.text.check_length(s)
            }
            fn widget_attrs(&self) -> Vec<(String, String)> {
                self.text.widget_attrs()
            }
        }
    };
}

text_field!(
    /// Django's `EmailField`: a valid email address.
    EmailField,
    Widget::EmailInput,
    "invalid",
    "Enter a valid email address.",
    is_email
);
text_field!(
    /// Django's `URLField`: an http(s) or ftp(s) URL.
    URLField,
    Widget::URLInput,
    "invalid",
    "Enter a valid URL.",
    is_url
);
text_field!(
    /// Django's `SlugField`: letters, numbers, underscores or hyphens.
    SlugField,
    Widget::TextInput,
    "invalid",
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
    |s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
);

/// Django's `EmailValidator`, in short: a local part and a domain with a dot (or localhost).
pub fn is_email(s: &str) -> bool {
    let Some((user, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let user_ok = !user.is_empty()
        && user.len() <= 64
        && !user.starts_with('.')
        && !user.ends_with('.')
        && !user.contains("..")
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    user_ok && (domain == "localhost" || is_domain(domain))
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_alphabetic()))
}

/// Django's `URLValidator`, in short: a scheme, a host (domain, localhost or IP), an optional
/// port and path, no spaces.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    if !matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "ftps"
    ) || s.chars().any(char::is_whitespace)
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => (h, Some(p)),
        _ => (host_port, None),
    };
    if port.is_some_and(|p| p.is_empty() || p.parse::<u16>().is_err()) {
        return false;
    }
    host == "localhost"
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || (host.starts_with('[') && host.ends_with(']'))
        || is_domain(host)
}

/// Django's `RegexField`: text matching a regular expression.
#[derive(Clone)]
pub struct RegexField {
    text: CharField,
    regex: regex::Regex,
}

impl RegexField {
    /// A field whose value must match `pattern` (searched, as Django's `RegexValidator`).
    pub fn new(pattern: &str) -> Result<RegexField, regex::Error> {
        Ok(RegexField {
            text: CharField::new(),
            regex: regex::Regex::new(pattern)?,
        })
    }
}

common_options!(RegexField, text.options);

impl FormField for RegexField {
    fn options(&self) -> &FieldOptions {
        &self.text.options
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        self.text.to_value(raw)
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        if !self.regex.is_match(value.as_str().unwrap_or("")) {
            return Err(self
                .text
                .options
                .message("invalid", "Enter a valid value.".into()));
        }
        Ok(())
    }
}

/// Django's `IntegerField`: a whole number, with optional bounds and step.
#[derive(Clone, Default)]
pub struct IntegerField {
    options: FieldOptions,
    min_value: Option<i64>,
    max_value: Option<i64>,
    step_size: Option<i64>,
}
common_options!(IntegerField);

impl IntegerField {
    /// A required whole number.
    pub fn new() -> IntegerField {
        IntegerField::default()
    }
    /// At least `n`.
    pub fn min_value(mut self, n: i64) -> IntegerField {
        self.min_value = Some(n);
        self
    }
    /// At most `n`.
    pub fn max_value(mut self, n: i64) -> IntegerField {
        self.max_value = Some(n);
        self
    }
    /// A multiple of `n`.
    pub fn step_size(mut self, n: i64) -> IntegerField {
        self.step_size = Some(n);
        self
    }
}

fn bounds_check<T: PartialOrd + std::fmt::Display + Copy>(
    options: &FieldOptions,
    v: T,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), ValidationError> {
    if let Some(max) = max
        && v > max
    {
        return Err(options.message(
            "max_value",
            format!("Ensure this value is less than or equal to {max}."),
        ));
    }
    if let Some(min) = min
        && v < min
    {
        return Err(options.message(
            "min_value",
            format!("Ensure this value is greater than or equal to {min}."),
        ));
    }
    Ok(())
}

fn bound_attrs<T: std::fmt::Display>(
    min: &Option<T>,
    max: &Option<T>,
    step: Option<String>,
) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    if let Some(m) = min {
        attrs.push(("min".into(), m.to_string()));
    }
    if let Some(m) = max {
        attrs.push(("max".into(), m.to_string()));
    }
    if let Some(s) = step {
        attrs.push(("step".into(), s));
    }
    attrs
}

impl FormField for IntegerField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::NumberInput
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        // Django accepts "1.0" for an integer, not "1.5".
        let parsed = s.parse::<i64>().ok().or_else(|| {
            s.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        });
        parsed.map(Json::from).ok_or_else(|| {
            self.options
                .message("invalid", "Enter a whole number.".into())
        })
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        let v = value.as_i64().unwrap_or(0);
        bounds_check(&self.options, v, self.min_value, self.max_value)?;
        if let Some(step) = self.step_size.filter(|s| *s != 0)
            && v % step != 0
        {
            return Err(self.options.message(
                "step_size",
                format!("Ensure this value is a multiple of step size {step}."),
            ));
        }
        Ok(())
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        bound_attrs(
            &self.min_value,
            &self.max_value,
            self.step_size.map(|s| s.to_string()),
        )
    }
}

/// Django's `FloatField`: a number.
#[derive(Clone, Default)]
pub struct FloatField {
    options: FieldOptions,
    min_value: Option<f64>,
    max_value: Option<f64>,
}
common_options!(FloatField);

impl FloatField {
    /// A required number.
    pub fn new() -> FloatField {
        FloatField::default()
    }
    /// At least `n`.
    pub fn min_value(mut self, n: f64) -> FloatField {
        self.min_value = Some(n);
        self
    }
    /// At most `n`.
    pub fn max_value(mut self, n: f64) -> FloatField {
        self.max_value = Some(n);
        self
    }
}

impl FormField for FloatField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::NumberInput
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(Json::Number)
            .ok_or_else(|| self.options.message("invalid", "Enter a number.".into()))
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        bounds_check(
            &self.options,
            value.as_f64().unwrap_or(0.0),
            self.min_value,
            self.max_value,
        )
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        bound_attrs(&self.min_value, &self.max_value, Some("any".into()))
    }
}

/// Django's `DecimalField`: a decimal number, kept as its exact text (`"12.50"`), with
/// `max_digits` and `decimal_places`.
#[derive(Clone, Default)]
pub struct DecimalField {
    options: FieldOptions,
    max_digits: Option<usize>,
    decimal_places: Option<usize>,
}
common_options!(DecimalField);

impl DecimalField {
    /// A required decimal.
    pub fn new() -> DecimalField {
        DecimalField::default()
    }
    /// At most `n` digits in all.
    pub fn max_digits(mut self, n: usize) -> DecimalField {
        self.max_digits = Some(n);
        self
    }
    /// At most `n` digits after the point.
    pub fn decimal_places(mut self, n: usize) -> DecimalField {
        self.decimal_places = Some(n);
        self
    }
}

impl FormField for DecimalField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::NumberInput
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = !(whole.is_empty() && frac.is_empty())
            && whole.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit());
        if !valid {
            return Err(self.options.message("invalid", "Enter a number.".into()));
        }
        Ok(Json::String(s.trim_start_matches('+').to_string()))
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        let s = value.as_str().unwrap_or("");
        let digits = s.trim_start_matches('-');
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let whole = whole.trim_start_matches('0');
        let frac_len = frac.trim_end_matches('0').len();
        let total = whole.len() + frac_len;
        if let Some(max) = self.max_digits
            && total > max
        {
            return Err(self.options.message(
                "max_digits",
                format!(
                    "Ensure that there are no more than {max} {} in total.",
                    plural(max, "digit")
                ),
            ));
        }
        if let Some(places) = self.decimal_places
            && frac_len > places
        {
            return Err(self.options.message(
                "max_decimal_places",
                format!(
                    "Ensure that there are no more than {places} decimal {}.",
                    plural(places, "place")
                ),
            ));
        }
        if let (Some(max), Some(places)) = (self.max_digits, self.decimal_places)
            && whole.len() > max.saturating_sub(places)
        {
            let n = max.saturating_sub(places);
            return Err(self.options.message(
                "max_whole_digits",
                format!(
                    "Ensure that there are no more than {n} {} before the decimal point.",
                    plural(n, "digit")
                ),
            ));
        }
        Ok(())
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        let step = match self.decimal_places {
            Some(0) => "1".to_string(),
            Some(n) => format!("0.{}1", "0".repeat(n - 1)),
            None => "any".to_string(),
        };
        vec![("step".into(), step)]
    }
}

/// Django's `BooleanField`: a checkbox. Required means it must be checked; use
/// `.required(false)` for an optional one.
#[derive(Clone, Default)]
pub struct BooleanField {
    options: FieldOptions,
}
common_options!(BooleanField);

impl BooleanField {
    /// A checkbox that must be checked (`.required(false)` for an optional one).
    pub fn new() -> BooleanField {
        BooleanField::default()
    }
}

/// Django's reading of a checkbox: absent, "", "false", "False", "0", "off" are false.
fn checkbox_value(raw: &[&str]) -> bool {
    is_checked(raw.last().copied())
}

/// Whether a checkbox's submitted value (the last one, if any) means checked, as Django reads it.
pub(crate) fn is_checked(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v, "" | "false" | "False" | "0" | "off"))
}

impl FormField for BooleanField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::CheckboxInput
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        Ok(Json::Bool(checkbox_value(raw)))
    }
    fn is_empty(&self, value: &Json) -> bool {
        value != &Json::Bool(true)
    }
    fn clean(&self, raw: &[&str]) -> Result<Json, Vec<ValidationError>> {
        let value = Json::Bool(checkbox_value(raw));
        if self.options.required && value != Json::Bool(true) {
            return Err(vec![
                self.options
                    .message("required", "This field is required.".into()),
            ]);
        }
        Ok(value)
    }
}

/// Django's `NullBooleanField`: yes, no or unknown.
#[derive(Clone)]
pub struct NullBooleanField {
    options: FieldOptions,
}
common_options!(NullBooleanField);

impl Default for NullBooleanField {
    fn default() -> NullBooleanField {
        NullBooleanField {
            options: FieldOptions {
                required: false,
                ..FieldOptions::default()
            },
        }
    }
}

impl NullBooleanField {
    /// Yes, no or unknown.
    pub fn new() -> NullBooleanField {
        NullBooleanField::default()
    }
}

impl FormField for NullBooleanField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::NullBooleanSelect
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        Ok(match last(raw) {
            "true" | "True" | "2" | "on" | "1" => Json::Bool(true),
            "false" | "False" | "3" | "0" => Json::Bool(false),
            _ => Json::Null,
        })
    }
    fn clean(&self, raw: &[&str]) -> Result<Json, Vec<ValidationError>> {
        self.to_value(raw).map_err(|e| vec![e])
    }
}

/// Django's `UUIDField`.
#[derive(Clone, Default)]
pub struct UUIDField {
    options: FieldOptions,
}
common_options!(UUIDField);

impl UUIDField {
    /// A required UUID.
    pub fn new() -> UUIDField {
        UUIDField::default()
    }
}

impl FormField for UUIDField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        uuid::Uuid::parse_str(s)
            .map(|u| Json::String(u.hyphenated().to_string()))
            .map_err(|_| {
                self.options
                    .message("invalid", "Enter a valid UUID.".into())
            })
    }
}

/// Django's `DATE_INPUT_FORMATS`.
pub const DATE_INPUT_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%b %d %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%d %b, %Y",
    "%B %d %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d %B, %Y",
];
/// Django's `TIME_INPUT_FORMATS`.
pub const TIME_INPUT_FORMATS: &[&str] = &["%H:%M:%S", "%H:%M:%S%.f", "%H:%M"];
/// Django's `DATETIME_INPUT_FORMATS` (and the ISO forms Django also accepts).
pub const DATETIME_INPUT_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
];

/// Which of date, time or date and time a [`TemporalField`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Temporal {
    Date,
    Time,
    DateTime,
}

/// Django's `DateField`, `TimeField` and `DateTimeField`: text in one of the input formats, the
/// value in ISO form (`2026-12-01`, `14:30:00`, `2026-12-01T14:30:00`, naive: in `TIME_ZONE`).
#[derive(Clone)]
pub struct TemporalField {
    options: FieldOptions,
    kind: Temporal,
    /// Django's defaults are borrowed, not copied for every field made.
    input_formats: Vec<std::borrow::Cow<'static, str>>,
    /// A date and time taken as typed, whatever the time zone.
    naive: bool,
}
common_options!(TemporalField);

/// Django's `DateField`.
pub struct DateField;
/// Django's `TimeField`.
pub struct TimeField;
/// Django's `DateTimeField`.
pub struct DateTimeField;

impl DateField {
    /// A required date (`2026-12-01`, `12/01/2026`, `Dec 01 2026`, ...).
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> TemporalField {
        TemporalField::of(Temporal::Date, DATE_INPUT_FORMATS)
    }
}
impl TimeField {
    /// A required time (`14:30`, `14:30:59`).
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> TemporalField {
        TemporalField::of(Temporal::Time, TIME_INPUT_FORMATS)
    }
}
impl DateTimeField {
    /// A required date and time (`2026-12-01 14:30`, `2026-12-01T14:30:00`, ...).
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> TemporalField {
        TemporalField::of(Temporal::DateTime, DATETIME_INPUT_FORMATS)
    }
}

impl TemporalField {
    fn of(kind: Temporal, formats: &'static [&'static str]) -> TemporalField {
        TemporalField {
            options: FieldOptions::default(),
            kind,
            input_formats: formats
                .iter()
                .map(|f| std::borrow::Cow::Borrowed(*f))
                .collect(),
            naive: false,
        }
    }
    /// Takes the date and time as typed and shows a value as it is, in any time zone: for a
    /// `NaiveDateTime` (a derived form's field of that type, a model's naive column). Without
    /// it, under `USE_TZ` the typed time is read in `TIME_ZONE` and cleaned as an instant.
    pub fn naive(mut self) -> TemporalField {
        self.naive = true;
        self
    }
    /// The accepted formats (chrono's `strftime` syntax), tried in order.
    pub fn input_formats(mut self, formats: &[&str]) -> TemporalField {
        self.input_formats = formats
            .iter()
            .map(|f| std::borrow::Cow::Owned(f.to_string()))
            .collect();
        self
    }
}

impl FormField for TemporalField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        match self.kind {
            Temporal::Date => Widget::DateInput,
            Temporal::Time => Widget::TimeInput,
            Temporal::DateTime => Widget::DateTimeInput,
        }
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        let found = self.input_formats.iter().find_map(|f| match self.kind {
            Temporal::Date => NaiveDate::parse_from_str(s, f)
                .ok()
                .map(|d| d.format("%Y-%m-%d").to_string()),
            Temporal::Time => NaiveTime::parse_from_str(s, f)
                .ok()
                .map(|t| t.format("%H:%M:%S").to_string()),
            Temporal::DateTime => NaiveDateTime::parse_from_str(s, f)
                .ok()
                .or_else(|| {
                    NaiveDate::parse_from_str(s, f)
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })
                .map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string()),
        });
        let (code, message) = match self.kind {
            Temporal::Date => ("invalid", "Enter a valid date."),
            Temporal::Time => ("invalid", "Enter a valid time."),
            Temporal::DateTime => ("invalid", "Enter a valid date/time."),
        };
        found
            .map(Json::String)
            .ok_or_else(|| self.options.message(code, message.into()))
    }
    fn make_aware_in(&self, value: Json, tz: crate::timezone::Tz) -> Result<Json, ValidationError> {
        if self.kind != Temporal::DateTime || self.naive {
            return Ok(value);
        }
        let Json::String(text) = &value else {
            return Ok(value);
        };
        let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") else {
            return Ok(value);
        };
        match crate::timezone::make_aware(naive, tz) {
            Some(aware) => Ok(Json::String(
                aware.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            )),
            None => Err(self.options.message(
                "ambiguous_timezone",
                format!(
                    "{} couldn't be interpreted in time zone {}; it may be ambiguous or it may \
                     not exist.",
                    naive.format("%Y-%m-%d %H:%M:%S"),
                    tz.name()
                ),
            )),
        }
    }
    fn localtime_in(&self, value: &Json, tz: crate::timezone::Tz) -> Option<Json> {
        if self.kind != Temporal::DateTime || self.naive {
            return None;
        }
        let instant = crate::timezone::parse_instant(value.as_str()?.trim())?;
        Some(Json::String(
            crate::timezone::localtime(instant, tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ))
    }
}

/// Django's `ChoiceField`: one of the choices.
#[derive(Clone, Default)]
pub struct ChoiceField {
    options: FieldOptions,
    choices: Vec<(String, String)>,
    coerce: Option<fn(&str) -> Option<Json>>,
}
common_options!(ChoiceField);

/// Django's `TypedChoiceField`: a choice coerced to a type.
pub struct TypedChoiceField;

impl TypedChoiceField {
    /// A choice whose value `coerce` turns into a typed value (`|s| s.parse::<i64>().ok().map(Into::into)`).
    #[allow(clippy::new_ret_no_self)]
    pub fn new<V: ToString, L: ToString>(
        choices: impl IntoIterator<Item = (V, L)>,
        coerce: fn(&str) -> Option<Json>,
    ) -> ChoiceField {
        let mut field = ChoiceField::new(choices);
        field.coerce = Some(coerce);
        field
    }
}

impl ChoiceField {
    /// A required choice among (value, label) pairs.
    pub fn new<V: ToString, L: ToString>(choices: impl IntoIterator<Item = (V, L)>) -> ChoiceField {
        ChoiceField {
            options: FieldOptions::default(),
            choices: choices
                .into_iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            coerce: None,
        }
    }

    fn invalid(&self, value: &str) -> ValidationError {
        self.options.message(
            "invalid_choice",
            format!("Select a valid choice. {value} is not one of the available choices."),
        )
    }
}

impl FormField for ChoiceField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::Select
    }
    fn choices(&self) -> Vec<(String, String)> {
        self.choices.clone()
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw);
        if s.is_empty() {
            return Ok(Json::String(String::new()));
        }
        if !self.choices.iter().any(|(v, _)| v == s) {
            return Err(self.invalid(s));
        }
        match self.coerce {
            Some(coerce) => coerce(s).ok_or_else(|| self.invalid(s)),
            None => Ok(Json::String(s.to_string())),
        }
    }
}

/// Django's `MultipleChoiceField`: any number of the choices (a multi-select, checkboxes).
#[derive(Clone, Default)]
pub struct MultipleChoiceField {
    options: FieldOptions,
    choices: Vec<(String, String)>,
}
common_options!(MultipleChoiceField);

impl MultipleChoiceField {
    /// At least one of the (value, label) pairs (`.required(false)`: any number).
    pub fn new<V: ToString, L: ToString>(
        choices: impl IntoIterator<Item = (V, L)>,
    ) -> MultipleChoiceField {
        MultipleChoiceField {
            options: FieldOptions::default(),
            choices: choices
                .into_iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
        }
    }
}

impl FormField for MultipleChoiceField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::SelectMultiple
    }
    fn choices(&self) -> Vec<(String, String)> {
        self.choices.clone()
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        for s in raw {
            if !self.choices.iter().any(|(v, _)| v == s) {
                return Err(self.options.message(
                    "invalid_choice",
                    format!("Select a valid choice. {s} is not one of the available choices."),
                ));
            }
        }
        Ok(Json::Array(
            raw.iter().map(|s| Json::String(s.to_string())).collect(),
        ))
    }
}

/// Django's `FileField`: an uploaded file. Its clean value describes the file (`name`, `size`,
/// `content_type`); the file itself is `form.file(name)`, and a ModelForm stores it under
/// `MEDIA_ROOT` in [`upload_to`](FileField::upload_to). The form's `<form>` needs
/// `enctype="multipart/form-data"` (`form.is_multipart`).
#[derive(Clone, Default)]
pub struct FileField {
    options: FieldOptions,
    max_length: Option<usize>,
    allow_empty_file: bool,
    upload_to: String,
    image: bool,
}
common_options!(FileField);

/// Django's `ImageField`: a [`FileField`] whose file must be an image (PNG, JPEG, GIF, WebP,
/// BMP, TIFF, ICO, AVIF/HEIC, told by its first bytes).
pub struct ImageField;

impl ImageField {
    /// A required image.
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> FileField {
        FileField {
            image: true,
            ..FileField::default()
        }
    }
}

impl FileField {
    /// A required file.
    pub fn new() -> FileField {
        FileField::default()
    }

    /// The longest file name accepted.
    pub fn max_length(mut self, n: usize) -> FileField {
        self.max_length = Some(n);
        self
    }

    /// Accept an empty file.
    pub fn allow_empty_file(mut self, allow: bool) -> FileField {
        self.allow_empty_file = allow;
        self
    }

    /// The directory under `MEDIA_ROOT` a ModelForm stores the upload in (`covers/`).
    pub fn upload_to(mut self, dir: &str) -> FileField {
        self.upload_to = dir.to_string();
        self
    }
}

/// Whether the first bytes of a file are an image format's signature.
fn looks_like_image(head: &[u8]) -> bool {
    head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
        || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
        || head.starts_with(b"BM")
        || head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(&[0, 0, 1, 0])
        || (head.get(4..8) == Some(b"ftyp")
            && matches!(
                head.get(8..12),
                Some(b"avif" | b"avis" | b"heic" | b"heix" | b"mif1")
            ))
}

impl FormField for FileField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::ClearableFileInput
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        if self.image {
            vec![("accept".into(), "image/*".into())]
        } else {
            Vec::new()
        }
    }
    fn to_value(&self, _raw: &[&str]) -> Result<Json, ValidationError> {
        Ok(Json::Null)
    }
    fn is_file(&self) -> bool {
        true
    }
    fn upload_to(&self) -> &str {
        &self.upload_to
    }
    fn clean_file(
        &self,
        file: Option<&super::UploadedFile>,
        initial: Option<&Json>,
    ) -> Result<Json, Vec<ValidationError>> {
        let initial = initial.filter(|v| !v.is_null() && v.as_str() != Some(""));
        let Some(file) = file else {
            return match initial {
                Some(v) => Ok(v.clone()),
                None if self.options.required => Err(vec![
                    self.options
                        .message("required", "This field is required.".into()),
                ]),
                None => Ok(Json::Null),
            };
        };
        let length = file.name.chars().count();
        if let Some(max) = self.max_length
            && length > max
        {
            return Err(vec![self.options.message(
                "max_length",
                format!("Ensure this filename has at most {max} characters (it has {length})."),
            )]);
        }
        if file.name.is_empty() {
            return Err(vec![self.options.message(
                "invalid",
                "No file was submitted. Check the encoding type on the form.".into(),
            )]);
        }
        if file.size == 0 && !self.allow_empty_file {
            return Err(vec![
                self.options
                    .message("empty", "The submitted file is empty.".into()),
            ]);
        }
        if self.image && !file.head(16).is_ok_and(|h| looks_like_image(&h)) {
            return Err(vec![
                self.options.message(
                    "invalid_image",
                    "Upload a valid image. The file you uploaded was either not an image or a \
                 corrupted image."
                        .into(),
                ),
            ]);
        }
        let value = serde_json::json!({
            "name": file.name,
            "size": file.size,
            "content_type": file.content_type,
        });
        let mut errors = Vec::new();
        for v in &self.options.validators {
            if let Err(e) = v(&value) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }
}

/// Django's `JSONField`: a JSON document in a textarea.
#[derive(Clone, Default)]
pub struct JSONField {
    options: FieldOptions,
}
common_options!(JSONField);

impl JSONField {
    /// A required JSON document.
    pub fn new() -> JSONField {
        JSONField::default()
    }
}

impl FormField for JSONField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::Textarea
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = last(raw).trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        serde_json::from_str(s).map_err(|_| {
            self.options
                .message("invalid", "Enter a valid JSON.".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(f: &dyn FormField, raw: &[&str]) -> Result<Json, Vec<String>> {
        f.clean(raw)
            .map_err(|e| e.into_iter().map(|e| e.message).collect())
    }

    #[test]
    fn dates_and_times_in_the_current_time_zone() {
        let paris = crate::timezone::parse("Europe/Paris").unwrap();
        let form = |body: &[u8]| {
            super::super::Form::new()
                .field("starts", DateTimeField::new())
                .field("day", DateField::new().required(false))
                .time_zone(paris)
                .initial(serde_json::json!({"starts": "2026-12-01T13:30:00Z"}))
                .bind(super::super::FormData::from_urlencoded(body))
        };
        // Typed in Paris, cleaned as an instant; a date is not a moment and stays as it is.
        let f = form(b"starts=2026-07-01+14%3A30&day=2026-07-01");
        assert_eq!(f.cleaned_data()["starts"], "2026-07-01T14:30:00+02:00");
        assert_eq!(f.cleaned_data()["day"], "2026-07-01");
        // A time the clocks skip, with Django's message.
        let f = form(b"starts=2026-03-29+02%3A30");
        assert_eq!(
            f.errors().get("starts"),
            Some(&["2026-03-29 02:30:00 couldn't be interpreted in time zone Europe/Paris; it may be ambiguous or it may not exist.".to_string()][..])
        );
        // The stored instant is shown in Paris, and sending it back changes nothing.
        let unbound = super::super::Form::new()
            .field("starts", DateTimeField::new())
            .time_zone(paris)
            .initial(serde_json::json!({"starts": "2026-12-01T13:30:00+00:00"}));
        let html = unbound.as_div().unwrap();
        assert!(html.contains(r#"value="2026-12-01 14:30:00""#), "{html}");
        assert_eq!(
            form(b"starts=2026-12-01+14%3A30%3A00").changed_data(),
            Vec::<String>::new()
        );
        assert_eq!(
            form(b"starts=2026-12-01+13%3A30%3A00").changed_data(),
            ["starts"]
        );
        // A naive field keeps the time as typed, and shows a value as it is.
        let naive = super::super::Form::new()
            .field("starts", DateTimeField::new().naive())
            .time_zone(paris)
            .initial(serde_json::json!({"starts": "2026-12-01T13:30:00Z"}));
        assert!(
            naive
                .as_div()
                .unwrap()
                .contains(r#"value="2026-12-01T13:30:00Z""#)
        );
        let naive = naive.bind(super::super::FormData::from_urlencoded(
            b"starts=2026-12-01+14%3A30",
        ));
        assert_eq!(naive.cleaned_data()["starts"], "2026-12-01T14:30:00");
        // Without a time zone (USE_TZ = false), the value is naive, as typed.
        let naive = super::super::Form::new()
            .field("starts", DateTimeField::new())
            .bind(super::super::FormData::from_urlencoded(
                b"starts=2026-12-01+14%3A30",
            ));
        assert_eq!(naive.cleaned_data()["starts"], "2026-12-01T14:30:00");
    }

    #[test]
    fn djangos_messages() {
        assert_eq!(
            clean(&CharField::new(), &[""]),
            Err(vec!["This field is required.".to_string()])
        );
        assert_eq!(
            clean(&CharField::new().max_length(200), &[&"x".repeat(201)]),
            Err(vec![
                "Ensure this value has at most 200 characters (it has 201).".to_string()
            ])
        );
        assert_eq!(clean(&CharField::new(), &["  hi  "]), Ok(Json::from("hi")));
        assert_eq!(
            clean(&IntegerField::new(), &["1.5"]),
            Err(vec!["Enter a whole number.".to_string()])
        );
        assert_eq!(clean(&IntegerField::new(), &["1.0"]), Ok(Json::from(1)));
        assert_eq!(
            clean(&IntegerField::new().max_value(10), &["11"]),
            Err(vec![
                "Ensure this value is less than or equal to 10.".to_string()
            ])
        );
        assert_eq!(
            clean(&EmailField::new(), &["not-an-address"]),
            Err(vec!["Enter a valid email address.".to_string()])
        );
        assert_eq!(
            clean(&EmailField::new(), &["a.b@example.com"]),
            Ok(Json::from("a.b@example.com"))
        );
        assert!(clean(&URLField::new(), &["https://example.com:8000/x?y=1"]).is_ok());
        assert!(clean(&URLField::new(), &["example"]).is_err());
        assert!(clean(&SlugField::new(), &["a b"]).is_err());
        assert_eq!(
            clean(
                &DecimalField::new().max_digits(4).decimal_places(2),
                &["123.4"]
            ),
            Err(vec![
                "Ensure that there are no more than 2 digits before the decimal point.".to_string()
            ])
        );
        assert_eq!(
            clean(&DateField::new(), &["12/01/2026"]),
            Ok(Json::from("2026-12-01"))
        );
        assert_eq!(
            clean(&DateField::new(), &["2026-13-01"]),
            Err(vec!["Enter a valid date.".to_string()])
        );
        assert_eq!(
            clean(&DateTimeField::new(), &["2026-12-01 14:30"]),
            Ok(Json::from("2026-12-01T14:30:00"))
        );
        let choice = ChoiceField::new([("a", "A"), ("b", "B")]);
        assert_eq!(
            clean(&choice, &["c"]),
            Err(vec![
                "Select a valid choice. c is not one of the available choices.".to_string()
            ])
        );
        let many = MultipleChoiceField::new([("a", "A"), ("b", "B")]);
        assert_eq!(clean(&many, &["a", "b"]), Ok(serde_json::json!(["a", "b"])));
        assert_eq!(
            clean(&BooleanField::new().required(false), &[]),
            Ok(Json::Bool(false))
        );
        assert!(clean(&BooleanField::new(), &[]).is_err());
        assert_eq!(
            clean(&NullBooleanField::new(), &["unknown"]),
            Ok(Json::Null)
        );
        assert!(clean(&JSONField::new(), &["{"]).is_err());
        assert!(clean(&UUIDField::new(), &["nope"]).is_err());
        let typed = TypedChoiceField::new([(1, "one")], |s| s.parse::<i64>().ok().map(Json::from));
        assert_eq!(clean(&typed, &["1"]), Ok(Json::from(1)));
    }
}
