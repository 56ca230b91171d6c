//! createsuperuser both ways (typed at its prompts in a pseudo-terminal, and --noinput), and the
//! user it creates logs in over HTTP through the login form with its CSRF token.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn pty(p: &Path, args: &[&str], answers: &[(&str, &str)]) -> (i32, String) {
    let pairs: Vec<Vec<&str>> = answers.iter().map(|(q, a)| vec![*q, *a]).collect();
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/pty_run.py"
        ))
        .arg(serde_json::to_string(&pairs).unwrap())
        .arg(env!("CARGO_BIN_EXE_roan"))
        .args(args)
        .current_dir(p)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("USER", "osuser")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), text(&out))
}

fn login_over_http(server: &Server, username: &str, password: &str) -> Response {
    let page = server.get("/accounts/login/");
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf_cookie = page
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("csrftoken="))
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .expect("a csrftoken cookie");
    let start = page
        .body
        .find("name=\"csrfmiddlewaretoken\" value=\"")
        .unwrap()
        + 34;
    let token = &page.body[start..start + 64];
    let body =
        format!("csrfmiddlewaretoken={token}&username={username}&password={password}&next=%2F");
    http(
        server.port,
        "POST",
        "/accounts/login/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &csrf_cookie),
        ],
        &body,
    )
}

#[test]
fn createsuperuser_interactive_and_noinput_then_login_over_http() {
    let dir = workdir("superuser");
    let p = new_project(&dir, "su_site");
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
    let (code, output) = pty(
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
}
