//! The group table as a sea-orm entity (Django's `auth.Group`): a named set of permissions that
//! users belong to.

use sea_orm::entity::prelude::*;

/// A row of `roan_auth_group`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roan_auth_group")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The group's unique name.
    #[sea_orm(column_type = "String(StringLen::N(150))", unique)]
    pub name: String,
}

impl ActiveModelBehavior for ActiveModel {}
