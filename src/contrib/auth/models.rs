//! The auth tables: users, groups, permissions and their links.

use super::LABEL;
use crate::db::ModelState;
use serde::Serialize;

pub(crate) const USER: &str = "roan_auth_user";
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

/// The auth models, read from their sea-orm entities, in creation order. Their history is
/// auth's frozen migrations; a change here without a new migration makes `makemigrations
/// --check` fail.
pub fn models() -> Vec<ModelState> {
    use super::{group, links, permission, user};
    use crate::db::model_named;
    vec![
        model_named::<permission::Entity>(LABEL, "permission"),
        model_named::<group::Entity>(LABEL, "group"),
        model_named::<user::Entity>(LABEL, "user"),
        model_named::<links::user_groups::Entity>(LABEL, "user_groups"),
        model_named::<links::user_permissions::Entity>(LABEL, "user_permissions"),
        model_named::<links::group_permissions::Entity>(LABEL, "group_permissions"),
    ]
}
