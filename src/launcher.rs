//! What the `roan` command and a project's binary agree on.
//!
//! `roan COMMAND` inside a project builds the project's crate and runs its binary with a few
//! environment variables set; the binary reads them in [`manage`](crate::manage). This module is
//! compiled into both halves, so the names are written once.

/// The project directory the `roan` command built. A project binary that was built from another
/// directory refuses to run (two projects with one crate name must never run each other's code).
pub const PROJECT_DIR_ENV: &str = "ROAN_PROJECT_DIR";

/// Where the `roan` command's autoreloader writes the last failed build's errors, for the
/// running server to show on every page until the build is fixed.
pub const BUILD_ERROR_ENV: &str = "ROAN_BUILD_ERROR_FILE";
