//! Template variables that need the database, loaded only when a template reads them.
//!
//! Templates render synchronously; a variable like auth's `user` needs a query. A context
//! processor returns it as [`deferred`]: when a template reads it before it is loaded, the
//! variable remembers that, [`crate::render`] answers with a placeholder, and the dispatcher
//! loads every variable that was read and renders the template again, before the response
//! leaves the view. A page that never reads the variable makes no query; one that does renders
//! twice.

use crate::apps::BoxFuture;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A value that is loaded asynchronously (a database query) before it can be shown.
///
/// ```
/// use roan::apps::BoxFuture;
/// use roan::template::deferred::Deferred;
/// use std::sync::OnceLock;
///
/// #[derive(Debug, Default)]
/// struct Answer(OnceLock<minijinja::Value>);
///
/// impl Deferred for Answer {
///     fn get(&self) -> Option<minijinja::Value> {
///         self.0.get().cloned()
///     }
///     fn load(&self) -> BoxFuture<'_, roan::Result<()>> {
///         Box::pin(async move {
///             let _ = self.0.set(minijinja::Value::from(42));
///             Ok(())
///         })
///     }
/// }
/// let value = roan::template::deferred::deferred(Answer::default());
/// ```
pub trait Deferred: Send + Sync + fmt::Debug + 'static {
    /// The value, once loaded.
    fn get(&self) -> Option<Value>;
    /// Loads the value, so that [`Deferred::get`] returns it.
    fn load(&self) -> BoxFuture<'_, crate::Result<()>>;
}

/// A template variable for `value`, loaded only when a template reads it.
pub fn deferred(value: impl Deferred) -> Value {
    Value::from_object(DeferredVar {
        inner: Arc::new(value),
        wanted: AtomicBool::new(false),
    })
}

/// The variable a template sees.
#[derive(Debug)]
pub(crate) struct DeferredVar {
    inner: Arc<dyn Deferred>,
    wanted: AtomicBool,
}

impl DeferredVar {
    /// The value, or a note that a template wanted it before it was loaded.
    fn value(&self) -> Option<Value> {
        let v = self.inner.get();
        if v.is_none() {
            self.wanted.store(true, Ordering::Relaxed);
        }
        v
    }

    /// Whether a template read the variable while it was not loaded.
    pub(crate) fn is_wanted(&self) -> bool {
        self.wanted.load(Ordering::Relaxed) && self.inner.get().is_none()
    }

    pub(crate) async fn load(&self) -> crate::Result<()> {
        self.inner.load().await
    }
}

impl Object for DeferredVar {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.value()?
            .get_item(key)
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self
            .value()
            .and_then(|v| v.try_iter().ok().map(|i| i.collect::<Vec<_>>()))
        {
            Some(items) => Enumerator::Values(items),
            None => Enumerator::Empty,
        }
    }

    fn is_true(self: &Arc<Self>) -> bool {
        self.value().is_some_and(|v| v.is_true())
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        Self: Sized + 'static,
    {
        match self.value() {
            Some(v) => write!(f, "{v}"),
            None => Ok(()),
        }
    }
}
