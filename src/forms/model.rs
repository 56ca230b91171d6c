//! `ModelForm`: a form made from a model's fields, which validates uniqueness and saves the
//! row (Django's `forms.ModelForm`).

use super::data::FormData;
use super::fields::{
    BooleanField, CharField, DateField, DateTimeField, DecimalField, FieldOptions, FloatField,
    FormField, IntegerField, JSONField, NullBooleanField, TimeField, UUIDField, ValidationError,
};
use super::form::{Errors, Form};
use super::render::pretty_name;
use super::widgets::Widget;
use crate::db::objects::{self, ObjectError, Row};
use crate::db::{DefaultValue, Field, FieldType, ModelState};
use sea_orm::sea_query::{Alias, Expr, Order, Query};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

type ChoiceLabel = Arc<dyn Fn(&Row) -> String + Send + Sync>;

/// A form made from a model, as Django's `ModelForm`: each editable column becomes the form
/// field Django would pick (a `varchar(200)` a `CharField(max_length=200)`, text a `Textarea`,
/// a foreign key a `<select>` of the rows it can point at, a nullable column not required, a
/// default the initial value; auto-increment keys are left out).
///
/// Build it (the Meta part: [`fields`](ModelForm::fields), [`exclude`](ModelForm::exclude),
/// [`widget`](ModelForm::widget), [`label`](ModelForm::label), ...), give it a row to edit with
/// [`instance`](ModelForm::instance) and the submission with [`bind`](ModelForm::bind), then
/// [`load`](ModelForm::load) it (it reads the foreign keys' choices). `is_valid(&db)` also
/// checks unique columns ("Question with this Slug already exists."); `save(&db)` inserts or
/// updates the row.
///
/// ```no_run
/// # mod question { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// # #[sea_orm(table_name = "polls_question")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub question_text: String, pub pub_date: DateTime }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// use roan::forms::{FormData, ModelForm};
/// use roan::{HttpRequest, redirect, render};
///
/// async fn new_question(request: HttpRequest, data: FormData) -> roan::Result<axum::response::Response> {
///     let db = request.db().await?;
///     let mut form = ModelForm::of::<question::Entity>()
///         .fields(["question_text", "pub_date"])
///         .bind(data)
///         .load_for(&request)
///         .await?;
///     if form.is_valid(&db).await? {
///         let row = form.save(&db).await?;
///         return redirect(&request, ("polls:detail", [row["id"].to_string()]));
///     }
///     render(&request, "polls/question_form.html", roan::context! { form })
/// }
/// ```
#[derive(Clone)]
pub struct ModelForm {
    model: Arc<ModelState>,
    only: Option<Vec<String>>,
    exclude: Vec<String>,
    widgets: Vec<(String, Widget)>,
    labels: Vec<(String, String)>,
    help_texts: Vec<(String, String)>,
    extra: Vec<(String, Arc<dyn FormField>)>,
    choice_labels: Vec<(String, ChoiceLabel)>,
    instance: Option<Row>,
    prefix: Option<String>,
    data: Option<FormData>,
    /// Many-to-many fields, each through a link table.
    many: Vec<ManyToMany>,
    /// The instance's links, read by `load`, as initial values.
    many_initial: Vec<(String, Json)>,
    /// Where file fields store their uploads.
    storage: Option<Arc<dyn crate::files::Storage>>,
    /// How rows of other models are shown in choices (their `Display`), and the connection
    /// that reads them.
    displays: Vec<crate::db::display::Display>,
    conn: Option<sea_orm::DatabaseConnection>,
    /// The form itself, once loaded.
    form: Option<Form>,
    /// Form field name → column, for the model's own fields.
    columns: Vec<(String, String)>,
    /// The site's time zone under `USE_TZ`: dates and times are read and shown in it.
    time_zone: Option<crate::timezone::Tz>,
}

/// The name a column has in a form: a foreign key's without `_id` (`question_id` is
/// `question`), as Django names the field.
fn form_name(field: &Field) -> String {
    match (&field.foreign_key, field.name.strip_suffix("_id")) {
        (Some(_), Some(base)) if !base.is_empty() => base.to_string(),
        _ => field.name.clone(),
    }
}

/// A model's name as messages show it: `question` is "Question".
fn verbose(name: &str) -> String {
    pretty_name(name)
}

impl ModelForm {
    /// A form for a model as the registry describes it (the admin builds its forms so).
    pub fn for_model(model: ModelState) -> ModelForm {
        ModelForm {
            model: Arc::new(model),
            only: None,
            exclude: Vec::new(),
            widgets: Vec::new(),
            labels: Vec::new(),
            help_texts: Vec::new(),
            extra: Vec::new(),
            choice_labels: Vec::new(),
            instance: None,
            prefix: None,
            data: None,
            many: Vec::new(),
            many_initial: Vec::new(),
            storage: None,
            displays: Vec::new(),
            conn: None,
            form: None,
            columns: Vec::new(),
            time_zone: None,
        }
    }

    /// A form for a sea-orm entity. Its app and model name come from its table
    /// (`polls_question` is `polls.question`); [`ModelForm::for_model`] takes the registry's.
    pub fn of<E: EntityTrait + Default>() -> ModelForm {
        let table = E::default().table_name().to_string();
        let app = table.split_once('_').map(|(a, _)| a).unwrap_or("");
        ModelForm::for_model(crate::db::model_of::<E>(app))
    }

