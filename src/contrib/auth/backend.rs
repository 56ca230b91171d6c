//! Users in the database: authenticate, log in and out through the session, permissions.

use super::hashers::{check_password, make_password, must_update};
use super::models::{GROUP_PERMISSIONS, PERMISSION, USER, USER_GROUPS, USER_PERMISSIONS, User};
use crate::contrib::sessions::Session;
use crate::http::Error;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult};
use sha2::Digest;

/// The session keys of the logged-in user.
pub(crate) const SESSION_USER_ID: &str = "_auth_user_id";
pub(crate) const SESSION_USER_HASH: &str = "_auth_user_hash";

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

const COLUMNS: &[&str] = &[
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "password",
    "last_login",
    "date_joined",
];

/// A text column, or a date and time column printed as the model holds it.
fn text_of(row: &QueryResult, c: &str) -> Option<String> {
    string_of(row, c).or_else(|| datetime_of(row, c))
}

fn string_of(row: &QueryResult, c: &str) -> Option<String> {
    row.try_get::<Option<String>>("", c).ok().flatten()
}

/// A date and time column as the model holds it, `YYYY-MM-DD HH:MM:SS`. SQLite stores it as
/// that text; PostgreSQL and MySQL as a timestamp, read as one first: a failed read as text
/// builds an error message, on every request of a logged-in user.
fn moment_of(row: &QueryResult, c: &str, backend: DbBackend) -> Option<String> {
    match backend {
        DbBackend::Sqlite => text_of(row, c),
        _ => datetime_of(row, c).or_else(|| string_of(row, c)),
    }
}

fn datetime_of(row: &QueryResult, c: &str) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let d = row
        .try_get::<Option<chrono::NaiveDateTime>>("", c)
        .ok()
        .flatten()?;
    // What `%Y-%m-%d %H:%M:%S` prints, without parsing that format each time.
    Some(
        if (0..=9999).contains(&d.year()) && d.nanosecond() < 1_000_000_000 {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            )
        } else {
            d.format("%Y-%m-%d %H:%M:%S").to_string()
        },
    )
}

fn flag(row: &QueryResult, c: &str) -> bool {
    row.try_get::<bool>("", c)
        .or_else(|_| row.try_get::<i64>("", c).map(|n| n != 0))
        .or_else(|_| row.try_get::<i32>("", c).map(|n| n != 0))
        .or_else(|_| row.try_get::<i8>("", c).map(|n| n != 0))
        .unwrap_or(false)
}

fn user_of(row: &QueryResult, backend: DbBackend) -> Result<User, DbErr> {
    Ok(User {
        id: row
            .try_get::<i64>("", "id")
            .or_else(|_| row.try_get::<i32>("", "id").map(i64::from))?,
        username: row.try_get("", "username")?,
        email: text_of(row, "email").unwrap_or_default(),
        first_name: text_of(row, "first_name").unwrap_or_default(),
        last_name: text_of(row, "last_name").unwrap_or_default(),
        is_active: flag(row, "is_active"),
        is_staff: flag(row, "is_staff"),
        is_superuser: flag(row, "is_superuser"),
        password: row.try_get("", "password")?,
        last_login: moment_of(row, "last_login", backend),
        date_joined: moment_of(row, "date_joined", backend).unwrap_or_default(),
    })
}

async fn one(db: &impl ConnectionTrait, filter: Expr) -> Result<Option<User>, DbErr> {
    // Built in place: `.to_owned()` at the end of the chain would copy the whole statement.
    let mut q = Query::select();
    q.columns(COLUMNS.iter().map(|c| Alias::new(*c)))
        .from(Alias::new(USER))
        .and_where(filter);
    let backend = db.get_database_backend();
    db.query_one(&q)
        .await?
        .map(|r| user_of(&r, backend))
        .transpose()
}

