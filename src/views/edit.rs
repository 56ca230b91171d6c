//! The editing views: `FormView`, `CreateView`, `UpdateView` and `DeleteView`, with Django's
//! Post/Redirect/Get flow: GET shows the form, a valid POST saves and redirects (302), an
//! invalid one shows the form again (200) with the errors beside the fields and the input kept.

use super::base::{
    Answer, Context, ContextHook, context_hook, method_not_allowed, model_names, url_kwarg,
};
use crate::db::ModelState;
use crate::db::objects::{self, ListQuery, Row};
use crate::forms::{Form, FormData, ModelForm, object_error};
use crate::http::{Error, HttpRequest};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Value;
use sea_orm::EntityTrait;
use serde::Serialize;
use serde_json::Value as Json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

const ALLOWED: &str = "GET, POST, HEAD, OPTIONS";

type FormValid = Arc<
    dyn Fn(HttpRequest, Form) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>
        + Send
        + Sync,
>;
type RowHook = Arc<
    dyn Fn(HttpRequest, Row) -> Pin<Box<dyn Future<Output = Result<Row, Error>> + Send>>
        + Send
        + Sync,
>;

/// Splits a request for a view that takes GET and POST: the parsed request, the form data of
/// a POST (`None` for GET/HEAD), or the response for OPTIONS and other methods.
async fn read(req: Request) -> Result<(HttpRequest, Option<FormData>), Response> {
    let (parts, body) = req.into_parts();
    let request = HttpRequest::from_parts(&parts).map_err(IntoResponse::into_response)?;
    match parts.method {
        Method::GET | Method::HEAD => Ok((request, None)),
        Method::POST => {
            let req = Request::from_parts(parts, body);
            let data = FormData::from_request(req, &())
                .await
                .map_err(IntoResponse::into_response)?;
            Ok((request, Some(data)))
        }
        Method::OPTIONS => {
            let mut r = StatusCode::OK.into_response();
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOWED));
            Err(r)
        }
        _ => Err(method_not_allowed(&request, ALLOWED)),
    }
}

/// Where a view goes after a success: a URL (`{field}` is replaced by the saved row's value,
/// as Django formats `success_url` with the object), or a route name, reversed without
/// arguments or with the row's primary key as `pk` (or `id`).
fn success_location(
    request: &HttpRequest,
    target: Option<&str>,
    row: Option<&Row>,
    pk: Option<String>,
) -> Result<String, Error> {
    let Some(target) = target else {
        return Err(Error::Other(
            "No URL to redirect to. Provide a success_url.".into(),
        ));
    };
    if target.contains('/') {
        let mut url = target.to_string();
        for (name, value) in row.into_iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &objects::value_text(value));
        }
        return Ok(url);
    }
    let resolver = request.site().resolver();
    let first = match resolver.reverse(target, &[], &[]) {
        Ok(url) => return Ok(url),
        Err(e) => e,
    };
    if let Some(pk) = pk {
        for name in ["pk", "id"] {
            if let Ok(url) = resolver.reverse(target, &[], &[(name, pk.clone())]) {
                return Ok(url);
            }
        }
    }
    Err(first.into())
}

fn see_other(location: String) -> Response {
    crate::redirect_to(&location)
}

/// Shows a form and handles its submission, as Django's `FormView`: GET renders the template
/// with the unbound `form`; a POST binds it, and if it is valid runs
/// [`form_valid`](FormView::form_valid) and redirects to the success URL, otherwise renders
/// the form again with its errors.
///
/// ```
/// use roan::forms::{CharField, EmailField, Form};
/// use roan::views::FormView;
///
/// fn contact_form() -> Form {
///     Form::new().field("subject", CharField::new()).field("sender", EmailField::new())
/// }
///
/// let view = FormView::new(contact_form)
///     .template_name("contact.html")
///     .success_url("/thanks/")
///     .form_valid(|_request, form| async move {
///         tracing::info!("message from {}", form.cleaned_data()["sender"]);
///         Ok(())
///     });
/// # let _ = roan::urls::path("contact/", view);
/// ```
#[derive(Clone)]
pub struct FormView {
    form: Arc<dyn Fn() -> Form + Send + Sync>,
    template_name: Option<Arc<str>>,
    success_url: Option<Arc<str>>,
    form_valid: Option<FormValid>,
    extra_context: Option<Value>,
    hook: Option<ContextHook>,
}

