//! Password hashes in Django's encoded format, so a Django site's users can move over.
//!
//! New hashes are argon2id: `argon2$argon2id$v=19$m=…,t=…,p=…$salt$hash` (Django's
//! `Argon2PasswordHasher` format). Django's `pbkdf2_sha256$iterations$salt$hash` and argon2
//! hashes verify; [`must_update`] says when a hash should be replaced at the next login.
//!
//! ```
//! use roan::contrib::auth::hashers::{check_password, make_password};
//! let encoded = make_password("correct horse");
//! assert!(encoded.starts_with("argon2$argon2id$"));
//! assert!(check_password("correct horse", &encoded));
//! assert!(!check_password("wrong", &encoded));
//! ```

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;

/// The prefix of unusable passwords (Django's `UNUSABLE_PASSWORD_PREFIX`).
pub const UNUSABLE_PREFIX: &str = "!";

/// Hashes a password with argon2id and a fresh random salt.
pub fn make_password(raw: &str) -> String {
    match Argon2::default().hash_password(raw.as_bytes()) {
        Ok(hash) => format!("argon2{hash}"),
        // Argon2 with its default parameters and a generated salt does not fail; should it ever,
        // the account gets an unusable password rather than a weak hash.
        Err(e) => {
            tracing::error!(error = %e, "argon2 failed; storing an unusable password");
            make_unusable_password()
        }
    }
}

/// A value no password matches (Django's `set_unusable_password`).
pub fn make_unusable_password() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    format!(
        "{UNUSABLE_PREFIX}{}",
        crate::crypto::get_random_string(40, CHARS)
    )
}

/// Whether the encoded value is a usable password hash.
pub fn is_password_usable(encoded: &str) -> bool {
    !encoded.is_empty() && !encoded.starts_with(UNUSABLE_PREFIX)
}

/// Checks a password against an encoded hash (argon2 or pbkdf2_sha256), in constant time.
pub fn check_password(raw: &str, encoded: &str) -> bool {
    if !is_password_usable(encoded) {
        return false;
    }
    if let Some(phc) = encoded.strip_prefix("argon2") {
        return Argon2::default()
            .verify_password(raw.as_bytes(), phc)
            .is_ok();
    }
    if let Some(rest) = encoded.strip_prefix("pbkdf2_sha256$") {
        let mut parts = rest.splitn(3, '$');
        let (Some(iterations), Some(salt), Some(hash)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let Ok(iterations) = iterations.parse::<u32>() else {
            return false;
        };
        if iterations == 0 || iterations > 100_000_000 {
            return false;
        }
        let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(hash) else {
            return false;
        };
        let mut derived = vec![0u8; expected.len().clamp(1, 64)];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            raw.as_bytes(),
            salt.as_bytes(),
            iterations,
            &mut derived,
        );
        return crate::crypto::constant_time_compare(&derived, &expected);
    }
    false
}

/// Whether a hash should be replaced by a fresh argon2 hash (another algorithm, or weaker
/// argon2 parameters than roan's).
pub fn must_update(encoded: &str) -> bool {
    if !is_password_usable(encoded) {
        return false;
    }
    match encoded.strip_prefix("argon2$argon2id$") {
        Some(rest) => {
            let ours = argon2::Params::default();
            let params: Vec<(String, u32)> = rest
                .split('$')
                .nth(1)
                .unwrap_or("")
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .filter_map(|(k, v)| v.parse().ok().map(|n| (k.to_string(), n)))
                .collect();
            let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
            get("m") < Some(ours.m_cost()) || get("t") < Some(ours.t_cost())
        }
        None => true,
    }
}

/// The algorithm name of an encoded hash (`argon2`, `pbkdf2_sha256`, ...), for display.
pub fn algorithm(encoded: &str) -> Option<&str> {
    if !is_password_usable(encoded) {
        return None;
    }
    encoded.split('$').next()
}
