//! Two server processes of one project on one PostgreSQL database share sessions: a login
//! through one works on the other.

mod common;

use common::*;

const VIEW: &str = r#"
/// A page for logged-in users, with when they joined and last logged in (timestamp columns on
/// PostgreSQL, read into the model's text).
pub async fn secret(user: roan::contrib::auth::CurrentUser) -> String {
    match user.user() {
        Some(u) => format!(
            "secret for {}\njoined {}\nlast login {}",
            u.username,
            u.date_joined,
            u.last_login.as_deref().unwrap_or("never")
        ),
        None => "secret for ?".to_string(),
    }
}

/// Counts visits in the session.
pub async fn count(session: roan::contrib::sessions::Session) -> roan::Result<String> {
    let n: i64 = session.get("n").await?.unwrap_or(0) + 1;
    session.insert("n", n).await?;
    Ok(format!("visit {n}"))
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_on_one_postgresql_share_sessions() {
    let Some(url) = fresh_database(
        "PostgreSQL",
        &postgres_url(),
        &format!("roan_sessions_{}", std::process::id()),
    )
    .await
    else {
        return;
    };
    let dir = workdir("sessions");
    let p = new_project(&dir, "sessions_site");
    let out = run(&p, &["startapp", "shop"]);
    assert!(out.status.success(), "{}", text(&out));
    let views = p.join("src/shop/views.rs");
    let mut v = std::fs::read_to_string(&views).unwrap();
    v.push_str(VIEW);
    std::fs::write(&views, v).unwrap();
    edit(
        &p.join("src/shop/urls.rs"),
        r#"path("", views::index).name("index")"#,
        r#"path("", views::index).name("index"), path("count/", views::count),
        path("secret/", views::secret).login_required()"#,
    );
    edit(
        &p.join("src/shop/urls.rs"),
        "use super::views;",
        "use super::views;\nuse roan::contrib::auth::RequireUser;",
    );
    let out = roan(&p)
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Applying sessions.0001_initial... OK"),
        "{}",
        text(&out)
    );

    let env = [("DATABASE_URL", url.as_str())];
    let a = Server::start(&p, &["--noreload"], &env);
    let b = Server::start(&p, &["--noreload"], &env);
    // Log in through one process; the session works on the other.
    let out = roan(&p)
        .args(["createsuperuser", "--noinput", "--username", "admin"])
        .env("DATABASE_URL", &url)
        .env("ROAN_SUPERUSER_PASSWORD", "violet-harbor-71")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let (csrf, token) = login_form_csrf(&a);
    let login = http(
        a.port,
        "POST",
        "/accounts/login/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &csrf),
        ],
        &format!("csrfmiddlewaretoken={token}&username=admin&password=violet-harbor-71"),
    );
    assert_eq!(login.status, 302, "{}", login.body);
    let logged_in = set_cookie(&login, "sessionid").expect("a session cookie");
    let whoami = b.get_with("/shop/secret/", &[("Cookie", &logged_in)]);
    let lines: Vec<&str> = whoami.body.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("secret for admin"),
        "logged in on the other process: {}",
        b.log_text()
    );
    // The user's timestamps read as Django shows them: `YYYY-MM-DD HH:MM:SS`; the login set
    // last_login.
    for (line, label) in lines[1..].iter().zip(["joined ", "last login "]) {
        let moment = line.strip_prefix(label).unwrap_or_default();
        let shape: String = moment
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99 99:99:99", "{label}in {:?}", whoami.body);
    }
    assert_eq!(lines.len(), 3, "{:?}", whoami.body);

    let first = a.get("/shop/count/");
    assert_eq!(first.body, "visit 1", "{}", a.log_text());
    let cookie = set_cookie(&first, "sessionid").expect("a session cookie");
    let second = b.get_with("/shop/count/", &[("Cookie", &cookie)]);
    assert_eq!(
        second.body,
        "visit 2",
        "the other process sees the session: {}",
        b.log_text()
    );
    let third = a.get_with("/shop/count/", &[("Cookie", &cookie)]);
    assert_eq!(third.body, "visit 3");
    // clearsessions runs against the same database.
    let out = roan(&p)
        .args(["clearsessions"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Deleted 0 expired sessions."),
        "{}",
        text(&out)
    );
}