    /// The same form for the registry's description of its model (its app and name).
    pub(crate) fn with_model(mut self, model: ModelState) -> ModelForm {
        if model.table == self.model.table {
            self.model = Arc::new(model);
        }
        self
    }

    /// The model.
    pub fn model(&self) -> &ModelState {
        &self.model
    }

    /// Only these fields, in this order (Django's `Meta.fields`); column names are accepted
    /// for foreign keys too (`question_id` or `question`).
    pub fn fields<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> ModelForm {
        self.only = Some(names.into_iter().map(str::to_string).collect());
        self
    }

    /// Every field but these (Django's `Meta.exclude`).
    pub fn exclude<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> ModelForm {
        self.exclude.extend(names.into_iter().map(str::to_string));
        self
    }

    /// The widget of a field (Django's `Meta.widgets`).
    pub fn widget(mut self, name: &str, widget: Widget) -> ModelForm {
        self.widgets.push((name.to_string(), widget));
        self
    }

    /// The label of a field (Django's `Meta.labels`).
    pub fn label(mut self, name: &str, label: &str) -> ModelForm {
        self.labels.push((name.to_string(), label.to_string()));
        self
    }

    /// The help text of a field (Django's `Meta.help_texts`).
    pub fn help_text(mut self, name: &str, text: &str) -> ModelForm {
        self.help_texts.push((name.to_string(), text.to_string()));
        self
    }

    /// A field of your own: replaces the model's field of that name, or adds one that is not
    /// saved (read it from `cleaned_data`).
    pub fn field(mut self, name: &str, field: impl FormField + 'static) -> ModelForm {
        self.extra.push((name.to_string(), Arc::new(field)));
        self
    }

    /// How a foreign key's choices are labelled, from the row pointed at (Django's `__str__` of
    /// the related model). Without it a choice reads "Question object (1)", as Django's default.
    pub fn choice_label(
        mut self,
        name: &str,
        label: impl Fn(&Row) -> String + Send + Sync + 'static,
    ) -> ModelForm {
        self.choice_labels.push((name.to_string(), Arc::new(label)));
        self
    }

    /// A many-to-many field `name` through the link table `through`, whose `source` column
    /// points at this model and `target` column at the other (auth's `user_groups`: `user_id`
    /// and `group_id`): a multiple select of the other model's rows; `save` writes the links.
    ///
    /// The link table must be a registered model (its foreign key says what `target` points
    /// at); [`load_for`](ModelForm::load_for) finds it in the site's models.
    pub fn many_to_many(
        mut self,
        name: &str,
        through: &str,
        source: &str,
        target: &str,
    ) -> ModelForm {
        self.many.push(ManyToMany {
            name: name.to_string(),
            through: through.to_string(),
            source: source.to_string(),
            target: target.to_string(),
        });
        self
    }

    /// The row the form edits (Django's `instance=`): its values are the initial ones, and
    /// `save` updates it.
    pub fn instance(mut self, row: Row) -> ModelForm {
        self.instance = Some(row);
        self
    }

    /// The row being edited, if any.
    pub fn get_instance(&self) -> Option<&Row> {
        self.instance.as_ref()
    }

