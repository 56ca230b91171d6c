//! Reading a sea-orm entity into a [`ModelState`].

use super::meta::{DefaultValue, Field, FieldType, ForeignKey, Index, ModelState, OnDelete};
use sea_orm::sea_query::{self, ColumnType, StringLen};
use sea_orm::{
    ColumnTrait, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn, PrimaryKeyTrait,
    RelationTrait,
};

/// The model an entity describes, for app `app`.
///
/// The model name comes from the table, read as Django names tables (`{app_label}_{model}`):
/// `blog_post` in app `blog` is model `post`. A table without the app's prefix is its own model
/// name; [`model_named`] takes an explicit one.
///
/// ```ignore
/// let post = roan::db::model_of::<blog::models::post::Entity>("blog");
/// assert_eq!(post.name, "post");
/// ```
pub fn model_of<E>(app: &str) -> ModelState
where
    E: EntityTrait + Default,
{
    let table = E::default().table_name().to_string();
    let name = table
        .strip_prefix(app)
        .and_then(|rest| rest.strip_prefix('_'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&table)
        .to_string();
    model_named::<E>(app, &name)
}

/// The model an entity describes, for app `app`, under the model name `name`.
///
/// ```ignore
/// let article = roan::db::model_named::<blog::models::post::Entity>("blog", "article");
/// assert_eq!(article.table, "blog_post");
/// ```
pub fn model_named<E>(app: &str, name: &str) -> ModelState
where
    E: EntityTrait + Default,
{
    let entity = E::default();
    let table = entity.table_name().to_string();
    let name = name.to_string();
    let pk: Vec<String> = E::PrimaryKey::iter()
        .map(|k| k.into_column().as_str().to_string())
        .collect();
    let auto = <E::PrimaryKey as PrimaryKeyTrait>::auto_increment();
    let mut fields: Vec<Field> = E::Column::iter()
        .map(|col| {
            let def = col.def();
            let column = col.as_str().to_string();
            let (field_type, max_length, decimal) = convert_type(def.get_column_type());
            let primary_key = pk.contains(&column);
            Field {
                name: column,
                field_type,
                max_length,
                decimal,
                null: def.is_null() && !primary_key,
                unique: def.is_unique() && !primary_key,
                primary_key,
                auto_increment: primary_key && auto && pk.len() == 1 && is_integer(field_type),
                default: def.get_column_default().and_then(convert_default),
                db_index: false,
                foreign_key: None,
            }
        })
        .collect();

    let mut indexes = Vec::new();
    let schema = sea_orm::Schema::new(sea_orm::DbBackend::Sqlite);
    for stmt in schema.create_index_from_entity(E::default()) {
        let spec = stmt.get_index_spec();
        let columns = spec.get_column_names();
        if columns.len() == 1
            && !stmt.is_unique_key()
            && let Some(f) = fields.iter_mut().find(|f| f.name == columns[0])
        {
            f.db_index = true;
            continue;
        }
        // sea-orm names a `unique_key = "K"` index `idx-{table}-K`: the key is the index's name.
        let name = spec
            .get_name()
            .map(|n| {
                n.strip_prefix(&format!("idx-{table}-"))
                    .filter(|_| stmt.is_unique_key())
                    .unwrap_or(n)
                    .to_string()
            })
            .unwrap_or_else(|| format!("idx_{table}_{}", columns.join("_")));
        indexes.push(Index {
            name,
            columns,
            unique: stmt.is_unique_key(),
        });
    }

    for rel in E::Relation::iter() {
        let def = rel.def();
        if def.is_owner || def.skip_fk {
            continue;
        }
        let from = table_of(&def.from_tbl);
        if from.as_deref() != Some(table.as_str()) {
            continue;
        }
        let (Some(to_table), Some(from_col), Some(to_col)) = (
            table_of(&def.to_tbl),
            single(&def.from_col),
            single(&def.to_col),
        ) else {
            continue;
        };
        if let Some(f) = fields.iter_mut().find(|f| f.name == from_col) {
            f.foreign_key = Some(ForeignKey {
                to_table,
                to_column: to_col,
                on_delete: def.on_delete.map(on_delete).unwrap_or(OnDelete::NoAction),
            });
            // As Django: every foreign key column is indexed (joins and cascades read it),
            // unless a unique index or the primary key already covers it.
            if !f.unique && !f.primary_key {
                f.db_index = true;
            }
        }
    }

    ModelState {
        app: app.to_string(),
        name,
        table,
        fields,
        indexes,
    }
}

fn is_integer(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger
    )
}

