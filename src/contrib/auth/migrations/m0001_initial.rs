//! Migration auth.0001_initial, written by `roan makemigrations` and frozen: a change to the
//! app's models needs a new migration, never an edit here.

use crate::migrations::prelude::*;

/// Create model permission; Create model group; Create model user; Create model user_groups; Create model user_permissions; Create model group_permissions
pub fn migration() -> Migration {
    Migration::new("auth", "0001_initial").operations(vec![
        Operation::create_model(
            "permission",
            "roan_auth_permission",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("name", FieldType::String).max_length(255),
                Field::new("app_label", FieldType::String).max_length(100),
                Field::new("codename", FieldType::String).max_length(100),
            ],
            vec![
                Index::new(
                    "roan_auth_permission_app_codename_uniq",
                    &["app_label", "codename"],
                )
                .unique(),
            ],
        ),
        Operation::create_model(
            "group",
            "roan_auth_group",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("name", FieldType::String)
                    .max_length(150)
                    .unique(),
            ],
            vec![],
        ),
        Operation::create_model(
            "user",
            "roan_auth_user",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("password", FieldType::String).max_length(128),
                Field::new("last_login", FieldType::DateTime).null(),
                Field::new("is_superuser", FieldType::Boolean).default(DefaultValue::Bool(false)),
                Field::new("username", FieldType::String)
                    .max_length(150)
                    .unique(),
                Field::new("first_name", FieldType::String)
                    .max_length(150)
                    .default(DefaultValue::Str("".into())),
                Field::new("last_name", FieldType::String)
                    .max_length(150)
                    .default(DefaultValue::Str("".into())),
                Field::new("email", FieldType::String)
                    .max_length(254)
                    .default(DefaultValue::Str("".into())),
                Field::new("is_staff", FieldType::Boolean).default(DefaultValue::Bool(false)),
                Field::new("is_active", FieldType::Boolean).default(DefaultValue::Bool(true)),
                Field::new("date_joined", FieldType::DateTime),
            ],
            vec![],
        ),
        Operation::create_model(
            "user_groups",
            "roan_auth_user_groups",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("user_id", FieldType::Integer).foreign_key(
                    "roan_auth_user",
                    "id",
                    OnDelete::Cascade,
                ),
                Field::new("group_id", FieldType::Integer).foreign_key(
                    "roan_auth_group",
                    "id",
                    OnDelete::Cascade,
                ),
            ],
            vec![Index::new("roan_auth_user_groups_uniq", &["user_id", "group_id"]).unique()],
        ),
        Operation::create_model(
            "user_permissions",
            "roan_auth_user_user_permissions",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("user_id", FieldType::Integer).foreign_key(
                    "roan_auth_user",
                    "id",
                    OnDelete::Cascade,
                ),
                Field::new("permission_id", FieldType::Integer).foreign_key(
                    "roan_auth_permission",
                    "id",
                    OnDelete::Cascade,
                ),
            ],
            vec![
                Index::new(
                    "roan_auth_user_user_permissions_uniq",
                    &["user_id", "permission_id"],
                )
                .unique(),
            ],
        ),
        Operation::create_model(
            "group_permissions",
            "roan_auth_group_permissions",
            vec![
                Field::new("id", FieldType::Integer)
                    .primary_key()
                    .auto_increment(),
                Field::new("group_id", FieldType::Integer).foreign_key(
                    "roan_auth_group",
                    "id",
                    OnDelete::Cascade,
                ),
                Field::new("permission_id", FieldType::Integer).foreign_key(
                    "roan_auth_permission",
                    "id",
                    OnDelete::Cascade,
                ),
            ],
            vec![
                Index::new(
                    "roan_auth_group_permissions_uniq",
                    &["group_id", "permission_id"],
                )
                .unique(),
            ],
        ),
    ])
}
