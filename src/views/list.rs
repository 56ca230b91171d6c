//! `ListView`: the rows of a query, maybe a page of them, in a template.

use super::base::{Answer, Context, ContextHook, dispatch_get, model_names};
use crate::http::{Error, HttpRequest};
use crate::paginator::{paginate, paginator_value};
use axum::extract::Request;
use minijinja::Value;
use sea_orm::{EntityTrait, IdenStatic, Iterable, QueryOrder, Select};
use serde::Serialize;
use std::sync::Arc;

type Queryset<E> = Arc<dyn Fn(&HttpRequest) -> Select<E> + Send + Sync>;

/// Lists the rows of a model, as Django's `ListView`.
///
/// The template (`<app>/<model>_list.html` unless [`template_name`](ListView::template_name)
/// says otherwise) gets `object_list` and `<model>_list` (or
/// [`context_object_name`](ListView::context_object_name)); with
/// [`paginate_by`](ListView::paginate_by) also `paginator`, `page_obj` and `is_paginated`, the
/// page coming from `?page=N` (or `?page=last`); a page that does not exist is a 404.
///
/// The model must be `serde::Serialize` (add it to the model's derives).
///
/// ```no_run
/// # mod question { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
/// # #[sea_orm(table_name = "polls_question")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub pub_date: DateTime }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// use roan::views::ListView;
///
/// // polls/question_list.html, 20 a page, newest first
/// let view = ListView::<question::Entity>::new().ordering(["-pub_date"]).paginate_by(20);
/// # let _ = roan::urls::path("", view);
/// ```
pub struct ListView<E: EntityTrait> {
    inner: Arc<Inner<E>>,
}

impl<E: EntityTrait> Clone for ListView<E> {
    fn clone(&self) -> Self {
        ListView {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<E: EntityTrait> {
    queryset: Option<Queryset<E>>,
    ordering: Vec<(E::Column, bool)>,
    template_name: Option<String>,
    context_object_name: Option<String>,
    paginate_by: Option<u64>,
    page_kwarg: String,
    allow_empty: bool,
    extra_context: Option<Value>,
    hook: Option<ContextHook>,
}

impl<E: EntityTrait> Default for ListView<E> {
    fn default() -> Self {
        ListView::new()
    }
}

impl<E: EntityTrait> ListView<E> {
    /// Every row of the model.
    pub fn new() -> ListView<E> {
        ListView {
            inner: Arc::new(Inner {
                queryset: None,
                ordering: Vec::new(),
                template_name: None,
                context_object_name: None,
                paginate_by: None,
                page_kwarg: "page".into(),
                allow_empty: true,
                extra_context: None,
                hook: None,
            }),
        }
    }

    /// The rows to list, as Django's `get_queryset()`: a sea-orm query built per request.
    pub fn queryset(self, f: impl Fn(&HttpRequest) -> Select<E> + Send + Sync + 'static) -> Self {
        self.with(|i| i.queryset = Some(Arc::new(f)))
    }

    /// Orders by column names, `-name` descending (Django's `ordering`).
    ///
    /// # Panics
    /// On a name that is not a column of the model: the URL configuration is wrong, and the
    /// project stops at startup naming the column and the choices.
    pub fn ordering<const N: usize>(self, fields: [&str; N]) -> Self {
        let ordering: Vec<(E::Column, bool)> = fields
            .iter()
            .map(|f| {
                let (name, desc) = match f.strip_prefix('-') {
                    Some(n) => (n, true),
                    None => (*f, false),
                };
                let column = E::Column::iter()
                    .find(|c| c.as_str() == name)
                    .unwrap_or_else(|| {
                        let choices: Vec<&str> = E::Column::iter().map(|c| c.as_str()).collect();
                        panic!(
                            "ListView of {}: ordering names '{name}', which is not a column. \
                             Choices are: {}",
                            E::default().table_name(),
                            choices.join(", ")
                        )
                    });
                (column, desc)
            })
            .collect();
        self.with(|i| i.ordering = ordering)
    }

    /// Shows `n` rows a page.
    pub fn paginate_by(self, n: u64) -> Self {
        self.with(|i| i.paginate_by = Some(n))
    }

    /// The query parameter holding the page number (`page`).
    pub fn page_kwarg(self, name: &str) -> Self {
        self.with(|i| i.page_kwarg = name.to_string())
    }

    /// `false`: an empty list is a 404 (Django's `allow_empty = False`).
    pub fn allow_empty(self, allow: bool) -> Self {
        self.with(|i| i.allow_empty = allow)
    }
}

super::base::model_view_options!(
    ListView,
    Inner,
    "_list",
    "the list (`<model>_list`; `object_list` stays)"
);

impl<E> ListView<E>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
{
    async fn get(self, request: HttpRequest) -> Result<axum::response::Response, Error> {
        let v = &self.inner;
        let db = request.db().await?;
        let mut query = match &v.queryset {
            Some(f) => f(&request),
            None => E::find(),
        };
        for (column, desc) in &v.ordering {
            query = if *desc {
                query.order_by_desc(*column)
            } else {
                query.order_by_asc(*column)
            };
        }
        let (app, model) = model_names(&request, E::default().table_name());
        let mut context = Context::new();
        let objects: Value = match v.paginate_by {
            Some(per_page) => {
                let number = request.get(&v.page_kwarg).unwrap_or_else(|| "1".into());
                let page = paginate(&db, query, per_page, &number).await?;
                let paginated = page.paginator.num_pages() > 1;
                context.insert_value("paginator", paginator_value(&page.paginator));
                let page_value = page.to_value();
                context.insert_value("page_obj", page_value.clone());
                context.insert("is_paginated", paginated);
                page_value
                    .get_attr("object_list")
                    .map_err(|e| Error::Other(Box::new(e)))?
            }
            None => {
                let rows = query.all(&db).await?;
                context.insert_value("paginator", Value::from(()));
                context.insert_value("page_obj", Value::from(()));
                context.insert("is_paginated", false);
                Value::from(minijinja::value::Serde(&rows))
            }
        };
        if !v.allow_empty && objects.len() == Some(0) {
            return Err(Error::NotFound(
                "Empty list and “ListView.allow_empty” is False.".into(),
            ));
        }
        let list_name = v
            .context_object_name
            .clone()
            .unwrap_or_else(|| format!("{model}_list"));
        context.insert_value(&list_name, objects.clone());
        context.insert_value("object_list", objects);
        if let Some(extra) = &v.extra_context {
            context.extend(extra);
        }
        if let Some(hook) = &v.hook {
            context = hook(request.clone(), context).await?;
        }
        let template = v
            .template_name
            .clone()
            .unwrap_or_else(|| format!("{app}/{model}_list.html"));
        crate::render(&request, &template, context)
    }

    fn answer(self, req: Request) -> Answer {
        dispatch_get(req, move |request| self.get(request))
    }
}

super::base::generic_handler!(ListView<E> where E: EntityTrait, E::Model: Serialize + Sync);
