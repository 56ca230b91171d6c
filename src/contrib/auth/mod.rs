//! Authentication. So far: password hashing in Django's formats and password validation.

pub mod hashers;
pub mod validators;
