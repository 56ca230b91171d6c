//! The serializable description of a model: what migrations replay and compare.

use serde::{Deserialize, Serialize};

/// A column type, as roan stores it in migrations (sea-query's `ColumnType` is not serializable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    /// 16-bit integer.
    SmallInteger,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInteger,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Exact decimal (precision and scale in `Field::decimal`).
    Decimal,
    /// Text with an optional `max_length` (varchar).
    String,
    /// Unbounded text.
    Text,
    /// True or false.
    Boolean,
    /// A date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without zone.
    DateTime,
    /// A date and time with zone.
    DateTimeTz,
    /// A UUID.
    Uuid,
    /// JSON.
    Json,
    /// Bytes.
    Binary,
}

impl FieldType {
    /// The Rust expression naming this type in a migration file.
    pub fn rust_name(self) -> &'static str {
        match self {
            FieldType::SmallInteger => "SmallInteger",
            FieldType::Integer => "Integer",
            FieldType::BigInteger => "BigInteger",
            FieldType::Float => "Float",
            FieldType::Double => "Double",
            FieldType::Decimal => "Decimal",
            FieldType::String => "String",
            FieldType::Text => "Text",
            FieldType::Boolean => "Boolean",
            FieldType::Date => "Date",
            FieldType::Time => "Time",
            FieldType::DateTime => "DateTime",
            FieldType::DateTimeTz => "DateTimeTz",
            FieldType::Uuid => "Uuid",
            FieldType::Json => "Json",
            FieldType::Binary => "Binary",
        }
    }
}

/// A column default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DefaultValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A SQL expression, e.g. `CURRENT_TIMESTAMP`.
    Sql(String),
}

impl DefaultValue {
    /// The Rust expression of this default in a migration file.
    pub fn to_rust(&self) -> String {
        match self {
            DefaultValue::Bool(b) => format!("DefaultValue::Bool({b})"),
            DefaultValue::Int(i) => format!("DefaultValue::Int({i})"),
            DefaultValue::Float(f) => format!("DefaultValue::Float({f:?})"),
            DefaultValue::Str(s) => format!("DefaultValue::Str({s:?}.into())"),
            DefaultValue::Sql(s) => format!("DefaultValue::Sql({s:?}.into())"),
        }
    }

    /// A short human form for questions and descriptions.
    pub fn display(&self) -> String {
        match self {
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(f) => f.to_string(),
            DefaultValue::Str(s) => format!("{s:?}"),
            DefaultValue::Sql(s) => s.clone(),
        }
    }
}

/// What happens to rows that point at a deleted row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnDelete {
    /// Delete them too.
    Cascade,
    /// Refuse the delete.
    Restrict,
    /// Set the column to NULL.
    SetNull,
    /// Do nothing (the database's default check).
    NoAction,
    /// Set the column to its default.
    SetDefault,
}

impl OnDelete {
    /// The SQL words.
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::SetNull => "SET NULL",
            OnDelete::NoAction => "NO ACTION",
            OnDelete::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key: this column points at `to_table.to_column`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The referenced table.
    pub to_table: String,
    /// The referenced column.
    pub to_column: String,
    /// What deleting the referenced row does.
    pub on_delete: OnDelete,
}

/// A model field (one column).
///
/// ```
/// use roan::db::{Field, FieldType};
/// let f = Field::new("title", FieldType::String).max_length(200).unique();
/// assert_eq!(f.describe(), "varchar(200) unique");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The column name.
    pub name: String,
    /// The column type.
    pub field_type: FieldType,
    /// Maximum length of a `String`.
    pub max_length: Option<u32>,
    /// Precision and scale of a `Decimal`.
    pub decimal: Option<(u32, u32)>,
    /// NULL allowed.
    pub null: bool,
    /// A UNIQUE constraint on the column alone.
    pub unique: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Filled by the database (auto increment).
    pub auto_increment: bool,
    /// The column default.
    pub default: Option<DefaultValue>,
    /// An index on the column alone.
    pub db_index: bool,
    /// A foreign key.
    pub foreign_key: Option<ForeignKey>,
}

impl Field {
    /// A NOT NULL column of a type.
    pub fn new(name: &str, field_type: FieldType) -> Field {
        Field {
            name: name.to_string(),
            field_type,
            max_length: None,
            decimal: None,
            null: false,
            unique: false,
            primary_key: false,
            auto_increment: false,
            default: None,
            db_index: false,
            foreign_key: None,
        }
    }

