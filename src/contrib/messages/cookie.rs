//! The `messages` cookie (Django's `CookieStorage`): the messages waiting to be shown, as JSON
//! signed with the secret key, so a page that shows none costs no database query. What does
//! not fit in [`MAX_COOKIE_SIZE`] goes to the session, and the cookie says so (Django's
//! `FallbackStorage`).

use super::Message;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The cookie's name, as Django's.
pub const COOKIE_NAME: &str = "messages";
/// The largest cookie value written (Django's `CookieStorage.max_cookie_size`): browsers
/// drop cookies over about 4 KB, and the cookie rides on every request.
pub const MAX_COOKIE_SIZE: usize = 2048;
const SALT: &str = "roan.contrib.messages";

/// What the cookie holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Stored {
    /// The messages themselves.
    Messages(Vec<Message>),
    /// "In the session": they did not fit.
    InSession(InSession),
}

/// The marker of messages kept in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum InSession {
    /// The only value.
    #[serde(rename = "session")]
    Session,
}

/// `payload:signature`, both base64url, of what [`Stored`] reads back: the messages
/// (`&[Message]`) or the [`InSession`] marker.
pub(crate) fn encode(stored: &impl Serialize, secret: &str) -> String {
    let json = serde_json::to_vec(stored).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(&json);
    let signature = crate::crypto::salted_hmac(SALT, payload.as_bytes(), secret);
    format!("{payload}:{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The cookie's content, or `None` when it was not signed with this secret key (tampered with,
/// or the key changed) or cannot be read.
pub(crate) fn decode(value: &str, secret: &str) -> Option<Stored> {
    let (payload, signature) = value.rsplit_once(':')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let expected = crate::crypto::salted_hmac(SALT, payload.as_bytes(), secret);
    if !crate::crypto::constant_time_compare(&signature, &expected) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contrib::messages::Level;

    fn message(text: &str) -> Message {
        Message {
            level: Level::Success,
            message: text.into(),
        }
    }

    #[test]
    fn a_signed_cookie_round_trips() {
        let stored = Stored::Messages(vec![message("Saved."), message("Ünïcode; \"quoted\"")]);
        let value = encode(&stored, "k");
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_:".contains(&b)),
            "{value}"
        );
        assert_eq!(decode(&value, "k"), Some(stored));
        let marker = encode(&Stored::InSession(InSession::Session), "k");
        assert_eq!(
            decode(&marker, "k"),
            Some(Stored::InSession(InSession::Session))
        );
    }

    #[test]
    fn a_cookie_signed_otherwise_or_edited_is_ignored() {
        let value = encode(&Stored::Messages(vec![message("Saved.")]), "k");
        assert_eq!(decode(&value, "other key"), None);
        let (payload, signature) = value.split_once(':').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(br#"[{"level":"error","message":"forged"}]"#);
        assert_eq!(decode(&format!("{forged}:{signature}"), "k"), None);
        assert_eq!(decode(payload, "k"), None);
        assert_eq!(decode("", "k"), None);
        assert_eq!(decode("a:b:c", "k"), None);
    }
}
