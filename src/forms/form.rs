//! A form: named fields, the submitted data, validation in Django's order and its results.

use super::data::FormData;
use super::fields::{FormField, ValidationError};
use serde_json::{Map, Value as Json};
use std::sync::{Arc, OnceLock};

/// The key of errors that belong to no field (Django's `NON_FIELD_ERRORS`).
pub const NON_FIELD_ERRORS: &str = "__all__";

type FieldCleaner =
    Arc<dyn Fn(&Json, &Map<String, Json>) -> Result<Json, ValidationError> + Send + Sync>;
type FormCleaner = Arc<dyn Fn(&mut Cleaning<'_>) -> Result<(), ValidationError> + Send + Sync>;

/// A form, built from field descriptions, bound to submitted data or not (Django's
/// `forms.Form`).
///
/// ```
/// use roan::forms::{CharField, EmailField, BooleanField, Form, FormData};
///
/// fn contact() -> Form {
///     Form::new()
///         .field("subject", CharField::new().max_length(100))
///         .field("message", CharField::new())
///         .field("sender", EmailField::new())
///         .field("cc_myself", BooleanField::new().required(false))
/// }
///
/// let form = contact().bind(FormData::from_urlencoded(b"subject=Hi&sender=nope"));
/// assert!(!form.is_valid());
/// assert_eq!(form.errors().get("message"), Some(&["This field is required.".to_string()][..]));
/// assert_eq!(form.errors().get("sender"), Some(&["Enter a valid email address.".to_string()][..]));
///
/// let form = contact().bind(FormData::from_urlencoded(b"subject=Hi&message=Hello&sender=a@b.org"));
/// assert!(form.is_valid());
/// assert_eq!(form.cleaned_data()["cc_myself"], false);
/// ```
#[derive(Clone)]
pub struct Form {
    pub(crate) fields: Vec<(String, Arc<dyn FormField>)>,
    pub(crate) prefix: Option<String>,
    pub(crate) data: Option<FormData>,
    pub(crate) initial: Map<String, Json>,
    field_cleaners: Vec<(String, FieldCleaner)>,
    cleaners: Vec<FormCleaner>,
    outcome: OnceLock<Outcome>,
    /// An unchanged submission is valid and has no errors (a formset's extra forms).
    pub(crate) empty_permitted: bool,
    /// Whether required widgets get the HTML `required` attribute (not in a formset, where
    /// an empty extra form must still submit).
    pub(crate) use_required_attribute: bool,
    /// Where stored files are, for the links a `ClearableFileInput` shows.
    pub(crate) storage: Option<Arc<dyn crate::files::Storage>>,
    /// The time zone dates and times are read and shown in; else the data's.
    time_zone: Option<crate::timezone::Tz>,
}

/// Errors by field name, in field order, then the non-field errors under `__all__`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(Vec<(String, Vec<String>)>);

impl Errors {
    /// The messages of `field` (`__all__` for the non-field ones).
    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_slice())
    }

    /// Whether there is no error at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (field, messages) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_slice()))
    }

    fn add(&mut self, field: &str, message: String) {
        match self.0.iter_mut().find(|(f, _)| f == field) {
            Some((_, m)) => m.push(message),
            None => self.0.push((field.to_string(), vec![message])),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Outcome {
    cleaned: Map<String, Json>,
    errors: Errors,
}

/// What a form-wide `clean` hook sees: the values cleaned so far, and a way to put an error on
/// a field (Django's `self.cleaned_data` and `self.add_error` inside `Form.clean`).
pub struct Cleaning<'a> {
    cleaned: &'a mut Map<String, Json>,
    errors: &'a mut Errors,
}

impl Cleaning<'_> {
    /// A cleaned value (absent when the field had errors).
    pub fn get(&self, field: &str) -> Option<&Json> {
        self.cleaned.get(field)
    }

    /// Replaces a cleaned value.
    pub fn set(&mut self, field: &str, value: Json) {
        self.cleaned.insert(field.to_string(), value);
    }

    /// Adds an error to `field` (`None`: a non-field error); the field leaves `cleaned_data`.
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        let field = field.unwrap_or(NON_FIELD_ERRORS);
        self.cleaned.remove(field);
        self.errors.add(field, message.into());
    }
}

