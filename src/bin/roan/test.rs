//! `roan test [TESTNAME] [-- ARGS]`: the project's tests, as Django's `manage.py test`.
//!
//! `cargo test` underneath, with the project's build directories and database drivers, so the
//! dependencies `roan runserver` compiled are not compiled again. Every argument is cargo
//! test's: a test name filters (`roan test polls::tests::index`), `-- --nocapture` shows output.

use crate::project_dir::ProjectDir;
use crate::{build, claim};
use std::process::ExitCode;

/// What `roan test --help` prints.
pub const ABOUT: &str = "Run the project's tests (cargo test, in roan's shared build directory)";

/// Runs the project's tests; the exit code is cargo's.
pub fn run(project: &ProjectDir, args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "--help" || a == "-h") && !args.iter().any(|a| a == "--") {
        println!(
            "{ABOUT}\n\nUsage: roan test [TESTNAME] [CARGO TEST OPTIONS] [-- TEST BINARY OPTIONS]\n\n\
             Examples:\n  roan test                          every test\n  \
             roan test polls::tests::index      the tests whose name contains it\n  \
             roan test -- --nocapture           show what the tests print"
        );
        return ExitCode::SUCCESS;
    }
    // The claim's lock is let go at once; cargo's own lock on the build directory keeps
    // another build out while the tests compile.
    if let Err(e) = claim::claim(project, &build::BuildDirs::of(project)) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let mut cmd = build::cargo(project, "test");
    cmd.args(args);
    crate::exec(project.with_env(cmd), &[])
}
