//! The user table as a sea-orm entity, so a project's model can point at it with
//! `BelongsTo<roan::contrib::auth::user::Entity>` (Django's `ForeignKey(settings.AUTH_USER_MODEL)`)
//! and query it like any model:
//!
//! ```ignore
//! #[sea_orm::model]
//! #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//! #[sea_orm(table_name = "blog_post")]
//! pub struct Model {
//!     #[sea_orm(primary_key)]
//!     pub id: i32,
//!     pub author_id: i32,
//!     #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "Cascade")]
//!     pub author: BelongsTo<roan::contrib::auth::user::Entity>,
//! }
//! ```
//!
//! The table's history is auth's frozen migration; a test checks this entity matches it column
//! for column.

use sea_orm::entity::prelude::*;

/// A row of `roan_auth_user`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roan_auth_user")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The encoded password hash.
    #[sea_orm(column_type = "String(StringLen::N(128))")]
    pub password: String,
    /// When the user last logged in.
    pub last_login: Option<DateTime>,
    /// Has every permission.
    #[sea_orm(default_value = false)]
    pub is_superuser: bool,
    /// Unique login name.
    #[sea_orm(column_type = "String(StringLen::N(150))", unique)]
    pub username: String,
    /// First name.
    #[sea_orm(column_type = "String(StringLen::N(150))", default_value = "")]
    pub first_name: String,
    /// Last name.
    #[sea_orm(column_type = "String(StringLen::N(150))", default_value = "")]
    pub last_name: String,
    /// Email address.
    #[sea_orm(column_type = "String(StringLen::N(254))", default_value = "")]
    pub email: String,
    /// Can use the admin.
    #[sea_orm(default_value = false)]
    pub is_staff: bool,
    /// Can log in.
    #[sea_orm(default_value = true)]
    pub is_active: bool,
    /// When the account was created.
    pub date_joined: DateTime,
}

impl ActiveModelBehavior for ActiveModel {}
