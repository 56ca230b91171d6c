//! The auth tables: users, groups, permissions and their links.

use super::LABEL;
use crate::db::{DefaultValue, Field, FieldType, Index, ModelState, OnDelete};
use serde::Serialize;

pub(crate) const USER: &str = "roan_auth_user";
pub(crate) const GROUP: &str = "roan_auth_group";
pub(crate) const PERMISSION: &str = "roan_auth_permission";
pub(crate) const USER_GROUPS: &str = "roan_auth_user_groups";
pub(crate) const USER_PERMISSIONS: &str = "roan_auth_user_user_permissions";
pub(crate) const GROUP_PERMISSIONS: &str = "roan_auth_group_permissions";

/// A user, as Django's `auth.User`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// Unique login name.
    pub username: String,
    /// Email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Can log in.
    pub is_active: bool,
    /// Can use the admin.
    pub is_staff: bool,
    /// Has every permission.
    pub is_superuser: bool,
    /// The encoded password hash.
    #[serde(skip)]
    pub password: String,
    /// When the user last logged in.
    pub last_login: Option<String>,
    /// When the account was created.
    pub date_joined: String,
}

fn pk() -> Field {
    Field::new("id", FieldType::Integer)
        .primary_key()
        .auto_increment()
}

fn model(name: &str, table: &str, fields: Vec<Field>, indexes: Vec<Index>) -> ModelState {
    ModelState {
        app: LABEL.into(),
        name: name.into(),
        table: table.into(),
        fields,
        indexes,
    }
}

fn link(name: &str, table: &str, a: (&str, &str), b: (&str, &str)) -> ModelState {
    model(
        name,
        table,
        vec![
            pk(),
            Field::new(a.0, FieldType::Integer).foreign_key(a.1, "id", OnDelete::Cascade),
            Field::new(b.0, FieldType::Integer).foreign_key(b.1, "id", OnDelete::Cascade),
        ],
        vec![Index::new(&format!("{table}_uniq"), &[a.0, b.0]).unique()],
    )
}

/// The auth models, in creation order.
pub fn models() -> Vec<ModelState> {
    let text = |name: &str, n: u32| {
        Field::new(name, FieldType::String)
            .max_length(n)
            .default(DefaultValue::Str(String::new()))
    };
    let flag =
        |name: &str, v: bool| Field::new(name, FieldType::Boolean).default(DefaultValue::Bool(v));
    vec![
        model(
            "permission",
            PERMISSION,
            vec![
                pk(),
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
        model(
            "group",
            GROUP,
            vec![
                pk(),
                Field::new("name", FieldType::String)
                    .max_length(150)
                    .unique(),
            ],
            vec![],
        ),
        model(
            "user",
            USER,
            vec![
                pk(),
                Field::new("password", FieldType::String).max_length(128),
                Field::new("last_login", FieldType::DateTime).null(),
                flag("is_superuser", false),
                Field::new("username", FieldType::String)
                    .max_length(150)
                    .unique(),
                text("first_name", 150),
                text("last_name", 150),
                text("email", 254),
                flag("is_staff", false),
                flag("is_active", true),
                Field::new("date_joined", FieldType::DateTime),
            ],
            vec![],
        ),
        link(
            "user_groups",
            USER_GROUPS,
            ("user_id", USER),
            ("group_id", GROUP),
        ),
        link(
            "user_permissions",
            USER_PERMISSIONS,
            ("user_id", USER),
            ("permission_id", PERMISSION),
        ),
        link(
            "group_permissions",
            GROUP_PERMISSIONS,
            ("group_id", GROUP),
            ("permission_id", PERMISSION),
        ),
    ]
}
