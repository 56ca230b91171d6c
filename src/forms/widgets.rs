//! Widgets with Django's names, each rendered from a template under `forms/widgets/` that a
//! project overrides by putting its own file at the same path in `templates/`.

/// How a field is shown and how its value is read from the submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Widget {
    /// `<input type="text">`.
    TextInput,
    /// `<input type="number">`.
    NumberInput,
    /// `<input type="email">`.
    EmailInput,
    /// `<input type="url">`.
    URLInput,
    /// `<input type="password">`; the value is never rendered back.
    PasswordInput,
    /// `<input type="hidden">`.
    HiddenInput,
    /// `<input type="date">`.
    DateInput,
    /// `<input type="time">`.
    TimeInput,
    /// `<input type="datetime-local">`.
    DateTimeInput,
    /// `<textarea>`.
    Textarea,
    /// `<input type="checkbox">`.
    CheckboxInput,
    /// `<select>` of the field's choices.
    Select,
    /// `<select>` of Unknown, Yes and No.
    NullBooleanSelect,
    /// `<select multiple>`.
    SelectMultiple,
    /// Radio buttons, one per choice.
    RadioSelect,
    /// Checkboxes, one per choice.
    CheckboxSelectMultiple,
    /// `<input type="file">`.
    FileInput,
    /// `<input type="file">` that, when the field already holds a file, shows it as a link
    /// ("Currently: …") with a "Clear" checkbox (`<name>-clear`) if the field is optional: the
    /// default widget of a `FileField`, as in Django.
    ClearableFileInput,
}

impl Widget {
    /// The template that renders it (`forms/widgets/text.html`, ...).
    pub fn template_name(&self) -> &'static str {
        match self {
            Widget::TextInput => "forms/widgets/text.html",
            Widget::NumberInput => "forms/widgets/number.html",
            Widget::EmailInput => "forms/widgets/email.html",
            Widget::URLInput => "forms/widgets/url.html",
            Widget::PasswordInput => "forms/widgets/password.html",
            Widget::HiddenInput => "forms/widgets/hidden.html",
            Widget::DateInput => "forms/widgets/date.html",
            Widget::TimeInput => "forms/widgets/time.html",
            Widget::DateTimeInput => "forms/widgets/datetime.html",
            Widget::Textarea => "forms/widgets/textarea.html",
            Widget::CheckboxInput => "forms/widgets/checkbox.html",
            Widget::Select | Widget::NullBooleanSelect => "forms/widgets/select.html",
            Widget::SelectMultiple => "forms/widgets/select.html",
            Widget::RadioSelect => "forms/widgets/radio.html",
            Widget::CheckboxSelectMultiple => "forms/widgets/checkbox_select.html",
            Widget::FileInput => "forms/widgets/file.html",
            Widget::ClearableFileInput => "forms/widgets/clearable_file.html",
        }
    }

    /// The `type` of an `<input>`; `None` for other elements.
    pub fn input_type(&self) -> Option<&'static str> {
        Some(match self {
            Widget::TextInput => "text",
            Widget::NumberInput => "number",
            Widget::EmailInput => "email",
            Widget::URLInput => "url",
            Widget::PasswordInput => "password",
            Widget::HiddenInput => "hidden",
            Widget::DateInput => "date",
            Widget::TimeInput => "time",
            Widget::DateTimeInput => "datetime-local",
            Widget::CheckboxInput => "checkbox",
            Widget::RadioSelect => "radio",
            Widget::CheckboxSelectMultiple => "checkbox",
            Widget::FileInput | Widget::ClearableFileInput => "file",
            _ => return None,
        })
    }

    /// Whether the widget is hidden (no label, errors shown at the top).
    pub fn is_hidden(&self) -> bool {
        *self == Widget::HiddenInput
    }

    /// Whether it submits several values under one name.
    pub fn allows_multiple(&self) -> bool {
        matches!(
            self,
            Widget::SelectMultiple | Widget::CheckboxSelectMultiple
        )
    }

    /// Whether the label points at the widget itself (a group of radios or checkboxes has none).
    pub fn labels_itself(&self) -> bool {
        !matches!(self, Widget::RadioSelect | Widget::CheckboxSelectMultiple)
    }

    /// Django's name for the widget, as `field.widget_type` in templates (`text`, `select`, ...).
    pub fn widget_type(&self) -> &'static str {
        match self {
            Widget::TextInput => "text",
            Widget::NumberInput => "number",
            Widget::EmailInput => "email",
            Widget::URLInput => "url",
            Widget::PasswordInput => "password",
            Widget::HiddenInput => "hidden",
            Widget::DateInput => "date",
            Widget::TimeInput => "time",
            Widget::DateTimeInput => "datetime",
            Widget::Textarea => "textarea",
            Widget::CheckboxInput => "checkbox",
            Widget::Select => "select",
            Widget::NullBooleanSelect => "nullbooleanselect",
            Widget::SelectMultiple => "selectmultiple",
            Widget::RadioSelect => "radioselect",
            Widget::CheckboxSelectMultiple => "checkboxselectmultiple",
            Widget::FileInput => "file",
            Widget::ClearableFileInput => "clearablefile",
        }
    }

    /// Whether it takes an uploaded file.
    pub fn is_file(&self) -> bool {
        matches!(self, Widget::FileInput | Widget::ClearableFileInput)
    }
}