    /// Sets the maximum length.
    pub fn max_length(mut self, n: u32) -> Field {
        self.max_length = Some(n);
        self
    }

    /// Sets decimal precision and scale.
    pub fn decimal(mut self, precision: u32, scale: u32) -> Field {
        self.decimal = Some((precision, scale));
        self
    }

    /// Allows NULL.
    pub fn null(mut self) -> Field {
        self.null = true;
        self
    }

    /// Adds a UNIQUE constraint.
    pub fn unique(mut self) -> Field {
        self.unique = true;
        self
    }

    /// Makes it the primary key.
    pub fn primary_key(mut self) -> Field {
        self.primary_key = true;
        self
    }

    /// Filled by the database.
    pub fn auto_increment(mut self) -> Field {
        self.auto_increment = true;
        self
    }

    /// Sets the default.
    pub fn default(mut self, value: DefaultValue) -> Field {
        self.default = Some(value);
        self
    }

    /// Adds an index on this column.
    pub fn db_index(mut self) -> Field {
        self.db_index = true;
        self
    }

    /// Points the column at `table.column`.
    pub fn foreign_key(mut self, table: &str, column: &str, on_delete: OnDelete) -> Field {
        self.foreign_key = Some(ForeignKey {
            to_table: table.to_string(),
            to_column: column.to_string(),
            on_delete,
        });
        self
    }

    /// The same field under another name (for rename detection).
    pub fn renamed(&self, name: &str) -> Field {
        Field {
            name: name.to_string(),
            ..self.clone()
        }
    }

    /// A short description: `varchar(200) null unique default 0`.
    pub fn describe(&self) -> String {
        let mut s = match (self.field_type, self.max_length) {
            (FieldType::String, Some(n)) => format!("varchar({n})"),
            (FieldType::String, None) => "varchar".into(),
            (FieldType::Decimal, _) => match self.decimal {
                Some((p, sc)) => format!("decimal({p}, {sc})"),
                None => "decimal".into(),
            },
            (t, _) => t.rust_name().to_ascii_lowercase(),
        };
        if self.primary_key {
            s.push_str(" primary key");
        }
        if self.null {
            s.push_str(" null");
        }
        if self.unique {
            s.push_str(" unique");
        }
        if let Some(d) = &self.default {
            s.push_str(&format!(" default {}", d.display()));
        }
        if let Some(fk) = &self.foreign_key {
            s.push_str(&format!(" references {}({})", fk.to_table, fk.to_column));
        }
        s
    }

    /// The Rust expression building this field in a migration file.
    pub fn to_rust(&self) -> String {
        let mut s = format!(
            "Field::new({:?}, FieldType::{})",
            self.name,
            self.field_type.rust_name()
        );
        if let Some(n) = self.max_length {
            s.push_str(&format!(".max_length({n})"));
        }
        if let Some((p, sc)) = self.decimal {
            s.push_str(&format!(".decimal({p}, {sc})"));
        }
        if self.primary_key {
            s.push_str(".primary_key()");
        }
        if self.auto_increment {
            s.push_str(".auto_increment()");
        }
        if self.null {
            s.push_str(".null()");
        }
        if self.unique {
            s.push_str(".unique()");
        }
        if self.db_index {
            s.push_str(".db_index()");
        }
        if let Some(d) = &self.default {
            s.push_str(&format!(".default({})", d.to_rust()));
        }
        if let Some(fk) = &self.foreign_key {
            s.push_str(&format!(
                ".foreign_key({:?}, {:?}, OnDelete::{:?})",
                fk.to_table, fk.to_column, fk.on_delete
            ));
        }
        s
    }
}

/// An index over one or more columns, maybe unique (Django's `Meta.indexes` and
/// `unique_together`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// The columns, in order.
    pub columns: Vec<String>,
    /// A UNIQUE index.
    pub unique: bool,
}

impl Index {
    /// An index named `name` over `columns`.
    pub fn new(name: &str, columns: &[&str]) -> Index {
        Index {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: false,
        }
    }

    /// Makes it unique.
    pub fn unique(mut self) -> Index {
        self.unique = true;
        self
    }

    /// The Rust expression of this index in a migration file.
    pub fn to_rust(&self) -> String {
        let cols: Vec<String> = self.columns.iter().map(|c| format!("{c:?}")).collect();
        format!(
            "Index::new({:?}, &[{}]){}",
            self.name,
            cols.join(", "),
            if self.unique { ".unique()" } else { "" }
        )
    }
}

