//! The permission table as a sea-orm entity (Django's `auth.Permission`): one row per
//! `app_label.codename`, created for every model by auth's `post_migrate` step.

use sea_orm::entity::prelude::*;

/// A row of `roan_auth_permission`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roan_auth_permission")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What the permission allows, for people ("Can add question").
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub name: String,
    /// The app of the model it is about (`polls`).
    #[sea_orm(
        column_type = "String(StringLen::N(100))",
        unique_key = "roan_auth_permission_app_codename_uniq"
    )]
    pub app_label: String,
    /// The permission's code name (`add_question`).
    #[sea_orm(
        column_type = "String(StringLen::N(100))",
        unique_key = "roan_auth_permission_app_codename_uniq"
    )]
    pub codename: String,
}

impl ActiveModelBehavior for ActiveModel {}