impl FormView {
    /// A view of the form `make` builds.
    pub fn new(make: impl Fn() -> Form + Send + Sync + 'static) -> FormView {
        FormView {
            form: Arc::new(make),
            template_name: None,
            success_url: None,
            form_valid: None,
            extra_context: None,
            hook: None,
        }
    }

    /// The template (required: a form has no model to name one after).
    pub fn template_name(mut self, name: &str) -> FormView {
        self.template_name = Some(name.into());
        self
    }

    /// Where a valid submission redirects: a URL or a route name.
    pub fn success_url(mut self, url: &str) -> FormView {
        self.success_url = Some(url.into());
        self
    }

    /// What a valid submission does before the redirect (Django's `form_valid`).
    pub fn form_valid<F, Fut>(mut self, f: F) -> FormView
    where
        F: Fn(HttpRequest, Form) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.form_valid = Some(Arc::new(move |r, form| Box::pin(f(r, form))));
        self
    }

    /// Variables every render gets (Django's `extra_context`).
    pub fn extra_context(mut self, context: impl Serialize) -> FormView {
        self.extra_context = Some(Value::from(minijinja::value::Serde(&context)));
        self
    }

    /// Django's `get_context_data`: an async function that gets the request and the context
    /// (with the form in it) and returns it with more.
    pub fn get_context_data<F, Fut>(mut self, f: F) -> FormView
    where
        F: Fn(HttpRequest, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Context, Error>> + Send + 'static,
    {
        self.hook = Some(context_hook(f));
        self
    }

    async fn respond(self, req: Request) -> Result<Response, Error> {
        let (request, data) = match read(req).await {
            Ok(r) => r,
            Err(response) => return Ok(response),
        };
        let mut form = (self.form)();
        if let Some(data) = data {
            form = form.bind(data);
            if form.is_valid() {
                if let Some(hook) = &self.form_valid {
                    hook(request.clone(), form).await?;
                }
                let to = success_location(&request, self.success_url.as_deref(), None, None)?;
                return Ok(see_other(to));
            }
        }
        let template = self.template_name.as_deref().ok_or_else(|| {
            Error::Other("FormView requires a template_name (none was given).".into())
        })?;
        let mut context = Context::new();
        context.insert("form", &form);
        if let Some(extra) = &self.extra_context {
            context.extend(extra);
        }
        if let Some(hook) = &self.hook {
            context = hook(request.clone(), context).await?;
        }
        crate::render(&request, template, context)
    }

    fn answer(self, req: Request) -> Answer {
        Box::pin(async move {
            self.respond(req)
                .await
                .unwrap_or_else(|e| e.into_response())
        })
    }
}

super::base::generic_handler!(FormView);

/// What the three model editing views share: the model form, the template, where to go next,
/// how the row is found.
struct Editing<E> {
    form: Option<Arc<dyn Fn() -> ModelForm + Send + Sync>>,
    fields: Option<Vec<String>>,
    template_name: Option<String>,
    template_suffix: &'static str,
    success_url: Option<String>,
    context_object_name: Option<String>,
    pk_url_kwarg: String,
    slug_url_kwarg: String,
    slug_field: String,
    extra_context: Option<Value>,
    hook: Option<ContextHook>,
    before_save: Option<RowHook>,
    view: &'static str,
    entity: std::marker::PhantomData<fn() -> E>,
}

impl<E: EntityTrait> Editing<E> {
    fn new(view: &'static str, template_suffix: &'static str) -> Editing<E> {
        Editing {
            form: None,
            fields: None,
            template_name: None,
            template_suffix,
            success_url: None,
            context_object_name: None,
            pk_url_kwarg: "pk".into(),
            slug_url_kwarg: "slug".into(),
            slug_field: "slug".into(),
            extra_context: None,
            hook: None,
            before_save: None,
            view,
            entity: std::marker::PhantomData,
        }
    }

