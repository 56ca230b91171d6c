//! `static("css/site.css")` in templates: the plain `STATIC_URL` path in DEBUG, the hashed name
//! from `staticfiles.json` otherwise, as Django's `{% static %}` with the manifest storage.

use super::storage::Manifest;
use crate::conf::Settings;
use crate::template::Value;
use minijinja::{Environment, Error, ErrorKind};

/// Replaces core's `static()` with the manifest-aware one.
pub(crate) fn register(env: &mut Environment<'static>, settings: &Settings) {
    let static_url = settings.static_url.clone();
    let manifest = if settings.debug {
        None
    } else {
        match Manifest::load(&settings.path(&settings.static_root)) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!("{e}");
                None
            }
        }
    };
    env.add_function("static", move |path: &str| -> Result<Value, Error> {
        let name = path.trim_start_matches('/');
        let name = match &manifest {
            None => name,
            Some(m) => {
                let (file, suffix) = name.split_at(name.find(['?', '#']).unwrap_or(name.len()));
                let Some(hashed) = m.hashed(file) else {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!(
                            "Missing staticfiles manifest entry for '{file}': it is not among the \
                             files `roan collectstatic` collected. Add it to a static directory and \
                             run `roan collectstatic` again"
                        ),
                    ));
                };
                return Ok(Value::from_safe_string(format!("{static_url}{hashed}{suffix}")));
            }
        };
        Ok(Value::from_safe_string(format!("{static_url}{name}")))
    });
}