    /// Field names are submitted as `<prefix>-<name>`.
    pub fn prefix(mut self, prefix: &str) -> ModelForm {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// Where uploads of file fields are stored; [`load_for`](ModelForm::load_for) and the
    /// generic views use `MEDIA_ROOT` (a `FileSystemStorage`) unless this says otherwise.
    pub fn storage(mut self, storage: impl crate::files::Storage + 'static) -> ModelForm {
        self.storage = Some(Arc::new(storage));
        self
    }

    /// Shows the choices of foreign keys and many-to-many fields through the site's
    /// `model_display` registrations (a `choice_label` still wins), and adds the model's
    /// many-to-many fields declared on its app (`App::many_to_many`) that the form does not
    /// declare itself.
    pub(crate) fn with_site(
        mut self,
        site: &crate::Site,
        db: &sea_orm::DatabaseConnection,
    ) -> ModelForm {
        self.displays = site.displays().to_vec();
        self.conn = Some(db.clone());
        self.time_zone = site.settings().current_time_zone();
        for m in site.many_to_many() {
            if m.model == self.model.table && !self.many.iter().any(|d| d.name == m.name) {
                self.many.push(ManyToMany {
                    name: m.name.clone(),
                    through: m.through.clone(),
                    source: m.source.name.clone(),
                    target: m.target.name.clone(),
                });
            }
        }
        self
    }

    /// Replaces choice labels with the `Display` of their rows, when the model has one.
    async fn display_choices(&self, table: &str, choices: &mut [(String, String)]) {
        let (Some(conn), Some(display)) =
            (&self.conn, self.displays.iter().find(|d| d.table == table))
        else {
            return;
        };
        let keys: Vec<Json> = choices
            .iter()
            .map(|(v, _)| {
                v.parse::<i64>()
                    .map(Json::from)
                    .unwrap_or_else(|_| Json::String(v.clone()))
            })
            .collect();
        if let Ok(shown) = (display.show)(conn, keys).await {
            for (key, text) in shown {
                let key = objects::value_text(&key);
                if let Some(c) = choices.iter_mut().find(|(v, _)| *v == key) {
                    c.1 = text;
                }
            }
        }
    }

    /// Sets the storage when none was given.
    pub(crate) fn default_storage(mut self, settings: &crate::conf::Settings) -> ModelForm {
        if self.storage.is_none() {
            self.storage = Some(Arc::new(crate::files::FileSystemStorage::from_settings(
                settings,
            )));
        }
        self
    }

    /// The form bound to submitted data.
    pub fn bind(mut self, data: FormData) -> ModelForm {
        if let Some(form) = self.form.take() {
            self.form = Some(form.bind(data.clone()));
        }
        self.data = Some(data);
        self
    }

    fn wanted(&self, field: &Field) -> bool {
        let names = [form_name(field), field.name.clone()];
        if self.exclude.iter().any(|e| names.contains(e)) {
            return false;
        }
        match &self.only {
            Some(only) => only.iter().any(|o| names.contains(o)),
            None => !field.auto_increment && field.field_type != FieldType::Binary,
        }
    }

    fn check_names(&self) -> Result<(), ObjectError> {
        let known = |n: &str| {
            self.model
                .fields
                .iter()
                .any(|f| f.name == n || form_name(f) == n)
                || self.extra.iter().any(|(e, _)| e == n)
                || self.many.iter().any(|m| m.name == n)
        };
        let names = self.only.iter().flatten().chain(&self.exclude);
        let unknown: Vec<&str> = names.map(String::as_str).filter(|n| !known(n)).collect();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(ObjectError::UnknownField {
            model: self.model.label(),
            field: unknown.join(", "),
        })
    }

    /// Builds the form: the fields, the initial values of the instance, and the choices of each
    /// foreign key, read from `db`. `related` are the models foreign keys may point at (the
    /// site's registry), for choice labels.
    pub async fn load(
        mut self,
        db: &impl ConnectionTrait,
        related: &[ModelState],
    ) -> Result<ModelForm, ObjectError> {
        self.check_names()?;
        let mut fields: Vec<(String, Arc<dyn FormField>, Option<String>)> = Vec::new();
        for f in self.model.fields.iter().filter(|f| self.wanted(f)) {
            let name = form_name(f);
            let field = match &f.foreign_key {
                Some(fk) => {
                    let target = related.iter().find(|m| m.table == fk.to_table);
                    let label = self
                        .choice_labels
                        .iter()
                        .find(|(n, _)| *n == name || *n == f.name)
                        .map(|(_, l)| l.clone());
                    let displayed = label.is_none();
                    let mut choices = fk_choices(db, fk, target, label).await?;
                    if displayed {
                        self.display_choices(&fk.to_table, &mut choices).await;
                    }
                    Arc::new(ModelChoiceField {
                        options: FieldOptions {
                            required: !f.null,
                            ..FieldOptions::default()
                        },
                        choices,
                        integer: is_integer(f),
                    }) as Arc<dyn FormField>
                }
                None => form_field(f),
            };
            fields.push((name, field, Some(f.name.clone())));
        }
        let instance_pk = self.instance_pk();
        for m in &self.many {
            let wanted = !self.exclude.contains(&m.name)
                && self.only.as_ref().is_none_or(|o| o.contains(&m.name));
            if !wanted {
                continue;
            }
            let (field, initial) = m.load(db, related, &self, instance_pk.as_deref()).await?;
            fields.push((m.name.clone(), field, None));
            if let Some(initial) = initial {
                self.many_initial.push((m.name.clone(), initial));
            }
        }
        if let Some(only) = &self.only {
            let position = |name: &str, column: &Option<String>| {
                only.iter()
                    .position(|o| o == name || column.as_deref() == Some(o.as_str()))
                    .unwrap_or(usize::MAX)
            };
            fields.sort_by_key(|(n, _, c)| position(n, c));
        }
        for (name, extra) in &self.extra {
            match fields.iter_mut().find(|(n, _, _)| n == name) {
                Some(slot) => slot.1 = extra.clone(),
                None => fields.push((name.clone(), extra.clone(), None)),
            }
        }
        let mut form = Form::new();
        if let Some(p) = &self.prefix {
            form = form.prefix(p);
        }
        self.columns.clear();
        for (name, field, column) in fields {
            let mut options = field.options().clone();
            let mut changed = false;
            if let Some((_, w)) = self.widgets.iter().find(|(n, _)| *n == name) {
                options.widget = Some(w.clone());
                changed = true;
            }
            if let Some((_, l)) = self.labels.iter().find(|(n, _)| *n == name) {
                options.label = Some(l.clone());
                changed = true;
            }
            if let Some((_, h)) = self.help_texts.iter().find(|(n, _)| *n == name) {
                options.help_text = h.clone();
                changed = true;
            }
            let field: Arc<dyn FormField> = if changed {
                Arc::new(Restyled {
                    inner: field,
                    options,
                })
            } else {
                field
            };
            form = form.field_arc(&name, field);
            if let Some(column) = column {
                self.columns.push((name, column));
            }
        }
        if let Some(storage) = &self.storage {
            form = form.shared_storage(storage.clone());
        }
        if let Some(row) = &self.instance {
            form = form.initial(self.initial_map(row));
        }
        if let Some(tz) = self.time_zone {
            form = form.time_zone(tz);
        }
        let many_initial: Map<String, Json> = self.many_initial.drain(..).collect();
        if !many_initial.is_empty() {
            form = form.initial(many_initial);
        }
        if let Some(data) = &self.data {
            form = form.bind(data.clone());
        }
        self.form = Some(form);
        Ok(self)
    }

    /// [`load`](ModelForm::load) with the request's database and the site's models.
    pub async fn load_for(self, request: &crate::HttpRequest) -> Result<ModelForm, crate::Error> {
        let db = request.db().await?;
        let related = request.site().models().to_vec();
        self.default_storage(request.settings())
            .with_site(request.site(), &db)
            .load(&db, &related)
            .await
            .map_err(object_error)
    }

    /// The form (after [`load`](ModelForm::load)).
    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    /// The form's errors (none before validation).
    pub fn errors(&self) -> Errors {
        self.form
            .as_ref()
            .map(|f| f.errors().clone())
            .unwrap_or_default()
    }

    /// The cleaned values.
    pub fn cleaned_data(&self) -> Map<String, Json> {
        self.form
            .as_ref()
            .map(|f| f.cleaned_data().clone())
            .unwrap_or_default()
    }

    /// Adds an error (Django's `form.add_error`).
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        if let Some(form) = &mut self.form {
            form.add_error(field, message);
        }
    }

