//! Formsets: several copies of one form on a page, as Django's `formset_factory`, with Django's
//! management form (`form-TOTAL_FORMS`, `form-INITIAL_FORMS`, `form-MIN_NUM_FORMS`,
//! `form-MAX_NUM_FORMS`), extra forms, deletion and the limits on how many are submitted.

use super::data::FormData;
use super::fields::{BooleanField, ValidationError};
use super::form::{Errors, Form};
use super::render::ErrorList;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde_json::{Map, Value as Json};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The name of the checkbox that marks a form for deletion.
pub const DELETION_FIELD_NAME: &str = "DELETE";

/// How many forms a formset takes at most when `max_num` is not set (Django's
/// `DEFAULT_MAX_NUM`).
pub const DEFAULT_MAX_NUM: usize = 1000;

type FormSetCleaner = Arc<dyn Fn(&[Form]) -> Result<(), ValidationError> + Send + Sync>;

/// Several copies of a form, as Django's `formset_factory(ArticleForm, extra=1, ...)`.
///
/// Each form is prefixed `form-0`, `form-1`, ...; the management form says how many were sent.
/// Extra forms left empty are not validated; with `can_delete` each form gets a `DELETE`
/// checkbox, and ticked forms are not validated either.
///
/// ```
/// use roan::forms::{CharField, DateField, Form, FormData, FormSet};
///
/// fn article() -> Form {
///     Form::new().field("title", CharField::new()).field("pub_date", DateField::new())
/// }
///
/// let data = FormData::from_urlencoded(
///     b"form-TOTAL_FORMS=2&form-INITIAL_FORMS=0\
///       &form-0-title=First&form-0-pub_date=2026-12-01&form-1-title=&form-1-pub_date=",
/// );
/// let formset = FormSet::new(article).extra(2).bind(data);
/// assert!(formset.is_valid(), "the empty second form is skipped");
/// assert_eq!(formset.cleaned_data()[0]["title"], "First");
/// assert!(formset.cleaned_data()[1].is_empty());
/// ```
#[derive(Clone)]
pub struct FormSet {
    make: Arc<dyn Fn() -> Form + Send + Sync>,
    prefix: String,
    extra: usize,
    min_num: usize,
    max_num: usize,
    absolute_max: usize,
    validate_min: bool,
    validate_max: bool,
    can_delete: bool,
    can_delete_extra: bool,
    initial: Vec<Map<String, Json>>,
    data: Option<FormData>,
    cleaners: Vec<FormSetCleaner>,
    forms: OnceLock<Built>,
}

#[derive(Clone, Default)]
struct Built {
    forms: Vec<Form>,
    initial_count: usize,
    management_error: Option<String>,
}

impl FormSet {
    /// A formset of the form `make` builds: one extra form, at most 1000.
    pub fn new(make: impl Fn() -> Form + Send + Sync + 'static) -> FormSet {
        FormSet {
            make: Arc::new(make),
            prefix: "form".into(),
            extra: 1,
            min_num: 0,
            max_num: DEFAULT_MAX_NUM,
            absolute_max: 2 * DEFAULT_MAX_NUM,
            validate_min: false,
            validate_max: false,
            can_delete: false,
            can_delete_extra: true,
            initial: Vec::new(),
            data: None,
            cleaners: Vec::new(),
            forms: OnceLock::new(),
        }
    }

    /// The same configuration with another form (a model formset's, once loaded).
    pub(crate) fn new_like(
        mut formset: FormSet,
        make: impl Fn() -> Form + Send + Sync + 'static,
    ) -> FormSet {
        formset.make = Arc::new(make);
        formset.reset()
    }

    fn reset(mut self) -> FormSet {
        self.forms = OnceLock::new();
        self
    }

    /// The prefix of every field name (`form`).
    pub fn prefix(mut self, prefix: &str) -> FormSet {
        self.prefix = prefix.to_string();
        self.reset()
    }

    /// How many empty forms follow the initial ones (1).
    pub fn extra(mut self, n: usize) -> FormSet {
        self.extra = n;
        self.reset()
    }

    /// The fewest forms shown, and with [`validate_min`](FormSet::validate_min) submitted.
    pub fn min_num(mut self, n: usize) -> FormSet {
        self.min_num = n;
        self.reset()
    }

