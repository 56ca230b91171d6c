//! Forms in templates, as Django's: `{{ form }}`, `{{ form.as_div }}`, `{{ form.as_p }}`,
//! `{{ form.as_table }}`, `{{ form.as_ul }}`, `{{ form.title }}` (the widget),
//! `{{ form.title.label_tag }}`, `{{ form.title.errors }}`, `{% for field in form %}`,
//! `form.non_field_errors`, `form.hidden_fields`, `form.visible_fields`. Every piece is rendered
//! from a template under `forms/` that a project can override.

use super::fields::FormField;
use super::form::Form;
use super::widgets::Widget;
use crate::template::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// One option of a select, radio group or checkbox group.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OptionContext {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
    pub(crate) id: String,
}

/// What a widget template sees as `widget`.
#[derive(Debug, Clone, Serialize)]
struct WidgetContext {
    name: String,
    #[serde(rename = "type")]
    input_type: Option<&'static str>,
    value: Option<String>,
    attrs: Vec<(Cow<'static, str>, Json)>,
    options: Vec<OptionContext>,
    id: String,
    required: bool,
    template_name: &'static str,
    /// A `ClearableFileInput` of a field that holds a file.
    #[serde(flatten)]
    current: Option<CurrentFile>,
}

/// The stored file a `ClearableFileInput` shows, and its "Clear" checkbox.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CurrentFile {
    pub(crate) is_initial: bool,
    /// The stored name (`covers/moon.png`).
    pub(crate) initial: String,
    pub(crate) url: String,
    pub(crate) checkbox_name: String,
    pub(crate) checkbox_id: String,
    /// Whether the checkbox is there (the field is optional).
    pub(crate) clearable: bool,
    pub(crate) clear_checked: bool,
}

/// A field of a form as a template sees it (Django's `BoundField`).
#[derive(Debug, Clone)]
pub struct BoundField {
    name: String,
    label: String,
    help_text: String,
    errors: Arc<ErrorList>,
    widget: Widget,
    context: WidgetContext,
    /// `context` as the widget templates see it, converted once, when a template asks.
    widget_value: std::sync::OnceLock<Value>,
}

/// A list of error messages; printed, Django's `<ul class="errorlist">`.
#[derive(Debug, Clone, Default)]
pub struct ErrorList {
    messages: Vec<String>,
    id: Option<String>,
    class: &'static str,
}

/// A form as a template sees it; `Value::from(form)` or `roan::context! { form }` put it in a
/// context.
#[derive(Clone, Debug)]
pub struct FormView {
    fields: Vec<Arc<BoundField>>,
    non_field_errors: Arc<ErrorList>,
    is_bound: bool,
    is_multipart: bool,
}

/// `Subject line` from `subject_line`, as Django's `pretty_name`.
///
/// ```
/// assert_eq!(roan::forms::pretty_name("subject_line"), "Subject line");
/// assert_eq!(roan::forms::pretty_name("élan_vital"), "Élan vital");
/// assert_eq!(roan::forms::pretty_name(""), "");
/// ```
pub fn pretty_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    match chars.next() {
        Some('_') => out.push(' '),
        Some(c) if c.is_ascii() => out.push(c.to_ascii_uppercase()),
        Some(c) => out.extend(c.to_uppercase()),
        None => return out,
    }
    let rest = chars.as_str();
    if rest.contains('_') {
        out.extend(rest.chars().map(|c| if c == '_' { ' ' } else { c }));
    } else {
        out.push_str(rest);
    }
    out
}

fn shown(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        other => Some(other.to_string()),
    }
}

