//! The test client: calls a project's URLs in-process, as Django's `django.test.Client`.
//!
//! Each client gets a fresh in-memory SQLite database with every migration applied, so tests do
//! not see each other's rows or the development database.
//!
//! ```no_run
//! # fn project() -> roan::Project { roan::Project::new("mysite", ".") }
//! #[tokio::test]
//! async fn home_page() {
//!     let client = roan::test::Client::new(project()).await;
//!     let response = client.get("/").await;
//!     assert_eq!(response.status(), 200);
//!     assert!(response.text().contains("Welcome"));
//! }
//! ```

use crate::apps::Project;
use crate::conf::{DatabaseSettings, Settings};
use crate::site::Site;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use std::collections::BTreeMap;
use std::sync::Mutex;
use tower::ServiceExt;

/// An in-process HTTP client for a project, with a cookie jar.
pub struct Client {
    site: Site,
    service: crate::site::SiteService,
    cookies: Mutex<BTreeMap<String, String>>,
    follow: bool,
    enforce_csrf: bool,
}

/// A response seen by the test client.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    redirect_chain: Vec<(String, StatusCode)>,
    rendered: Option<crate::http::shortcuts::RenderedTemplate>,
}

impl TestResponse {
    /// The status code; compares with numbers: `assert_eq!(r.status(), 200)`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A header value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }

    /// The redirects followed to get here: (location, status).
    pub fn redirect_chain(&self) -> &[(String, StatusCode)] {
        &self.redirect_chain
    }

    /// The context the view rendered its template with (Django's `response.context`):
    /// `r.context().unwrap().get_attr("latest_question_list")`. `None` when the view did not
    /// call `render`.
    pub fn context(&self) -> Option<&crate::template::Value> {
        self.rendered.as_ref().map(|r| &r.context)
    }

    /// The template the view rendered (`"polls/index.html"`).
    pub fn template_name(&self) -> Option<&str> {
        self.rendered.as_ref().map(|r| r.name.as_str())
    }

    /// Django's `assertContains(response, text)`: status 200 and `text` in the body.
    ///
    /// # Panics
    /// When either fails, with the status and the body.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &TestResponse {
        self.assert_contains_with_status(text, 200)
    }

    /// `assertContains(response, text, status_code=status)`.
    #[track_caller]
    pub fn assert_contains_with_status(&self, text: &str, status: u16) -> &TestResponse {
        let body = self.text();
        assert_eq!(
            self.status.as_u16(),
            status,
            "Couldn't retrieve content: Response code was {} (expected {status})\n{body}",
            self.status.as_u16()
        );
        assert!(
            body.contains(text),
            "Couldn't find '{text}' in the following response\n{body}"
        );
        self
    }

    /// Django's `assertNotContains(response, text)`: status 200 and `text` not in the body.
    #[track_caller]
    pub fn assert_not_contains(&self, text: &str) -> &TestResponse {
        let body = self.text();
        assert_eq!(self.status.as_u16(), 200, "{body}");
        assert!(
            !body.contains(text),
            "Response should not contain '{text}'\n{body}"
        );
        self
    }

    /// Django's `assertRedirects(response, expected_url, fetch_redirect_response=False)`: a
    /// 302 whose Location is `expected_url`.
    #[track_caller]
    pub fn assert_redirects(&self, expected_url: &str) -> &TestResponse {
        assert_eq!(
            self.status.as_u16(),
            302,
            "Response didn't redirect as expected: Response code was {} (expected 302)",
            self.status.as_u16()
        );
        assert_eq!(
            self.header("location"),
            Some(expected_url),
            "Response redirected to '{}', expected '{expected_url}'",
            self.header("location").unwrap_or("")
        );
        self
    }
}

impl Client {
    /// A client for `project`, with its settings and a fresh in-memory database.
    ///
    /// # Panics
    /// When the settings or the URL configuration are invalid: a test cannot run without them,
    /// and the panic message says what is wrong.
    pub async fn new(project: Project) -> Client {
        Client::with_settings(project, |_| {}).await
    }

    /// A client whose settings are adjusted first, e.g. `|s| s.debug = false`.
    pub async fn with_settings(project: Project, adjust: impl FnOnce(&mut Settings)) -> Client {
        match Client::try_with_settings(project, adjust).await {
            Ok(c) => c,
            Err(e) => panic!("roan test client: {e}"),
        }
    }

    /// As [`Client::with_settings`], returning the error instead of panicking.
    pub async fn try_with_settings(
        project: Project,
        adjust: impl FnOnce(&mut Settings),
    ) -> Result<Client, crate::Error> {
        let mut settings = project.load_settings()?;
        let test_db = DatabaseSettings::from_url("sqlite::memory:")
            .map_err(|e| crate::Error::Other(e.into()))?;
        settings.databases.insert("default".into(), test_db);
        // As Django's test runner: the client's host is always allowed.
        settings.allowed_hosts.push("testserver".into());
        adjust(&mut settings);
        let site = Site::new(&project, settings).map_err(crate::Error::other)?;
        // As Django's test runner: the test database gets every migration, then the apps'
        // post_migrate steps.
        let graph = crate::migrations::load_graph(&project).map_err(crate::Error::other)?;
        if !graph.ordered().is_empty() {
            let db = site.db().await?;
            crate::migrations::executor::migrate(
                db,
                &project,
                &graph,
                &crate::migrations::executor::MigrateTarget::All,
                Default::default(),
                |_| {},
            )
            .await
            .map_err(crate::Error::other)?;
        }
        crate::http::shortcuts::RECORD_CONTEXT.store(true, std::sync::atomic::Ordering::Relaxed);
        let service = site.service();
        Ok(Client {
            site,
            service,
            cookies: Mutex::new(BTreeMap::new()),
            follow: false,
            enforce_csrf: false,
        })
    }

