//! Helpers for the end-to-end tests: run the `roan` binary, build generated projects in one
//! shared target directory, start servers on free ports and talk HTTP to them.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One build directory (cargo's `build.build-dir`) for every project the tests generate, so
/// dependencies compile once; each project's binary lands in its own `target/`, as for users.
pub fn shared_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-target")
}

/// A fresh, empty directory for one test.
pub fn workdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-work")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create work dir");
    dir
}

/// The `roan` binary, with the shared target directory.
pub fn roan(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roan"));
    cmd.current_dir(cwd)
        .env("CARGO_BUILD_BUILD_DIR", shared_target())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("DEBUG")
        .env_remove("SECRET_KEY")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `cmd` with `input` on its stdin and returns its output.
pub fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the command");
    child
        .stdin
        .take()
        .expect("a piped stdin")
        .write_all(input)
        .expect("write the input");
    child.wait_with_output().expect("wait for the command")
}

/// Runs `roan ARGS` in `cwd` and returns its output.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    roan(cwd).args(args).output().expect("run roan")
}

/// Creates a project with `startproject`, asserting success.
pub fn new_project(dir: &Path, name: &str) -> PathBuf {
    let out = run(dir, &["startproject", name]);
    assert!(out.status.success(), "startproject failed: {}", text(&out));
    dir.join(name)
}

/// stdout and stderr together.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A server process, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Server {
    /// `roan runserver 127.0.0.1:PORT [extra]` in `project`, waiting until it answers.
    pub fn start(project: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let log = project.join(format!("server-{port}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let mut cmd = roan(project);
        cmd.arg("runserver")
            .arg(format!("127.0.0.1:{port}"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log"))
            .stderr(file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start roan runserver");
        let mut server = Server { child, port, log };
        server.wait_ready(Duration::from_secs(900));
        server
    }

    fn wait_ready(&mut self, timeout: Duration) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "server exited ({status}) before answering:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "server did not answer within {timeout:?}:\n{}",
            self.log_text()
        );
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> Response {
        http(self.port, "GET", path, &[], "")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        http(self.port, "GET", path, headers, "")
    }

    /// SIGTERM, then SIGKILL after 15 s; returns the exit status when it stopped by itself.
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `Connection: close`; `path` is sent as given (raw bytes allowed).
pub fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
    http_raw(
        port,
        format!("{method} {path} HTTP/1.1").as_bytes(),
        headers,
        body,
    )
}

/// As [`http`], with the request line given as raw bytes.
pub fn http_raw(port: u16, request_line: &[u8], headers: &[(&str, &str)], body: &str) -> Response {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        // Not listening (e.g. while a server restarts): status 0.
        return Response {
            status: 0,
            headers: Vec::new(),
            body: String::new(),
        };
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut req = request_line.to_vec();
    req.extend_from_slice(b"\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.extend_from_slice(b"Host: 127.0.0.1\r\n");
    }
    for (k, v) in headers {
        req.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    if !body.is_empty() {
        req.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body.as_bytes());
    // A server may answer (413) and close before reading a large body: keep what it said.
    let _ = stream.write_all(&req);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn eventually(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    false
}

/// Replaces `from` with `to` in a file, asserting `from` was there.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read file to edit");
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).expect("write edited file");
}

/// Every file under `dir` with its bytes, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            let bytes = if p.is_file() {
                std::fs::read(&p).unwrap_or_default()
            } else {
                Vec::new()
            };
            out.push((p, bytes));
        }
    }
    out.sort();
    out
}

/// The PostgreSQL server the backend tests use (ROAN_TEST_POSTGRES_URL).
pub fn postgres_url() -> String {
    std::env::var("ROAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The MariaDB/MySQL server the backend tests use (ROAN_TEST_MYSQL_URL).
pub fn mysql_url() -> String {
    std::env::var("ROAN_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// Creates (or re-creates) database `name` on the server at `admin` and returns its URL.
/// When the server cannot be reached: a panic under CI (CI set), else `None` with the reason
/// printed, so the test skips.
pub async fn fresh_database(kind: &str, admin: &str, name: &str) -> Option<String> {
    use sea_orm::ConnectionTrait;
    let db = match sea_orm::Database::connect(admin).await {
        Ok(db) => db,
        Err(e) => {
            let reason = format!("{kind} at {admin} cannot be reached: {e}");
            if std::env::var_os("CI").is_some() {
                panic!("{reason} (CI requires every backend)");
            }
            eprintln!("SKIPPED {kind}: {reason}");
            return None;
        }
    };
    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop the test database");
    db.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

/// Runs `roan ARGS` in `cwd` inside a pseudo-terminal, typing each answer when its prompt
/// appears (tests/support/pty_run.py); returns the exit code and everything printed.
pub fn run_in_pty(
    cwd: &Path,
    args: &[&str],
    answers: &[(&str, &str)],
    env: &[(&str, &str)],
) -> (i32, String) {
    let pairs: Vec<Vec<&str>> = answers.iter().map(|(q, a)| vec![*q, *a]).collect();
    let mut cmd = Command::new("python3");
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/pty_run.py"
    ))
    .arg(serde_json::to_string(&pairs).expect("answers as JSON"))
    .arg(env!("CARGO_BIN_EXE_roan"))
    .args(args)
    .current_dir(cwd)
    .env("CARGO_BUILD_BUILD_DIR", shared_target())
    .env_remove("CARGO_TARGET_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run python3 pty_run.py");
    (out.status.code().unwrap_or(-1), text(&out))
}

/// The `name=value` part of a Set-Cookie header of the response.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.split(';').next().unwrap_or("").to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// The csrftoken cookie and a form token, from the login page.
pub fn login_form_csrf(server: &Server) -> (String, String) {
    let page = server.get("/accounts/login/");
    assert_eq!(page.status, 200, "{}", page.body);
    let cookie = set_cookie(&page, "csrftoken").expect("a csrftoken cookie");
    let marker = "name=\"csrfmiddlewaretoken\" value=\"";
    let start = page.body.find(marker).expect("a token in the login form") + marker.len();
    (cookie, page.body[start..start + 64].to_string())
}

/// Logs in through the login form (with its CSRF token); `next` is `/`.
pub fn login_over_http(server: &Server, username: &str, password: &str) -> Response {
    let (csrf_cookie, token) = login_form_csrf(server);
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