    fn loaded(&self) -> Result<&Form, ObjectError> {
        self.form.as_ref().ok_or_else(|| {
            ObjectError::Db(sea_orm::DbErr::Custom(format!(
                "the ModelForm of {} was used before .load(): load it to read its choices",
                self.model.label()
            )))
        })
    }

    /// The typed values to store: (column, value) for each model field of the form.
    fn values(&self) -> Result<Vec<(String, Option<sea_orm::sea_query::Value>)>, ObjectError> {
        let form = self.loaded()?;
        let cleaned = form.cleaned_data();
        let mut values = Vec::new();
        let mut errors = objects::FieldErrors::default();
        for (name, column) in &self.columns {
            let Some(field) = self.model.field(column) else {
                continue;
            };
            let Some(value) = cleaned.get(name) else {
                continue;
            };
            if form
                .get_field(name)
                .is_some_and(|f| f.options().disabled || f.is_file())
            {
                continue;
            }
            match objects::value_of(field, value) {
                Ok(v) => values.push((column.clone(), v)),
                Err(e) => errors.0.entry(name.clone()).or_default().push(e),
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(ObjectError::Invalid(errors))
        }
    }

    fn instance_pk(&self) -> Option<String> {
        let pk = self.model.fields.iter().find(|f| f.primary_key)?;
        objects::key_text(self.instance.as_ref()?.get(&pk.name)?)
    }

    /// Validates the submission (loading the form first if needed), then the model's unique
    /// columns and unique groups against the database, as Django's `is_valid` does.
    pub async fn is_valid(&mut self, db: &impl ConnectionTrait) -> Result<bool, ObjectError> {
        if self.form.is_none() {
            let loaded = self.clone().load(db, &[]).await?;
            *self = loaded;
        }
        let valid = self.loaded()?.is_valid();
        if !valid {
            return Ok(false);
        }
        self.validate_unique(db).await?;
        Ok(self.loaded()?.is_valid())
    }

    async fn validate_unique(&mut self, db: &impl ConnectionTrait) -> Result<(), ObjectError> {
        for (field, message) in self.unique_errors(db).await? {
            self.add_error(field.as_deref(), message);
        }
        Ok(())
    }

    /// The errors Django's `validate_unique` finds: (field, message), `None` for a unique
    /// group; also the values that cannot be stored.
    pub(crate) async fn unique_errors(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<(Option<String>, String)>, ObjectError> {
        let values: Vec<(String, sea_orm::sea_query::Value)> = match self.values() {
            Ok(v) => v
                .into_iter()
                .filter_map(|(c, v)| v.map(|v| (c, v)))
                .collect(),
            Err(ObjectError::Invalid(errors)) => {
                return Ok(errors
                    .0
                    .into_iter()
                    .flat_map(|(f, ms)| ms.into_iter().map(move |m| (Some(f.clone()), m)))
                    .collect());
            }
            Err(e) => return Err(e),
        };
        let except = self.instance_pk();
        let model_name = verbose(&self.model.name);
        let name_of = |column: &str| {
            self.columns
                .iter()
                .find(|(_, c)| c == column)
                .map(|(n, _)| n.clone())
        };
        let label_of = |column: &str| {
            let name = name_of(column).unwrap_or_else(|| column.to_string());
            self.form
                .as_ref()
                .and_then(|f| f.get_field(&name))
                .and_then(|f| f.options().label.clone())
                .unwrap_or_else(|| pretty_name(&name))
        };
        let mut found: Vec<(Option<String>, String)> = Vec::new();
        for field in self
            .model
            .fields
            .iter()
            .filter(|f| f.unique || f.primary_key)
        {
            let Some(value) = values.iter().find(|(c, _)| *c == field.name) else {
                continue;
            };
            if field.primary_key && (field.auto_increment || except.is_some()) {
                continue;
            }
            if objects::exists(
                db,
                &self.model,
                std::slice::from_ref(value),
                except.as_deref(),
            )
            .await?
            {
                found.push((
                    name_of(&field.name),
                    format!(
                        "{model_name} with this {} already exists.",
                        label_of(&field.name)
                    ),
                ));
            }
        }
        for index in self.model.indexes.iter().filter(|i| i.unique) {
            let group: Option<Vec<(String, sea_orm::sea_query::Value)>> = index
                .columns
                .iter()
                .map(|c| values.iter().find(|(v, _)| v == c).cloned())
                .collect();
            let Some(group) = group else { continue };
            if objects::exists(db, &self.model, &group, except.as_deref()).await? {
                let labels: Vec<String> = index.columns.iter().map(|c| label_of(c)).collect();
                found.push((
                    None,
                    format!(
                        "{model_name} with this {} already exists.",
                        join_and(&labels)
                    ),
                ));
            }
        }
        Ok(found)
    }

    /// The form's values for a row: form field name → the row's value of its column.
    pub(crate) fn initial_map(&self, row: &Row) -> Map<String, Json> {
        self.columns
            .iter()
            .filter_map(|(name, column)| row.get(column).map(|v| (name.clone(), v.clone())))
            .collect()
    }

    /// This (loaded) form's description with another form and instance: one form of a model
    /// formset.
    pub(crate) fn with_form(&self, form: Form, instance: Option<Row>) -> ModelForm {
        let mut copy = self.clone();
        copy.form = Some(form);
        copy.instance = instance;
        copy
    }

    /// The row the form would save, not saved (Django's `save(commit=False)`): change it, then
    /// [`save_row`](ModelForm::save_row) it.
    pub fn unsaved(&self) -> Result<Row, ObjectError> {
        let mut row = self.instance.clone().unwrap_or_default();
        let cleaned = self.cleaned_data();
        let form = self.loaded()?;
        for (name, column) in &self.columns {
            if form.get_field(name).is_some_and(|f| f.is_file()) {
                continue;
            }
            if let Some(v) = cleaned.get(name) {
                row.insert(column.clone(), v.clone());
            }
        }
        Ok(row)
    }

    /// Inserts the row (or updates the instance) with the form's values; returns it as stored.
    pub async fn save(&self, db: &impl ConnectionTrait) -> Result<Row, ObjectError> {
        let mut values = self.values()?;
        values.extend(self.store_files().await?);
        let row = self.write(db, values).await?;
        self.save_m2m(db, &row).await?;
        Ok(row)
    }

    /// Writes the many-to-many links of the saved `row` (Django's `save_m2m`): links to rows
    /// no longer chosen are deleted, new ones inserted. [`save`](ModelForm::save) does it;
    /// after [`save_row`](ModelForm::save_row) it is done too.
    pub async fn save_m2m(&self, db: &impl ConnectionTrait, row: &Row) -> Result<(), ObjectError> {
        let Some(pk) = self
            .model
            .fields
            .iter()
            .find(|f| f.primary_key)
            .and_then(|f| row.get(&f.name))
            .cloned()
        else {
            return Ok(());
        };
        let cleaned = self.cleaned_data();
        for m in &self.many {
            let Some(Json::Array(chosen)) = cleaned.get(&m.name) else {
                continue;
            };
            m.write(db, &pk, chosen).await?;
        }
        Ok(())
    }

    /// Stores the files submitted to file fields (a field without a new file keeps the row's);
    /// gives (column, stored name) for each.
    async fn store_files(
        &self,
    ) -> Result<Vec<(String, Option<sea_orm::sea_query::Value>)>, ObjectError> {
        let form = self.loaded()?;
        let mut stored = Vec::new();
        for (name, column) in &self.columns {
            let Some(field) = form.get_field(name).filter(|f| f.is_file()) else {
                continue;
            };
            let Some(file) = form.file(name) else {
                // "Clear" was checked: the column is emptied ("", as Django stores it; NULL
                // when the column allows it).
                if form.cleaned_data().get(name) == Some(&Json::Bool(false)) {
                    let empty = match self.model.field(column) {
                        Some(f) if f.null => None,
                        _ => Some(sea_orm::sea_query::Value::String(Some(String::new()))),
                    };
                    stored.push((column.clone(), empty));
                }
                continue;
            };
            let storage = self.storage.as_ref().ok_or_else(|| {
                crate::files::StorageError::Suspicious(format!(
                    "the ModelForm of {} has no storage for '{name}': load it with load_for, \
                     or give it .storage(...)",
                    self.model.label()
                ))
            })?;
            let wanted =
                crate::files::FileSystemStorage::generate_filename(field.upload_to(), &file.name)
                    .map_err(|e| {
                    let mut errors = objects::FieldErrors::default();
                    errors.0.insert(name.clone(), vec![e.to_string()]);
                    ObjectError::Invalid(errors)
                })?;
            let saved = storage.save(&wanted, file).await?;
            stored.push((
                column.clone(),
                Some(sea_orm::sea_query::Value::String(Some(saved))),
            ));
        }
        Ok(stored)
    }

    /// Saves a row made by [`unsaved`](ModelForm::unsaved) and changed (every model column in
    /// it is written).
    pub async fn save_row(&self, db: &impl ConnectionTrait, row: &Row) -> Result<Row, ObjectError> {
        let mut values = Vec::new();
        let mut errors = objects::FieldErrors::default();
        for field in &self.model.fields {
            let Some(v) = row.get(&field.name) else {
                continue;
            };
            if field.auto_increment && (v.is_null() || self.instance.is_some()) {
                continue;
            }
            match objects::value_of(field, v) {
                Ok(v) => values.push((field.name.clone(), v)),
                Err(e) => errors.0.entry(field.name.clone()).or_default().push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ObjectError::Invalid(errors));
        }
        for (column, value) in self.store_files().await? {
            values.retain(|(c, _)| *c != column);
            values.push((column, value));
        }
        let saved = self.write(db, values).await?;
        self.save_m2m(db, &saved).await?;
        Ok(saved)
    }

    async fn write(
        &self,
        db: &impl ConnectionTrait,
        values: Vec<(String, Option<sea_orm::sea_query::Value>)>,
    ) -> Result<Row, ObjectError> {
        if !self.loaded()?.is_valid() {
            return Err(ObjectError::Invalid(objects::FieldErrors(
                self.errors()
                    .iter()
                    .map(|(f, m)| (f.to_string(), m.to_vec()))
                    .collect(),
            )));
        }
        match self.instance_pk() {
            Some(pk) => objects::update_values(db, &self.model, &pk, values)
                .await?
                .ok_or_else(|| {
                    ObjectError::Db(sea_orm::DbErr::RecordNotFound(format!(
                        "{} with primary key {pk}",
                        self.model.label()
                    )))
                }),
            None => {
                let given = self
                    .model
                    .fields
                    .iter()
                    .find(|f| f.primary_key)
                    .and_then(|f| values.iter().find(|(c, _)| *c == f.name))
                    .and_then(|(_, v)| v.as_ref())
                    .map(value_text);
                objects::insert(db, &self.model, values, given).await
            }
        }
    }
}

fn value_text(v: &sea_orm::sea_query::Value) -> String {
    use sea_orm::sea_query::Value as V;
    match v {
        V::String(Some(s)) => s.clone(),
        V::BigInt(Some(n)) => n.to_string(),
        V::Int(Some(n)) => n.to_string(),
        V::Uuid(Some(u)) => u.to_string(),
        other => format!("{other:?}"),
    }
}

fn join_and(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) fn object_error(e: ObjectError) -> crate::Error {
    e.into()
}

impl serde::Serialize for ModelForm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.form {
            Some(form) => form.serialize(serializer),
            None => Err(serde::ser::Error::custom(format!(
                "the ModelForm of {} was rendered before .load(): load it to read its choices",
                self.model.label()
            ))),
        }
    }
}

