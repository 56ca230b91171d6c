//! The session table as a sea-orm entity (Django's `sessions.Session`).

use sea_orm::entity::prelude::*;

/// A row of `roan_session`: one browser's session.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roan_session")]
pub struct Model {
    /// The key the `sessionid` cookie carries.
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(40))"
    )]
    pub session_key: String,
    /// The session's data, as JSON.
    #[sea_orm(column_type = "Text")]
    pub session_data: String,
    /// When the session stops being valid.
    #[sea_orm(indexed)]
    pub expire_date: DateTime,
}

impl ActiveModelBehavior for ActiveModel {}
