//! Random strings from the operating system's generator, as Django's
//! `django.utils.crypto.get_random_string`: session keys, CSRF secrets, salts, secret keys.

/// `length` characters drawn uniformly from `allowed` (ASCII) with the OS's secure generator.
///
/// ```
/// let key = roan::crypto::get_random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789");
/// assert_eq!(key.len(), 32);
/// assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
/// ```
///
/// # Panics
///
/// When `allowed` is empty or longer than 256 characters, or when the operating system has no
/// random number generator to give (no secure value can be made then).
pub fn get_random_string(length: usize, allowed: &[u8]) -> String {
    assert!(
        !allowed.is_empty() && allowed.len() <= 256,
        "get_random_string needs 1 to 256 allowed characters"
    );
    // Bytes at or above the largest multiple of the alphabet's size are dropped, so every
    // character is equally likely.
    let limit = 256 - 256 % allowed.len();
    let mut out = String::with_capacity(length);
    let mut buf = [0u8; 64];
    while out.len() < length {
        if let Err(e) = getrandom::fill(&mut buf) {
            panic!("the operating system's random number generator failed: {e}");
        }
        for &b in &buf {
            if (b as usize) < limit && out.len() < length {
                out.push(allowed[b as usize % allowed.len()] as char);
            }
        }
    }
    out
}

/// An HMAC-SHA256 of `value`, keyed with `secret` through `key_salt` (Django's
/// `salted_hmac`): each use of the secret (`"roan.contrib.messages"`, ...) gets its own key, so a
/// signature made for one purpose is worthless for another.
///
/// ```
/// let a = roan::crypto::salted_hmac("roan.example", b"value", "secret");
/// assert_ne!(a, roan::crypto::salted_hmac("roan.other", b"value", "secret"));
/// assert_eq!(a.len(), 32);
/// ```
#[cfg(feature = "runtime")]
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &str) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    use sha2::Digest;
    let key = sha2::Sha256::new()
        .chain_update(key_salt.as_bytes())
        .chain_update(secret.as_bytes())
        .finalize();
    // Any key length is valid for HMAC.
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(value);
    mac.finalize().into_bytes().into()
}

/// Bytes as lowercase hexadecimal (a digest as Django's `hexdigest()` prints it).
///
/// ```
/// assert_eq!(roan::crypto::hex(&[0x00, 0xab, 0x7f]), "00ab7f");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ (Django's
/// `constant_time_compare`), for comparing signatures and tokens.
#[cfg(feature = "runtime")]
pub fn constant_time_compare(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_fresh_and_use_every_character() {
        let a = get_random_string(2000, b"ab!");
        assert_eq!(a.len(), 2000);
        assert_ne!(a, get_random_string(2000, b"ab!"));
        for c in ['a', 'b', '!'] {
            let n = a.chars().filter(|x| *x == c).count();
            assert!((500..833).contains(&n), "{c}: {n} of 2000");
        }
    }
}
