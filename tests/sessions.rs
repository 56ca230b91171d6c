//! Database sessions through the request pipeline: saved only when modified, cookie flags,
//! flush, key cycling, planted keys, expiry at browser close, and sharing across sites.

use axum::response::IntoResponse;
use roan::contrib::sessions::{self, Session};
use roan::test::Client;
use roan::urls::{Pattern, path};
use std::path::PathBuf;

async fn count(session: Session) -> roan::Result<String> {
    let n: i64 = session.get("n").await?.unwrap_or(0) + 1;
    session.insert("n", n).await?;
    Ok(n.to_string())
}

async fn peek(session: Session) -> roan::Result<String> {
    let n: Option<i64> = session.get("n").await?;
    Ok(format!("{n:?}"))
}

async fn untouched() -> &'static str {
    "no session used"
}

async fn logout(session: Session) -> roan::Result<&'static str> {
    session.flush().await?;
    Ok("flushed")
}

async fn login(session: Session) -> roan::Result<axum::response::Response> {
    session.cycle_key().await?;
    session.insert("user", "ann").await?;
    Ok("cycled".into_response())
}

fn urls() -> Vec<Pattern> {
    vec![
        path("count/", count),
        path("peek/", peek),
        path("plain/", untouched),
        path("logout/", logout),
        path("login/", login),
    ]
}

fn project(extra: &str) -> roan::Project {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sessions-{}-{n}", std::process::id()));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("settings.toml"),
        format!("SECRET_KEY = \"k\"\nDEBUG = true\n{extra}"),
    )
    .unwrap();
    roan::Project::new("sessions_test", d)
        .app(sessions::app())
        .urls(urls)
}

fn session_cookie(r: &roan::test::TestResponse) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sessionid="))
        .map(str::to_string)
}

#[tokio::test]
async fn a_session_lives_across_requests_with_safe_cookie_flags() {
    let client = Client::new(project("")).await;
    let r = client.get("/plain/").await;
    assert_eq!(
        session_cookie(&r),
        None,
        "no cookie when the session is not used"
    );
    let r = client.get("/count/").await;
    assert_eq!(r.text(), "1");
    let cookie = session_cookie(&r).expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Max-Age=1209600") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(client.get("/count/").await.text(), "2");
    assert_eq!(client.get("/peek/").await.text(), "Some(2)");
    let r = client.get("/peek/").await;
    assert_eq!(session_cookie(&r), None, "reading does not save");
}

#[tokio::test]
async fn flush_ends_the_session_and_the_old_cookie_is_useless() {
    let client = Client::new(project("")).await;
    let r = client.get("/count/").await;
    let old = session_cookie(&r).unwrap();
    let old_key = old
        .trim_start_matches("sessionid=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let r = client.get("/logout/").await;
    assert!(session_cookie(&r).unwrap().contains("Max-Age=0"));
    assert_eq!(client.get("/peek/").await.text(), "None");
    // Replaying the old cookie finds nothing.
    let replay = Client::new(project("")).await;
    replay.set_cookie("sessionid", &old_key);
    assert_eq!(replay.get("/peek/").await.text(), "None");
}

#[tokio::test]
async fn cycling_the_key_keeps_data_and_refuses_planted_keys() {
    let client = Client::new(project("")).await;
    client.get("/count/").await;
    let before = session_cookie(&client.get("/count/").await).unwrap();
    let after = session_cookie(&client.get("/login/").await).unwrap();
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "login gets a new key"
    );
    assert_eq!(client.get("/peek/").await.text(), "Some(2)");
    // A key planted by someone else is not adopted: the saved session gets a fresh key.
    let victim = Client::new(project("")).await;
    victim.set_cookie("sessionid", "plantedbyattacker0000000000000000");
    let r = victim.get("/count/").await;
    let cookie = session_cookie(&r).unwrap();
    assert!(!cookie.contains("plantedbyattacker"), "{cookie}");
}

#[tokio::test]
async fn cookie_settings_apply() {
    let client = Client::new(project(
        "SESSION_COOKIE_SECURE = true\nSESSION_EXPIRE_AT_BROWSER_CLOSE = true\nSESSION_COOKIE_NAME = \"sid\"\n",
    ))
    .await;
    let r = client.get("/count/").await;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sid="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("Secure") && !cookie.contains("Max-Age"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_test_database_is_migrated() {
    let client = Client::new(project("")).await;
    use sea_orm::ConnectionTrait;
    let db = client.site().db().await.unwrap();
    db.execute_unprepared("SELECT session_key, session_data, expire_date FROM roan_session")
        .await
        .expect("the sessions table exists in the test database");
}