/// A model: its app, name, table, fields and indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    /// The app label.
    pub app: String,
    /// The model name (the entity's module name, e.g. `post`).
    pub name: String,
    /// The table.
    pub table: String,
    /// The fields, in column order.
    pub fields: Vec<Field>,
    /// Indexes over several columns, or named ones.
    pub indexes: Vec<Index>,
}

impl ModelState {
    /// A field by column name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// `app.model`, as in messages.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app, self.name)
    }
}

/// A many-to-many field (Django's `ManyToManyField`): field `name` of the model of table
/// `model` is the set of rows of `to_table` that rows of the link table `through` connect it
/// to, `source` pointing at the model and `target` at the other one.
///
/// Declared on an app with [`crate::App::many_to_many`]. Fixtures write it as a list of
/// primary keys (`"groups": [1, 2]`) and leave the link table's own rows out, as Django does
/// for an auto-created `through`; a ModelForm of the model gets it as a multiple select.
///
/// ```
/// use roan::db::{Field, FieldType, ManyToMany, ModelState, OnDelete};
/// let model = |name: &str, fields| ModelState {
///     app: "blog".into(),
///     name: name.into(),
///     table: format!("blog_{name}"),
///     fields,
///     indexes: vec![],
/// };
/// let id = || Field::new("id", FieldType::Integer).primary_key().auto_increment();
/// let post = model("post", vec![id()]);
/// let link = model("post_tags", vec![
///     id(),
///     Field::new("post_id", FieldType::Integer).foreign_key("blog_post", "id", OnDelete::Cascade),
///     Field::new("tag_id", FieldType::Integer).foreign_key("blog_tag", "id", OnDelete::Cascade),
/// ]);
/// let tags = ManyToMany::through(&post, "tags", &link).unwrap();
/// assert_eq!((tags.source.name.as_str(), tags.target.name.as_str()), ("post_id", "tag_id"));
/// assert_eq!(tags.to_table(), "blog_tag");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ManyToMany {
    /// The table of the model the field belongs to.
    pub model: String,
    /// The field's name (`groups`).
    pub name: String,
    /// The link table.
    pub through: String,
    /// The link's column pointing at `model`.
    pub source: Field,
    /// The link's column pointing at the other model (its foreign key says which).
    pub target: Field,
}

impl ManyToMany {
    /// The field `name` of `model` through the link model `link`: `source` is the link's
    /// foreign key to `model` (`<model>_id`, or `from_<model>_id` when the link joins a model
    /// to itself), `target` its other foreign key. An error says what the link lacks.
    pub fn through(
        model: &ModelState,
        name: &str,
        link: &ModelState,
    ) -> Result<ManyToMany, String> {
        let keys: Vec<(&Field, &ForeignKey)> = link
            .fields
            .iter()
            .filter_map(|f| f.foreign_key.as_ref().map(|fk| (f, fk)))
            .collect();
        let to_model: Vec<&(&Field, &ForeignKey)> = keys
            .iter()
            .filter(|(_, fk)| fk.to_table == model.table)
            .collect();
        let source = match to_model.as_slice() {
            [] => {
                return Err(format!(
                    "the link model '{}' has no foreign key to '{}'",
                    link.label(),
                    model.label()
                ));
            }
            [one] => one.0,
            several => several
                .iter()
                .find(|(f, _)| f.name == format!("from_{}_id", model.name))
                .map(|(f, _)| *f)
                .ok_or_else(|| {
                    format!(
                        "the link model '{}' has {} foreign keys to '{}': name the one pointing \
                         from the field's model from_{}_id",
                        link.label(),
                        several.len(),
                        model.label(),
                        model.name
                    )
                })?,
        };
        let others: Vec<&(&Field, &ForeignKey)> =
            keys.iter().filter(|(f, _)| f.name != source.name).collect();
        let [(target, _)] = others.as_slice() else {
            return Err(format!(
                "the link model '{}' needs exactly one foreign key besides '{}' (it has {})",
                link.label(),
                source.name,
                others.len()
            ));
        };
        Ok(ManyToMany {
            model: model.table.clone(),
            name: name.to_string(),
            through: link.table.clone(),
            source: source.clone(),
            target: (*target).clone(),
        })
    }

    /// The other model's table, the one `target` points at.
    pub fn to_table(&self) -> &str {
        self.target
            .foreign_key
            .as_ref()
            .map_or("", |fk| fk.to_table.as_str())
    }
}