    /// The model as the site's registry has it (the entity's own description otherwise).
    fn model(&self, request: &HttpRequest) -> ModelState {
        let table = E::default().table_name().to_string();
        match request.site().model_by_table(&table) {
            Some(m) => m.clone(),
            None => {
                let (app, _) = model_names(request, &table);
                crate::db::model_of::<E>(&app)
            }
        }
    }

    fn model_form(&self, model: &ModelState) -> Result<ModelForm, Error> {
        match (&self.form, &self.fields) {
            (Some(make), _) => Ok(make().with_model(model.clone())),
            (None, Some(fields)) => {
                Ok(ModelForm::for_model(model.clone()).fields(fields.iter().map(String::as_str)))
            }
            (None, None) => Err(Error::Other(
                format!(
                    "Using ModelFormMixin (base class of {}) without the 'fields' attribute is \
                     prohibited: give the view .fields([...]) or .form(...).",
                    self.view
                )
                .into(),
            )),
        }
    }

    /// The row the URL names (by `pk`, else by slug), or a 404 in Django's words.
    async fn object(
        &self,
        request: &HttpRequest,
        db: &sea_orm::DatabaseConnection,
        model: &ModelState,
    ) -> Result<Row, Error> {
        let missing = || Error::NotFound(format!("No {} found matching the query", model.name));
        let text = |v: Json| objects::value_text(&v);
        let row = if let Some(pk) = url_kwarg(request, &self.pk_url_kwarg) {
            match objects::get(db, model, &text(pk)).await {
                Ok(row) => row,
                Err(objects::ObjectError::Invalid(_)) => None,
                Err(e) => return Err(object_error(e)),
            }
        } else if let Some(slug) = url_kwarg(request, &self.slug_url_kwarg) {
            let query = ListQuery {
                filters: vec![(self.slug_field.clone(), text(slug))],
                per_page: 2,
                ..Default::default()
            };
            objects::list(db, model, &query)
                .await
                .map_err(object_error)?
                .rows
                .into_iter()
                .next()
        } else {
            return Err(Error::Other(
                format!(
                    "Generic detail view {} must be called with either an object pk or a slug \
                     in the URLconf.",
                    self.view
                )
                .into(),
            ));
        };
        row.ok_or_else(missing)
    }

    async fn render(
        &self,
        request: &HttpRequest,
        model: &ModelState,
        form: Option<&ModelForm>,
        object: Option<&Row>,
    ) -> Result<Response, Error> {
        let mut context = Context::new();
        if let Some(form) = form {
            context.insert("form", form);
        }
        if let Some(object) = object {
            let value = Value::from(minijinja::value::Serde(object));
            context.insert_value("object", value.clone());
            let name = self
                .context_object_name
                .clone()
                .unwrap_or_else(|| model.name.clone());
            context.insert_value(&name, value);
        }
        if let Some(extra) = &self.extra_context {
            context.extend(extra);
        }
        if let Some(hook) = &self.hook {
            context = hook(request.clone(), context).await?;
        }
        let template = self.template_name.clone().unwrap_or_else(|| {
            format!("{}/{}{}.html", model.app, model.name, self.template_suffix)
        });
        crate::render(request, &template, context)
    }

    fn pk_of(model: &ModelState, row: &Row) -> Option<String> {
        let pk = model.fields.iter().find(|f| f.primary_key)?;
        objects::key_text(row.get(&pk.name)?)
    }

