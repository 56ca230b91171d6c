//! Authentication, as Django's `django.contrib.auth`: users, groups and permissions in the
//! database, passwords hashed as Django does, login and logout through the session, guards on
//! routes, and the login, logout and password-change views.
//!
//! ```
//! use roan::contrib::auth::CurrentUser;
//!
//! async fn whoami(user: CurrentUser) -> String {
//!     match user.user() {
//!         Some(u) => format!("hello {}", u.username),
//!         None => "hello stranger".into(),
//!     }
//! }
//! ```

mod backend;
mod commands;
pub mod context_processors;
pub mod decorators;
mod extract;
pub mod group;
pub mod hashers;
pub mod links;
pub mod migrations;
mod models;
pub mod permission;
mod permissions;
pub mod user;
pub mod validators;
mod views;

pub use backend::{
    all_permissions, authenticate, create_user, get_user, has_perm, login, logout, set_password,
    user_by_username,
};
pub use commands::{ChangePassword, CreateSuperuser};
pub use decorators::{RequireUser, login_required, permission_required, staff_member_required};
pub use extract::CurrentUser;
pub use models::{User, models};
pub use permissions::create_permissions;

/// The app label.
pub const LABEL: &str = "auth";

/// The auth app: its models, migrations, commands and templates.
pub fn app() -> crate::App {
    let mut app = crate::App::new(LABEL)
        .settings::<validators::Validators>(validators::SETTINGS_SECTION)
        .context(context_processors::auth)
        .post_migrate(post_migrate)
        .check(checks)
        .migrations(migrations::all)
        .command(CreateSuperuser)
        .command(ChangePassword);
    for m in models() {
        app = app.model_state(m);
    }
    // Django's `User.groups`, `User.user_permissions` and `Group.permissions`.
    app.many_to_many("user", "groups", "user_groups")
        .many_to_many("user", "user_permissions", "user_permissions")
        .many_to_many("group", "permissions", "group_permissions")
}

/// As Django's `create_permissions` receiver of `post_migrate`: every model gets its add,
/// change, delete and view permissions, once auth's tables exist.
fn post_migrate<'a>(
    db: &'a sea_orm::DatabaseConnection,
    project: &'a crate::Project,
) -> crate::apps::BoxFuture<'a, crate::Result<()>> {
    Box::pin(async move {
        let applied = crate::migrations::recorder::applied(db).await?;
        if !applied.contains(&(LABEL.to_string(), "0001_initial".to_string())) {
            return Ok(());
        }
        create_permissions(db, &project.model_state()).await?;
        Ok(())
    })
}

/// auth.E001: users log in through the session, so the sessions app must be installed.
fn checks(
    project: &crate::Project,
    _site: &crate::Site,
) -> Vec<crate::management::checks::CheckMessage> {
    use crate::management::checks::{CheckMessage, Level};
    if project
        .apps()
        .iter()
        .any(|a| a.label() == crate::contrib::sessions::LABEL)
    {
        return Vec::new();
    }
    vec![CheckMessage::new(
        Level::Error,
        "auth.E001",
        "the auth app logs users in through the session, but the sessions app is not installed",
        "add .app(roan::contrib::sessions::app()) before .app(roan::contrib::auth::app()) in src/main.rs",
    )]
}

/// The login, logout and password-change URLs, included by a project under `accounts/`.
/// Names: `login`, `logout`, `password_change`, `password_change_done`.
pub fn urls() -> crate::urls::Urls {
    use crate::urls::{Urls, path};
    use decorators::RequireUser;
    Urls::from(vec![
        path(
            "login/",
            axum::routing::get(views::login_form).post(views::login_submit),
        )
        .name("login"),
        path("logout/", axum::routing::post(views::logout_view)).name("logout"),
        path(
            "password_change/",
            axum::routing::get(views::password_change_form).post(views::password_change_submit),
        )
        .name("password_change")
        .login_required(),
        path("password_change/done/", views::password_change_done)
            .name("password_change_done")
            .login_required(),
    ])
    .builtin()
}