    /// Follow redirects (3xx with a Location) automatically.
    pub fn follow_redirects(mut self, follow: bool) -> Client {
        self.follow = follow;
        self
    }

    /// Enforce the CSRF check (skipped by default, as Django's test client does).
    pub fn enforce_csrf_checks(mut self, enforce: bool) -> Client {
        self.enforce_csrf = enforce;
        self
    }

    /// POST form data with extra headers (e.g. `X-CSRFToken`, `Origin`).
    pub async fn post_with_headers(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(form).unwrap_or_default();
        self.send_once_with(Method::POST, path, Some(Payload::form(body)), headers)
            .await
    }

    /// A cookie from the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .lock()
            .ok()
            .and_then(|jar| jar.get(name).cloned())
    }

    /// The site under test (settings, templates, database).
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Reverses a route name.
    ///
    /// # Panics
    /// When the name cannot be reversed (the message says why).
    pub fn reverse(&self, name: &str, kwargs: &[(&str, &str)]) -> String {
        let kwargs: Vec<(&str, String)> = kwargs.iter().map(|(k, v)| (*k, v.to_string())).collect();
        match self.site.resolver().reverse(name, &[], &kwargs) {
            Ok(url) => url,
            Err(e) => panic!("{e}"),
        }
    }

    /// GET a path (with an optional query string).
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None).await
    }

    /// POST form data, URL-encoded.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(form).unwrap_or_default();
        self.request(Method::POST, path, Some(body)).await
    }

    /// POST a `multipart/form-data` body, as a form with file inputs sends: text fields, then
    /// files as (field name, file name, content).
    ///
    /// ```no_run
    /// # async fn t(client: roan::test::Client) {
    /// let r = client
    ///     .post_multipart("/upload/", &[("title", "Notes")], &[("file", "a.txt", b"hello")])
    ///     .await;
    /// # }
    /// ```
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        const BOUNDARY: &str = "roan-test-client-boundary-5c1f0e";
        let mut bytes = Vec::new();
        for (name, value) in fields {
            bytes.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, filename, content) in files {
            bytes.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            bytes.extend_from_slice(content);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let payload = Payload {
            content_type: format!("multipart/form-data; boundary={BOUNDARY}"),
            bytes,
        };
        self.request_with(Method::POST, path, Some(payload)).await
    }

    /// Sends a request with an optional form body, following redirects when asked.
    pub async fn request(&self, method: Method, path: &str, form: Option<String>) -> TestResponse {
        self.request_with(method, path, form.map(Payload::form))
            .await
    }

    async fn request_with(
        &self,
        method: Method,
        path: &str,
        payload: Option<Payload>,
    ) -> TestResponse {
        let mut chain = Vec::new();
        let mut method = method;
        let mut path = path.to_string();
        let mut payload = payload;
        loop {
            let mut response = self
                .send_once_with(method.clone(), &path, payload.clone(), &[])
                .await;
            let location = response.header("location").map(str::to_string);
            if self.follow
                && response.status.is_redirection()
                && chain.len() < 20
                && let Some(location) = location
            {
                chain.push((location.clone(), response.status));
                if !matches!(
                    response.status,
                    StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
                ) {
                    method = Method::GET;
                    payload = None;
                }
                path = location;
                continue;
            }
            response.redirect_chain = chain;
            return response;
        }
    }

    async fn send_once_with(
        &self,
        method: Method,
        path: &str,
        payload: Option<Payload>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "testserver");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        if !self.enforce_csrf {
            builder = builder.extension(crate::middleware::csrf::SkipCsrfCheck);
        }
        let cookie = self.cookie_header();
        if !cookie.is_empty() {
            builder = builder.header(header::COOKIE, cookie);
        }
        let body = match payload {
            Some(p) => {
                builder = builder.header(header::CONTENT_TYPE, p.content_type);
                Body::from(p.bytes)
            }
            None => Body::empty(),
        };
        let request = match builder.body(body) {
            Ok(r) => r,
            Err(e) => panic!("roan test client: invalid request for {path:?}: {e}"),
        };
        let response = match self.service.clone().oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let status = response.status();
        let rendered = response
            .extensions()
            .get::<crate::http::shortcuts::RenderedTemplate>()
            .cloned();
        let headers = response.headers().clone();
        self.store_cookies(headers.get_all(header::SET_COOKIE).iter());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default();
        TestResponse {
            status,
            headers,
            body,
            redirect_chain: Vec::new(),
            rendered,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .map(|jar| {
                jar.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    fn store_cookies<'a>(&self, values: impl Iterator<Item = &'a HeaderValue>) {
        let Ok(mut jar) = self.cookies.lock() else {
            return;
        };
        for v in values {
            let Ok(text) = v.to_str() else { continue };
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let expired = parts.any(|a| {
                let a = a.trim().to_ascii_lowercase();
                a == "max-age=0" || a.starts_with("max-age=-")
            });
            if expired || value.is_empty() {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }

    /// Sets a cookie for the following requests.
    pub fn set_cookie(&self, name: &str, value: &str) {
        if let Ok(mut jar) = self.cookies.lock() {
            jar.insert(name.to_string(), value.to_string());
        }
    }
}

/// A request body and its content type.
#[derive(Clone)]
struct Payload {
    content_type: String,
    bytes: Vec<u8>,
}

impl Payload {
    fn form(body: String) -> Payload {
        Payload {
            content_type: "application/x-www-form-urlencoded".into(),
            bytes: body.into_bytes(),
        }
    }
}
