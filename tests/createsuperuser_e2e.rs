//! createsuperuser both ways (typed at its prompts in a pseudo-terminal, and --noinput), and the
//! user it creates logs in over HTTP through the login form with its CSRF token.

mod common;

use common::*;

const GUARDED_VIEWS: &str = r#"
/// A page for logged-in users.
pub async fn secret(user: roan::contrib::auth::CurrentUser) -> String {
    format!("secret for {}", user.user().map(|u| u.username.as_str()).unwrap_or("?"))
}
"#;

fn post_form(server: &Server, path: &str, cookies: &str, body: &str) -> Response {
    http(
        server.port,
        "POST",
        path,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookies),
        ],
        body,
    )
}

#[test]
fn createsuperuser_interactive_and_noinput_then_login_over_http() {
    let dir = workdir("superuser");
    let p = new_project(&dir, "su_site");
    let out = run(&p, &["startapp", "shop"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut views = std::fs::read_to_string(p.join("src/shop/views.rs")).unwrap();
    views.push_str(GUARDED_VIEWS);
    std::fs::write(p.join("src/shop/views.rs"), views).unwrap();
    edit(
        &p.join("src/shop/urls.rs"),
        r#"path("", views::index).name("index")"#,
        r#"path("", views::index).name("index"),
        path("secret/", views::secret).login_required(),
        path("users/new/", views::secret).permission_required("auth.add_user")"#,
    );
    edit(
        &p.join("src/shop/urls.rs"),
        "use super::views;",
        "use super::views;\nuse roan::contrib::auth::RequireUser;",
    );
    let out = run(&p, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Applying auth.0001_initial... OK"),
        "{}",
        text(&out)
    );

    // --noinput: the password from the environment.
    let out = roan(&p)
        .args([
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "admin@example.com",
        ])
        .env("ROAN_SUPERUSER_PASSWORD", "violet-harbor-71")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Superuser created successfully."));
    // A duplicate username or a missing username exits 1 and creates nothing.
    let out = roan(&p)
        .args(["createsuperuser", "--noinput", "--username", "admin"])
        .env("ROAN_SUPERUSER_PASSWORD", "x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("already taken"), "{}", text(&out));
    let out = roan(&p)
        .args(["createsuperuser", "--noinput"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--username"), "{}", text(&out));

    // Interactive: the username defaults to the OS user; a weak password is refused once, then
    // a mismatch, then a good one.
    let (code, output) = run_in_pty(
        &p,
        &["createsuperuser"],
        &[
            ("Username", "\r"),
            ("Email address", "os@example.com\r"),
            ("Password", "123\r"),
            ("Password (again)", "123\r"),
            ("Bypass password validation", "n"),
            ("Password", "plum-tractor-sings\r"),
            ("Password (again)", "plum-tractor-sing\r"),
            ("Password", "plum-tractor-sings\r"),
            ("Password (again)", "plum-tractor-sings\r"),
        ],
        &[("USER", "osuser")],
    );
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("This password is too short"), "{output}");
    assert!(output.contains("Your passwords didn't match."), "{output}");
    assert!(
        output.contains("Superuser created successfully."),
        "{output}"
    );

    // Both log in over HTTP.
    let server = Server::start(&p, &["--noreload"], &[]);
    for (user, password) in [
        ("admin", "violet-harbor-71"),
        ("osuser", "plum-tractor-sings"),
    ] {
        let r = login_over_http(&server, user, password);
        assert_eq!(r.status, 302, "{user}: {}", r.body);
        assert_eq!(r.header("location"), Some("/"));
        let cookie = r
            .headers
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("sessionid="))
            .map(|(_, v)| v.clone())
            .expect("a session cookie");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
    }
    let r = login_over_http(&server, "admin", "wrong-password");
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("Please enter a correct username and password")
    );
    // Without the CSRF token the login form is refused.
    let r = http(
        server.port,
        "POST",
        "/accounts/login/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "username=admin&password=violet-harbor-71",
    );
    assert_eq!(r.status, 403);

    // The auth checks over HTTP: guard, next=, new session id at login, planted ids, logout,
    // permissions directly, through a group, superuser, inactive.
    let r = server.get("/shop/secret/");
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some("/accounts/login/?next=%2Fshop%2Fsecret%2F")
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db_url = format!("sqlite://{}/db.sqlite3?mode=rwc", p.display());
    let db = rt.block_on(sea_orm::Database::connect(&db_url)).unwrap();
    rt.block_on(roan::contrib::auth::create_user(
        &db,
        "ed",
        "",
        Some("quiet-lantern-42"),
        false,
    ))
    .unwrap();
    let (csrf_cookie, token) = login_form_csrf(&server);
    let planted = "sessionid=plantedsessionkey000000000000000";
    let r = post_form(
        &server,
        "/accounts/login/",
        &format!("{csrf_cookie}; {planted}"),
        &format!(
            "csrfmiddlewaretoken={token}&username=ed&password=quiet-lantern-42&next=%2Fshop%2Fsecret%2F"
        ),
    );
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(r.header("location"), Some("/shop/secret/"));
    let session = set_cookie(&r, "sessionid").expect("a new session");
    assert_ne!(session, planted, "login gives a new session id");
    let cookies = format!("{csrf_cookie}; {session}");
    assert_eq!(
        server
            .get_with("/shop/secret/", &[("Cookie", &cookies)])
            .body,
        "secret for ed"
    );
    assert_eq!(
        server
            .get_with("/shop/secret/", &[("Cookie", planted)])
            .status,
        302,
        "the planted id is not logged in"
    );
    // No permission, then the permission through a group.
    assert_eq!(
        server
            .get_with("/shop/users/new/", &[("Cookie", &cookies)])
            .status,
        403
    );
    for sql in [
        "INSERT INTO roan_auth_group (name) VALUES ('staff')",
        "INSERT INTO roan_auth_user_groups (user_id, group_id) SELECT u.id, g.id FROM roan_auth_user u, roan_auth_group g WHERE u.username = 'ed' AND g.name = 'staff'",
        "INSERT INTO roan_auth_group_permissions (group_id, permission_id) SELECT g.id, p.id FROM roan_auth_group g, roan_auth_permission p WHERE g.name = 'staff' AND p.app_label = 'auth' AND p.codename = 'add_user'",
    ] {
        use sea_orm::ConnectionTrait;
        rt.block_on(db.execute_unprepared(sql)).unwrap();
    }
    assert_eq!(
        server
            .get_with("/shop/users/new/", &[("Cookie", &cookies)])
            .status,
        200
    );
    // CSRF over HTTP: a wrong token is refused; the token in the X-CSRFToken header is accepted.
    let wrong = "A".repeat(64);
    let r = post_form(
        &server,
        "/accounts/logout/",
        &cookies,
        &format!("csrfmiddlewaretoken={wrong}"),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        server
            .get_with("/shop/secret/", &[("Cookie", &cookies)])
            .status,
        200,
        "still logged in"
    );
    // Logout (a POST with the token in the header): the old session cookie no longer logs in.
    let r = http(
        server.port,
        "POST",
        "/accounts/logout/",
        &[("Cookie", &cookies), ("X-CSRFToken", &token)],
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Logged out"));
    assert_eq!(
        server
            .get_with("/shop/secret/", &[("Cookie", &cookies)])
            .status,
        302
    );
    // The superuser reaches the permission page; an inactive user cannot log in.
    let r = login_over_http(&server, "admin", "violet-harbor-71");
    let admin = format!("{csrf_cookie}; {}", set_cookie(&r, "sessionid").unwrap());
    assert_eq!(
        server
            .get_with("/shop/users/new/", &[("Cookie", &admin)])
            .status,
        200
    );
    {
        use sea_orm::ConnectionTrait;
        rt.block_on(
            db.execute_unprepared("UPDATE roan_auth_user SET is_active = 0 WHERE username = 'ed'"),
        )
        .unwrap();
    }
    let r = login_over_http(&server, "ed", "quiet-lantern-42");
    assert_eq!(r.status, 200, "an inactive user is refused");

    // changepassword: typed twice at its prompts; the new password logs in, the old one not.
    let (code, output) = run_in_pty(
        &p,
        &["changepassword", "admin"],
        &[
            ("Password", "silver-canyon-54\r"),
            ("Password (again)", "silver-canyon-54\r"),
        ],
        &[("USER", "osuser")],
    );
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains("Password changed successfully for user 'admin'"),
        "{output}"
    );
    assert_eq!(
        login_over_http(&server, "admin", "silver-canyon-54").status,
        302
    );
    assert_eq!(
        login_over_http(&server, "admin", "violet-harbor-71").status,
        200
    );
    let out = roan(&p)
        .args(["changepassword", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("does not exist"), "{}", text(&out));
}
