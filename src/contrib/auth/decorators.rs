//! Route guards, as Django's `contrib/auth/decorators.py`: `login_required`,
//! `permission_required` and `staff_member_required`, as tower layers on a route, an
//! `include()`d list or a whole app's URLs.
//!
//! ```
//! use roan::contrib::auth::RequireUser;
//! use roan::urls::{Urls, path};
//!
//! async fn dashboard() -> &'static str { "yours" }
//! async fn new_post() -> &'static str { "a form" }
//!
//! fn urls() -> Urls {
//!     Urls::app("blog", vec![
//!         path("dashboard/", dashboard).login_required(),
//!         path("posts/new/", new_post).permission_required("blog.add_post"),
//!     ])
//! }
//! ```
//!
//! The check runs after the CSRF check and before the view. An anonymous user is redirected to
//! `LOGIN_URL?next=<the path>`; a logged-in user who lacks the permission (or is not staff) gets
//! 403. The user is loaded once: the view's [`CurrentUser`] is the one the guard loaded.

use super::{CurrentUser, has_perm};
use crate::contrib::sessions::Session;
use crate::http::ErrorReport;
use crate::middleware::{Middleware, MiddlewareLayer};
use crate::site::Site;
use crate::urls::Layered;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What a [`UserGuard`] requires of the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// Someone logged in (`@login_required`).
    Login,
    /// A user with this permission, `app.codename` (`@permission_required`).
    Permission(String),
    /// A logged-in user with `is_staff` (`@staff_member_required`).
    Staff,
}

/// The guard middleware; [`login_required`], [`permission_required`] and
/// [`staff_member_required`] make its layer.
#[derive(Debug, Clone)]
pub struct UserGuard {
    requirement: Requirement,
}

/// The layer of `@login_required`.
pub fn login_required() -> MiddlewareLayer<UserGuard> {
    MiddlewareLayer::new(UserGuard {
        requirement: Requirement::Login,
    })
}

/// The layer of `@permission_required("blog.add_post")`.
pub fn permission_required(permission: &str) -> MiddlewareLayer<UserGuard> {
    MiddlewareLayer::new(UserGuard {
        requirement: Requirement::Permission(permission.to_string()),
    })
}

/// The layer of `@staff_member_required` (the admin's guard).
pub fn staff_member_required() -> MiddlewareLayer<UserGuard> {
    MiddlewareLayer::new(UserGuard {
        requirement: Requirement::Staff,
    })
}

impl Middleware for UserGuard {
    type State = ();

    async fn before(&self, request: &mut Request) -> Result<(), Response> {
        let site = request.extensions().get::<Site>().cloned().ok_or_else(|| {
            crate::Error::Other("a login guard used outside a roan site".into()).into_response()
        })?;
        let user = match request.extensions().get::<CurrentUser>() {
            Some(u) => u.clone(),
            None => {
                let user = match request.extensions().get::<Session>().cloned() {
                    Some(s) => Box::pin(CurrentUser::from_session(&site, &s))
                        .await
                        .map_err(IntoResponse::into_response)?,
                    None => CurrentUser::Anonymous,
                };
                request.extensions_mut().insert(user.clone());
                user
            }
        };
        let Some(u) = user.user() else {
            return Err(redirect_to_login(&site, request));
        };
        let allowed = match &self.requirement {
            Requirement::Login => true,
            Requirement::Staff => u.is_staff && u.is_active,
            Requirement::Permission(perm) => {
                let db = site
                    .db()
                    .await
                    .map_err(|e| crate::Error::from(e).into_response())?;
                has_perm(db, u, perm)
                    .await
                    .map_err(|e| crate::Error::from(e).into_response())?
            }
        };
        if allowed {
            return Ok(());
        }
        let mut response = StatusCode::FORBIDDEN.into_response();
        response.extensions_mut().insert(ErrorReport {
            kind: "Permission denied".into(),
            message: match &self.requirement {
                Requirement::Permission(perm) => {
                    format!("{} lacks the permission {perm}.", u.username)
                }
                _ => format!("{} is not a staff member.", u.username),
            },
            chain: Vec::new(),
        });
        Err(response)
    }

    async fn after(&self, _state: (), response: Response) -> Response {
        response
    }
}

/// `LOGIN_URL?next=<path and query>`, as Django's `redirect_to_login`.
fn redirect_to_login(site: &Site, request: &Request) -> Response {
    let next = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let next = percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC);
    let login = &site.settings().login_url;
    let sep = if login.contains('?') { '&' } else { '?' };
    crate::http::redirect_to(&format!("{login}{sep}next={next}"))
}

/// `login_required()`, `permission_required(..)` and `staff_member_required()` on a route
/// ([`crate::urls::Pattern`]) or a list ([`crate::urls::Urls`]), as Django's decorators.
pub trait RequireUser: Layered + Sized {
    /// Only logged-in users reach the view; others are redirected to `LOGIN_URL?next=...`.
    fn login_required(self) -> Self {
        self.layer(login_required())
    }

    /// Only users with the permission (`"blog.add_post"`) reach the view: an anonymous user is
    /// redirected to log in, a logged-in one without it gets 403.
    fn permission_required(self, permission: &str) -> Self {
        self.layer(permission_required(permission))
    }

    /// Only active staff members reach the view; anonymous users log in first.
    fn staff_member_required(self) -> Self {
        self.layer(staff_member_required())
    }
}

impl<T: Layered + Sized> RequireUser for T {}
