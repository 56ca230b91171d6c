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