fn is_integer(f: &Field) -> bool {
    matches!(
        f.field_type,
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger
    )
}

fn initial_of(default: &Option<DefaultValue>) -> Option<Json> {
    match default.as_ref()? {
        DefaultValue::Bool(b) => Some(Json::Bool(*b)),
        DefaultValue::Int(i) => Some(Json::from(*i)),
        DefaultValue::Float(f) => Some(Json::from(*f)),
        DefaultValue::Str(s) => Some(Json::String(s.clone())),
        DefaultValue::Sql(_) => None,
    }
}

/// The form field Django makes for a (non-foreign-key) column.
fn form_field(f: &Field) -> Arc<dyn FormField> {
    let required = !f.null && !(f.field_type == FieldType::Boolean);
    let initial = initial_of(&f.default);
    macro_rules! done {
        ($field:expr) => {{
            let mut field = $field.required(required);
            if let Some(i) = &initial {
                field = field.initial(i);
            }
            Arc::new(field) as Arc<dyn FormField>
        }};
    }
    let (min, max): (i64, i64) = match f.field_type {
        FieldType::SmallInteger => (i16::MIN.into(), i16::MAX.into()),
        FieldType::Integer => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    };
    match f.field_type {
        FieldType::String => {
            let mut c = CharField::new();
            if let Some(n) = f.max_length {
                c = c.max_length(n as usize);
            }
            if f.null {
                c = c.empty_value_none();
            }
            done!(c)
        }
        FieldType::Text => {
            let mut c = CharField::new().widget(Widget::Textarea);
            if f.null {
                c = c.empty_value_none();
            }
            done!(c)
        }
        FieldType::SmallInteger | FieldType::Integer | FieldType::BigInteger => {
            done!(IntegerField::new().min_value(min).max_value(max))
        }
        FieldType::Float | FieldType::Double => done!(FloatField::new()),
        FieldType::Decimal => {
            let mut d = DecimalField::new();
            if let Some((p, s)) = f.decimal {
                d = d.max_digits(p as usize).decimal_places(s as usize);
            }
            done!(d)
        }
        FieldType::Boolean if f.null => done!(NullBooleanField::new()),
        FieldType::Boolean => done!(BooleanField::new()),
        FieldType::Date => done!(DateField::new()),
        FieldType::Time => done!(TimeField::new()),
        // A naive column keeps the time as typed; an aware one (`DateTimeUtc`) is read and shown
        // in `TIME_ZONE` under `USE_TZ`.
        FieldType::DateTime => done!(DateTimeField::new().naive()),
        FieldType::DateTimeTz => done!(DateTimeField::new()),
        FieldType::Uuid => done!(UUIDField::new()),
        FieldType::Json => done!(JSONField::new()),
        FieldType::Binary => done!(CharField::new().disabled(true)),
    }
}