/// Whether a submitted value equals an initial one, as Django compares them: a text field's
/// `"2"` is the initial number `2`.
fn same_value(now: &Json, before: &Json) -> bool {
    let text = |v: &Json| match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    now == before || (text(now).is_some() && text(now) == text(before))
}

impl Default for Form {
    fn default() -> Form {
        Form {
            fields: Vec::new(),
            prefix: None,
            data: None,
            initial: Map::new(),
            field_cleaners: Vec::new(),
            cleaners: Vec::new(),
            outcome: OnceLock::new(),
            empty_permitted: false,
            use_required_attribute: true,
            storage: None,
            time_zone: None,
        }
    }
}

impl Form {
    /// A form without fields.
    pub fn new() -> Form {
        Form::default()
    }

    /// Django's `empty_permitted`: a submission that changes nothing is valid, with no errors.
    pub fn empty_permitted(mut self, permitted: bool) -> Form {
        self.empty_permitted = permitted;
        self.outcome = OnceLock::new();
        self
    }

    /// Django's `use_required_attribute`: `false` leaves the HTML `required` attribute off.
    pub fn use_required_attribute(mut self, used: bool) -> Form {
        self.use_required_attribute = used;
        self
    }

    /// Where the files of file fields are stored, so that a field holding one shows it as a
    /// link to `storage.url(name)` ("Currently: …"). A ModelForm sets it; without it the link
    /// is the stored name itself.
    pub fn storage(self, storage: impl crate::files::Storage + 'static) -> Form {
        self.shared_storage(Arc::new(storage))
    }

    /// [`Form::storage`] with a storage shared with others (a ModelForm's).
    pub(crate) fn shared_storage(mut self, storage: Arc<dyn crate::files::Storage>) -> Form {
        self.storage = Some(storage);
        self
    }

    /// The URL of a stored file, for its link.
    pub(crate) fn file_url(&self, name: &str) -> String {
        match &self.storage {
            Some(storage) => storage.url(name),
            None => name.to_string(),
        }
    }

    /// Whether the "Clear" checkbox of the file field `name` is checked (and the field is
    /// optional, so the checkbox is there).
    pub(crate) fn clear_checked(&self, name: &str, field: &dyn FormField) -> bool {
        !field.options().required
            && field.widget() == super::Widget::ClearableFileInput
            && super::fields::is_checked(self.raw(&format!("{name}-clear")).last().copied())
    }

    /// Adds a field under `name` (its order is the rendering order).
    pub fn field(mut self, name: &str, field: impl FormField + 'static) -> Form {
        self.fields.push((name.to_string(), Arc::new(field)));
        self
    }

    /// Adds a field given as a shared description (ModelForm and the admin build these).
    pub fn field_arc(mut self, name: &str, field: Arc<dyn FormField>) -> Form {
        self.fields.push((name.to_string(), field));
        self
    }