    /// GET shows the form (for `object`, when updating); POST validates, saves, redirects.
    async fn edit(&self, req: Request, updating: bool) -> Result<Response, Error> {
        let (request, data) = match read(req).await {
            Ok(r) => r,
            Err(response) => return Ok(response),
        };
        let db = request.db().await?;
        let model = self.model(&request);
        let object = if updating {
            Some(self.object(&request, &db, &model).await?)
        } else {
            None
        };
        let mut form = self.model_form(&model)?;
        if let Some(row) = &object {
            form = form.instance(row.clone());
        }
        let posted = data.is_some();
        if let Some(data) = data {
            form = form.bind(data);
        }
        let mut form = form
            .default_storage(request.settings())
            .with_site(request.site(), &db)
            .load(&db, request.site().models())
            .await
            .map_err(object_error)?;
        if posted && form.is_valid(&db).await.map_err(object_error)? {
            let saved = match &self.before_save {
                Some(hook) => {
                    let row = form.unsaved().map_err(object_error)?;
                    let row = hook(request.clone(), row).await?;
                    form.save_row(&db, &row).await
                }
                None => form.save(&db).await,
            };
            let saved = match saved {
                Ok(row) => row,
                Err(objects::ObjectError::Invalid(errors)) => {
                    for (field, messages) in errors.0 {
                        for m in messages {
                            form.add_error(Some(&field), m);
                        }
                    }
                    return self
                        .render(&request, &model, Some(&form), object.as_ref())
                        .await;
                }
                Err(e) => return Err(object_error(e)),
            };
            let pk = Self::pk_of(&model, &saved);
            let to = success_location(&request, self.success_url.as_deref(), Some(&saved), pk)?;
            return Ok(see_other(to));
        }
        self.render(&request, &model, Some(&form), object.as_ref())
            .await
    }

    /// GET asks for confirmation; POST deletes and redirects.
    async fn delete(&self, req: Request) -> Result<Response, Error> {
        let (request, data) = match read(req).await {
            Ok(r) => r,
            Err(response) => return Ok(response),
        };
        let db = request.db().await?;
        let model = self.model(&request);
        let object = self.object(&request, &db, &model).await?;
        if data.is_none() {
            return self.render(&request, &model, None, Some(&object)).await;
        }
        let pk = Self::pk_of(&model, &object)
            .ok_or_else(|| Error::Other(format!("{} has no primary key", model.label()).into()))?;
        let to = success_location(&request, self.success_url.as_deref(), Some(&object), None)?;
        objects::delete(&db, &model, &pk)
            .await
            .map_err(object_error)?;
        Ok(see_other(to))
    }
}

