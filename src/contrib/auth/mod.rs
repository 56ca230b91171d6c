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
mod extract;
pub mod hashers;
mod models;
mod permissions;
pub mod validators;
mod views;

pub use backend::{
    authenticate, create_user, get_user, has_perm, login, logout, set_password, user_by_username,
};
pub use commands::{ChangePassword, CreateSuperuser};
pub use extract::CurrentUser;
pub use models::{User, migrations, models};
pub use permissions::create_permissions;

/// The app label.
pub const LABEL: &str = "auth";

/// The auth app: its models, migrations, commands and templates.
pub fn app() -> crate::App {
    let mut app = crate::App::new(LABEL)
        .migrations(migrations)
        .command(CreateSuperuser)
        .command(ChangePassword);
    for m in models() {
        app = app.model_state(m);
    }
    app
}

/// The login, logout and password-change URLs, included by a project under `accounts/`.
/// Names: `login`, `logout`, `password_change`, `password_change_done`.
pub fn urls() -> crate::urls::Urls {
    use crate::urls::{Urls, path};
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