    /// Field names are submitted as `<prefix>-<name>` (several forms in one page).
    pub fn prefix(mut self, prefix: &str) -> Form {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// Initial values of an unbound form, by field name; they win over the fields' own.
    pub fn initial(mut self, initial: impl serde::Serialize) -> Form {
        if let Ok(Json::Object(map)) = serde_json::to_value(initial) {
            self.initial.extend(map);
        }
        self
    }

    /// Django's `clean_<field>`: runs after the field's own cleaning, may change the value;
    /// its error goes on the field.
    pub fn clean_field(
        mut self,
        name: &str,
        hook: impl Fn(&Json, &Map<String, Json>) -> Result<Json, ValidationError>
        + Send
        + Sync
        + 'static,
    ) -> Form {
        self.field_cleaners.push((name.to_string(), Arc::new(hook)));
        self
    }

    /// Django's `Form.clean`: runs after every field, sees all cleaned values; an `Err` is a
    /// non-field error, [`Cleaning::add_error`] puts one on a field.
    pub fn clean(
        mut self,
        hook: impl Fn(&mut Cleaning<'_>) -> Result<(), ValidationError> + Send + Sync + 'static,
    ) -> Form {
        self.cleaners.push(Arc::new(hook));
        self
    }

    /// Reads typed dates and times as wall-clock times of `tz` (cleaned as instants) and shows
    /// initial ones in it, as Django does in the current time zone under `USE_TZ`. Data read
    /// from a request ([`FormData`]'s extractor) brings the site's `TIME_ZONE` already; this
    /// is for a form made elsewhere, or another zone.
    ///
    /// ```
    /// use roan::forms::{DateTimeField, Form, FormData};
    ///
    /// let paris = roan::timezone::parse("Europe/Paris").unwrap();
    /// let form = Form::new()
    ///     .field("starts", DateTimeField::new())
    ///     .time_zone(paris)
    ///     .bind(FormData::from_urlencoded(b"starts=2026-12-01+14%3A30"));
    /// assert_eq!(form.cleaned_data()["starts"], "2026-12-01T14:30:00+01:00");
    /// ```
    pub fn time_zone(mut self, tz: crate::timezone::Tz) -> Form {
        self.time_zone = Some(tz);
        self.outcome = OnceLock::new();
        self
    }

    /// The time zone of dates and times: the form's, else the data's (`None`: naive).
    pub(crate) fn current_time_zone(&self) -> Option<crate::timezone::Tz> {
        self.time_zone
            .or_else(|| self.data.as_ref().and_then(|d| d.time_zone))
    }

    /// An initial value as the widget shows it: a date and time in the form's time zone.
    pub(crate) fn initial_shown(&self, name: &str, field: &dyn FormField) -> Option<Json> {
        let initial = self.initial_of(name, field)?;
        Some(
            self.current_time_zone()
                .and_then(|tz| field.localtime_in(&initial, tz))
                .unwrap_or(initial),
        )
    }

    /// The form bound to submitted data.
    pub fn bind(mut self, data: FormData) -> Form {
        self.data = Some(data);
        self.outcome = OnceLock::new();
        self
    }

    /// Whether the form has data.
    pub fn is_bound(&self) -> bool {
        self.data.is_some()
    }

    /// The name a field is submitted under (`prefix-name`).
    pub fn html_name(&self, name: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}-{name}"),
            None => name.to_string(),
        }
    }

    /// The submitted text of a field, every value of it.
    pub(crate) fn raw(&self, name: &str) -> Vec<&str> {
        let Some(data) = &self.data else {
            return Vec::new();
        };
        match &self.prefix {
            Some(p) => data.get_list(&format!("{p}-{name}")),
            None => data.get_list(name),
        }
    }

    /// The initial value of a field: the form's, else the field's.
    pub(crate) fn initial_of(&self, name: &str, field: &dyn FormField) -> Option<Json> {
        self.initial
            .get(name)
            .cloned()
            .or_else(|| field.options().initial.clone())
    }

    fn outcome(&self) -> &Outcome {
        self.outcome.get_or_init(|| self.full_clean())
    }

    /// Django's `full_clean`: each field (then its `clean_<field>`) in order, then the
    /// form-wide hooks.
    fn full_clean(&self) -> Outcome {
        let mut out = Outcome::default();
        if self.data.is_none() || (self.empty_permitted && !self.has_changed()) {
            return out;
        }
        for (name, field) in &self.fields {
            let result = if field.options().disabled {
                Ok(self.initial_of(name, field.as_ref()).unwrap_or(Json::Null))
            } else if field.is_file() && self.clear_checked(name, field.as_ref()) {
                // Django's ClearableFileInput: a new file and "Clear" together contradict;
                // "Clear" alone empties the field (`false`, as Django's cleaned value).
                match self.file(name) {
                    Some(_) => Err(vec![field.options().message(
                        "contradiction",
                        "Please either submit a file or check the clear checkbox, not both.".into(),
                    )]),
                    None => Ok(Json::Bool(false)),
                }
            } else if field.is_file() {
                field.clean_file(
                    self.file(name),
                    self.initial_of(name, field.as_ref()).as_ref(),
                )
            } else {
                let value = field.clean(&self.raw(name));
                match self.current_time_zone() {
                    Some(tz) => value.and_then(|v| field.make_aware_in(v, tz).map_err(|e| vec![e])),
                    None => value,
                }
            };
            match result {
                Ok(mut value) => {
                    let mut failed = false;
                    for (_, hook) in self.field_cleaners.iter().filter(|(n, _)| n == name) {
                        match hook(&value, &out.cleaned) {
                            Ok(v) => value = v,
                            Err(e) => {
                                out.errors.add(name, e.message);
                                failed = true;
                                break;
                            }
                        }
                    }
                    if !failed {
                        out.cleaned.insert(name.clone(), value);
                    }
                }
                Err(errors) => {
                    for e in errors {
                        out.errors.add(name, e.message);
                    }
                }
            }
        }
        for hook in &self.cleaners {
            let mut cleaning = Cleaning {
                cleaned: &mut out.cleaned,
                errors: &mut out.errors,
            };
            if let Err(e) = hook(&mut cleaning) {
                out.errors.add(NON_FIELD_ERRORS, e.message);
            }
        }
        out
    }