/// The rows a foreign key can point at, as (value, label) choices, ordered by key.
async fn fk_choices(
    db: &impl ConnectionTrait,
    fk: &crate::db::ForeignKey,
    target: Option<&ModelState>,
    label: Option<ChoiceLabel>,
) -> Result<Vec<(String, String)>, ObjectError> {
    let name = target.map(|m| m.name.clone()).unwrap_or_else(|| {
        fk.to_table
            .split_once('_')
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| fk.to_table.clone())
    });
    let key = objects::value_text;
    let rows: Vec<Row> = match target {
        Some(model) => {
            let query = objects::ListQuery {
                order: vec![fk.to_column.clone()],
                per_page: u64::MAX / 2,
                ..Default::default()
            };
            objects::list(db, model, &query).await?.rows
        }
        None => {
            let mut q = Query::select();
            q.from(Alias::new(&fk.to_table))
                .expr_as(Expr::col(Alias::new(&fk.to_column)), Alias::new("pk"))
                .order_by(Alias::new(&fk.to_column), Order::Asc);
            db.query_all(&q)
                .await?
                .iter()
                .filter_map(|r| {
                    let v = r
                        .try_get::<i64>("", "pk")
                        .map(Json::from)
                        .or_else(|_| r.try_get::<String>("", "pk").map(Json::String))
                        .ok()?;
                    let mut row = Row::new();
                    row.insert(fk.to_column.clone(), v);
                    Some(row)
                })
                .collect()
        }
    };
    Ok(rows
        .iter()
        .filter_map(|row| {
            let value = key(row.get(&fk.to_column)?);
            let text = match &label {
                Some(l) => l(row),
                None => format!("{} object ({value})", verbose(&name)),
            };
            Some((value, text))
        })
        .collect())
}