fn table_of(t: &sea_query::TableRef) -> Option<String> {
    match t {
        sea_query::TableRef::Table(name, _) => Some(name.1.to_string()),
        _ => None,
    }
}

fn single(id: &sea_orm::Identity) -> Option<String> {
    match id {
        sea_orm::Identity::Unary(c) => Some(c.to_string()),
        _ => None,
    }
}

fn on_delete(a: sea_query::ForeignKeyAction) -> OnDelete {
    match a {
        sea_query::ForeignKeyAction::Cascade => OnDelete::Cascade,
        sea_query::ForeignKeyAction::Restrict => OnDelete::Restrict,
        sea_query::ForeignKeyAction::SetNull => OnDelete::SetNull,
        sea_query::ForeignKeyAction::SetDefault => OnDelete::SetDefault,
        _ => OnDelete::NoAction,
    }
}

fn convert_type(t: &ColumnType) -> (FieldType, Option<u32>, Option<(u32, u32)>) {
    match t {
        ColumnType::Char(n) => (FieldType::String, n.or(Some(1)), None),
        ColumnType::String(StringLen::N(n)) => (FieldType::String, Some(*n), None),
        ColumnType::String(_) => (FieldType::String, None, None),
        ColumnType::Text => (FieldType::Text, None, None),
        ColumnType::TinyInteger | ColumnType::SmallInteger | ColumnType::TinyUnsigned => {
            (FieldType::SmallInteger, None, None)
        }
        ColumnType::Integer | ColumnType::SmallUnsigned => (FieldType::Integer, None, None),
        ColumnType::BigInteger | ColumnType::Unsigned | ColumnType::BigUnsigned => {
            (FieldType::BigInteger, None, None)
        }
        ColumnType::Float => (FieldType::Float, None, None),
        ColumnType::Double => (FieldType::Double, None, None),
        ColumnType::Decimal(p) | ColumnType::Money(p) => (FieldType::Decimal, None, *p),
        ColumnType::DateTime | ColumnType::Timestamp => (FieldType::DateTime, None, None),
        ColumnType::TimestampWithTimeZone => (FieldType::DateTimeTz, None, None),
        ColumnType::Time => (FieldType::Time, None, None),
        ColumnType::Date => (FieldType::Date, None, None),
        ColumnType::Boolean => (FieldType::Boolean, None, None),
        ColumnType::Json | ColumnType::JsonBinary => (FieldType::Json, None, None),
        ColumnType::Uuid => (FieldType::Uuid, None, None),
        ColumnType::Blob | ColumnType::Binary(_) | ColumnType::VarBinary(_) => {
            (FieldType::Binary, None, None)
        }
        _ => (FieldType::Text, None, None),
    }
}

fn convert_default(e: &sea_query::SimpleExpr) -> Option<DefaultValue> {
    use sea_query::Value as V;
    match e {
        sea_query::SimpleExpr::Value(v) | sea_query::SimpleExpr::Constant(v) => match v {
            V::Bool(Some(b)) => Some(DefaultValue::Bool(*b)),
            V::TinyInt(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::SmallInt(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::Int(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::BigInt(Some(i)) => Some(DefaultValue::Int(*i)),
            V::TinyUnsigned(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::SmallUnsigned(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::Unsigned(Some(i)) => Some(DefaultValue::Int((*i).into())),
            V::Float(Some(f)) => Some(DefaultValue::Float((*f).into())),
            V::Double(Some(f)) => Some(DefaultValue::Float(*f)),
            V::String(Some(s)) => Some(DefaultValue::Str(s.clone())),
            _ => None,
        },
        sea_query::SimpleExpr::Custom(s) => Some(DefaultValue::Sql(s.to_string())),
        sea_query::SimpleExpr::Keyword(k) => Some(DefaultValue::Sql(
            match k {
                sea_query::Keyword::CurrentTimestamp => "CURRENT_TIMESTAMP",
                sea_query::Keyword::CurrentDate => "CURRENT_DATE",
                sea_query::Keyword::CurrentTime => "CURRENT_TIME",
                _ => return None,
            }
            .to_string(),
        )),
        _ => None,
    }
}