impl BoundField {
    fn new(form: &Form, name: &str, field: &dyn FormField) -> BoundField {
        let html_name = form.html_name(name);
        let auto_id = format!("id_{html_name}");
        let widget = field.widget();
        let options = field.options();
        let errors: Vec<String> = form
            .errors()
            .get(name)
            .map(|m| m.to_vec())
            .unwrap_or_default();
        // What the widget shows: the submission when bound, else the initial value.
        let values: Vec<String> = if form.is_bound() && !options.disabled {
            form.raw(name).into_iter().map(str::to_string).collect()
        } else {
            match form.initial_shown(name, field) {
                Some(Json::Array(items)) => items.iter().filter_map(shown).collect(),
                Some(v) => shown(&v).into_iter().collect(),
                None => Vec::new(),
            }
        };
        let mut attrs: Vec<(Cow<'static, str>, Json)> = Vec::with_capacity(4);
        if widget.labels_itself() {
            attrs.push((Cow::Borrowed("id"), Json::from(auto_id.clone())));
        }
        let current = if widget == Widget::ClearableFileInput {
            form.initial_of(name, field)
                .and_then(|v| v.as_str().map(str::to_string))
                .filter(|stored| !stored.is_empty())
                .map(|stored| CurrentFile {
                    is_initial: true,
                    url: form.file_url(&stored),
                    initial: stored,
                    checkbox_name: format!("{html_name}-clear"),
                    checkbox_id: format!("{html_name}-clear_id"),
                    clearable: !options.required,
                    clear_checked: form.clear_checked(name, field),
                })
        } else {
            None
        };
        // A field that already holds a file does not make the browser ask for a new one.
        let required = form.use_required_attribute
            && options.required
            && !options.disabled
            && widget != Widget::CheckboxSelectMultiple
            && current.is_none();
        if required && widget.labels_itself() {
            attrs.push((Cow::Borrowed("required"), Json::Bool(true)));
        }
        if options.disabled {
            attrs.push((Cow::Borrowed("disabled"), Json::Bool(true)));
        }
        if widget.allows_multiple() && widget == Widget::SelectMultiple {
            attrs.push((Cow::Borrowed("multiple"), Json::Bool(true)));
        }
        for (k, v) in field.widget_attrs() {
            attrs.push((Cow::Owned(k), Json::from(v)));
        }
        let mut described = Vec::new();
        if !options.help_text.is_empty() {
            described.push(format!("{auto_id}_helptext"));
        }
        if !errors.is_empty() {
            attrs.push((Cow::Borrowed("aria-invalid"), Json::from("true")));
            described.push(format!("{auto_id}_error"));
        }
        if !described.is_empty() {
            attrs.push((
                Cow::Borrowed("aria-describedby"),
                Json::from(described.join(" ")),
            ));
        }
        if widget == Widget::CheckboxInput
            && super::fields::is_checked(values.last().map(String::as_str))
        {
            attrs.push((Cow::Borrowed("checked"), Json::Bool(true)));
        }
        let mut choices = field.choices();
        if widget == Widget::NullBooleanSelect {
            choices = vec![
                ("unknown".into(), "Unknown".into()),
                ("true".into(), "Yes".into()),
                ("false".into(), "No".into()),
            ];
        }
        let options_ctx: Vec<OptionContext> = choices
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| OptionContext {
                // As Django's `format_value`: no value selects the "" choice (`---------`).
                selected: values.contains(&value)
                    || (value.is_empty()
                        && !widget.allows_multiple()
                        && values.iter().all(String::is_empty))
                    || (widget == Widget::NullBooleanSelect
                        && value == "unknown"
                        && !values.iter().any(|v| v == "true" || v == "false")),
                id: format!("{auto_id}_{i}"),
                value,
                label,
            })
            .collect();
        let mut values = values;
        let value = match widget {
            Widget::PasswordInput
            | Widget::CheckboxInput
            | Widget::FileInput
            | Widget::ClearableFileInput => None,
            _ => values.pop(),
        };
        let error_id = format!("{auto_id}_error");
        let context = WidgetContext {
            name: html_name,
            input_type: widget.input_type(),
            value,
            attrs,
            options: options_ctx,
            id: auto_id,
            required,
            template_name: widget.template_name(),
            current,
        };
        BoundField {
            name: name.to_string(),
            label: options.label.clone().unwrap_or_else(|| pretty_name(name)),
            help_text: options.help_text.clone(),
            errors: Arc::new(ErrorList {
                messages: errors,
                id: Some(error_id),
                class: "errorlist",
            }),
            widget_value: std::sync::OnceLock::new(),
            context,
            widget,
        }
    }

    fn widget_template_value(&self) -> Value {
        self.widget_value
            .get_or_init(|| Value::from(minijinja::value::Serde(&self.context)))
            .clone()
    }

    /// The widget's HTML.
    pub fn as_widget(&self) -> Result<String, minijinja::Error> {
        if crate::template::builtin_forms() {
            let mut out = String::new();
            super::html::widget(&mut out, self);
            return Ok(out);
        }
        crate::template::render_builtin(
            self.context.template_name,
            minijinja::context! { widget => self.widget_template_value() },
        )
    }

