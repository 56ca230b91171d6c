//! [`Middleware`]: a middleware written as two async steps around the view, and the tower
//! layer that runs it.
//!
//! A `Middleware` is Django's shape (`process_request`, then `process_response`) as a tower
//! [`Layer`]: one boxed future per request and a cheap clone of the inner service, where
//! `axum::middleware::from_fn` boxes the inner service again on every request.

use axum::extract::Request;
use axum::response::Response;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// A middleware in two steps: `before` the view may answer at once or carry state to `after`,
/// which sees the response.
///
/// ```
/// use axum::extract::Request;
/// use axum::response::Response;
/// use roan::middleware::{Middleware, MiddlewareLayer};
///
/// /// Adds `X-Served-By` to every response.
/// #[derive(Clone)]
/// struct ServedBy;
///
/// impl Middleware for ServedBy {
///     type State = ();
///     async fn before(&self, _request: &mut Request) -> Result<(), Response> {
///         Ok(())
///     }
///     async fn after(&self, _state: (), mut response: Response) -> Response {
///         response.headers_mut().insert("x-served-by", "roan".parse().unwrap());
///         response
///     }
/// }
///
/// let app: axum::Router = axum::Router::new().layer(MiddlewareLayer::new(ServedBy));
/// ```
pub trait Middleware: Clone + Send + Sync + 'static {
    /// What `before` hands to `after`.
    type State: Send + 'static;

    /// Whether the middleware has anything to do for this request [default: always]. When
    /// not, the request goes straight on and neither step runs, at no cost: a middleware that
    /// serves a path prefix (static files) says so here.
    fn applies(&self, _request: &Request) -> bool {
        true
    }

    /// Runs before the view; an `Err` response is sent without calling the view.
    fn before(
        &self,
        request: &mut Request,
    ) -> impl Future<Output = Result<Self::State, Response>> + Send;

    /// Runs after the view with its response.
    fn after(
        &self,
        state: Self::State,
        response: Response,
    ) -> impl Future<Output = Response> + Send;
}

/// The tower layer of a [`Middleware`]. The middleware is shared by every request (one
/// reference count), never cloned per request.
#[derive(Clone)]
pub struct MiddlewareLayer<M> {
    middleware: Arc<M>,
}

impl<M: Middleware> MiddlewareLayer<M> {
    /// Wraps a middleware as a layer.
    pub fn new(middleware: M) -> Self {
        MiddlewareLayer {
            middleware: Arc::new(middleware),
        }
    }
}

impl<M: Middleware, S> Layer<S> for MiddlewareLayer<M> {
    type Service = MiddlewareService<M, S>;

    fn layer(&self, inner: S) -> Self::Service {
        MiddlewareService {
            middleware: self.middleware.clone(),
            inner,
        }
    }
}

/// The service a [`MiddlewareLayer`] makes.
#[derive(Clone)]
pub struct MiddlewareService<M, S> {
    middleware: Arc<M>,
    inner: S,
}

impl<M, S> Service<Request> for MiddlewareService<M, S>
where
    M: Middleware,
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The service that was polled ready answers this request; a clone stays for the next.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        if !self.middleware.applies(&request) {
            return Box::pin(inner.call(request));
        }
        let middleware = self.middleware.clone();
        Box::pin(around(middleware, request, move |request| {
            inner.call(request)
        }))
    }
}

/// A [`Middleware`]'s contract, written once: `before`, then the rest of the stack (`next`)
/// unless `before` answered, then `after` with the response.
pub(crate) async fn around<M, F>(
    middleware: Arc<M>,
    mut request: Request,
    next: impl FnOnce(Request) -> F,
) -> Result<Response, Infallible>
where
    M: Middleware,
    F: Future<Output = Result<Response, Infallible>>,
{
    let state = match middleware.before(&mut request).await {
        Ok(state) => state,
        Err(response) => return Ok(response),
    };
    let response = next(request).await?;
    Ok(middleware.after(state, response).await)
}
