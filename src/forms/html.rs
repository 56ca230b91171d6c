//! The built-in form markup written straight in Rust: the same bytes the templates under
//! `forms/` produce, without a template per widget. Used when no installed template overrides
//! one of them and `DEBUG` is off (a test holds the two to the same output); otherwise the
//! templates render, so an override always wins.

use super::render::{BoundField, ErrorList, FormView};
use super::widgets::Widget;
use serde_json::Value as Json;

/// The templates this module stands in for: when a project or app has any of them, the
/// templates render instead.
pub(crate) const REPLACED: &[&str] = &[
    "forms/div.html",
    "forms/p.html",
    "forms/table.html",
    "forms/ul.html",
    "forms/label.html",
    "forms/errors/list/ul.html",
    "forms/widgets/attrs.html",
    "forms/widgets/input.html",
    "forms/widgets/text.html",
    "forms/widgets/number.html",
    "forms/widgets/email.html",
    "forms/widgets/url.html",
    "forms/widgets/password.html",
    "forms/widgets/hidden.html",
    "forms/widgets/date.html",
    "forms/widgets/time.html",
    "forms/widgets/datetime.html",
    "forms/widgets/textarea.html",
    "forms/widgets/checkbox.html",
    "forms/widgets/select.html",
    "forms/widgets/radio.html",
    "forms/widgets/checkbox_select.html",
    "forms/widgets/file.html",
    "forms/widgets/clearable_file.html",
];