    pub(crate) fn label_text(&self) -> &str {
        &self.label
    }
    pub(crate) fn help_text_str(&self) -> &str {
        &self.help_text
    }
    pub(crate) fn auto_id_str(&self) -> &str {
        &self.context.id
    }
    pub(crate) fn error_list(&self) -> &ErrorList {
        &self.errors
    }
    pub(crate) fn is_hidden_field(&self) -> bool {
        self.widget.is_hidden()
    }
    pub(crate) fn widget_kind(&self) -> Widget {
        self.widget.clone()
    }
    pub(crate) fn widget_name(&self) -> &str {
        &self.context.name
    }
    pub(crate) fn widget_id(&self) -> &str {
        &self.context.id
    }
    pub(crate) fn widget_required(&self) -> bool {
        self.context.required
    }
    pub(crate) fn widget_value_text(&self) -> Option<&str> {
        self.context.value.as_deref()
    }
    pub(crate) fn widget_attrs(&self) -> &[(Cow<'static, str>, Json)] {
        &self.context.attrs
    }
    pub(crate) fn current_file(&self) -> Option<&CurrentFile> {
        self.context.current.as_ref()
    }
    pub(crate) fn widget_options(&self) -> &[OptionContext] {
        &self.context.options
    }

    /// `<label for="id_subject">Subject:</label>`.
    pub fn label_tag(&self) -> Result<String, minijinja::Error> {
        if crate::template::builtin_forms() {
            let mut out = String::new();
            if !self.label.is_empty() {
                out.push_str("<label");
                if let Some(id) = self.id_for_label() {
                    out.push_str(" for=\"");
                    super::html::escape(&mut out, &id);
                    out.push('"');
                }
                out.push('>');
                super::html::escape(&mut out, &self.label);
                out.push_str(":</label>");
            }
            return Ok(out);
        }
        crate::template::render_builtin(
            "forms/label.html",
            minijinja::context! {
                label => self.label.clone(),
                id_for_label => self.id_for_label(),
            },
        )
    }

    pub(crate) fn id_for_label(&self) -> Option<String> {
        self.widget.labels_itself().then(|| self.context.id.clone())
    }
}

impl Object for BoundField {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "name" => Value::from(self.name.clone()),
            "html_name" => Value::from(self.context.name.clone()),
            "auto_id" => Value::from(self.context.id.clone()),
            "id_for_label" => Value::from(self.id_for_label()),
            "label" => Value::from(self.label.clone()),
            "label_tag" => Value::from_safe_string(self.label_tag().ok()?),
            "help_text" => Value::from(self.help_text.clone()),
            "errors" => Value::from_dyn_object(self.errors.clone()),
            "value" => Value::from(self.context.value.clone()),
            "is_hidden" => Value::from(self.widget.is_hidden()),
            "widget_type" => Value::from(self.widget.widget_type()),
            "use_fieldset" => Value::from(!self.widget.labels_itself()),
            "widget" => self.widget_template_value(),
            "widget_template" => Value::from(self.context.template_name),
            _ => return None,
        })
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_widget().map_err(|_| fmt::Error)?)
    }
}

impl ErrorList {
    /// A list of messages with a CSS class (`errorlist nonform` for a formset's own errors).
    pub fn new(messages: Vec<String>, class: &'static str) -> ErrorList {
        ErrorList {
            messages,
            id: None,
            class,
        }
    }

    pub(crate) fn parts(&self) -> (&[String], Option<&str>, &'static str) {
        (&self.messages, self.id.as_deref(), self.class)
    }

    /// Whether there is no message.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The list's HTML (empty when there are no errors).
    pub fn as_html(&self) -> Result<String, minijinja::Error> {
        if self.messages.is_empty() {
            return Ok(String::new());
        }
        if crate::template::builtin_forms() {
            let mut out = String::new();
            super::html::errors(&mut out, self);
            return Ok(out);
        }
        crate::template::render_builtin(
            "forms/errors/list/ul.html",
            minijinja::context! {
                errors => self.messages.clone(),
                id => self.id.clone(),
                error_class => self.class,
            },
        )
    }
}

impl Object for ErrorList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = key.as_usize()?;
        self.messages.get(i).cloned().map(Value::from)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.messages.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.messages.is_empty()
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_html().map_err(|_| fmt::Error)?)
    }
}