async fn flash(messages: roan::contrib::messages::Messages) -> axum::response::Response {
    messages.success("Saved.");
    messages.error("But <this> failed.");
    roan::redirect_to("/show/")
}

/// Forty messages: more than the 2 KB cookie holds.
async fn flood(messages: roan::contrib::messages::Messages) -> axum::response::Response {
    for i in 0..40 {
        messages.info(format!(
            "Message {i:02} with enough words to make the cookie overflow."
        ));
    }
    roan::redirect_to("/show/")
}

async fn show(request: roan::HttpRequest) -> roan::Result<axum::response::Response> {
    roan::render(&request, "messages.html", roan::context! {})
}

fn message_project() -> roan::Project {
    let p = project("");
    std::fs::write(
        p.base_dir().join("templates/messages.html"),
        "{% for m in messages %}[{{ m.level }}: {{ m.message }}]{% endfor %}",
    )
    .unwrap();
    p.app(roan::contrib::messages::app()).urls(|| {
        let mut u = urls();
        u.push(path("flash/", flash));
        u.push(path("flood/", flood));
        u.push(path("show/", show));
        u
    })
}

#[tokio::test]
async fn flash_messages_show_once() {
    let client = Client::new(message_project()).await;
    // Added, kept across a page that does not show them, shown once, then gone.
    let r = client.get("/flash/").await;
    assert_eq!(r.status(), 302);
    assert_eq!(client.get("/plain/").await.text(), "no session used");
    let shown = client.get("/show/").await.text();
    assert_eq!(shown, "[success: Saved.][error: But &lt;this&gt; failed.]");
    assert_eq!(client.get("/show/").await.text(), "");
}

#[tokio::test]
async fn messages_wait_in_a_signed_cookie_and_cost_no_query() {
    let client = Client::new(message_project()).await;
    client.get("/flash/").await;
    let cookie = client
        .cookie("messages")
        .expect("the messages cookie is set");
    assert!(cookie.contains(':'), "payload:signature, got {cookie}");
    // A logged-in browser (a session cookie) on a page that shows no messages: nothing is read
    // from the session table, so dropping it changes nothing.
    client.get("/count/").await;
    assert!(client.cookie("sessionid").is_some());
    use sea_orm::ConnectionTrait;
    let db = client.site().db().await.unwrap();
    db.execute_unprepared("DROP TABLE roan_session")
        .await
        .unwrap();
    let r = client.get("/plain/").await;
    assert_eq!(r.status(), 200, "{}", r.text());
    assert_eq!(
        client.get("/show/").await.text(),
        "[success: Saved.][error: But &lt;this&gt; failed.]"
    );
    assert_eq!(client.cookie("messages"), None, "deleted once shown");
}

#[tokio::test]
async fn messages_too_many_for_the_cookie_wait_in_the_session() {
    let client = Client::new(message_project()).await;
    client.get("/count/").await;
    assert_eq!(client.get("/flood/").await.status(), 302);
    let cookie = client
        .cookie("messages")
        .expect("the cookie says where they are");
    assert!(cookie.len() < 200, "only a marker in the cookie: {cookie}");
    let shown = client.get("/show/").await.text();
    assert_eq!(shown.matches("[info: Message").count(), 40, "{shown}");
    assert!(shown.starts_with("[info: Message 00 "), "in order: {shown}");
    assert_eq!(client.get("/show/").await.text(), "");
    assert_eq!(client.cookie("messages"), None);
}

#[tokio::test]
async fn a_forged_messages_cookie_is_ignored_and_deleted() {
    let client = Client::new(message_project()).await;
    client.get("/flash/").await;
    let real = client.cookie("messages").unwrap();
    let (_, signature) = real.split_once(':').unwrap();
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"[{"level":"error","message":"<script>forged</script>"}]"#);
    client.set_cookie("messages", &format!("{forged}:{signature}"));
    assert_eq!(client.get("/show/").await.text(), "");
    assert_eq!(client.cookie("messages"), None);
}