macro_rules! editing_view {
    ($(#[$doc:meta])* $name:ident, $view:literal, $suffix:literal, $run:ident) => {
        $(#[$doc])*
        pub struct $name<E: EntityTrait> {
            inner: Arc<Editing<E>>,
        }

        impl<E: EntityTrait> Clone for $name<E> {
            fn clone(&self) -> Self {
                $name {
                    inner: self.inner.clone(),
                }
            }
        }

        impl<E: EntityTrait> Default for $name<E> {
            fn default() -> Self {
                $name::new()
            }
        }

        impl<E: EntityTrait> $name<E> {
            /// The view of the model `E`.
            pub fn new() -> $name<E> {
                $name {
                    inner: Arc::new(Editing::new($view, $suffix)),
                }
            }

            /// Where success redirects: a URL (`{id}` and any `{column}` are filled from the
            /// row) or a route name (reversed with no argument, or with the row's key as `pk`
            /// or `id`).
            pub fn success_url(self, url: &str) -> Self {
                self.with(|i| i.success_url = Some(url.to_string()))
            }

            fn answer(self, req: Request) -> Answer {
                Box::pin(async move {
                    self.inner
                        .$run(req)
                        .await
                        .unwrap_or_else(|e| e.into_response())
                })
            }
        }

        super::base::generic_handler!($name<E> where E: EntityTrait);
        super::base::model_view_options!(
            $name,
            Editing,
            $suffix,
            "the row (`<model>`; `object` stays)"
        );
        super::base::object_lookup_options!($name);
    };
}

macro_rules! form_options {
    ($name:ident) => {
        impl<E: EntityTrait> $name<E> {
            /// The model fields the form edits, in order (Django's `fields`; required unless
            /// [`form`](Self::form) is given).
            pub fn fields<'a>(self, names: impl IntoIterator<Item = &'a str>) -> Self {
                let names: Vec<String> = names.into_iter().map(str::to_string).collect();
                self.with(|i| i.fields = Some(names))
            }

            /// The form, when `fields` is not enough (Django's `form_class`): widgets, labels,
            /// fields of your own.
            pub fn form(self, make: impl Fn() -> ModelForm + Send + Sync + 'static) -> Self {
                self.with(|i| i.form = Some(Arc::new(make)))
            }

            /// Changes the row before it is saved (Django's `form.save(commit=False)` in
            /// `form_valid`): set the author, a slug, a timestamp.
            pub fn before_save<F, Fut>(self, f: F) -> Self
            where
                F: Fn(HttpRequest, Row) -> Fut + Send + Sync + 'static,
                Fut: Future<Output = Result<Row, Error>> + Send + 'static,
            {
                let hook: RowHook = Arc::new(move |r, row| Box::pin(f(r, row)));
                self.with(|i| i.before_save = Some(hook))
            }
        }
    };
}

impl<E: EntityTrait> Editing<E> {
    async fn create(&self, req: Request) -> Result<Response, Error> {
        self.edit(req, false).await
    }

    async fn update(&self, req: Request) -> Result<Response, Error> {
        self.edit(req, true).await
    }
}

editing_view!(
    /// Creates a row from a ModelForm, as Django's `CreateView`: GET shows the empty form in
    /// `<app>/<model>_form.html` (as `form`); a valid POST inserts the row and redirects to the
    /// success URL; an invalid one shows the form again with its errors.
    ///
    /// ```no_run
    /// # mod question { use sea_orm::entity::prelude::*;
    /// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    /// # #[sea_orm(table_name = "polls_question")]
    /// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub question_text: String }
    /// # impl ActiveModelBehavior for ActiveModel {} }
    /// use roan::views::CreateView;
    ///
    /// let view = CreateView::<question::Entity>::new()
    ///     .fields(["question_text", "pub_date"])
    ///     .success_url("polls:detail"); // reversed with the new row's pk
    /// # let _ = roan::urls::path("add/", view);
    /// ```
    CreateView, "CreateView", "_form", create
);
form_options!(CreateView);

editing_view!(
    /// Edits a row with a ModelForm, as Django's `UpdateView`: the row is the URL's `pk` (or
    /// slug), a 404 when none; GET shows the form filled from it in `<app>/<model>_form.html`
    /// (as `form`, the row as `object` and `<model>`); a valid POST updates it and redirects.
    ///
    /// ```no_run
    /// # mod question { use sea_orm::entity::prelude::*;
    /// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    /// # #[sea_orm(table_name = "polls_question")]
    /// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub question_text: String }
    /// # impl ActiveModelBehavior for ActiveModel {} }
    /// use roan::views::UpdateView;
    ///
    /// let view = UpdateView::<question::Entity>::new()
    ///     .fields(["question_text"])
    ///     .success_url("/polls/{id}/");
    /// # let _ = roan::urls::path("<int:pk>/edit/", view);
    /// ```
    UpdateView, "UpdateView", "_form", update
);
form_options!(UpdateView);

editing_view!(
    /// Deletes a row after confirmation, as Django's `DeleteView`: GET shows
    /// `<app>/<model>_confirm_delete.html` with the row as `object` and `<model>`; POST deletes
    /// it and redirects to the success URL (required).
    ///
    /// ```no_run
    /// # mod question { use sea_orm::entity::prelude::*;
    /// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    /// # #[sea_orm(table_name = "polls_question")]
    /// # pub struct Model { #[sea_orm(primary_key)] pub id: i32 }
    /// # impl ActiveModelBehavior for ActiveModel {} }
    /// use roan::views::DeleteView;
    ///
    /// let view = DeleteView::<question::Entity>::new().success_url("polls:index");
    /// # let _ = roan::urls::path("<int:pk>/delete/", view);
    /// ```
    DeleteView, "DeleteView", "_confirm_delete", delete
);
