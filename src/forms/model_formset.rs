//! Model formsets and inline formsets: a formset of ModelForms over rows of a model (Django's
//! `modelformset_factory`), or over the rows that point at one parent row
//! (`inlineformset_factory`), which validates and saves them all at once.

use super::data::FormData;
use super::fields::CharField;
use super::form::NON_FIELD_ERRORS;
use super::formset::FormSet;
use super::model::ModelForm;
use super::widgets::Widget;
use crate::db::ModelState;
use crate::db::objects::{self, ListQuery, ObjectError, Row};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde_json::Value as Json;
use std::sync::Arc;

/// What [`ModelFormSet::save`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedRows {
    /// Rows inserted, as stored.
    pub created: Vec<Row>,
    /// Rows changed, as stored.
    pub updated: Vec<Row>,
    /// Rows deleted, as they were.
    pub deleted: Vec<Row>,
}

/// A formset of ModelForms, as Django's `modelformset_factory(Book, fields=[...])` (and with
/// [`inline`](ModelFormSet::inline), `inlineformset_factory(Author, Book, ...)`).
///
/// One form per row (each carries the row's key in a hidden field), then the extra forms for
/// new rows. [`is_valid`](ModelFormSet::is_valid) also checks unique columns;
/// [`save`](ModelFormSet::save) inserts the new rows, updates the changed ones and deletes those
/// marked `DELETE`, in one transaction.
///
/// ```no_run
/// # mod book { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// # #[sea_orm(table_name = "books_book")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub title: String, pub author_id: i32 }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// use roan::forms::{FormData, ModelForm, ModelFormSet};
///
/// # async fn v(request: roan::HttpRequest, data: FormData, author_id: i32) -> roan::Result<()> {
/// let db = request.db().await?;
/// // The author's books, two empty forms for new ones, each with a DELETE box.
/// let mut books = ModelFormSet::new(|| ModelForm::of::<book::Entity>().fields(["title"]))
///     .inline("author_id", author_id)
///     .extra(2)
///     .can_delete(true)
///     .bind(data)
///     .load_for(&request)
///     .await?;
/// if books.is_valid(&db).await? {
///     books.save(&db).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ModelFormSet {
    make: Arc<dyn Fn() -> ModelForm + Send + Sync>,
    formset: FormSet,
    rows: Option<Vec<Row>>,
    inline: Option<(String, Json)>,
    data: Option<FormData>,
    loaded: Option<Loaded>,
    /// What `load_for` adds to each form: the storage of uploads and the models' displays.
    site: Option<(crate::Site, sea_orm::DatabaseConnection)>,
}

#[derive(Clone)]
struct Loaded {
    base: ModelForm,
    model: ModelState,
    rows: Vec<Row>,
    formset: FormSet,
}

macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($t:ty);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $t) -> ModelFormSet {
                self.formset = self.formset.$name(value);
                self.loaded = None;
                self
            }
        )*
    };
}

impl ModelFormSet {
    /// A formset of the ModelForm `make` describes (its fields, widgets, labels), over every
    /// row of the model unless [`rows`](ModelFormSet::rows) or
    /// [`inline`](ModelFormSet::inline) says which.
    pub fn new(make: impl Fn() -> ModelForm + Send + Sync + 'static) -> ModelFormSet {
        ModelFormSet {
            make: Arc::new(make),
            formset: FormSet::new(crate::forms::Form::new),
            rows: None,
            inline: None,
            data: None,
            loaded: None,
            site: None,
        }
    }

    forward! {
        /// How many empty forms follow the rows' (1).
        extra(usize);
        /// A `DELETE` checkbox on each form: ticked rows are deleted by `save`.
        can_delete(bool);
        /// The fewest forms.
        min_num(usize);
        /// The most forms.
        max_num(usize);
        /// Fewer than `min_num` filled in is an error.
        validate_min(bool);
        /// More than `max_num` is an error.
        validate_max(bool);
        /// The prefix of every field name (`form`).
        prefix(&str);
    }

    /// The rows to edit (Django's `queryset=`), e.g. from `objects::list` or a sea-orm query
    /// turned into rows.
    pub fn rows(mut self, rows: Vec<Row>) -> ModelFormSet {
        self.rows = Some(rows);
        self.loaded = None;
        self
    }

