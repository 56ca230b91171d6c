//! `user` and `perms` in every template, as Django's `auth.context_processors.auth`.
//!
//! Both are loaded only when a template reads them (see [`crate::template::deferred`]): a page
//! that shows neither makes no query for them. When a route guard or the view's
//! [`CurrentUser`] already loaded the user, templates reuse it.
//!
//! ```html
//! {% if user.is_authenticated %}Hello {{ user.username }}{% else %}<a href="/accounts/login/">Log in</a>{% endif %}
//! {% if perms.polls.add_choice %}<a href="/polls/new/">Add a choice</a>{% endif %}
//! ```

use super::{CurrentUser, all_permissions};
use crate::apps::BoxFuture;
use crate::contrib::sessions::Session;
use crate::site::Site;
use crate::template::deferred::{Deferred, deferred};
use axum::http::request::Parts;
use minijinja::Value;
use minijinja::value::{Object, ObjectRepr};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

/// The context processor the auth app installs.
pub fn auth(parts: &Parts) -> Vec<(&'static str, Value)> {
    let Some(site) = parts.extensions.get::<Site>().cloned() else {
        return Vec::new();
    };
    let session = parts.extensions.get::<Session>();
    let known = parts.extensions.get::<CurrentUser>();
    if known.is_none() && !session.is_some_and(Session::has_cookie) {
        // No session cookie: nobody is logged in, and nothing needs loading. The values are
        // made once and shared.
        static ANONYMOUS: OnceLock<[Value; 2]> = OnceLock::new();
        let [user, perms] = ANONYMOUS.get_or_init(|| {
            [
                Value::from_object(TemplateUser(CurrentUser::Anonymous)),
                Value::from_object(TemplatePerms(Arc::new(BTreeSet::new()), None)),
            ]
        });
        return vec![("user", user.clone()), ("perms", perms.clone())];
    }
    let loaded = OnceLock::new();
    if let Some(user) = known {
        let _ = loaded.set(user.clone());
    }
    let shared = Arc::new(Shared {
        site,
        session: session.cloned(),
        user: loaded,
        perms: OnceLock::new(),
    });
    vec![
        ("user", deferred(UserVar(shared.clone()))),
        ("perms", deferred(PermsVar(shared))),
    ]
}

/// What `user` and `perms` of one request share: the user, loaded once.
struct Shared {
    site: Site,
    session: Option<Session>,
    user: OnceLock<CurrentUser>,
    perms: OnceLock<BTreeSet<String>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("user", &self.user.get())
            .finish_non_exhaustive()
    }
}

impl Shared {
    async fn load_user(&self) -> crate::Result<&CurrentUser> {
        if let Some(u) = self.user.get() {
            return Ok(u);
        }
        let user = match &self.session {
            Some(s) => Box::pin(CurrentUser::from_session(&self.site, s)).await?,
            None => CurrentUser::Anonymous,
        };
        Ok(self.user.get_or_init(|| user))
    }
}

#[derive(Debug)]
struct UserVar(Arc<Shared>);

impl Deferred for UserVar {
    fn get(&self) -> Option<Value> {
        self.0
            .user
            .get()
            .map(|u| Value::from_object(TemplateUser(u.clone())))
    }

    fn load(&self) -> BoxFuture<'_, crate::Result<()>> {
        Box::pin(async move { self.0.load_user().await.map(|_| ()) })
    }
}

#[derive(Debug)]
struct PermsVar(Arc<Shared>);

impl Deferred for PermsVar {
    fn get(&self) -> Option<Value> {
        self.0
            .perms
            .get()
            .map(|p| Value::from_object(TemplatePerms(Arc::new(p.clone()), None)))
    }

    fn load(&self) -> BoxFuture<'_, crate::Result<()>> {
        Box::pin(async move {
            if self.0.perms.get().is_some() {
                return Ok(());
            }
            let perms = match self.0.load_user().await?.user() {
                Some(u) => {
                    let db = self.0.site.db().await?;
                    all_permissions(db, u).await?
                }
                None => BTreeSet::new(),
            };
            let _ = self.0.perms.set(perms);
            Ok(())
        })
    }
}

/// `user` in a template: Django's attribute names; shown as the username (`AnonymousUser` when
/// nobody is logged in).
#[derive(Debug)]
struct TemplateUser(CurrentUser);

impl Object for TemplateUser {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let u = self.0.user();
        Some(match (key.as_str()?, u) {
            ("is_authenticated", _) => Value::from(u.is_some()),
            ("is_anonymous", _) => Value::from(u.is_none()),
            ("username", Some(u)) => Value::from(u.username.clone()),
            ("email", Some(u)) => Value::from(u.email.clone()),
            ("first_name", Some(u)) => Value::from(u.first_name.clone()),
            ("last_name", Some(u)) => Value::from(u.last_name.clone()),
            ("id" | "pk", Some(u)) => Value::from(u.id),
            ("is_staff", Some(u)) => Value::from(u.is_staff),
            ("is_superuser", Some(u)) => Value::from(u.is_superuser),
            ("is_active", Some(u)) => Value::from(u.is_active),
            ("username" | "email" | "first_name" | "last_name", None) => Value::from(""),
            ("is_staff" | "is_superuser" | "is_active", None) => Value::from(false),
            _ => return None,
        })
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.user() {
            Some(u) => f.write_str(&u.username),
            None => f.write_str("AnonymousUser"),
        }
    }
}

/// `perms` (all of them) or `perms.<app>` (one app's): `perms.polls.add_choice` is true when
/// the user has `polls.add_choice`; `{% if perms.polls %}` when any of the app's.
#[derive(Debug)]
struct TemplatePerms(Arc<BTreeSet<String>>, Option<String>);

impl Object for TemplatePerms {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        Some(match &self.1 {
            None => Value::from_object(TemplatePerms(self.0.clone(), Some(key.to_string()))),
            Some(app) => Value::from(self.0.contains(&format!("{app}.{key}"))),
        })
    }

    fn is_true(self: &Arc<Self>) -> bool {
        match &self.1 {
            None => !self.0.is_empty(),
            Some(app) => self.0.iter().any(|p| p.split('.').next() == Some(app)),
        }
    }
}
