//! Templates: minijinja with Django's search order, globals and filters.
//!
//! Search order: the project's `TEMPLATES.DIRS` (default `templates/`), then each installed app's
//! templates, then roan's built-in templates. With `DEBUG`, a changed file is re-read on the next
//! render, and so is a new file that overrides a template found further down the order.

pub mod deferred;
pub mod filters;
mod loader;
#[doc(hidden)]
pub mod macros;

#[doc(hidden)]
pub use minijinja as __minijinja;
/// A template value (minijinja's), as context processors return them.
pub use minijinja::Value;
#[doc(hidden)]
pub use minijinja::value::Serde;

use crate::conf::Settings;
use crate::urls::Resolver;
use minijinja::{Environment, Error, ErrorKind};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Escapes as Django does (`& < > " '`), leaving `/` alone so URLs stay readable.
fn django_escape(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), Error> {
    if *state.auto_escape() != minijinja::AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let owned;
    let text = match value.as_str() {
        Some(s) => s,
        // Numbers, booleans and none print nothing that needs escaping.
        None if matches!(
            value.kind(),
            minijinja::value::ValueKind::Number
                | minijinja::value::ValueKind::Bool
                | minijinja::value::ValueKind::None
                | minijinja::value::ValueKind::Undefined
        ) =>
        {
            return minijinja::escape_formatter(out, state, value);
        }
        None => {
            // A form, a field or an error list prints its own markup.
            if let Some(html) = crate::forms::html_of(value) {
                return out.write_str(&html).map_err(Error::from);
            }
            owned = value.to_string();
            &owned
        }
    };
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.write_str(&text[last..i]).map_err(Error::from)?;
        out.write_str(rep).map_err(Error::from)?;
        last = i + 1;
    }
    out.write_str(&text[last..]).map_err(Error::from)
}

/// The request's CSRF state, as templates see it (the `csrf` variable `render` passes).
#[derive(Debug)]
pub(crate) struct CsrfObject(pub crate::middleware::csrf::CsrfToken);

impl minijinja::value::Object for CsrfObject {}

/// `csrf_token` in a template: the masked token, as Django's `{{ csrf_token }}`; calling it,
/// `{{ csrf_token() }}`, gives the same.
#[derive(Debug)]
pub(crate) struct CsrfTokenVar(pub crate::middleware::csrf::CsrfToken);

impl minijinja::value::Object for CsrfTokenVar {
    fn repr(self: &Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn call(
        self: &Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        _args: &[Value],
    ) -> Result<Value, Error> {
        Ok(Value::from(self.0.token()))
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.token())
    }
}

fn csrf_token(state: &minijinja::State) -> Result<String, Error> {
    state
        .lookup("csrf")
        .and_then(|v| v.downcast_object_ref::<CsrfObject>().map(|o| o.0.token()))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "csrf_input() and csrf_token() need a template rendered by roan::render for a request",
            )
        })
}

/// A URL argument as text: a string as it is, an integer without the formatter's detour.
fn arg_text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => match value.as_i64() {
            Some(n) => n.to_string(),
            None => value.to_string(),
        },
    }
}

/// `url(name, *args, **kwargs)`: a route name reversed, Django's `{% url %}`.
///
/// An object rather than a plain function so the common call, a name with no arguments, is a
/// lookup in a table made once (no argument parsing, no reversing).
struct UrlFunction {
    resolver: Arc<Resolver>,
    fixed: HashMap<String, Value, foldhash::fast::RandomState>,
}

impl std::fmt::Debug for UrlFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("url")
    }
}

impl UrlFunction {
    fn new(resolver: Arc<Resolver>) -> UrlFunction {
        let fixed = resolver
            .static_paths()
            .map(|(name, path)| (name.to_string(), Value::from_safe_string(path.to_string())))
            .collect();
        UrlFunction { resolver, fixed }
    }
}

impl minijinja::value::Object for UrlFunction {
    fn call(
        self: &Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        args: &[Value],
    ) -> Result<Value, Error> {
        let (args, kwargs) = match args.split_last() {
            Some((last, rest)) if last.is_kwargs() => (rest, Some(last)),
            _ => (args, None),
        };
        let Some((name, args)) = args.split_first() else {
            return Err(Error::new(
                ErrorKind::MissingArgument,
                "url() needs a route name, e.g. url('blog:detail', id=3)",
            ));
        };
        let Some(name) = name.as_str() else {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("url() takes a route name as a string, not {name}"),
            ));
        };
        if args.is_empty()
            && kwargs.is_none()
            && let Some(path) = self.fixed.get(name)
        {
            return Ok(path.clone());
        }
        let args: Vec<String> = args.iter().map(arg_text).collect();
        // Every keyword argument goes to the route, so none is left unused.
        let keys: Vec<Value> = match kwargs {
            Some(kwargs) => kwargs.try_iter()?.collect(),
            None => Vec::new(),
        };
        let mut pairs: Vec<(&str, String)> = Vec::with_capacity(keys.len());
        if let Some(kwargs) = kwargs {
            for key in &keys {
                let value = kwargs.get_item(key)?;
                pairs.push((key.as_str().unwrap_or_default(), arg_text(&value)));
            }
        }
        self.resolver
            .reverse(name, &args, &pairs)
            .map(Value::from_safe_string)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
    }
}

/// The template engine of a site; cheap to clone.
#[derive(Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
    /// Forms render from roan's own markup in Rust: no installed template overrides a form
    /// template, and templates are not reloaded (no `DEBUG`).
    builtin_forms: bool,
}