    /// The rows whose foreign key `fk_column` is `parent` (Django's inline formset with
    /// `instance=parent`): the key is left out of the forms and set on every saved row.
    pub fn inline(mut self, fk_column: &str, parent: impl Into<Json>) -> ModelFormSet {
        self.inline = Some((fk_column.to_string(), parent.into()));
        self.loaded = None;
        self
    }

    /// The formset bound to a submission.
    pub fn bind(mut self, data: FormData) -> ModelFormSet {
        self.data = Some(data);
        self.loaded = None;
        self
    }

    /// Builds the forms: reads the foreign keys' choices once, and the rows when none were
    /// given. `related` are the models foreign keys may point at (the site's registry).
    pub async fn load(
        mut self,
        db: &impl ConnectionTrait,
        related: &[ModelState],
    ) -> Result<ModelFormSet, ObjectError> {
        let mut spec = (self.make)();
        if let Some((site, conn)) = &self.site {
            spec = spec.default_storage(site.settings()).with_site(site, conn);
        }
        if let Some(m) = related.iter().find(|m| m.table == spec.model().table) {
            spec = spec.with_model(m.clone());
        }
        if let Some((fk, _)) = &self.inline {
            spec = spec.exclude([fk.as_str()]);
        }
        let model = spec.model().clone();
        let base = spec.load(db, related).await?;
        let pk = model.fields.iter().find(|f| f.primary_key).cloned();
        let rows = match &self.rows {
            Some(rows) => rows.clone(),
            None => {
                let query = ListQuery {
                    filters: self
                        .inline
                        .iter()
                        .map(|(fk, parent)| {
                            (fk.clone(), objects::key_text(parent).unwrap_or_default())
                        })
                        .collect(),
                    per_page: u64::MAX / 2,
                    ..Default::default()
                };
                objects::list(db, &model, &query).await?.rows
            }
        };
        let pk_name = pk.as_ref().map(|f| f.name.clone()).unwrap_or_default();
        let initial = rows
            .iter()
            .map(|row| {
                let mut map = base.initial_map(row);
                if let Some(v) = row.get(&pk_name) {
                    map.insert(pk_name.clone(), v.clone());
                }
                map
            })
            .collect();
        let base_form = base.form().cloned().unwrap_or_default();
        let hidden = pk_name.clone();
        let mut formset = self.formset.clone().initial(initial);
        formset = FormSet::new_like(formset, move || {
            let form = base_form.clone();
            if hidden.is_empty() || form.get_field(&hidden).is_some() {
                return form;
            }
            form.field(
                &hidden,
                CharField::new().required(false).widget(Widget::HiddenInput),
            )
        });
        if let Some(data) = &self.data {
            formset = formset.bind(data.clone());
        }
        self.loaded = Some(Loaded {
            base,
            model,
            rows,
            formset,
        });
        Ok(self)
    }

    /// [`load`](ModelFormSet::load) with the request's database and the site's models.
    pub async fn load_for(
        self,
        request: &crate::HttpRequest,
    ) -> Result<ModelFormSet, crate::Error> {
        let db = request.db().await?;
        let related = request.site().models().to_vec();
        let mut this = self;
        this.site = Some((request.site().clone(), db.clone()));
        Ok(this.load(&db, &related).await?)
    }

    fn loaded(&self) -> Result<&Loaded, ObjectError> {
        self.loaded.as_ref().ok_or_else(|| {
            ObjectError::Db(sea_orm::DbErr::Custom(
                "the ModelFormSet was used before .load(): load it to read its rows".into(),
            ))
        })
    }

    /// The formset (after [`load`](ModelFormSet::load)).
    pub fn formset(&self) -> Option<&FormSet> {
        self.loaded.as_ref().map(|l| &l.formset)
    }