    /// Bound and without errors (validates once).
    pub fn is_valid(&self) -> bool {
        self.is_bound() && self.outcome().errors.is_empty()
    }

    /// The errors (empty for an unbound form).
    pub fn errors(&self) -> &Errors {
        &self.outcome().errors
    }

    /// The errors that belong to no field.
    pub fn non_field_errors(&self) -> &[String] {
        self.errors().get(NON_FIELD_ERRORS).unwrap_or(&[])
    }

    /// The cleaned values of the fields without errors.
    pub fn cleaned_data(&self) -> &Map<String, Json> {
        &self.outcome().cleaned
    }

    /// The cleaned data as a typed value.
    ///
    /// ```
    /// # use roan::forms::{CharField, IntegerField, Form, FormData};
    /// #[derive(serde::Deserialize)]
    /// struct Vote { choice: i64, comment: String }
    ///
    /// let form = Form::new()
    ///     .field("choice", IntegerField::new())
    ///     .field("comment", CharField::new().required(false))
    ///     .bind(FormData::from_urlencoded(b"choice=3"));
    /// let vote: Vote = form.cleaned().unwrap();
    /// assert_eq!((vote.choice, vote.comment.as_str()), (3, ""));
    /// ```
    pub fn cleaned<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(Json::Object(self.cleaned_data().clone()))
    }

    /// Adds an error after validation (Django's `form.add_error`), e.g. from the view.
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        self.outcome();
        if let Some(outcome) = self.outcome.get_mut() {
            let field = field.unwrap_or(NON_FIELD_ERRORS);
            outcome.cleaned.remove(field);
            outcome.errors.add(field, message.into());
        }
    }

    /// The names of the fields whose submitted value differs from the initial one.
    pub fn changed_data(&self) -> Vec<String> {
        if !self.is_bound() {
            return Vec::new();
        }
        self.fields
            .iter()
            .filter(|(name, field)| {
                if field.options().disabled {
                    return false;
                }
                if field.is_file() {
                    return self.file(name).is_some() || self.clear_checked(name, field.as_ref());
                }
                let now = field.to_value(&self.raw(name)).ok();
                let mut before = self.initial_of(name, field.as_ref()).unwrap_or(Json::Null);
                // A stored instant compares with the typed text as the widget shows it.
                if let Some(tz) = self.current_time_zone()
                    && let Some(Json::String(local)) = field.localtime_in(&before, tz)
                {
                    before = field
                        .to_value(&[local.as_str()])
                        .unwrap_or(Json::String(local));
                }
                let unchanged = now.as_ref().is_some_and(|n| {
                    same_value(n, &before) || (field.is_empty(n) && field.is_empty(&before))
                });
                !unchanged
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Whether any field changed.
    pub fn has_changed(&self) -> bool {
        !self.changed_data().is_empty()
    }

    /// The file submitted for the file field `name` (Django's `request.FILES`).
    pub fn file(&self, name: &str) -> Option<&super::UploadedFile> {
        self.data.as_ref()?.file(&self.html_name(name))
    }

    /// Whether the form has a file field, so its `<form>` needs
    /// `enctype="multipart/form-data"` (Django's `is_multipart()`).
    pub fn is_multipart(&self) -> bool {
        self.fields.iter().any(|(_, f)| f.is_file())
    }

    /// The field described under `name`.
    pub fn get_field(&self, name: &str) -> Option<&Arc<dyn FormField>> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }
}
