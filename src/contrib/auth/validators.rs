//! Password validation, as Django's default `AUTH_PASSWORD_VALIDATORS`: minimum length, too
//! similar to the user's attributes, too common, entirely numeric.
//!
//! ```
//! use roan::contrib::auth::validators::{validate_password, UserAttributes, Validators};
//! let user = UserAttributes { username: "alice".into(), ..Default::default() };
//! let errors = validate_password("alice123", &user, &Validators::default()).unwrap_err();
//! assert!(errors.iter().any(|e| e.contains("too similar to the username")));
//! assert!(validate_password("plum-tractor-sings", &user, &Validators::default()).is_ok());
//! ```

/// Which validators run, and their options: the `[AUTH_PASSWORD_VALIDATORS]` section of
/// `settings.toml`, which the auth app declares (every key optional).
///
/// ```toml
/// [AUTH_PASSWORD_VALIDATORS]
/// MINIMUM_LENGTH = 12
/// NUMERIC_PASSWORD = false
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Validators {
    /// Minimum length (Django: 8); 0 turns the check off.
    #[serde(rename = "MINIMUM_LENGTH")]
    pub minimum_length: usize,
    /// Refuse passwords too similar to the username, email, first or last name.
    #[serde(rename = "USER_ATTRIBUTE_SIMILARITY")]
    pub user_attribute_similarity: bool,
    /// Refuse common passwords.
    #[serde(rename = "COMMON_PASSWORD")]
    pub common_password: bool,
    /// Refuse passwords made only of digits.
    #[serde(rename = "NUMERIC_PASSWORD")]
    pub numeric_password: bool,
}

/// The settings section the validators are read from.
pub const SETTINGS_SECTION: &str = "AUTH_PASSWORD_VALIDATORS";

impl Validators {
    /// The validators configured in `settings` (Django's defaults when the section is absent).
    pub fn from_settings(settings: &crate::conf::Settings) -> Validators {
        settings
            .section::<Validators>(SETTINGS_SECTION)
            .cloned()
            .unwrap_or_default()
    }
}

impl Default for Validators {
    fn default() -> Validators {
        Validators {
            minimum_length: 8,
            user_attribute_similarity: true,
            common_password: true,
            numeric_password: true,
        }
    }
}

/// The user attributes a password must not resemble.
#[derive(Debug, Clone, Default)]
pub struct UserAttributes {
    /// The username.
    pub username: String,
    /// The email address.
    pub email: String,
    /// The first name.
    pub first_name: String,
    /// The last name.
    pub last_name: String,
}

/// Some of the most used passwords, lowercased; a password equal to one is refused.
const COMMON: &[&str] = &[
    "123456",
    "password",
    "12345678",
    "qwerty",
    "123456789",
    "12345",
    "1234",
    "111111",
    "1234567",
    "dragon",
    "123123",
    "baseball",
    "abc123",
    "football",
    "monkey",
    "letmein",
    "696969",
    "shadow",
    "master",
    "666666",
    "qwertyuiop",
    "123321",
    "mustang",
    "1234567890",
    "michael",
    "654321",
    "superman",
    "1qaz2wsx",
    "7777777",
    "121212",
    "000000",
    "qazwsx",
    "123qwe",
    "killer",
    "trustno1",
    "jordan",
    "jennifer",
    "zxcvbnm",
    "asdfgh",
    "hunter",
    "buster",
    "soccer",
    "harley",
    "batman",
    "andrew",
    "tigger",
    "sunshine",
    "iloveyou",
    "2000",
    "charlie",
    "robert",
    "thomas",
    "hockey",
    "ranger",
    "daniel",
    "starwars",
    "klaster",
    "112233",
    "george",
    "computer",
    "michelle",
    "jessica",
    "pepper",
    "1111",
    "zxcvbn",
    "555555",
    "11111111",
    "131313",
    "freedom",
    "777777",
    "pass",
    "maggie",
    "159753",
    "aaaaaa",
    "ginger",
    "princess",
    "joshua",
    "cheese",
    "amanda",
    "summer",
    "love",
    "ashley",
    "nicole",
    "chelsea",
    "biteme",
    "matthew",
    "access",
    "yankees",
    "987654321",
    "dallas",
    "austin",
    "thunder",
    "taylor",
    "matrix",
    "mobilemail",
    "mom",
    "monitor",
    "monitoring",
    "montana",
    "moon",
    "moscow",
    "password1",
    "password123",
    "passw0rd",
    "welcome",
    "welcome1",
    "admin",
    "administrator",
    "changeme",
    "secret",
    "qwerty123",
    "iloveyou1",
    "123abc",
    "abcd1234",
    "1q2w3e4r",
    "1q2w3e",
    "q1w2e3r4",
    "aa123456",
    "football1",
    "baseball1",
    "princess1",
    "sunshine1",
    "letmein1",
    "trustno1!",
    "superman1",
    "whatever",
    "solo",
    "azerty",
];

/// Django's `SequenceMatcher.quick_ratio`: an upper bound of similarity from shared characters.
fn quick_ratio(a: &str, b: &str) -> f64 {
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        return 1.0;
    }
    let mut counts = std::collections::HashMap::<char, i64>::new();
    for c in b.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let mut matches = 0;
    for c in a.chars() {
        if let Some(n) = counts.get_mut(&c)
            && *n > 0
        {
            *n -= 1;
            matches += 1;
        }
    }
    2.0 * f64::from(matches) / total as f64
}

/// Checks a password; the error lists every message, as Django shows them.
pub fn validate_password(
    password: &str,
    user: &UserAttributes,
    validators: &Validators,
) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    let length = password.chars().count();
    if validators.minimum_length > 0 && length < validators.minimum_length {
        errors.push(format!(
            "This password is too short. It must contain at least {} characters.",
            validators.minimum_length
        ));
    }
    if validators.user_attribute_similarity {
        let lowered = password.to_lowercase();
        for (label, value) in [
            ("username", &user.username),
            ("email address", &user.email),
            ("first name", &user.first_name),
            ("last name", &user.last_name),
        ] {
            if value.is_empty() {
                continue;
            }
            let value = value.to_lowercase();
            let parts = std::iter::once(value.as_str()).chain(
                value
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|p| !p.is_empty()),
            );
            if parts
                .into_iter()
                .any(|p| quick_ratio(&lowered, p) >= 0.7 || (p.len() >= 3 && lowered.contains(p)))
            {
                errors.push(format!("The password is too similar to the {label}."));
                break;
            }
        }
    }
    if validators.common_password && COMMON.contains(&password.trim().to_lowercase().as_str()) {
        errors.push("This password is too common.".into());
    }
    if validators.numeric_password
        && !password.is_empty()
        && password.chars().all(|c| c.is_ascii_digit())
    {
        errors.push("This password is entirely numeric.".into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