    /// The most forms shown, and with [`validate_max`](FormSet::validate_max) submitted; the
    /// most ever accepted (`absolute_max`) becomes twice this unless set, as in Django.
    pub fn max_num(mut self, n: usize) -> FormSet {
        self.max_num = n;
        if self.absolute_max == 2 * DEFAULT_MAX_NUM {
            self.absolute_max = n.max(1) + DEFAULT_MAX_NUM;
        }
        self.reset()
    }

    /// The most forms a submission may hold, whatever its management form says.
    pub fn absolute_max(mut self, n: usize) -> FormSet {
        self.absolute_max = n;
        self.reset()
    }

    /// Fewer than `min_num` forms filled in is an error.
    pub fn validate_min(mut self, validate: bool) -> FormSet {
        self.validate_min = validate;
        self.reset()
    }

    /// More than `max_num` forms is an error.
    pub fn validate_max(mut self, validate: bool) -> FormSet {
        self.validate_max = validate;
        self.reset()
    }

    /// A `DELETE` checkbox on each form; ticked forms are not validated.
    pub fn can_delete(mut self, can: bool) -> FormSet {
        self.can_delete = can;
        self.reset()
    }

    /// Whether the extra forms get the `DELETE` checkbox too (yes).
    pub fn can_delete_extra(mut self, can: bool) -> FormSet {
        self.can_delete_extra = can;
        self.reset()
    }

    /// Initial values, one map per form; these forms come before the extra ones.
    pub fn initial(mut self, initial: Vec<Map<String, Json>>) -> FormSet {
        self.initial = initial;
        self.reset()
    }

    /// The formset bound to a submission.
    pub fn bind(mut self, data: FormData) -> FormSet {
        self.data = Some(data);
        self.reset()
    }

    /// Django's `BaseFormSet.clean`: runs after every form is valid, sees them all; an `Err`
    /// is a non-form error.
    pub fn clean(
        mut self,
        hook: impl Fn(&[Form]) -> Result<(), ValidationError> + Send + Sync + 'static,
    ) -> FormSet {
        self.cleaners.push(Arc::new(hook));
        self.reset()
    }

    /// Whether the formset has data.
    pub fn is_bound(&self) -> bool {
        self.data.is_some()
    }