impl Templates {
    /// Builds the engine for `settings`, searching `app_dirs` after the project's directories.
    pub fn new(settings: &Settings, app_dirs: Vec<PathBuf>, resolver: Arc<Resolver>) -> Templates {
        Templates::with_libraries(settings, app_dirs, resolver, &[])
    }

    /// As [`Templates::new`], then each app's template library ([`crate::App::template_library`]).
    pub fn with_libraries(
        settings: &Settings,
        app_dirs: Vec<PathBuf>,
        resolver: Arc<Resolver>,
        libraries: &[crate::apps::TemplateLibrary],
    ) -> Templates {
        let mut dirs: Vec<PathBuf> = settings
            .templates
            .dirs
            .iter()
            .map(|d| settings.path(d))
            .collect();
        if settings.templates.app_dirs {
            dirs.extend(app_dirs);
        }
        let builtin_forms = !settings.debug
            && !dirs.iter().any(|d| {
                crate::forms::html::REPLACED
                    .iter()
                    .any(|t| d.join(t).exists())
            });
        let mut env = Environment::new();
        env.set_loader(loader::chain(dirs, settings.debug));
        env.set_auto_reload(settings.debug);
        env.set_debug(settings.debug);
        filters::register(&mut env);
        if let Some(tz) = settings.current_time_zone() {
            filters::use_time_zone(&mut env, tz);
        }
        env.set_formatter(django_escape);
        let static_url = settings.static_url.clone();
        env.add_function("static", move |path: &str| -> Value {
            Value::from_safe_string(format!("{static_url}{}", path.trim_start_matches('/')))
        });
        env.add_function(
            "csrf_token",
            |state: &minijinja::State| -> Result<Value, Error> {
                csrf_token(state).map(Value::from)
            },
        );
        env.add_function(
            "csrf_input",
            |state: &minijinja::State| -> Result<Value, Error> {
                csrf_token(state).map(|t| {
                    let field = crate::middleware::csrf::FORM_FIELD;
                    let mut html = String::with_capacity(40 + field.len() + t.len());
                    for piece in [
                        "<input type=\"hidden\" name=\"",
                        field,
                        "\" value=\"",
                        &t,
                        "\">",
                    ] {
                        html.push_str(piece);
                    }
                    Value::from_safe_string(html)
                })
            },
        );
        env.add_global("url", Value::from_object(UrlFunction::new(resolver)));
        for library in libraries {
            library(&mut env, settings);
        }
        Templates {
            env: Arc::new(env),
            builtin_forms,
        }
    }

    /// Renders a template with a context.
    ///
    /// ```no_run
    /// # fn demo(t: &roan::template::Templates) -> Result<(), minijinja::Error> {
    /// let html = t.render("blog/index.html", minijinja::context! { title => "Hello" })?;
    /// # Ok(()) }
    /// ```
    pub fn render(&self, name: &str, context: Value) -> Result<String, Error> {
        let _current = Current::enter(self.env.clone(), self.builtin_forms);
        self.env.get_template(name)?.render(context)
    }

    /// Whether a template of that name can be found.
    pub fn exists(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// The underlying minijinja environment.
    pub fn environment(&self) -> &Environment<'static> {
        &self.env
    }
}

thread_local! {
    /// The engines rendering on this thread, innermost last: a form printed in a template
    /// renders its widgets with the same engine, so a project's overrides apply.
    static CURRENT: std::cell::RefCell<Vec<(Arc<Environment<'static>>, bool)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

struct Current;

impl Current {
    fn enter(env: Arc<Environment<'static>>, builtin_forms: bool) -> Current {
        CURRENT.with(|c| c.borrow_mut().push((env, builtin_forms)));
        Current
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.with(|c| {
            c.borrow_mut().pop();
        });
    }
}

/// Renders `name` with the engine that is rendering on this thread, or, outside a render, with
/// an engine of roan's built-in templates alone (`form.as_div()` in Rust code).
pub(crate) fn render_builtin(name: &str, context: Value) -> Result<String, Error> {
    let env = CURRENT.with(|c| c.borrow().last().map(|(env, _)| env.clone()));
    let env = match env {
        Some(env) => env,
        None => {
            static BUILTIN: std::sync::OnceLock<Arc<Environment<'static>>> =
                std::sync::OnceLock::new();
            BUILTIN
                .get_or_init(|| {
                    let mut env = Environment::new();
                    env.set_loader(loader::chain(Vec::new(), false));
                    filters::register(&mut env);
                    env.set_formatter(django_escape);
                    Arc::new(env)
                })
                .clone()
        }
    };
    let builtin = builtin_forms();
    let _current = Current::enter(env.clone(), builtin);
    env.get_template(name)?.render(context)
}

/// Runs `f` with forms rendered from the templates, as a project that overrides one would.
#[cfg(test)]
pub(crate) fn with_form_templates<R>(f: impl FnOnce() -> R) -> R {
    let env = CURRENT
        .with(|c| c.borrow().last().map(|(env, _)| env.clone()))
        .unwrap_or_else(|| {
            let mut env = Environment::new();
            env.set_loader(loader::chain(Vec::new(), false));
            filters::register(&mut env);
            env.set_formatter(django_escape);
            Arc::new(env)
        });
    let _current = Current::enter(env, false);
    f()
}

/// Whether forms render from roan's markup in Rust on this thread (see [`Templates`]); outside
/// a render there is no project, so no override.
pub(crate) fn builtin_forms() -> bool {
    CURRENT.with(|c| c.borrow().last().map(|(_, b)| *b).unwrap_or(true))
}