/// A user by primary key.
pub async fn get_user(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbErr> {
    one(db, col("id").eq(id)).await
}

/// A user by username.
pub async fn user_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<User>, DbErr> {
    one(db, col("username").eq(username)).await
}

/// Creates a user with a hashed password (`None`: an unusable password).
pub async fn create_user(
    db: &impl ConnectionTrait,
    username: &str,
    email: &str,
    password: Option<&str>,
    superuser: bool,
) -> Result<User, DbErr> {
    let encoded = match password {
        Some(p) => make_password(p),
        None => super::hashers::make_unusable_password(),
    };
    let now = chrono::Utc::now().naive_utc();
    let q = Query::insert()
        .into_table(Alias::new(USER))
        .columns(
            [
                "username",
                "email",
                "password",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
            ]
            .map(Alias::new),
        )
        .values_panic([
            username.into(),
            email.into(),
            encoded.into(),
            superuser.into(),
            superuser.into(),
            true.into(),
            now.into(),
        ])
        .to_owned();
    db.execute(&q).await?;
    user_by_username(db, username)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {username}")))
}

/// Sets a user's password (hashed).
pub async fn set_password(db: &impl ConnectionTrait, user_id: i64, raw: &str) -> Result<(), DbErr> {
    let q = Query::update()
        .table(Alias::new(USER))
        .value(Alias::new("password"), make_password(raw))
        .and_where(col("id").eq(user_id))
        .to_owned();
    db.execute(&q).await.map(|_| ())
}

/// The user with this username and password, if active (Django's `authenticate`). A hash in an
/// older format (Django's PBKDF2) is replaced by argon2 on success.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
) -> Result<Option<User>, DbErr> {
    let Some(user) = user_by_username(db, username).await? else {
        // Spend the time of a hash anyway, so timing does not reveal which usernames exist.
        let _ = check_password(
            password,
            "argon2$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        );
        return Ok(None);
    };
    if !check_password(password, &user.password) || !user.is_active {
        return Ok(None);
    }
    if must_update(&user.password) {
        set_password(db, user.id, password).await?;
        return get_user(db, user.id).await;
    }
    Ok(Some(user))
}

/// A digest of the password hash, kept in the session: changing the password ends other sessions.
pub(crate) fn session_hash(user: &User, secret_key: &str) -> String {
    // Every request of a logged-in user checks this. The digest's state after the key and the
    // salt is the same each time, so each thread keeps it for the last key it saw.
    thread_local! {
        static PREFIX: std::cell::RefCell<Option<(String, sha2::Sha256)>> =
            const { std::cell::RefCell::new(None) };
    }
    let mut h = PREFIX.with_borrow_mut(|prefix| match prefix {
        Some((key, state)) if key == secret_key => state.clone(),
        _ => {
            let mut state = sha2::Sha256::new();
            state.update(secret_key.as_bytes());
            state.update(b"roan.auth.session");
            *prefix = Some((secret_key.to_string(), state.clone()));
            state
        }
    });
    h.update(user.password.as_bytes());
    crate::crypto::hex(&h.finalize())
}

/// Logs a user in: a new session key (against fixation), the user in the session, last_login set.
pub async fn login(
    db: &impl ConnectionTrait,
    session: &Session,
    user: &User,
    secret_key: &str,
) -> Result<(), Error> {
    session.cycle_key().await?;
    session.insert(SESSION_USER_ID, user.id).await?;
    session
        .insert(SESSION_USER_HASH, session_hash(user, secret_key))
        .await?;
    let q = Query::update()
        .table(Alias::new(USER))
        .value(Alias::new("last_login"), chrono::Utc::now().naive_utc())
        .and_where(col("id").eq(user.id))
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Logs out: the session is flushed.
pub async fn logout(session: &Session) -> Result<(), Error> {
    session.flush().await
}

/// Whether the user has a permission (`"blog.add_post"`): an active superuser has all, an
/// inactive user none; otherwise directly or through a group.
pub async fn has_perm(db: &impl ConnectionTrait, user: &User, perm: &str) -> Result<bool, DbErr> {
    if !user.is_active {
        return Ok(false);
    }
    if user.is_superuser {
        return Ok(true);
    }
    let Some((app, codename)) = perm.split_once('.') else {
        return Ok(false);
    };
    let direct = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(USER_PERMISSIONS))
        .inner_join(
            Alias::new(PERMISSION),
            Expr::col((Alias::new(PERMISSION), Alias::new("id")))
                .equals((Alias::new(USER_PERMISSIONS), Alias::new("permission_id"))),
        )
        .and_where(Expr::col((Alias::new(USER_PERMISSIONS), Alias::new("user_id"))).eq(user.id))
        .and_where(Expr::col((Alias::new(PERMISSION), Alias::new("app_label"))).eq(app))
        .and_where(Expr::col((Alias::new(PERMISSION), Alias::new("codename"))).eq(codename))
        .to_owned();
    if db.query_one(&direct).await?.is_some() {
        return Ok(true);
    }
    let via_group = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(USER_GROUPS))
        .inner_join(
            Alias::new(GROUP_PERMISSIONS),
            Expr::col((Alias::new(GROUP_PERMISSIONS), Alias::new("group_id")))
                .equals((Alias::new(USER_GROUPS), Alias::new("group_id"))),
        )
        .inner_join(
            Alias::new(PERMISSION),
            Expr::col((Alias::new(PERMISSION), Alias::new("id")))
                .equals((Alias::new(GROUP_PERMISSIONS), Alias::new("permission_id"))),
        )
        .and_where(Expr::col((Alias::new(USER_GROUPS), Alias::new("user_id"))).eq(user.id))
        .and_where(Expr::col((Alias::new(PERMISSION), Alias::new("app_label"))).eq(app))
        .and_where(Expr::col((Alias::new(PERMISSION), Alias::new("codename"))).eq(codename))
        .to_owned();
    Ok(db.query_one(&via_group).await?.is_some())
}

