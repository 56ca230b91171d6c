//! Forms, as Django's `django.forms`: fields with Django's names and messages, widgets rendered
//! from overridable templates, bound and unbound forms, validation in Django's order, and the
//! submitted data itself ([`FormData`], Django's `request.POST`).
//!
//! ```
//! use roan::forms::{CharField, EmailField, Form, FormData};
//!
//! fn contact() -> Form {
//!     Form::new()
//!         .field("subject", CharField::new().max_length(100))
//!         .field("sender", EmailField::new())
//! }
//!
//! // In a view: `async fn contact_view(request: HttpRequest, data: FormData)`.
//! let form = contact().bind(FormData::from_urlencoded(b"subject=Hello&sender=x"));
//! assert!(!form.is_valid());
//! let html = form.as_div().unwrap();
//! assert!(html.contains("Enter a valid email address."));
//! assert!(html.contains(r#"value="Hello""#), "the user's input is kept");
//! ```
//!
//! In a template, `{{ form }}` (or `form.as_div`, `form.as_p`, `form.as_table`, `form.as_ul`)
//! renders every field with its label, help text and errors; `{{ form.subject }}`,
//! `{{ form.subject.label_tag }}` and `{{ form.subject.errors }}` render the pieces, and
//! `{% for field in form %}` walks the fields. The markup comes from `forms/*.html` and
//! `forms/widgets/*.html`, which a project overrides by putting a file at the same path in its
//! `templates/`.

mod data;
mod fields;
mod form;
mod model;
mod render;
mod widgets;

pub use data::{FormData, MAX_NUMBER_FIELDS, UploadedFile};
pub use fields::{
    BooleanField, CharField, ChoiceField, DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, DateField,
    DateTimeField, DecimalField, EmailField, FieldOptions, FloatField, FormField, IntegerField,
    JSONField, MultipleChoiceField, NullBooleanField, RegexField, SlugField, TIME_INPUT_FORMATS,
    TemporalField, TimeField, TypedChoiceField, URLField, UUIDField, ValidationError, Validator,
    is_email, is_url,
};
pub use form::{Cleaning, Errors, Form, NON_FIELD_ERRORS};
pub(crate) use model::object_error;
pub use model::{ModelChoiceField, ModelForm};
pub(crate) use render::html_of;
pub use render::{BoundField, ErrorList, FormView, pretty_name};
pub use widgets::Widget;