    fn key(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// The management form's counts as submitted: (total, initial), or the error Django shows
    /// when they are missing or not numbers.
    fn management(&self, data: &FormData) -> Result<(usize, usize), String> {
        let read = |name: &str| {
            data.get(&self.key(name))
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        match (read("TOTAL_FORMS"), read("INITIAL_FORMS")) {
            (Some(total), Some(initial)) => Ok((total, initial)),
            (total, initial) => {
                let missing: Vec<String> = [("TOTAL_FORMS", total), ("INITIAL_FORMS", initial)]
                    .iter()
                    .filter(|(_, v)| v.is_none())
                    .map(|(n, _)| self.key(n))
                    .collect();
                Err(format!(
                    "ManagementForm data is missing or has been tampered with. Missing fields: \
                     {}. You may need to file a bug report if the issue persists.",
                    missing.join(", ")
                ))
            }
        }
    }

    fn built(&self) -> &Built {
        self.forms.get_or_init(|| self.build())
    }

    fn build(&self) -> Built {
        let mut built = Built::default();
        let (total, initial_count) = match &self.data {
            Some(data) => match self.management(data) {
                Ok((total, initial)) => (total.min(self.absolute_max), initial.min(total)),
                Err(e) => {
                    built.management_error = Some(e);
                    (0, 0)
                }
            },
            None => {
                let initial = self.initial.len();
                let mut total = initial.max(self.min_num) + self.extra;
                if initial > self.max_num {
                    total = initial;
                } else if total > self.max_num {
                    total = self.max_num;
                }
                (total, initial)
            }
        };
        built.initial_count = initial_count;
        for i in 0..total {
            built.forms.push(self.form_at(i, initial_count));
        }
        built
    }

    fn form_at(&self, i: usize, initial_count: usize) -> Form {
        let mut form = (self.make)()
            .prefix(&format!("{}-{i}", self.prefix))
            .use_required_attribute(false);
        if let Some(initial) = self.initial.get(i) {
            form = form.initial(initial);
        }
        if self.can_delete && (i < initial_count || self.can_delete_extra) {
            form = form.field(
                DELETION_FIELD_NAME,
                BooleanField::new().required(false).label("Delete"),
            );
        }
        // An extra form left as it was is not validated (Django's `empty_permitted`).
        if i >= initial_count && i >= self.min_num {
            form = form.empty_permitted(true);
        }
        if let Some(data) = &self.data {
            form = form.bind(data.clone());
        }
        form
    }

    /// The forms, to add errors found later (a model formset's unique checks).
    pub(crate) fn forms_mut(&mut self) -> &mut [Form] {
        self.built();
        match self.forms.get_mut() {
            Some(built) => &mut built.forms,
            None => &mut [],
        }
    }

    /// The forms, initial ones first.
    pub fn forms(&self) -> &[Form] {
        &self.built().forms
    }

    /// How many forms there are.
    pub fn total_form_count(&self) -> usize {
        self.built().forms.len()
    }

    /// How many of them edit initial data.
    pub fn initial_form_count(&self) -> usize {
        self.built().initial_count
    }

    /// Whether the form at `i` is marked for deletion.
    pub fn should_delete(&self, i: usize) -> bool {
        self.can_delete
            && self.forms().get(i).is_some_and(|f| {
                f.get_field(DELETION_FIELD_NAME).is_some()
                    && super::fields::is_checked(f.raw(DELETION_FIELD_NAME).last().copied())
            })
    }

    /// The indexes of the forms marked for deletion.
    pub fn deleted_forms(&self) -> Vec<usize> {
        (0..self.total_form_count())
            .filter(|i| self.should_delete(*i))
            .collect()
    }

    /// The errors of each form (empty for skipped and deleted forms).
    pub fn errors(&self) -> Vec<Errors> {
        (0..self.total_form_count())
            .map(|i| {
                if self.should_delete(i) {
                    Errors::default()
                } else {
                    self.forms()[i].errors().clone()
                }
            })
            .collect()
    }

    /// The errors of the formset itself: the management form, how many forms, `clean`.
    pub fn non_form_errors(&self) -> Vec<String> {
        let built = self.built();
        if let Some(e) = &built.management_error {
            return vec![e.clone()];
        }
        if !self.is_bound() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let deleted = self.deleted_forms().len();
        let total = built.forms.len();
        let filled = (0..total)
            .filter(|&i| {
                !self.should_delete(i) && (i < built.initial_count || built.forms[i].has_changed())
            })
            .count();
        let plural = |n: usize| if n == 1 { "form" } else { "forms" };
        let submitted = self
            .data
            .as_ref()
            .and_then(|d| self.management(d).ok())
            .map(|(t, _)| t)
            .unwrap_or(total);
        if (self.validate_max && total - deleted > self.max_num) || submitted > self.absolute_max {
            let n = if submitted > self.absolute_max {
                self.absolute_max
            } else {
                self.max_num
            };
            errors.push(format!("Please submit at most {n} {}.", plural(n)));
        }
        if self.validate_min && filled < self.min_num {
            errors.push(format!(
                "Please submit at least {} {}.",
                self.min_num,
                plural(self.min_num)
            ));
        }
        let forms_valid = (0..total).all(|i| self.should_delete(i) || built.forms[i].is_valid());
        if errors.is_empty() && forms_valid {
            for hook in &self.cleaners {
                if let Err(e) = hook(&built.forms) {
                    errors.push(e.message);
                }
            }
        }
        errors
    }

    /// Bound, every form valid (or skipped, or deleted), and no formset error.
    pub fn is_valid(&self) -> bool {
        self.is_bound()
            && (0..self.total_form_count())
                .all(|i| self.should_delete(i) || self.forms()[i].is_valid())
            && self.non_form_errors().is_empty()
    }

    /// Each form's cleaned data, in order (empty for an extra form left empty).
    pub fn cleaned_data(&self) -> Vec<Map<String, Json>> {
        self.forms()
            .iter()
            .map(|f| f.cleaned_data().clone())
            .collect()
    }

    /// The management form's hidden inputs.
    pub fn management_form(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
        };
        let min = self.min_num;
        let max = self.max_num;
        [
            ("TOTAL_FORMS", self.total_form_count()),
            ("INITIAL_FORMS", self.initial_form_count()),
            ("MIN_NUM_FORMS", min),
            ("MAX_NUM_FORMS", max),
        ]
        .iter()
        .map(|(name, value)| {
            let key = esc(&self.key(name));
            format!(r#"<input type="hidden" name="{key}" value="{value}" id="id_{key}">"#)
        })
        .collect::<Vec<_>>()
        .join("\n")
    }

    /// A form for a page's script to copy: its prefix is `form-__prefix__`.
    pub fn empty_form(&self) -> Form {
        let mut form = (self.make)()
            .prefix(&format!("{}-__prefix__", self.prefix))
            .use_required_attribute(false)
            .empty_permitted(true);
        if self.can_delete && self.can_delete_extra {
            form = form.field(
                DELETION_FIELD_NAME,
                BooleanField::new().required(false).label("Delete"),
            );
        }
        form
    }
}

impl serde::Serialize for FormSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from(self).serialize(serializer)
    }
}

