//! Auth through the request pipeline: login, logout, guards, permissions, Django hashes.

use roan::contrib::auth::{self, CurrentUser, RequireUser};
use roan::db::{Field, FieldType, ModelState};
use roan::migrations::{Migration, Operation};
use roan::test::Client;
use roan::urls::{Pattern, include, path};
use sea_orm::ConnectionTrait;
use std::path::PathBuf;

async fn secret(user: CurrentUser) -> String {
    format!(
        "secret for {}",
        user.user().map(|u| u.username.as_str()).unwrap_or("?")
    )
}

async fn whoami(user: CurrentUser) -> String {
    match user.user() {
        Some(u) => u.username.clone(),
        None => "anonymous".into(),
    }
}

fn urls() -> Vec<Pattern> {
    vec![
        path("accounts/", include(auth::urls())),
        path("secret/", secret).login_required(),
        path("posts/new/", secret).permission_required("blog.add_post"),
        path("whoami/", whoami),
        path("me/", me),
        path("me/guarded/", me).login_required(),
        path("staff/", whoami).staff_member_required(),
    ]
}

/// `user` and `perms` as templates see them.
async fn me(request: roan::HttpRequest) -> roan::Result<axum::response::Response> {
    roan::render(&request, "me.html", roan::context! {})
}

fn post_model() -> ModelState {
    ModelState {
        app: "blog".into(),
        name: "post".into(),
        table: "blog_post".into(),
        fields: vec![
            Field::new("id", FieldType::Integer)
                .primary_key()
                .auto_increment(),
        ],
        indexes: vec![],
    }
}

fn blog_migrations() -> Vec<Migration> {
    let m = post_model();
    vec![
        Migration::new("blog", "0001_initial").operations(vec![Operation::create_model(
            &m.name, &m.table, m.fields, m.indexes,
        )]),
    ]
}

fn project() -> roan::Project {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("auth-{}-{n}", std::process::id()));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("templates/me.html"),
        "{{ user }} {{ user.is_authenticated }} {{ user.is_staff }} blog={{ perms.blog.add_post }} \
         any={% if perms.blog %}yes{% else %}no{% endif %} auth={{ perms.auth.add_user }}",
    )
    .unwrap();
    std::fs::write(
        d.join("settings.toml"),
        "SECRET_KEY = \"auth-test-key\"\nDEBUG = true\n",
    )
    .unwrap();
    roan::Project::new("auth_test", d)
        .app(roan::contrib::sessions::app())
        .app(roan::contrib::messages::app())
        .app(auth::app())
        .app(
            roan::App::new("blog")
                .model_state(post_model())
                .migrations(blog_migrations),
        )
        .urls(urls)
}

async fn client_with_user(username: &str, password: &str, superuser: bool) -> Client {
    let client = Client::new(project()).await;
    let db = client.site().db().await.unwrap();
    auth::create_user(db, username, "", Some(password), superuser)
        .await
        .unwrap();
    client
}

fn session_id(client: &Client) -> Option<String> {
    client.cookie("sessionid")
}

