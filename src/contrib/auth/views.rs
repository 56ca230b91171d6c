//! The login, logout and password-change views; templates under `registration/` (a project
//! overrides them in its own `templates/registration/`).

use super::backend::{authenticate, login, logout, set_password};
use super::extract::CurrentUser;
use super::validators::{UserAttributes, Validators, validate_password};
use crate::contrib::sessions::Session;
use crate::http::{Error, HttpRequest, render};
use axum::Form;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&String>, fallback: &str) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => fallback.to_string(),
    }
}

/// GET: the login form.
pub async fn login_form(request: HttpRequest) -> Result<Response, Error> {
    let next = request.get("next").unwrap_or_default();
    render(
        &request,
        "registration/login.html",
        minijinja::context! { next, errors => Vec::<String>::new(), username => "" },
    )
}

/// POST: checks the credentials, logs in and redirects to `next` or `LOGIN_REDIRECT_URL`.
pub async fn login_submit(
    request: HttpRequest,
    session: Session,
    Form(data): Form<HashMap<String, String>>,
) -> Result<Response, Error> {
    let username = data.get("username").cloned().unwrap_or_default();
    let password = data.get("password").cloned().unwrap_or_default();
    let db = request.db().await?;
    match authenticate(&db, &username, &password).await? {
        Some(user) => {
            login(&db, &session, &user, &request.settings().secret_key).await?;
            let to = safe_next(data.get("next"), &request.settings().login_redirect_url);
            Ok(crate::http::redirect_to(&to))
        }
        None => {
            let next = data.get("next").cloned().unwrap_or_default();
            let errors = vec![
                "Please enter a correct username and password. Note that both fields may be case-sensitive."
                    .to_string(),
            ];
            let mut response = render(
                &request,
                "registration/login.html",
                minijinja::context! { next, errors, username },
            )?;
            *response.status_mut() = axum::http::StatusCode::OK;
            Ok(response)
        }
    }
}

/// POST: logs out, then redirects to `LOGOUT_REDIRECT_URL` or shows the logged-out page.
pub async fn logout_view(request: HttpRequest, session: Session) -> Result<Response, Error> {
    logout(&session).await?;
    let to = &request.settings().logout_redirect_url;
    if to.is_empty() {
        render(
            &request,
            "registration/logged_out.html",
            minijinja::context! {},
        )
    } else {
        Ok(crate::http::redirect_to(to))
    }
}

/// GET: the password-change form.
pub async fn password_change_form(request: HttpRequest) -> Result<Response, Error> {
    render(
        &request,
        "registration/password_change_form.html",
        minijinja::context! { errors => Vec::<String>::new() },
    )
}

/// POST: checks the old password and the validators, sets the new one and keeps the user
/// logged in (Django's `update_session_auth_hash`).
pub async fn password_change_submit(
    request: HttpRequest,
    session: Session,
    user: CurrentUser,
    Form(data): Form<HashMap<String, String>>,
) -> Result<Response, Error> {
    let Some(user) = user.user().cloned() else {
        return Ok(crate::http::redirect_to(&request.settings().login_url));
    };
    let old = data.get("old_password").cloned().unwrap_or_default();
    let new1 = data.get("new_password1").cloned().unwrap_or_default();
    let new2 = data.get("new_password2").cloned().unwrap_or_default();
    let mut errors = Vec::new();
    if !super::hashers::check_password(&old, &user.password) {
        errors
            .push("Your old password was entered incorrectly. Please enter it again.".to_string());
    }
    if new1 != new2 {
        errors.push("The two password fields didn’t match.".to_string());
    }
    let validators = Validators::from_settings(request.settings());
    let attrs = UserAttributes {
        username: user.username.clone(),
        email: user.email.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
    };
    if let Err(e) = validate_password(&new1, &attrs, &validators) {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return render(
            &request,
            "registration/password_change_form.html",
            minijinja::context! { errors },
        );
    }
    let db = request.db().await?;
    set_password(&db, user.id, &new1).await?;
    if let Some(updated) = super::backend::get_user(&db, user.id).await? {
        login(&db, &session, &updated, &request.settings().secret_key).await?;
    }
    let to = request.reverse("password_change_done", &[])?;
    Ok(crate::http::redirect_to(&to).into_response())
}

/// GET: "Your password was changed."
pub async fn password_change_done(request: HttpRequest) -> Result<Response, Error> {
    render(
        &request,
        "registration/password_change_done.html",
        minijinja::context! {},
    )
}
