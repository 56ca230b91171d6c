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
//! # Declaring a form as a struct
//!
//! `#[derive(roan::Form)]` reads a form from a struct, as Django reads one from a class: each
//! field is a form field picked from its Rust type, and `#[form(...)]` tunes it. With
//! `serde::Deserialize` too, `form.cleaned::<T>()` gives the struct back.
//!
//! ```
//! #[derive(roan::Form, serde::Deserialize)]
//! struct Contact {
//!     #[form(max_length = 100)]
//!     subject: String,
//!     #[form(widget = Textarea)]
//!     message: String,
//!     #[form(email)]
//!     sender: String,
//!     cc_myself: bool,
//! }
//!
//! let form = Contact::form().bind(roan::forms::FormData::from_urlencoded(
//!     b"subject=Hi&message=Hello&sender=ann%40example.com",
//! ));
//! let contact: Contact = form.cleaned().unwrap();
//! assert_eq!((contact.sender.as_str(), contact.cc_myself), ("ann@example.com", false));
//! ```
//!
//! | type | field |
//! | --- | --- |
//! | `String` | `CharField` (`#[form(email)]`, `url`, `slug`, `regex = "..."` for the others) |
//! | `i8` … `u64` | `IntegerField`, bounded to the type |
//! | `f32`, `f64`, `Decimal` | `FloatField`, `DecimalField` |
//! | `bool` | `BooleanField`, not required (`#[form(required)]`: must be ticked) |
//! | `Option<bool>` | `NullBooleanField` |
//! | `NaiveDate`, `NaiveTime`, `NaiveDateTime` | `DateField`, `TimeField`, `DateTimeField` |
//! | `Uuid`, `serde_json::Value` | `UUIDField`, `JSONField` |
//! | any, with `choices = [(value, label), ...]` | `ChoiceField` (typed for integers); a `Vec` is a `MultipleChoiceField` |
//! | `Option<T>` | the field of `T`, not required; empty is `None` |
//!
//! Every option of the field's builder is an attribute: `max_length`, `min_length`,
//! `min_value`, `max_value`, `step_size`, `max_digits`, `decimal_places`, `label`,
//! `help_text`, `initial`, `input_formats`, `strip`, `widget = Textarea`, `required`,
//! `disabled`, `error_message("code", "text")`; `field = expr` gives the field outright, and
//! `skip` leaves a struct field out. `#[form(prefix = "p")]` on the struct sets the prefix. An
//! unknown option is a compile error:
//!
//! ```compile_fail
//! #[derive(roan::Form)]
//! struct Bad {
//!     #[form(maxlength = 10)] // not Django's name: max_length
//!     title: String,
//! }
//! ```
//!
//! In a template, `{{ form }}` (or `form.as_div`, `form.as_p`, `form.as_table`, `form.as_ul`)
//! renders every field with its label, help text and errors; `{{ form.subject }}`,
//! `{{ form.subject.label_tag }}` and `{{ form.subject.errors }}` render the pieces, and
//! `{% for field in form %}` walks the fields. The markup comes from `forms/*.html` and
//! `forms/widgets/*.html`, which a project overrides by putting a file at the same path in its
//! `templates/`.

pub(crate) mod data;
mod fields;
mod form;
mod formset;
pub(crate) mod html;
mod model;
mod model_formset;
mod render;
mod widgets;

pub use data::{FormData, MAX_NUMBER_FIELDS, UploadedFile};
pub use fields::{
    BooleanField, CharField, ChoiceField, DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, DateField,
    DateTimeField, DecimalField, EmailField, FieldOptions, FileField, FloatField, FormField,
    ImageField, IntegerField, JSONField, MultipleChoiceField, NullBooleanField, RegexField,
    SlugField, TIME_INPUT_FORMATS, TemporalField, TimeField, TypedChoiceField, URLField, UUIDField,
    ValidationError, Validator, is_email, is_url,
};
pub use form::{Cleaning, Errors, Form, NON_FIELD_ERRORS};
pub use formset::{DEFAULT_MAX_NUM, DELETION_FIELD_NAME, FormSet};
pub(crate) use model::object_error;
pub use model::{ModelChoiceField, ModelForm, ModelMultipleChoiceField};
pub use model_formset::{ModelFormSet, SavedRows};
pub(crate) use render::html_of;
pub use render::{BoundField, ErrorList, FormView, pretty_name};
pub use widgets::Widget;

/// A struct that declares a form, as `#[derive(roan::Form)]` writes: `T::form()` builds it.
pub trait DeclaredForm {
    /// The unbound form.
    fn form() -> Form;
}

/// What the derive's expansion names; not an API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json::Value as Json;
}