#[tokio::test]
async fn login_with_right_and_wrong_passwords() {
    let client = client_with_user("ann", "violet-harbor-71", false).await;
    let page = client.get("/accounts/login/").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text().contains("name=\"csrfmiddlewaretoken\""),
        "{}",
        page.text()
    );
    let r = client
        .post(
            "/accounts/login/",
            &[("username", "ann"), ("password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .contains("Please enter a correct username and password")
    );
    assert_eq!(client.get("/whoami/").await.text(), "anonymous");
    let r = client
        .post(
            "/accounts/login/",
            &[
                ("username", "ann"),
                ("password", "violet-harbor-71"),
                ("next", "/secret/"),
            ],
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.header("location"), Some("/secret/"));
    assert_eq!(client.get("/whoami/").await.text(), "ann");
    // No open redirect.
    let r = client
        .post(
            "/accounts/login/",
            &[
                ("username", "ann"),
                ("password", "violet-harbor-71"),
                ("next", "//evil.test/"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some("/"));
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_kills_it() {
    let client = client_with_user("bo", "plum-tractor-sings", false).await;
    client.get("/accounts/login/").await;
    // A session that exists before login (planted or not) gets a new key at login.
    let planted = "plantedsessionkey000000000000000";
    client.set_cookie("sessionid", planted);
    client
        .post(
            "/accounts/login/",
            &[("username", "bo"), ("password", "plum-tractor-sings")],
        )
        .await;
    let key = session_id(&client).unwrap();
    assert_ne!(key, planted);
    assert_eq!(client.get("/whoami/").await.text(), "bo");
    // The planted key is not logged in.
    let attacker = Client::new(project()).await;
    attacker.set_cookie("sessionid", planted);
    assert_eq!(attacker.get("/whoami/").await.text(), "anonymous");
    // Logout: the old cookie is useless afterwards.
    let r = client.post("/accounts/logout/", &[]).await;
    assert!(r.text().contains("Logged out"), "{}", r.text());
    let replay = Client::new(project()).await;
    replay.set_cookie("sessionid", &key);
    assert_eq!(replay.get("/whoami/").await.text(), "anonymous");
}

#[tokio::test]
async fn guards_and_permissions() {
    let client = client_with_user("cy", "quiet-lantern-42", false).await;
    let r = client.get("/secret/").await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        r.header("location"),
        Some("/accounts/login/?next=%2Fsecret%2F")
    );
    client
        .post(
            "/accounts/login/",
            &[("username", "cy"), ("password", "quiet-lantern-42")],
        )
        .await;
    assert_eq!(client.get("/secret/").await.text(), "secret for cy");
    // No permission: 403.
    let r = client.get("/posts/new/").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().contains("blog.add_post"), "{}", r.text());
    // The permission through a group: 200.
    let db = client.site().db().await.unwrap();
    for sql in [
        "INSERT INTO roan_auth_group (name) VALUES ('editors')",
        "INSERT INTO roan_auth_user_groups (user_id, group_id) SELECT u.id, g.id FROM roan_auth_user u, roan_auth_group g WHERE u.username = 'cy' AND g.name = 'editors'",
        "INSERT INTO roan_auth_group_permissions (group_id, permission_id) SELECT g.id, p.id FROM roan_auth_group g, roan_auth_permission p WHERE g.name = 'editors' AND p.app_label = 'blog' AND p.codename = 'add_post'",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    assert_eq!(client.get("/posts/new/").await.status(), 200);
}

#[tokio::test]
async fn superusers_have_every_permission_and_inactive_users_none() {
    let client = client_with_user("root", "tall-window-88", true).await;
    client
        .post(
            "/accounts/login/",
            &[("username", "root"), ("password", "tall-window-88")],
        )
        .await;
    assert_eq!(client.get("/posts/new/").await.status(), 200);
    let db = client.site().db().await.unwrap();
    let user = auth::user_by_username(db, "root").await.unwrap().unwrap();
    assert!(auth::has_perm(db, &user, "blog.delete_post").await.unwrap());
    db.execute_unprepared("UPDATE roan_auth_user SET is_active = FALSE WHERE username = 'root'")
        .await
        .unwrap();
    // The logged-in session stops working, and logging in again is refused.
    assert_eq!(client.get("/whoami/").await.text(), "anonymous");
    let r = client
        .post(
            "/accounts/login/",
            &[("username", "root"), ("password", "tall-window-88")],
        )
        .await;
    assert!(
        r.text()
            .contains("Please enter a correct username and password")
    );
    let user = auth::user_by_username(db, "root").await.unwrap().unwrap();
    assert!(!auth::has_perm(db, &user, "blog.delete_post").await.unwrap());
}

#[tokio::test]
async fn a_django_hash_logs_in_and_is_upgraded() {
    let fixtures: toml::Table = include_str!("fixtures/django_hashes.toml").parse().unwrap();
    let client = Client::new(project()).await;
    let db = client.site().db().await.unwrap();
    auth::create_user(db, "dj", "", None, false).await.unwrap();
    let hash = fixtures["pbkdf2_sha256"].as_str().unwrap();
    db.execute_unprepared(&format!(
        "UPDATE roan_auth_user SET password = '{hash}' WHERE username = 'dj'"
    ))
    .await
    .unwrap();
    let r = client
        .post(
            "/accounts/login/",
            &[
                ("username", "dj"),
                ("password", fixtures["password"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(r.status(), 302, "{}", r.text());
    let user = auth::user_by_username(db, "dj").await.unwrap().unwrap();
    assert!(
        user.password.starts_with("argon2$argon2id$"),
        "{}",
        user.password
    );
    assert!(
        auth::authenticate(db, "dj", fixtures["password"].as_str().unwrap())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn password_change_keeps_the_user_logged_in() {
    let client = client_with_user("di", "amber-forest-19", false).await;
    client
        .post(
            "/accounts/login/",
            &[("username", "di"), ("password", "amber-forest-19")],
        )
        .await;
    let r = client
        .post(
            "/accounts/password_change/",
            &[
                ("old_password", "nope"),
                ("new_password1", "123"),
                ("new_password2", "124"),
            ],
        )
        .await;
    let t = r.text();
    assert!(
        t.contains("old password was entered incorrectly")
            && t.contains("didn’t match")
            && t.contains("too short"),
        "{t}"
    );
    let r = client
        .post(
            "/accounts/password_change/",
            &[
                ("old_password", "amber-forest-19"),
                ("new_password1", "silver-canyon-54"),
                ("new_password2", "silver-canyon-54"),
            ],
        )
        .await;
    assert_eq!(
        r.header("location"),
        Some("/accounts/password_change/done/")
    );
    assert_eq!(client.get("/whoami/").await.text(), "di");
    let db = client.site().db().await.unwrap();
    assert!(
        auth::authenticate(db, "di", "silver-canyon-54")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        auth::authenticate(db, "di", "amber-forest-19")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn templates_see_user_and_perms() {
    let client = client_with_user("ann", "violet-harbor-71", false).await;
    assert_eq!(
        client.get("/me/").await.text(),
        "AnonymousUser False False blog=False any=no auth=False"
    );
    let r = client
        .post(
            "/accounts/login/",
            &[("username", "ann"), ("password", "violet-harbor-71")],
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        client.get("/me/").await.text(),
        "ann True False blog=False any=no auth=False"
    );
    // The user the guard loaded is the one the template shows.
    assert_eq!(
        client.get("/me/guarded/").await.text(),
        "ann True False blog=False any=no auth=False"
    );
    // A permission given to the user shows up in perms; staff pages stay closed to non-staff.
    let db = client.site().db().await.unwrap();
    db.execute_unprepared(
        "INSERT INTO roan_auth_user_user_permissions (user_id, permission_id) \
         SELECT u.id, p.id FROM roan_auth_user u, roan_auth_permission p \
         WHERE u.username = 'ann' AND p.app_label = 'blog' AND p.codename = 'add_post'",
    )
    .await
    .unwrap();
    assert_eq!(
        client.get("/me/").await.text(),
        "ann True False blog=True any=yes auth=False"
    );
    assert_eq!(client.get("/staff/").await.status(), 403);

    let admin = client_with_user("root", "violet-harbor-71", true).await;
    admin
        .post(
            "/accounts/login/",
            &[("username", "root"), ("password", "violet-harbor-71")],
        )
        .await;
    assert_eq!(
        admin.get("/me/").await.text(),
        "root True True blog=True any=yes auth=True"
    );
    assert_eq!(admin.get("/staff/").await.text(), "root");
}
