//! Contrib apps, each plugged in through [`crate::App`]'s hooks: auth, sessions, messages and
//! staticfiles (the admin to come).

pub mod auth;
pub mod messages;
pub mod sessions;
pub mod staticfiles;
