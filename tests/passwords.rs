//! Passwords: argon2id in Django's format, Django's own hashes verify, validators as Django's.

use roan::contrib::auth::hashers::{
    algorithm, check_password, is_password_usable, make_password, make_unusable_password,
    must_update,
};
use roan::contrib::auth::validators::{UserAttributes, Validators, validate_password};

fn fixtures() -> toml::Table {
    include_str!("fixtures/django_hashes.toml").parse().unwrap()
}

#[test]
fn hashes_made_by_django_verify() {
    let f = fixtures();
    let pw = f["password"].as_str().unwrap();
    for key in ["pbkdf2_sha256", "argon2"] {
        let encoded = f[key].as_str().unwrap();
        assert!(check_password(pw, encoded), "{key}");
        assert!(
            !check_password("correct horse battery stapler", encoded),
            "{key}"
        );
        assert!(!check_password("", encoded), "{key}");
    }
    let unicode = f["unicode_password"].as_str().unwrap();
    assert!(check_password(
        unicode,
        f["unicode_pbkdf2_sha256"].as_str().unwrap()
    ));
    // PBKDF2 is replaced by argon2 at the next login; Django's stronger argon2 is kept.
    assert!(must_update(f["pbkdf2_sha256"].as_str().unwrap()));
    assert!(!must_update(f["argon2"].as_str().unwrap()));
    assert_eq!(
        algorithm(f["pbkdf2_sha256"].as_str().unwrap()),
        Some("pbkdf2_sha256")
    );
}

#[test]
fn new_hashes_are_argon2id_in_djangos_format() {
    let a = make_password("p4ss-phrase");
    let b = make_password("p4ss-phrase");
    assert!(a.starts_with("argon2$argon2id$v=19$m="), "{a}");
    assert_ne!(a, b, "a fresh salt each time");
    assert!(check_password("p4ss-phrase", &a));
    assert!(!check_password("p4ss-phrasE", &a));
    assert!(!must_update(&a));
}

#[test]
fn unusable_and_malformed_hashes_never_match() {
    let u = make_unusable_password();
    assert!(u.starts_with('!') && !is_password_usable(&u));
    assert!(!check_password("", &u) && !check_password(&u, &u));
    for bad in [
        "",
        "md5$x$y",
        "pbkdf2_sha256$",
        "pbkdf2_sha256$abc$salt$hash",
        "pbkdf2_sha256$0$s$aGFzaA==",
        "argon2$nonsense",
    ] {
        assert!(!check_password("x", bad), "{bad}");
    }
}

#[test]
fn validators_say_what_django_says() {
    let v = Validators::default();
    let user = UserAttributes {
        username: "marguerite".into(),
        email: "marguerite@example.com".into(),
        first_name: "Maggie".into(),
        last_name: "Durand".into(),
    };
    let errs = validate_password("abc", &user, &v).unwrap_err();
    assert!(
        errs.contains(
            &"This password is too short. It must contain at least 8 characters.".to_string()
        ),
        "{errs:?}"
    );
    let errs = validate_password("12345678", &user, &v).unwrap_err();
    assert!(
        errs.contains(&"This password is entirely numeric.".to_string()),
        "{errs:?}"
    );
    assert!(
        errs.contains(&"This password is too common.".to_string()),
        "{errs:?}"
    );
    let errs = validate_password("Marguerite1", &user, &v).unwrap_err();
    assert_eq!(errs, vec!["The password is too similar to the username."]);
    let errs = validate_password("password", &UserAttributes::default(), &v).unwrap_err();
    assert_eq!(errs, vec!["This password is too common."]);
    assert!(validate_password("violet-harbor-71", &user, &v).is_ok());
    let lenient = Validators {
        minimum_length: 0,
        user_attribute_similarity: false,
        common_password: false,
        numeric_password: false,
    };
    assert!(validate_password("1", &user, &lenient).is_ok());
}