    /// The row form `i` edits: for the forms of existing rows, the row whose key the form
    /// submitted (or, unbound, the i-th row). `Err` when a submitted key is not one of them.
    fn instance(&self, loaded: &Loaded, i: usize) -> Result<Option<Row>, String> {
        if i >= loaded.formset.initial_form_count() {
            return Ok(None);
        }
        let Some(pk) = loaded.model.fields.iter().find(|f| f.primary_key) else {
            return Ok(loaded.rows.get(i).cloned());
        };
        let form = &loaded.formset.forms()[i];
        if !form.is_bound() {
            return Ok(loaded.rows.get(i).cloned());
        }
        let submitted = form.raw(&pk.name).last().map(|s| s.trim().to_string());
        let found = submitted.as_deref().and_then(|key| {
            loaded
                .rows
                .iter()
                .find(|row| row.get(&pk.name).and_then(objects::key_text).as_deref() == Some(key))
        });
        found.cloned().map(Some).ok_or_else(|| {
            "Select a valid choice. That choice is not one of the available choices.".to_string()
        })
    }

    /// Validates every form, then the unique columns of each filled-in form against the
    /// database.
    pub async fn is_valid(&mut self, db: &impl ConnectionTrait) -> Result<bool, ObjectError> {
        if self.loaded.is_none() {
            let loaded = self.clone().load(db, &[]).await?;
            *self = loaded;
        }
        let loaded = self.loaded()?.clone();
        if !loaded.formset.is_valid() {
            return Ok(false);
        }
        let mut found: Vec<(usize, Option<String>, String)> = Vec::new();
        for i in 0..loaded.formset.total_form_count() {
            if loaded.formset.should_delete(i) {
                continue;
            }
            let form = &loaded.formset.forms()[i];
            match self.instance(&loaded, i) {
                Err(message) => {
                    found.push((i, None, message));
                    continue;
                }
                Ok(None) if !form.has_changed() => continue,
                Ok(instance) => {
                    let model_form = loaded.base.with_form(form.clone(), instance);
                    for (field, message) in model_form.unique_errors(db).await? {
                        found.push((i, field, message));
                    }
                }
            }
        }
        if let Some(l) = &mut self.loaded {
            let forms = l.formset.forms_mut();
            for (i, field, message) in found {
                if let Some(form) = forms.get_mut(i) {
                    form.add_error(Some(field.as_deref().unwrap_or(NON_FIELD_ERRORS)), message);
                }
            }
        }
        Ok(self.loaded()?.formset.is_valid())
    }

    /// Saves a valid formset in one transaction: inserts the filled-in extra forms, updates
    /// the changed rows, deletes those marked `DELETE`.
    pub async fn save(&self, db: &DatabaseConnection) -> Result<SavedRows, ObjectError> {
        let loaded = self.loaded()?;
        if !loaded.formset.is_valid() {
            return Err(ObjectError::Invalid(objects::FieldErrors::default()));
        }
        let txn = db.begin().await?;
        let mut saved = SavedRows::default();
        for i in 0..loaded.formset.total_form_count() {
            let form = &loaded.formset.forms()[i];
            let instance = self
                .instance(loaded, i)
                .map_err(|_| ObjectError::Invalid(objects::FieldErrors::default()))?;
            if loaded.formset.should_delete(i) {
                if let Some(row) = instance {
                    let pk = loaded
                        .model
                        .fields
                        .iter()
                        .find(|f| f.primary_key)
                        .and_then(|f| row.get(&f.name))
                        .and_then(objects::key_text);
                    if let Some(pk) = pk {
                        objects::delete(&txn, &loaded.model, &pk).await?;
                        saved.deleted.push(row);
                    }
                }
                continue;
            }
            if !form.has_changed() {
                continue;
            }
            let existed = instance.is_some();
            let model_form = loaded.base.with_form(form.clone(), instance);
            let row = match &self.inline {
                Some((fk, parent)) => {
                    let mut row = model_form.unsaved()?;
                    row.insert(fk.clone(), parent.clone());
                    model_form.save_row(&txn, &row).await?
                }
                None => model_form.save(&txn).await?,
            };
            if existed {
                saved.updated.push(row);
            } else {
                saved.created.push(row);
            }
        }
        txn.commit().await?;
        Ok(saved)
    }
}

impl serde::Serialize for ModelFormSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.loaded {
            Some(l) => l.formset.serialize(serializer),
            None => Err(serde::ser::Error::custom(
                "the ModelFormSet was rendered before .load(): load it to read its rows",
            )),
        }
    }
}
