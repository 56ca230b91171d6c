//! Generic views, as Django's `django.views.generic`: [`TemplateView`], [`RedirectView`],
//! [`ListView`], [`DetailView`], [`FormView`], [`CreateView`], [`UpdateView`] and
//! [`DeleteView`], with Django's names, template names and context variables.
//!
//! Each is a builder that is also an axum handler, so it goes straight into `path()`:
//!
//! ```no_run
//! # mod question { use sea_orm::entity::prelude::*;
//! # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
//! # #[sea_orm(table_name = "polls_question")]
//! # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub pub_date: DateTime }
//! # impl ActiveModelBehavior for ActiveModel {} }
//! use roan::urls::{Urls, path};
//! use roan::views::{DetailView, ListView};
//! use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
//!
//! pub fn urls() -> Urls {
//!     Urls::app("polls", vec![
//!         // polls/question_list.html, with `question_list` and `object_list`
//!         path("", ListView::<question::Entity>::new()
//!             .queryset(|_| question::Entity::find()
//!                 .order_by_desc(question::Column::PubDate)
//!                 .limit(5))
//!             .template_name("polls/index.html")
//!             .context_object_name("latest_question_list"))
//!         .name("index"),
//!         // polls/question_detail.html, with `question` and `object`; 404 when none
//!         path("<int:pk>/", DetailView::<question::Entity>::new()).name("detail"),
//!     ])
//! }
//! ```
//!
//! The display views answer GET and HEAD, the editing views GET and POST too (and OPTIONS
//! with the `Allow` header); another method gets Django's 405 with `Allow`.

mod base;
mod detail;
mod edit;
mod list;

pub use base::{Context, RedirectView, TemplateView};
pub use detail::DetailView;
pub use edit::{CreateView, DeleteView, FormView, UpdateView};
pub use list::ListView;

#[doc(hidden)]
/// The marker type generic views implement axum's `Handler` with.
pub struct GenericViewMarker;