/// Writes `s` escaped as the templates escape (Django's `&<>"'`).
pub(crate) fn escape(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// An attribute value as the templates print it.
fn attr_value(out: &mut String, v: &Json) {
    match v {
        Json::String(s) => escape(out, s),
        other => escape(out, &other.to_string()),
    }
}

/// `forms/errors/list/ul.html`.
pub(crate) fn errors(out: &mut String, list: &ErrorList) {
    let (messages, id, class) = list.parts();
    if messages.is_empty() {
        return;
    }
    out.push_str("<ul class=\"");
    out.push_str(class);
    out.push('"');
    if let Some(id) = id {
        out.push_str(" id=\"");
        escape(out, id);
        out.push('"');
    }
    out.push('>');
    for m in messages {
        out.push_str("<li>");
        escape(out, m);
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

/// `forms/label.html`.
fn label(out: &mut String, field: &BoundField) {
    let text = field.label_text();
    if text.is_empty() {
        return;
    }
    out.push_str("<label");
    if let Some(id) = field.id_for_label() {
        out.push_str(" for=\"");
        escape(out, &id);
        out.push('"');
    }
    out.push('>');
    escape(out, text);
    out.push_str(":</label>");
}

/// `forms/widgets/attrs.html`.
fn attrs(out: &mut String, field: &BoundField) {
    for (name, value) in field.widget_attrs() {
        match value {
            Json::Bool(true) => {
                out.push(' ');
                escape(out, name);
            }
            Json::Bool(false) | Json::Null => {}
            v => {
                out.push(' ');
                escape(out, name);
                out.push_str("=\"");
                attr_value(out, v);
                out.push('"');
            }
        }
    }
}

/// The widget of `field`, as its template writes it.
pub(crate) fn widget(out: &mut String, field: &BoundField) {
    let name = field.widget_name();
    match field.widget_kind() {
        Widget::Textarea => {
            out.push_str("<textarea name=\"");
            escape(out, name);
            out.push_str("\" cols=\"40\" rows=\"10\"");
            attrs(out, field);
            out.push_str(">\n");
            if let Some(v) = field.widget_value_text() {
                escape(out, v);
            }
            out.push_str("</textarea>");
        }
        Widget::CheckboxInput => {
            out.push_str("<input type=\"checkbox\" name=\"");
            escape(out, name);
            out.push('"');
            attrs(out, field);
            out.push('>');
        }
        Widget::Select | Widget::NullBooleanSelect | Widget::SelectMultiple => {
            out.push_str("<select name=\"");
            escape(out, name);
            out.push('"');
            attrs(out, field);
            out.push('>');
            for o in field.widget_options() {
                out.push_str("\n  <option value=\"");
                escape(out, &o.value);
                out.push('"');
                if o.selected {
                    out.push_str(" selected");
                }
                out.push('>');
                escape(out, &o.label);
                out.push_str("</option>");
            }
            out.push_str("\n</select>");
        }
        kind @ (Widget::RadioSelect | Widget::CheckboxSelectMultiple) => {
            let input = if kind == Widget::RadioSelect {
                "radio"
            } else {
                "checkbox"
            };
            out.push_str("<div id=\"");
            escape(out, field.widget_id());
            out.push_str("\">");
            for o in field.widget_options() {
                out.push_str("\n  <div><label for=\"");
                escape(out, &o.id);
                out.push_str("\"><input type=\"");
                out.push_str(input);
                out.push_str("\" name=\"");
                escape(out, name);
                out.push_str("\" value=\"");
                escape(out, &o.value);
                out.push_str("\" id=\"");
                escape(out, &o.id);
                out.push('"');
                if o.selected {
                    out.push_str(" checked");
                }
                if kind == Widget::RadioSelect && field.widget_required() {
                    out.push_str(" required");
                }
                out.push_str("> ");
                escape(out, &o.label);
                out.push_str("</label></div>");
            }
            out.push_str("\n</div>");
        }
        other => {
            if let Some(current) = field.current_file() {
                out.push_str("Currently: <a href=\"");
                escape(out, &current.url);
                out.push_str("\">");
                escape(out, &current.initial);
                out.push_str("</a>");
                if current.clearable {
                    out.push_str("\n<input type=\"checkbox\" name=\"");
                    escape(out, &current.checkbox_name);
                    out.push_str("\" id=\"");
                    escape(out, &current.checkbox_id);
                    out.push('"');
                    if current.clear_checked {
                        out.push_str(" checked");
                    }
                    out.push_str(">\n<label for=\"");
                    escape(out, &current.checkbox_id);
                    out.push_str("\">Clear</label>");
                }
                out.push_str("<br>\nChange: ");
            }
            out.push_str("<input type=\"");
            out.push_str(other.input_type().unwrap_or("text"));
            out.push_str("\" name=\"");
            escape(out, name);
            out.push('"');
            if let Some(v) = field.widget_value_text() {
                out.push_str(" value=\"");
                escape(out, v);
                out.push('"');
            }
            attrs(out, field);
            out.push('>');
        }
    }
}

fn help(out: &mut String, field: &BoundField, element: &str) {
    let text = field.help_text_str();
    if text.is_empty() {
        return;
    }
    out.push('<');
    out.push_str(element);
    out.push_str(" class=\"helptext\" id=\"");
    escape(out, field.auto_id_str());
    out.push_str("_helptext\">");
    escape(out, text);
    out.push_str("</");
    out.push_str(element);
    out.push('>');
}

fn hidden_fields(out: &mut String, form: &FormView) {
    for field in form.fields().iter().filter(|f| f.is_hidden_field()) {
        errors(out, field.error_list());
        widget(out, field);
    }
}

/// A whole form in one of the layouts (`forms/div.html`, `p`, `table`, `ul`).
pub(crate) fn layout(form: &FormView, template: &str) -> Option<String> {
    let mut out = String::with_capacity(256 * form.fields().len().max(1));
    let visible = form.fields().iter().filter(|f| !f.is_hidden_field());
    match template {
        "forms/div.html" => {
            errors(&mut out, form.non_field_error_list());
            for field in visible {
                let fieldset = !field.widget_kind().labels_itself();
                out.push_str("\n<div>\n  ");
                if fieldset {
                    out.push_str("<fieldset><legend>");
                    escape(&mut out, field.label_text());
                    out.push_str(":</legend>");
                } else {
                    label(&mut out, field);
                }
                out.push_str("\n  ");
                help(&mut out, field, "div");
                out.push_str("\n  ");
                errors(&mut out, field.error_list());
                out.push_str("\n  ");
                widget(&mut out, field);
                if fieldset {
                    out.push_str("</fieldset>");
                }
                out.push_str("\n</div>");
            }
        }
        "forms/p.html" => {
            errors(&mut out, form.non_field_error_list());
            for field in visible {
                out.push('\n');
                errors(&mut out, field.error_list());
                out.push_str("\n<p>\n  ");
                label(&mut out, field);
                out.push_str("\n  ");
                widget(&mut out, field);
                out.push_str("\n  ");
                help(&mut out, field, "span");
                out.push_str("\n</p>");
            }
        }
        "forms/table.html" => {
            if !form.non_field_error_list().is_empty() {
                out.push_str("<tr><td colspan=\"2\">");
                errors(&mut out, form.non_field_error_list());
                out.push_str("</td></tr>");
            }
            for field in visible {
                out.push_str("\n<tr>\n  <th>");
                label(&mut out, field);
                out.push_str("</th>\n  <td>\n    ");
                errors(&mut out, field.error_list());
                out.push_str("\n    ");
                widget(&mut out, field);
                out.push_str("\n    ");
                if !field.help_text_str().is_empty() {
                    out.push_str("<br>");
                    help(&mut out, field, "span");
                }
                out.push_str("\n  </td>\n</tr>");
            }
        }
        "forms/ul.html" => {
            if !form.non_field_error_list().is_empty() {
                out.push_str("<li>");
                errors(&mut out, form.non_field_error_list());
                out.push_str("</li>");
            }
            for field in visible {
                out.push_str("\n<li>\n  ");
                errors(&mut out, field.error_list());
                out.push_str("\n  ");
                label(&mut out, field);
                out.push_str("\n  ");
                widget(&mut out, field);
                out.push_str("\n  ");
                help(&mut out, field, "span");
                out.push_str("\n</li>");
            }
        }
        _ => return None,
    }
    hidden_fields(&mut out, form);
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::forms::*;

    fn every_widget() -> Form {
        Form::new()
            .field(
                "subject",
                CharField::new()
                    .max_length(20)
                    .help_text("Short & \"sweet\"."),
            )
            .field("message", CharField::new().widget(Widget::Textarea))
            .field("sender", EmailField::new().label("Your <e-mail>"))
            .field("age", IntegerField::new().min_value(0).required(false))
            .field("site", URLField::new().required(false))
            .field("secret", CharField::new().widget(Widget::PasswordInput))
            .field(
                "token",
                CharField::new().widget(Widget::HiddenInput).required(false),
            )
            .field("day", DateField::new().required(false))
            .field("at", TimeField::new().required(false))
            .field("when", DateTimeField::new().required(false))
            .field("agree", BooleanField::new())
            .field("maybe", NullBooleanField::new())
            .field(
                "size",
                ChoiceField::new([("s", "Small"), ("m", "Medium & more")]).initial("m"),
            )
            .field(
                "tags",
                MultipleChoiceField::new([("a", "A"), ("b", "B")]).required(false),
            )
            .field(
                "colour",
                ChoiceField::new([("r", "Red"), ("g", "Green")]).widget(Widget::RadioSelect),
            )
            .field(
                "days",
                MultipleChoiceField::new([("mo", "Mon"), ("tu", "Tue")])
                    .widget(Widget::CheckboxSelectMultiple)
                    .required(false),
            )
            .field("upload", FileField::new().required(false))
            .field("", CharField::new().label("").required(false))
            .clean(|_| Err(ValidationError::new("Something's <off>.", "off")))
    }

    fn both(form: &Form) {
        for template in [
            "forms/div.html",
            "forms/p.html",
            "forms/table.html",
            "forms/ul.html",
        ] {
            let view = std::sync::Arc::new(crate::forms::FormView::new(form));
            let fast = view.render_with(template).unwrap();
            let slow = crate::template::with_form_templates(|| view.render_with(template).unwrap());
            assert_eq!(fast, slow, "{template} differs from its template");
            for field in ["subject", "token", "colour", "days", "size", "message"] {
                let f = minijinja::Value::from_dyn_object(view.clone())
                    .get_attr(field)
                    .unwrap();
                let bound = f.downcast_object_ref::<crate::forms::BoundField>().unwrap();
                let fast = (bound.as_widget().unwrap(), bound.label_tag().unwrap());
                let slow = crate::template::with_form_templates(|| {
                    (bound.as_widget().unwrap(), bound.label_tag().unwrap())
                });
                assert_eq!(fast, slow, "{field}");
            }
        }
    }

    #[test]
    fn the_rust_markup_is_the_templates_markup() {
        both(&every_widget());
        both(&every_widget().prefix("p"));
        let bound = every_widget().bind(FormData::from_urlencoded(
            b"subject=Far+too+long+a+subject+line&message=<b>hi</b>&sender=x&age=-1\
              &secret=s3cret&token=t%22&agree=on&maybe=true&size=s&tags=a&tags=b\
              &colour=g&days=tu&when=soon",
        ));
        assert!(!bound.is_valid());
        both(&bound);
        let unrequired = every_widget().use_required_attribute(false);
        both(&unrequired);
        // A file field that holds a file: the link, and "Clear" when it is optional.
        let stored = || {
            every_widget()
                .field("cover", FileField::new())
                .initial(serde_json::json!({"upload": "docs/a&b.pdf", "cover": "c/moon.png"}))
        };
        both(&stored());
        both(&stored().prefix("p"));
        both(&stored().bind(FormData::from_urlencoded(b"upload-clear=on")));
    }

    #[test]
    fn a_stored_file_is_shown_with_a_clear_checkbox_when_optional() {
        let form = Form::new()
            .field("upload", FileField::new().required(false))
            .field("cover", FileField::new())
            .storage(crate::files::FileSystemStorage::new(
                "/srv/media",
                "/media/",
            ))
            .initial(serde_json::json!({"upload": "docs/a.pdf", "cover": "c/moon.png"}));
        let html = std::sync::Arc::new(crate::forms::FormView::new(&form))
            .render_with("forms/div.html")
            .unwrap();
        assert!(
            html.contains(
                "Currently: <a href=\"/media/docs/a.pdf\">docs/a.pdf</a>\n<input type=\"checkbox\" \
                 name=\"upload-clear\" id=\"upload-clear_id\">\n<label for=\"upload-clear_id\">Clear</label><br>\n\
                 Change: <input type=\"file\" name=\"upload\" id=\"id_upload\">"
            ),
            "{html}"
        );
        assert!(
            html.contains(
                "Currently: <a href=\"/media/c/moon.png\">c/moon.png</a><br>\nChange: <input type=\"file\" name=\"cover\" id=\"id_cover\">"
            ),
            "a required field has no Clear and no `required`: {html}"
        );
    }
}