/// Every permission of a user as `app_label.codename`, directly and through groups (Django's
/// `get_all_permissions`); a superuser has every permission there is, an inactive user none.
pub async fn all_permissions(
    db: &impl ConnectionTrait,
    user: &User,
) -> Result<std::collections::BTreeSet<String>, DbErr> {
    let mut out = std::collections::BTreeSet::new();
    if !user.is_active {
        return Ok(out);
    }
    let perm_col = |c: &str| Expr::col((Alias::new(PERMISSION), Alias::new(c)));
    let mut queries = Vec::new();
    if user.is_superuser {
        queries.push(
            Query::select()
                .expr(perm_col("app_label"))
                .expr(perm_col("codename"))
                .from(Alias::new(PERMISSION))
                .to_owned(),
        );
    } else {
        queries.push(
            Query::select()
                .expr(perm_col("app_label"))
                .expr(perm_col("codename"))
                .from(Alias::new(USER_PERMISSIONS))
                .inner_join(
                    Alias::new(PERMISSION),
                    perm_col("id")
                        .equals((Alias::new(USER_PERMISSIONS), Alias::new("permission_id"))),
                )
                .and_where(
                    Expr::col((Alias::new(USER_PERMISSIONS), Alias::new("user_id"))).eq(user.id),
                )
                .to_owned(),
        );
        queries.push(
            Query::select()
                .expr(perm_col("app_label"))
                .expr(perm_col("codename"))
                .from(Alias::new(USER_GROUPS))
                .inner_join(
                    Alias::new(GROUP_PERMISSIONS),
                    Expr::col((Alias::new(GROUP_PERMISSIONS), Alias::new("group_id")))
                        .equals((Alias::new(USER_GROUPS), Alias::new("group_id"))),
                )
                .inner_join(
                    Alias::new(PERMISSION),
                    perm_col("id")
                        .equals((Alias::new(GROUP_PERMISSIONS), Alias::new("permission_id"))),
                )
                .and_where(Expr::col((Alias::new(USER_GROUPS), Alias::new("user_id"))).eq(user.id))
                .to_owned(),
        );
    }
    for q in &queries {
        for row in db.query_all(q).await? {
            let app: String = row.try_get_by_index(0)?;
            let codename: String = row.try_get_by_index(1)?;
            out.insert(format!("{app}.{codename}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(password: &str) -> User {
        User {
            id: 1,
            username: "ann".into(),
            email: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            is_active: true,
            is_staff: false,
            is_superuser: false,
            password: password.into(),
            last_login: None,
            date_joined: String::new(),
        }
    }

    #[test]
    fn the_session_hash_is_the_digest_of_key_salt_and_password_whatever_was_hashed_before() {
        let plain = |key: &str, password: &str| {
            let mut h = sha2::Sha256::new();
            h.update(key.as_bytes());
            h.update(b"roan.auth.session");
            h.update(password.as_bytes());
            crate::crypto::hex(&h.finalize())
        };
        let key = "k".repeat(50);
        for (k, p) in [
            (&*key, "one"),
            (&*key, "two"),
            ("other", "one"),
            (&*key, "one"),
        ] {
            assert_eq!(session_hash(&user(p), k), plain(k, p), "{k} {p}");
        }
        assert_ne!(
            session_hash(&user("one"), &key),
            session_hash(&user("two"), &key)
        );
    }
}
