//! The many-to-many link tables of auth, as sea-orm entities (Django's automatic `through`
//! tables of `User.groups`, `User.user_permissions` and `Group.permissions`).

/// A user's membership of a group: a row of `roan_auth_user_groups`.
pub mod user_groups {
    use sea_orm::entity::prelude::*;

    /// A row of `roan_auth_user_groups`.
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roan_auth_user_groups")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The user.
        #[sea_orm(unique_key = "roan_auth_user_groups_uniq")]
        pub user_id: i32,
        /// The group.
        #[sea_orm(unique_key = "roan_auth_user_groups_uniq")]
        pub group_id: i32,
        /// The user row.
        #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
        pub user: BelongsTo<crate::contrib::auth::user::Entity>,
        /// The group row.
        #[sea_orm(belongs_to, from = "group_id", to = "id", on_delete = "Cascade")]
        pub group: BelongsTo<crate::contrib::auth::group::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A permission given to one user: a row of `roan_auth_user_user_permissions`.
pub mod user_permissions {
    use sea_orm::entity::prelude::*;

    /// A row of `roan_auth_user_user_permissions`.
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roan_auth_user_user_permissions")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The user.
        #[sea_orm(unique_key = "roan_auth_user_user_permissions_uniq")]
        pub user_id: i32,
        /// The permission.
        #[sea_orm(unique_key = "roan_auth_user_user_permissions_uniq")]
        pub permission_id: i32,
        /// The user row.
        #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
        pub user: BelongsTo<crate::contrib::auth::user::Entity>,
        /// The permission row.
        #[sea_orm(belongs_to, from = "permission_id", to = "id", on_delete = "Cascade")]
        pub permission: BelongsTo<crate::contrib::auth::permission::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A permission given to a group: a row of `roan_auth_group_permissions`.
pub mod group_permissions {
    use sea_orm::entity::prelude::*;

    /// A row of `roan_auth_group_permissions`.
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roan_auth_group_permissions")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The group.
        #[sea_orm(unique_key = "roan_auth_group_permissions_uniq")]
        pub group_id: i32,
        /// The permission.
        #[sea_orm(unique_key = "roan_auth_group_permissions_uniq")]
        pub permission_id: i32,
        /// The group row.
        #[sea_orm(belongs_to, from = "group_id", to = "id", on_delete = "Cascade")]
        pub group: BelongsTo<crate::contrib::auth::group::Entity>,
        /// The permission row.
        #[sea_orm(belongs_to, from = "permission_id", to = "id", on_delete = "Cascade")]
        pub permission: BelongsTo<crate::contrib::auth::permission::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