impl FormView {
    /// The view of `form` (validating it when bound).
    pub fn new(form: &Form) -> FormView {
        FormView {
            fields: form
                .fields
                .iter()
                .map(|(name, field)| Arc::new(BoundField::new(form, name, field.as_ref())))
                .collect(),
            non_field_errors: Arc::new(ErrorList {
                messages: form.non_field_errors().to_vec(),
                id: None,
                class: "errorlist nonfield",
            }),
            is_bound: form.is_bound(),
            is_multipart: form.is_multipart(),
        }
    }

    /// The form rendered with one of the layout templates: `forms/div.html`, `forms/p.html`,
    /// `forms/table.html` or `forms/ul.html`.
    pub fn render_with(self: &Arc<Self>, template: &str) -> Result<String, minijinja::Error> {
        if crate::template::builtin_forms()
            && let Some(html) = super::html::layout(self, template)
        {
            return Ok(html);
        }
        crate::template::render_builtin(
            template,
            minijinja::context! { form => Value::from_dyn_object(self.clone()) },
        )
    }

    pub(crate) fn fields(&self) -> &[Arc<BoundField>] {
        &self.fields
    }

    pub(crate) fn non_field_error_list(&self) -> &ErrorList {
        &self.non_field_errors
    }

    fn list(&self, hidden: bool) -> Value {
        Value::from(
            self.fields
                .iter()
                .filter(|f| f.widget.is_hidden() == hidden)
                .map(|f| Value::from_dyn_object(f.clone()))
                .collect::<Vec<_>>(),
        )
    }
}

impl Object for FormView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        let template = match key {
            "as_div" => "forms/div.html",
            "as_p" => "forms/p.html",
            "as_table" => "forms/table.html",
            "as_ul" => "forms/ul.html",
            "non_field_errors" => {
                return Some(Value::from_dyn_object(self.non_field_errors.clone()));
            }
            "hidden_fields" => return Some(self.list(true)),
            "visible_fields" => return Some(self.list(false)),
            "is_bound" => return Some(Value::from(self.is_bound)),
            "is_multipart" => return Some(Value::from(self.is_multipart)),
            "errors" => {
                return Some(Value::from(
                    self.fields
                        .iter()
                        .filter(|f| !f.errors.messages.is_empty())
                        .map(|f| (f.name.clone(), Value::from_dyn_object(f.errors.clone())))
                        .collect::<std::collections::BTreeMap<_, _>>(),
                ));
            }
            name => {
                return self
                    .fields
                    .iter()
                    .find(|f| f.name == name)
                    .map(|f| Value::from_dyn_object(f.clone()));
            }
        };
        self.render_with(template).ok().map(Value::from_safe_string)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|f| Value::from_dyn_object(f.clone()))
            .collect();
        Enumerator::Iter(Box::new(fields.into_iter()))
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_with("forms/div.html").map_err(|_| fmt::Error)?)
    }
}

/// The HTML of a form, field or error list printed in a template: it is markup already, so the
/// escaping formatter writes it as it is.
pub(crate) fn html_of(value: &Value) -> Option<String> {
    if let Some(form) = value.downcast_object_ref::<FormView>() {
        let arc = Arc::new(form.clone());
        return arc.render_with("forms/div.html").ok();
    }
    if let Some(field) = value.downcast_object_ref::<BoundField>() {
        return field.as_widget().ok();
    }
    if let Some(errors) = value.downcast_object_ref::<ErrorList>() {
        return errors.as_html().ok();
    }
    if let Some(formset) = value.downcast_object_ref::<super::formset::FormSetView>() {
        return Some(formset.html());
    }
    None
}

impl From<&Form> for Value {
    fn from(form: &Form) -> Value {
        Value::from_object(FormView::new(form))
    }
}

impl From<Form> for Value {
    fn from(form: Form) -> Value {
        Value::from(&form)
    }
}

/// A form in a context (`roan::context! { form }`) is its template view.
impl Serialize for Form {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from(self).serialize(serializer)
    }
}

impl Form {
    /// The form as `<div>`s, as `{{ form.as_div }}` in a template.
    pub fn as_div(&self) -> Result<String, minijinja::Error> {
        Arc::new(FormView::new(self)).render_with("forms/div.html")
    }

    /// The form as `<p>`s.
    pub fn as_p(&self) -> Result<String, minijinja::Error> {
        Arc::new(FormView::new(self)).render_with("forms/p.html")
    }

    /// The form as table rows.
    pub fn as_table(&self) -> Result<String, minijinja::Error> {
        Arc::new(FormView::new(self)).render_with("forms/table.html")
    }
}
