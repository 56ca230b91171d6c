//! The request dispatcher: resolve the path, call the view, turn errors into pages.

use super::Site;
use super::error_pages::{self, RequestInfo};
use crate::http::ErrorReport;
use crate::middleware::csrf;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

pub(super) fn router(site: Site) -> axum::Router {
    let settings = site.settings_arc();
    let routes = axum::Router::new().fallback(dispatch).with_state(site);
    crate::files::serve_media(routes, &settings)
}

/// The dispatcher as a plain tower service, for a stack that needs no router in front of it
/// (no `MEDIA_URL` served): what [`router`] does without the router's own work.
pub(super) fn service(
    site: Site,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<Response, std::convert::Infallible>> + Send,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |request: Request| {
        let site = site.clone();
        async move { Ok(dispatch(State(site), request).await) }
    })
}

/// A resolved route's view as a tower service, for the panic guard around it.
struct RouteView<'a>(&'a crate::urls::ResolvedRoute);

impl tower::Service<Request> for RouteView<'_> {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = axum::routing::future::RouteFuture<std::convert::Infallible>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.0.call(request)
    }
}

/// A panicking view becomes a 500 carrying the panic message for the error page.
fn panic_response(panic: Box<dyn std::any::Any + Send>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a view panicked".into());
    tracing::error!(%message, "view panicked");
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(ErrorReport {
        kind: "Panic".into(),
        message,
        chain: Vec::new(),
    });
    response
}

async fn dispatch(State(site): State<Site>, mut request: Request) -> Response {
    let info = RequestInfo {
        method: request.method().clone(),
        uri: request.uri().clone(),
        // Only the DEBUG error page shows the headers; production does not copy them.
        headers: if site.settings().debug {
            request.headers().clone()
        } else {
            HeaderMap::new()
        },
    };
    let mut response = match crate::middleware::body_limit::apply(site.settings(), &mut request) {
        Some(too_large) => too_large,
        None => route(&site, &mut request, &info).await,
    };
    if let Some(report) = response.extensions_mut().remove::<ErrorReport>() {
        response = error_pages::render(&site, &info, response.status(), Some(&report));
    }
    log_request(&info, &response);
    response
}

async fn route(site: &Site, request: &mut Request, info: &RequestInfo) -> Response {
    // `info` holds a copy of the URI: the request itself goes on to the view.
    let raw = info.uri.path();
    let Ok(path) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return error_pages::bad_request(site, info, "the path is not valid UTF-8");
    };
    if path.contains('\0') {
        return error_pages::bad_request(site, info, "the path contains a NUL byte");
    }
    let settings = site.settings();
    if let Some((index, url_match)) = site.resolver().resolve(&path) {
        let Some(resolved) = site.resolver().routes().get(index) else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut req = std::mem::replace(request, Request::new(Body::empty()));
        let token = csrf::CsrfToken::from_headers(req.headers(), settings);
        let skip = req.extensions().get::<csrf::SkipCsrfCheck>().is_some();
        if csrf::is_unsafe(req.method()) && !resolved.csrf_exempt && !skip {
            req = match csrf::protect(site, req, &token).await {
                Ok(checked) => checked,
                Err(response) => return response,
            };
        }
        req.extensions_mut().insert(site.clone());
        req.extensions_mut().insert(url_match);
        req.extensions_mut().insert(token.clone());
        let guarded = tower::Layer::layer(
            &tower_http::catch_panic::CatchPanicLayer::custom(panic_response),
            RouteView(resolved),
        );
        let mut response = match guarded.oneshot(req).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        if let Some(pending) = response
            .extensions_mut()
            .remove::<crate::http::shortcuts::PendingRender>()
        {
            response = pending.finish(response).await;
        }
        if let Some(cookie) = token.cookie_to_set(settings) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return response;
    }
    if let Some(redirect) = crate::middleware::common::append_slash(site, info, raw, &path) {
        return redirect;
    }
    if settings.debug && path == "/" && site.resolver().is_empty() {
        return error_pages::welcome(site);
    }
    let mut response = StatusCode::NOT_FOUND.into_response();
    response.extensions_mut().insert(ErrorReport {
        kind: "Not found".into(),
        message: format!(
            "The current path, {}, didn't match any of these.",
            path.trim_start_matches('/')
        ),
        chain: Vec::new(),
    });
    response
}

fn log_request(info: &RequestInfo, response: &Response) {
    let status = response.status();
    let enabled = if status.is_server_error() {
        tracing::enabled!(target: "roan::request", tracing::Level::ERROR)
    } else if status.is_client_error() {
        tracing::enabled!(target: "roan::request", tracing::Level::WARN)
    } else {
        tracing::enabled!(target: "roan::request", tracing::Level::INFO)
    };
    if !enabled {
        return;
    }
    let size = response
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            axum::body::HttpBody::size_hint(response.body())
                .exact()
                .map(|n| n.to_string())
        })
        .unwrap_or_else(|| "-".into());
    let when = chrono::Local::now().format("%d/%b/%Y %H:%M:%S");
    let line = format!(
        "[{when}] \"{} {} HTTP/1.1\" {} {size}",
        info.method,
        info.uri,
        status.as_u16()
    );
    if status.is_server_error() {
        tracing::error!(target: "roan::request", "{line}");
    } else if status.is_client_error() {
        tracing::warn!(target: "roan::request", "{line}");
    } else {
        tracing::info!(target: "roan::request", "{line}");
    }
}
