//! settings.toml: Django's names, environment overrides, and errors that say where and how.

use roan::conf::{Engine, Settings, SettingsError};
use std::collections::HashMap;
use std::path::Path;

fn parse(text: &str, vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_toml_str(text, Path::new("/srv/site/settings.toml"), &vars)
}

const BASE: &str = "SECRET_KEY = \"s3cret-value-for-tests\"\nDEBUG = true\n";

#[test]
fn defaults_follow_django() {
    let s = parse(BASE, &[]).unwrap();
    assert!(s.debug);
    assert!(s.allowed_hosts.is_empty());
    assert_eq!(s.static_url, "/static/");
    assert!(s.append_slash);
    assert_eq!(s.templates.dirs, vec!["templates"]);
    assert_eq!(s.databases["default"].effective_engine(), Engine::Sqlite);
    assert_eq!(s.database_url(), "sqlite:///srv/site/db.sqlite3?mode=rwc");
    assert_eq!(s.base_dir, Path::new("/srv/site"));
    assert!(s.use_tz);
    assert_eq!(s.current_time_zone(), Some(roan::timezone::Tz::UTC));
}

#[test]
fn time_zone_names_a_zone_of_the_iana_database() {
    let s = parse(&format!("{BASE}TIME_ZONE = \"Europe/Paris\"\n"), &[]).unwrap();
    assert_eq!(
        s.current_time_zone().map(|tz| tz.name()),
        Some("Europe/Paris")
    );
    let s = parse(
        &format!("{BASE}TIME_ZONE = \"Europe/Paris\"\nUSE_TZ = false\n"),
        &[],
    )
    .unwrap();
    assert_eq!(s.current_time_zone(), None, "naive dates and times");
    let err = parse(&format!("{BASE}TIME_ZONE = \"Europe/Pariss\"\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "Incorrect timezone setting: \"Europe/Pariss\" is not a time zone of the IANA database"
        ) && err.contains("Europe/Paris"),
        "{err}"
    );
    let s = parse(
        BASE,
        &[("TIME_ZONE", "America/New_York"), ("USE_TZ", "false")],
    )
    .unwrap();
    assert_eq!(s.time_zone, "America/New_York");
    assert!(!s.use_tz);
}

#[test]
fn unknown_key_names_file_line_column_and_fix() {
    let err = parse(&format!("{BASE}\nDEBGU = false\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("/srv/site/settings.toml:4:1:"), "{err}");
    assert!(err.contains("unknown setting `DEBGU`"), "{err}");
    assert!(err.contains("did you mean `DEBUG`?"), "{err}");

    let err = parse(
        &format!("{BASE}[DATABASES.default]\nENGIN = \"sqlite\"\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(":4:1:") && err.contains("`ENGIN`") && err.contains("`ENGINE`"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_the_key_and_the_fix() {
    let err = parse("SECRET_KEY = \"x\"\nDEBUG = \"yes\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("settings.toml:2:"), "{err}");
    assert!(err.contains("DEBUG"), "{err}");
    assert!(err.contains("DEBUG = true"), "{err}");
    let err = parse("ALLOWED_HOSTS = \"example.com\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ALLOWED_HOSTS") && err.contains("list"),
        "{err}"
    );
}

#[test]
fn environment_overrides_each_key() {
    let s = parse(
        BASE,
        &[
            ("DEBUG", "false"),
            ("ALLOWED_HOSTS", "example.com, www.example.com"),
            ("SECRET_KEY", "from-env"),
            ("DATABASE_URL", "postgres://app:pw@db.internal:5432/site"),
            ("STATIC_URL", "/assets/"),
        ],
    )
    .unwrap();
    assert!(!s.debug);
    assert_eq!(s.allowed_hosts, vec!["example.com", "www.example.com"]);
    assert_eq!(s.secret_key, "from-env");
    assert_eq!(s.static_url, "/assets/");
    assert_eq!(
        s.databases["default"].effective_engine(),
        Engine::Postgresql
    );
    assert_eq!(s.database_url(), "postgres://app:pw@db.internal:5432/site");

    let err = parse(BASE, &[("DEBUG", "perhaps")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DEBUG") && err.contains("perhaps") && err.contains("DEBUG=true"),
        "{err}"
    );
}

#[test]
fn production_without_a_secret_key_refuses_to_start() {
    let err = parse("DEBUG = false\n", &[]).unwrap_err().to_string();
    assert!(err.contains("SECRET_KEY") && err.contains("help:"), "{err}");
    let err = parse(BASE, &[("DEBUG", "0"), ("SECRET_KEY", "")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("SECRET_KEY is empty"), "{err}");
    assert!(
        parse("DEBUG = true\n", &[]).is_ok(),
        "development may run without a key"
    );
}

#[test]
fn database_keys_compose_a_url() {
    let s = parse(
        &format!(
            "{BASE}[DATABASES.default]\nENGINE = \"mysql\"\nNAME = \"shop\"\nUSER = \"root\"\nPASSWORD = \"p@ss\"\nHOST = \"127.0.0.1\"\nPORT = 3307\n"
        ),
        &[],
    )
    .unwrap();
    assert_eq!(s.database_url(), "mysql://root:p%40ss@127.0.0.1:3307/shop");
    let err = parse(
        &format!("{BASE}[DATABASES.other]\nENGINE = \"sqlite\"\n"),
        &[],
    )
    .unwrap_err();
    assert!(err.to_string().contains("default"), "{err}");
}

#[test]
fn secrets_are_masked() {
    let s = parse(
        &format!("{BASE}[DATABASES.default]\nURL = \"postgres://app:hunter2@db/site\"\n"),
        &[],
    )
    .unwrap();
    let shown = format!("{:?}", s.masked_pairs());
    assert!(!shown.contains("s3cret-value-for-tests"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("********************"));
    assert!(roan::conf::is_secret_name("API_TOKEN") && roan::conf::is_secret_name("db_password"));
    assert!(!roan::conf::is_secret_name("DEBUG"));
}

#[test]
fn database_options_set_the_pool_and_survive_database_url() {
    let text = format!(
        "{BASE}[DATABASES.default]\nENGINE = \"sqlite\"\nNAME = \"db.sqlite3\"\n\
         [DATABASES.default.OPTIONS]\npool = {{ min_size = 2, max_size = 6 }}\ntimeout = 20\n"
    );
    let s = parse(&text, &[]).unwrap();
    let options = &s.databases["default"].options;
    let pool = options.pool.unwrap();
    assert_eq!((pool.min_size, pool.max_size), (2, 6));
    assert_eq!(options.timeout, Some(20.0));
    // DATABASE_URL moves the database; the pool stays as configured.
    let s = parse(&text, &[("DATABASE_URL", "postgres://u@db/site")]).unwrap();
    assert_eq!(s.databases["default"].options.pool.unwrap().max_size, 6);
    assert!(
        parse(BASE, &[]).unwrap().databases["default"]
            .options
            .pool
            .is_none(),
        "the default pool is roan's, sized for the machine"
    );
    assert!(roan::conf::PoolOptions::default().max_size >= 4);

    let err = parse(
        &format!(
            "{BASE}[DATABASES.default]\nNAME = \"db.sqlite3\"\n\
             [DATABASES.default.OPTIONS]\npool = {{ min_size = 5, max_size = 2 }}\n"
        ),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("min_size 5 and max_size 2") && err.contains("min_size at most max_size"),
        "{err}"
    );
    let err = parse(
        &format!("{BASE}[DATABASES.default.OPTIONS]\ntimeuot = 3\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("timeuot") && err.contains(":4:1:"), "{err}");
}
