//! staticfiles' system checks, with Django's ids where Django has the check.

use super::StaticFilesSettings;
use super::storage::{MANIFEST_NAME, Manifest};
use crate::management::checks::{CheckMessage, Level};

/// `staticfiles.E002` (STATIC_ROOT inside STATICFILES_DIRS), `staticfiles.W004` (a missing
/// directory) and `staticfiles.W005` (DEBUG off, served here, and nothing collected).
pub(crate) fn run(_project: &crate::Project, site: &crate::Site) -> Vec<CheckMessage> {
    let settings = site.settings();
    let mut out = Vec::new();
    let root = settings.path(&settings.static_root);
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    for dir in settings.staticfiles_dirs.iter() {
        let path = settings.path(dir.path());
        if same(&path, &root) {
            out.push(CheckMessage::new(
                Level::Error,
                "staticfiles.E002",
                "The STATICFILES_DIRS setting should not contain the STATIC_ROOT setting.",
                "STATIC_ROOT is where collectstatic writes; give it a directory of its own, such as \"staticfiles\"",
            ));
        } else if !path.is_dir() {
            out.push(CheckMessage::new(
                Level::Warning,
                "staticfiles.W004",
                format!(
                    "The directory '{}' in the STATICFILES_DIRS setting does not exist.",
                    path.display()
                ),
                "create it, or remove it from STATICFILES_DIRS",
            ));
        }
    }
    if !settings.debug && StaticFilesSettings::from_settings(settings).serve {
        match Manifest::load(&root) {
            Ok(Some(_)) => {}
            Ok(None) => out.push(CheckMessage::new(
                Level::Warning,
                "staticfiles.W005",
                format!(
                    "DEBUG is off and {} has no {MANIFEST_NAME}: static files are served from \
                     STATIC_ROOT, and nothing was collected there",
                    root.display()
                ),
                "run `roan collectstatic --noinput` before starting the server",
            )),
            Err(e) => out.push(CheckMessage::new(
                Level::Error,
                "staticfiles.E006",
                e,
                "run `roan collectstatic --noinput` again",
            )),
        }
    }
    out
}