/// A many-to-many field through a link table.
#[derive(Clone, Debug)]
struct ManyToMany {
    name: String,
    through: String,
    source: String,
    target: String,
}

impl ManyToMany {
    fn link<'a>(&self, related: &'a [ModelState]) -> Result<&'a ModelState, ObjectError> {
        related
            .iter()
            .find(|m| m.table == self.through)
            .ok_or_else(|| ObjectError::UnknownField {
                model: self.through.clone(),
                field: format!(
                    "{} (the link table of '{}' is not a registered model; register it on its \
                     app with .model::<...>())",
                    self.target, self.name
                ),
            })
    }

    /// The field (a multiple select of the rows the link's `target` points at) and, for an
    /// instance, the keys it is linked to now.
    async fn load(
        &self,
        db: &impl ConnectionTrait,
        related: &[ModelState],
        form: &ModelForm,
        instance_pk: Option<&str>,
    ) -> Result<(Arc<dyn FormField>, Option<Json>), ObjectError> {
        let link = self.link(related)?;
        let target = link
            .field(&self.target)
            .ok_or_else(|| ObjectError::UnknownField {
                model: link.label(),
                field: self.target.clone(),
            })?;
        let fk = target
            .foreign_key
            .clone()
            .ok_or_else(|| ObjectError::UnknownField {
                model: link.label(),
                field: format!("{} (not a foreign key)", self.target),
            })?;
        let target_model = related.iter().find(|m| m.table == fk.to_table);
        let label = form
            .choice_labels
            .iter()
            .find(|(n, _)| *n == self.name)
            .map(|(_, l)| l.clone());
        let displayed = label.is_none();
        let mut choices = fk_choices(db, &fk, target_model, label).await?;
        if displayed {
            form.display_choices(&fk.to_table, &mut choices).await;
        }
        let field = ModelMultipleChoiceField {
            options: FieldOptions {
                required: false,
                ..FieldOptions::default()
            },
            choices,
            integer: is_integer(target),
        };
        let initial = match instance_pk {
            Some(pk) => {
                let source = link
                    .field(&self.source)
                    .ok_or_else(|| ObjectError::UnknownField {
                        model: link.label(),
                        field: self.source.clone(),
                    })?;
                let value = objects::convert(source, pk).ok().flatten().ok_or_else(|| {
                    ObjectError::UnknownField {
                        model: link.label(),
                        field: self.source.clone(),
                    }
                })?;
                let mut q = Query::select();
                q.from(Alias::new(&link.table))
                    .expr_as(Expr::col(Alias::new(&self.target)), Alias::new("t"))
                    .and_where(sea_orm::sea_query::ExprTrait::eq(
                        Expr::col(Alias::new(&self.source)),
                        value,
                    ))
                    .order_by(Alias::new(&self.target), Order::Asc);
                let keys: Vec<Json> = db
                    .query_all(&q)
                    .await?
                    .iter()
                    .filter_map(|r| {
                        r.try_get::<i64>("", "t")
                            .map(Json::from)
                            .or_else(|_| r.try_get::<String>("", "t").map(Json::String))
                            .ok()
                    })
                    .collect();
                Some(Json::Array(keys))
            }
            None => None,
        };
        Ok((Arc::new(field), initial))
    }

    /// Makes the links of `pk` exactly `chosen`.
    async fn write(
        &self,
        db: &impl ConnectionTrait,
        pk: &Json,
        chosen: &[Json],
    ) -> Result<(), ObjectError> {
        use sea_orm::sea_query::ExprTrait;
        let as_value = |v: &Json| -> sea_orm::sea_query::Value {
            match v {
                Json::Number(n) if n.is_i64() => n.as_i64().unwrap_or_default().into(),
                Json::String(s) => s.clone().into(),
                other => other.to_string().into(),
            }
        };
        let source = Expr::col(Alias::new(&self.source));
        let target = Expr::col(Alias::new(&self.target));
        let mut delete = Query::delete();
        delete
            .from_table(Alias::new(&self.through))
            .and_where(source.clone().eq(as_value(pk)));
        if !chosen.is_empty() {
            delete.and_where(target.clone().is_not_in(chosen.iter().map(as_value)));
        }
        db.execute(&delete).await?;
        for key in chosen {
            let mut exists = Query::select();
            exists
                .from(Alias::new(&self.through))
                .expr(Expr::cust("1"))
                .and_where(source.clone().eq(as_value(pk)))
                .and_where(target.clone().eq(as_value(key)));
            if db.query_one(&exists).await?.is_some() {
                continue;
            }
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new(&self.through))
                .columns([Alias::new(&self.source), Alias::new(&self.target)])
                .values([as_value(pk).into(), as_value(key).into()])
                .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
            db.execute(&insert).await?;
        }
        Ok(())
    }
}

