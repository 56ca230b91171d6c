//! Templates: minijinja with Django's search order, globals and filters.
//!
//! Search order: the project's `TEMPLATES.DIRS` (default `templates/`), then each installed app's
//! templates, then roan's built-in templates. With `DEBUG`, a changed file is re-read on the next
//! render, and so is a new file that overrides a template found further down the order.

pub mod filters;
mod loader;

use crate::conf::Settings;
use crate::urls::Resolver;
use minijinja::value::{Kwargs, Rest};
use minijinja::{Environment, Error, ErrorKind, Value};
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
        None => {
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

/// The template engine of a site; cheap to clone.
#[derive(Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
}

impl Templates {
    /// Builds the engine for `settings`, searching `app_dirs` after the project's directories.
    pub fn new(settings: &Settings, app_dirs: Vec<PathBuf>, resolver: Arc<Resolver>) -> Templates {
        let mut dirs: Vec<PathBuf> = settings
            .templates
            .dirs
            .iter()
            .map(|d| settings.path(d))
            .collect();
        if settings.templates.app_dirs {
            dirs.extend(app_dirs);
        }
        let mut env = Environment::new();
        env.set_loader(loader::chain(dirs, settings.debug));
        env.set_auto_reload(settings.debug);
        env.set_debug(settings.debug);
        filters::register(&mut env);
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
                    Value::from_safe_string(format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{t}\">",
                        crate::middleware::csrf::FORM_FIELD
                    ))
                })
            },
        );
        let urls = resolver.clone();
        env.add_function(
            "url",
            move |name: &str, args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
                let args: Vec<String> = args.iter().map(|v| v.to_string()).collect();
                let mut pairs: Vec<(String, String)> = Vec::new();
                for key in kwargs.args() {
                    let v: Value = kwargs.get(key)?;
                    pairs.push((key.to_string(), v.to_string()));
                }
                kwargs.assert_all_used()?;
                let pairs: Vec<(&str, String)> =
                    pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                urls.reverse(name, &args, &pairs)
                    .map(Value::from_safe_string)
                    .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
            },
        );
        Templates { env: Arc::new(env) }
    }

    /// Renders a template with a context.
    ///
    /// ```no_run
    /// # fn demo(t: &roan::template::Templates) -> Result<(), minijinja::Error> {
    /// let html = t.render("blog/index.html", minijinja::context! { title => "Hello" })?;
    /// # Ok(()) }
    /// ```
    pub fn render(&self, name: &str, context: Value) -> Result<String, Error> {
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
