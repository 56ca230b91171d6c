//! Contrib apps: auth (passwords so far), with sessions, messages, admin and staticfiles to come.

pub mod auth;
pub mod messages;
pub mod sessions;
