//! The questions `makemigrations` asks where Django asks: renames, and a value for existing rows
//! when a NOT NULL column has no default.

use crate::db::{DefaultValue, Field, FieldType};

/// What the user answered to "a default for existing rows".
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultAnswer {
    /// Use this value once, for the rows that exist.
    OneOff(DefaultValue),
    /// Stop; write nothing.
    Quit,
}

/// Answers the autodetector's questions.
pub trait Questioner {
    /// "Was post.title renamed to post.headline (a varchar(200))? [y/N]"
    fn ask_rename_field(&mut self, model: &str, old: &str, new: &str, field: &Field) -> bool;
    /// "Was the model blog.post renamed to blog.article? [y/N]"
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool;
    /// A NOT NULL field without default is added to, or made NOT NULL on, an existing model.
    fn ask_not_null_default(&mut self, model: &str, field: &Field, adding: bool) -> DefaultAnswer;
}

/// `--noinput`: never assume a rename; a missing default stops with an explanation.
#[derive(Debug, Default)]
pub struct NonInteractive {
    /// Set when a question needed an answer that `--noinput` cannot give.
    pub refused: Option<String>,
}

impl Questioner for NonInteractive {
    fn ask_rename_field(&mut self, _: &str, _: &str, _: &str, _: &Field) -> bool {
        false
    }
    fn ask_rename_model(&mut self, _: &str, _: &str, _: &str) -> bool {
        false
    }
    fn ask_not_null_default(&mut self, model: &str, field: &Field, adding: bool) -> DefaultAnswer {
        self.refused = Some(not_null_message(model, field, adding));
        DefaultAnswer::Quit
    }
}

/// The explanation shown when a NOT NULL field has no default.
pub fn not_null_message(model: &str, field: &Field, adding: bool) -> String {
    if adding {
        format!(
            "It is impossible to add a non-nullable field '{}' to {model} without specifying a default. \
             The database needs something to fill the rows that exist.\n  \
             Fix it by giving the field a default (#[sea_orm(default_value = ...)]), making it nullable (Option<...>), \
             or running makemigrations without --noinput to type a one-off default.",
            field.name
        )
    } else {
        format!(
            "It is impossible to change a nullable field '{}' on {model} to non-nullable without a value for the rows that are NULL.\n  \
             Fix it by giving the field a default, or running makemigrations without --noinput to type a one-off value.",
            field.name
        )
    }
}

/// Asks on the terminal with dialoguer.
#[derive(Debug, Default)]
pub struct Interactive;

impl Questioner for Interactive {
    fn ask_rename_field(&mut self, model: &str, old: &str, new: &str, field: &Field) -> bool {
        dialoguer::Confirm::new()
            .with_prompt(format!(
                "Was {model}.{old} renamed to {model}.{new} (a {})?",
                field.describe()
            ))
            .default(false)
            .interact()
            .unwrap_or(false)
    }

    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool {
        dialoguer::Confirm::new()
            .with_prompt(format!("Was the model {app}.{old} renamed to {app}.{new}?"))
            .default(false)
            .interact()
            .unwrap_or(false)
    }

    fn ask_not_null_default(&mut self, model: &str, field: &Field, adding: bool) -> DefaultAnswer {
        eprintln!(
            "{}",
            not_null_message(model, field, adding).replace("  Fix it by", "Fix it by")
        );
        let choice = dialoguer::Select::new()
            .with_prompt("Select an option")
            .items([
                "Provide a one-off default now (set on all existing rows)",
                "Quit, and let me add a default in the model",
            ])
            .default(0)
            .interact()
            .unwrap_or(1);
        if choice != 0 {
            return DefaultAnswer::Quit;
        }
        loop {
            let text: String = match dialoguer::Input::new()
                .with_prompt(format!(
                    "Value for {model}.{} ({})",
                    field.name,
                    field.describe()
                ))
                .interact_text()
            {
                Ok(t) => t,
                Err(_) => return DefaultAnswer::Quit,
            };
            match parse_value(&text, field.field_type) {
                Ok(v) => return DefaultAnswer::OneOff(v),
                Err(e) => eprintln!("{e}; try again"),
            }
        }
    }
}

/// Reads a typed one-off default for a field type.
pub fn parse_value(text: &str, t: FieldType) -> Result<DefaultValue, String> {
    let text = text.trim();
    match t {
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger => text
            .parse::<i64>()
            .map(DefaultValue::Int)
            .map_err(|_| format!("'{text}' is not an integer")),
        FieldType::Float | FieldType::Double | FieldType::Decimal => text
            .parse::<f64>()
            .map(DefaultValue::Float)
            .map_err(|_| format!("'{text}' is not a number")),
        FieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(DefaultValue::Bool(true)),
            "false" | "0" | "no" => Ok(DefaultValue::Bool(false)),
            _ => Err(format!("'{text}' is not true or false")),
        },
        FieldType::DateTime | FieldType::DateTimeTz | FieldType::Date | FieldType::Time
            if text.eq_ignore_ascii_case("now") =>
        {
            Ok(DefaultValue::Sql("CURRENT_TIMESTAMP".into()))
        }
        _ => {
            let unquoted = text
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
                .unwrap_or(text);
            Ok(DefaultValue::Str(unquoted.to_string()))
        }
    }
}