impl From<&FormSet> for Value {
    fn from(formset: &FormSet) -> Value {
        Value::from_object(FormSetView {
            forms: formset.forms().iter().map(Value::from).collect(),
            management_form: formset.management_form(),
            non_form_errors: formset.non_form_errors(),
            total: formset.total_form_count(),
            initial: formset.initial_form_count(),
            empty_form: Value::from(&formset.empty_form()),
        })
    }
}

/// A formset as a template sees it: `{{ formset }}` (the management form, then each form),
/// `{{ formset.management_form }}`, `{% for form in formset %}`,
/// `{{ formset.non_form_errors }}`, `formset.total_form_count`, `formset.empty_form`.
#[derive(Debug)]
pub(crate) struct FormSetView {
    forms: Vec<Value>,
    management_form: String,
    non_form_errors: Vec<String>,
    total: usize,
    initial: usize,
    empty_form: Value,
}

impl FormSetView {
    pub(crate) fn html(&self) -> String {
        let mut out = self.management_form.clone();
        for form in &self.forms {
            out.push('\n');
            if let Some(html) = super::html_of(form) {
                out.push_str(&html);
            }
        }
        out
    }
}

impl Object for FormSetView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if let Some(i) = key.as_usize() {
            return self.forms.get(i).cloned();
        }
        Some(match key.as_str()? {
            "management_form" => Value::from_safe_string(self.management_form.clone()),
            "forms" => Value::from(self.forms.clone()),
            "non_form_errors" => Value::from_object(ErrorList::new(
                self.non_form_errors.clone(),
                "errorlist nonform",
            )),
            "total_form_count" => Value::from(self.total),
            "initial_form_count" => Value::from(self.initial),
            "empty_form" => self.empty_form.clone(),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.forms.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.html())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{CharField, IntegerField};

    fn item() -> Form {
        Form::new()
            .field("name", CharField::new().max_length(10))
            .field("quantity", IntegerField::new())
    }

    fn data(body: &str) -> FormData {
        FormData::from_urlencoded(body.as_bytes())
    }

    #[test]
    fn an_unbound_formset_renders_its_management_form_and_prefixed_forms() {
        let mut initial = Map::new();
        initial.insert("name".into(), Json::from("Tea"));
        let formset = FormSet::new(item)
            .extra(2)
            .initial(vec![initial])
            .can_delete(true);
        assert_eq!(formset.total_form_count(), 3);
        let html = Value::from(&formset).to_string();
        for piece in [
            r#"<input type="hidden" name="form-TOTAL_FORMS" value="3" id="id_form-TOTAL_FORMS">"#,
            r#"<input type="hidden" name="form-INITIAL_FORMS" value="1" id="id_form-INITIAL_FORMS">"#,
            r#"<input type="hidden" name="form-MIN_NUM_FORMS" value="0" id="id_form-MIN_NUM_FORMS">"#,
            r#"<input type="hidden" name="form-MAX_NUM_FORMS" value="1000" id="id_form-MAX_NUM_FORMS">"#,
            r#"name="form-0-name" value="Tea""#,
            r#"name="form-2-quantity""#,
            r#"name="form-1-DELETE""#,
        ] {
            assert!(html.contains(piece), "{piece} not in\n{html}");
        }
        assert!(
            !html.contains(" required"),
            "no required attribute in a formset:\n{html}"
        );
        let env = minijinja::Environment::new();
        let out = env
            .render_str(
                "{{ formset.total_form_count }}:{% for form in formset %}{{ loop.index0 }}{% endfor %}",
                minijinja::context! { formset => Value::from(&formset) },
            )
            .unwrap();
        assert_eq!(out, "3:012");
    }

    #[test]
    fn a_bound_formset_validates_changed_forms_and_skips_deleted_ones() {
        let formset = FormSet::new(item).can_delete(true).bind(data(
            "form-TOTAL_FORMS=3&form-INITIAL_FORMS=1\
             &form-0-name=Tea&form-0-quantity=2\
             &form-1-name=Far+too+long+a+name&form-1-quantity=x&form-1-DELETE=on\
             &form-2-name=Milk&form-2-quantity=",
        ));
        assert!(!formset.is_valid());
        assert_eq!(formset.deleted_forms(), vec![1]);
        let errors = formset.errors();
        assert!(errors[0].is_empty() && errors[1].is_empty());
        assert_eq!(
            errors[2].get("quantity"),
            Some(&["This field is required.".to_string()][..])
        );
        assert_eq!(formset.cleaned_data()[0]["quantity"], 2);
    }

    #[test]
    fn djangos_formset_errors() {
        let missing = FormSet::new(item).bind(data("form-0-name=x"));
        assert!(!missing.is_valid());
        assert_eq!(
            missing.non_form_errors(),
            vec![
                "ManagementForm data is missing or has been tampered with. Missing fields: \
                 form-TOTAL_FORMS, form-INITIAL_FORMS. You may need to file a bug report if the \
                 issue persists."
                    .to_string()
            ]
        );
        let too_many = FormSet::new(item).max_num(1).validate_max(true).bind(data(
            "form-TOTAL_FORMS=2&form-INITIAL_FORMS=0&form-0-name=a&form-0-quantity=1\
             &form-1-name=b&form-1-quantity=2",
        ));
        assert_eq!(
            too_many.non_form_errors(),
            vec!["Please submit at most 1 form."]
        );
        let too_few = FormSet::new(item).min_num(2).validate_min(true).bind(data(
            "form-TOTAL_FORMS=3&form-INITIAL_FORMS=0&form-0-name=a&form-0-quantity=1",
        ));
        assert!(!too_few.is_valid());
        // The second form is required by min_num, so it is validated too.
        assert_eq!(
            too_few.errors()[1].get("name"),
            Some(&["This field is required.".to_string()][..])
        );
        let unique = FormSet::new(item)
            .clean(|forms| {
                let names: Vec<&Json> = forms
                    .iter()
                    .filter_map(|f| f.cleaned_data().get("name"))
                    .collect();
                if names.len() == 2 && names[0] == names[1] {
                    return Err(ValidationError::new("Each name only once.", "unique"));
                }
                Ok(())
            })
            .bind(data(
                "form-TOTAL_FORMS=2&form-INITIAL_FORMS=0&form-0-name=a&form-0-quantity=1\
                 &form-1-name=a&form-1-quantity=2",
            ));
        assert_eq!(unique.non_form_errors(), vec!["Each name only once."]);
        let html = Value::from(&unique)
            .get_attr("non_form_errors")
            .unwrap()
            .to_string();
        assert_eq!(
            html,
            r#"<ul class="errorlist nonform"><li>Each name only once.</li></ul>"#
        );
        let capped = FormSet::new(item)
            .absolute_max(3)
            .bind(data("form-TOTAL_FORMS=5000&form-INITIAL_FORMS=0"));
        assert_eq!(
            capped.total_form_count(),
            3,
            "a forged count builds no more forms"
        );
        assert_eq!(
            capped.non_form_errors(),
            vec!["Please submit at most 3 forms."]
        );
    }
}
