//! `DetailView`: one row, found by the URL's `pk` or `slug`, in a template.

use super::base::{Answer, Context, ContextHook, dispatch_get, model_names, url_kwarg};
use crate::http::{Error, HttpRequest};
use axum::extract::Request;
use minijinja::Value;
use sea_orm::sea_query::IntoValueTuple;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryFilter, Select,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

type Queryset<E> = Arc<dyn Fn(&HttpRequest) -> Select<E> + Send + Sync>;

/// Shows one row of a model, as Django's `DetailView`.
///
/// The row is the one whose primary key is the URL's `pk` argument, or else whose `slug`
/// column is the URL's `slug` (names set by [`pk_url_kwarg`](DetailView::pk_url_kwarg),
/// [`slug_url_kwarg`](DetailView::slug_url_kwarg) and [`slug_field`](DetailView::slug_field)),
/// among the rows of [`queryset`](DetailView::queryset); none is a 404 ("No question found
/// matching the query"). The template (`<app>/<model>_detail.html` unless
/// [`template_name`](DetailView::template_name) says otherwise) gets it as `object` and
/// `<model>` (or [`context_object_name`](DetailView::context_object_name)).
///
/// ```no_run
/// # mod question { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
/// # #[sea_orm(table_name = "polls_question")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub pub_date: DateTime }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// use roan::urls::path;
/// use roan::views::DetailView;
/// use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
///
/// // Only questions already published; others are a 404.
/// let view = DetailView::<question::Entity>::new()
///     .queryset(|_| question::Entity::find()
///         .filter(question::Column::PubDate.lte(chrono::Utc::now().naive_utc())))
///     .template_name("polls/detail.html");
/// let route = path("<int:pk>/", view).name("detail");
/// # let _ = route;
/// ```
pub struct DetailView<E: EntityTrait> {
    inner: Arc<Inner<E>>,
}

impl<E: EntityTrait> Clone for DetailView<E> {
    fn clone(&self) -> Self {
        DetailView {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<E: EntityTrait> {
    queryset: Option<Queryset<E>>,
    template_name: Option<String>,
    context_object_name: Option<String>,
    pk_url_kwarg: String,
    slug_url_kwarg: String,
    slug_field: String,
    extra_context: Option<Value>,
    hook: Option<ContextHook>,
}

impl<E: EntityTrait> Default for DetailView<E> {
    fn default() -> Self {
        DetailView::new()
    }
}

impl<E: EntityTrait> DetailView<E> {
    /// A row of the model, by the URL's `pk` (or `slug`).
    pub fn new() -> DetailView<E> {
        DetailView {
            inner: Arc::new(Inner {
                queryset: None,
                template_name: None,
                context_object_name: None,
                pk_url_kwarg: "pk".into(),
                slug_url_kwarg: "slug".into(),
                slug_field: "slug".into(),
                extra_context: None,
                hook: None,
            }),
        }
    }

    /// The rows the object is looked up in, as Django's `get_queryset()`.
    pub fn queryset(self, f: impl Fn(&HttpRequest) -> Select<E> + Send + Sync + 'static) -> Self {
        self.with(|i| i.queryset = Some(Arc::new(f)))
    }
}

super::base::model_view_options!(
    DetailView,
    Inner,
    "_detail",
    "the object (`<model>`; `object` stays)"
);
super::base::object_lookup_options!(DetailView);

/// The row a detail (or update, or delete) view is about: by primary key from the URL
/// argument `pk_kwarg`, or else by `slug_field` from `slug_kwarg`, within `query`.
pub(crate) async fn get_object<E>(
    db: &impl ConnectionTrait,
    request: &HttpRequest,
    query: Select<E>,
    (pk_kwarg, slug_kwarg, slug_field): (&str, &str, &str),
) -> Result<E::Model, Error>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: DeserializeOwned,
{
    let (_, model) = model_names(request, E::default().table_name());
    let missing = || Error::NotFound(format!("No {model} found matching the query"));
    let query = if let Some(raw) = url_kwarg(request, pk_kwarg) {
        let pk =
            serde_json::from_value::<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>(raw.clone())
                .or_else(|e| match &raw {
                    serde_json::Value::String(s) => serde_json::from_str(s),
                    _ => Err(e),
                })
                .map_err(|_| missing())?;
        let mut condition = Condition::all();
        for (key, value) in E::PrimaryKey::iter().zip(pk.into_value_tuple()) {
            condition = condition.add(key.into_column().eq(value));
        }
        query.filter(condition)
    } else if let Some(raw) = url_kwarg(request, slug_kwarg) {
        let column = E::Column::iter()
            .find(|c| c.as_str() == slug_field)
            .ok_or_else(|| {
                Error::Other(
                    format!(
                        "{} has no column '{slug_field}' to look the slug up in \
                         (set slug_field)",
                        E::default().table_name()
                    )
                    .into(),
                )
            })?;
        let slug = crate::db::objects::value_text(&raw);
        query.filter(column.eq(slug))
    } else {
        return Err(Error::Other(
            format!(
                "Generic detail view of {model} must be called with either an object pk or a \
                 slug in the URLconf (no '{pk_kwarg}' or '{slug_kwarg}' argument in the route)."
            )
            .into(),
        ));
    };
    query.one(db).await?.ok_or_else(missing)
}

impl<E> DetailView<E>
where
    E: EntityTrait,
    E::Model: Serialize,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: DeserializeOwned,
{
    async fn get(self, request: HttpRequest) -> Result<axum::response::Response, Error> {
        let v = &self.inner;
        let db = request.db().await?;
        let query = match &v.queryset {
            Some(f) => f(&request),
            None => E::find(),
        };
        let object = get_object(
            &db,
            &request,
            query,
            (&v.pk_url_kwarg, &v.slug_url_kwarg, &v.slug_field),
        )
        .await?;
        let (app, model) = model_names(&request, E::default().table_name());
        let object = Value::from(minijinja::value::Serde(&object));
        let mut context = Context::new();
        context.insert_value("object", object.clone());
        let name = v.context_object_name.clone().unwrap_or(model.clone());
        context.insert_value(&name, object);
        if let Some(extra) = &v.extra_context {
            context.extend(extra);
        }
        if let Some(hook) = &v.hook {
            context = hook(request.clone(), context).await?;
        }
        let template = v
            .template_name
            .clone()
            .unwrap_or_else(|| format!("{app}/{model}_detail.html"));
        crate::render(&request, &template, context)
    }

    fn answer(self, req: Request) -> Answer {
        dispatch_get(req, move |request| self.get(request))
    }
}

super::base::generic_handler!(DetailView<E> where
    E: EntityTrait,
    E::Model: Serialize,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: DeserializeOwned);