/// Django's `ModelMultipleChoiceField`: any number of the rows of a model (a many-to-many
/// field), as a `<select multiple>`.
#[derive(Clone)]
pub struct ModelMultipleChoiceField {
    options: FieldOptions,
    choices: Vec<(String, String)>,
    integer: bool,
}

impl ModelMultipleChoiceField {
    /// A choice of any of the (primary key, label) pairs; `integer` keys clean to numbers.
    pub fn new(choices: Vec<(String, String)>, integer: bool) -> ModelMultipleChoiceField {
        ModelMultipleChoiceField {
            options: FieldOptions::default(),
            choices,
            integer,
        }
    }
}

impl FormField for ModelMultipleChoiceField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::SelectMultiple
    }
    fn choices(&self) -> Vec<(String, String)> {
        self.choices.clone()
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let mut values = Vec::new();
        for s in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if !self.choices.iter().any(|(v, _)| v == s) {
                return Err(ValidationError::new(
                    format!("Select a valid choice. {s} is not one of the available choices."),
                    "invalid_choice",
                ));
            }
            values.push(match (self.integer, s.parse::<i64>()) {
                (true, Ok(n)) => Json::from(n),
                _ => Json::String(s.to_string()),
            });
        }
        Ok(Json::Array(values))
    }
}

/// Django's `ModelChoiceField`: one of the rows a foreign key can point at, shown as a
/// `<select>` whose first option is `---------`.
#[derive(Clone)]
pub struct ModelChoiceField {
    options: FieldOptions,
    choices: Vec<(String, String)>,
    integer: bool,
}

impl ModelChoiceField {
    /// A required choice among (primary key, label) pairs; `integer` keys clean to numbers.
    pub fn new(choices: Vec<(String, String)>, integer: bool) -> ModelChoiceField {
        ModelChoiceField {
            options: FieldOptions::default(),
            choices,
            integer,
        }
    }
}

impl FormField for ModelChoiceField {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        Widget::Select
    }
    fn choices(&self) -> Vec<(String, String)> {
        let mut all = vec![(String::new(), "---------".to_string())];
        all.extend(self.choices.iter().cloned());
        all
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        let s = raw.last().copied().unwrap_or("").trim();
        if s.is_empty() {
            return Ok(Json::Null);
        }
        if !self.choices.iter().any(|(v, _)| v == s) {
            return Err(ValidationError::new(
                "Select a valid choice. That choice is not one of the available choices.",
                "invalid_choice",
            ));
        }
        if self.integer {
            return s.parse::<i64>().map(Json::from).map_err(|_| {
                ValidationError::new(
                    "Select a valid choice. That choice is not one of the available choices.",
                    "invalid_choice",
                )
            });
        }
        Ok(Json::String(s.to_string()))
    }
}

/// A field with other label, help text or widget than its own (Meta's `labels`, `widgets`).
struct Restyled {
    inner: Arc<dyn FormField>,
    options: FieldOptions,
}

impl FormField for Restyled {
    fn options(&self) -> &FieldOptions {
        &self.options
    }
    fn default_widget(&self) -> Widget {
        self.inner.default_widget()
    }
    fn to_value(&self, raw: &[&str]) -> Result<Json, ValidationError> {
        self.inner.to_value(raw)
    }
    fn check(&self, value: &Json) -> Result<(), ValidationError> {
        self.inner.check(value)
    }
    fn widget_attrs(&self) -> Vec<(String, String)> {
        self.inner.widget_attrs()
    }
    fn choices(&self) -> Vec<(String, String)> {
        self.inner.choices()
    }
    fn is_empty(&self, value: &Json) -> bool {
        self.inner.is_empty(value)
    }
    fn clean(&self, raw: &[&str]) -> Result<Json, Vec<ValidationError>> {
        self.inner.clean(raw)
    }
    fn is_file(&self) -> bool {
        self.inner.is_file()
    }
    fn clean_file(
        &self,
        file: Option<&super::UploadedFile>,
        initial: Option<&Json>,
    ) -> Result<Json, Vec<ValidationError>> {
        self.inner.clean_file(file, initial)
    }
    fn upload_to(&self) -> &str {
        self.inner.upload_to()
    }
}
