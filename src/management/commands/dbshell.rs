//! `dbshell [-- ARGS]`: the database's own command-line client, connected as the settings say.

use crate::conf::Engine;
use crate::management::{Command, CommandContext, CommandError};

/// `roan dbshell`.
pub struct DbShell;

/// A client command: program, arguments, environment.
type Client = (&'static str, Vec<String>, Vec<(&'static str, String)>);

/// The client command for the default database: program, arguments, environment (the password
/// goes there, never on the command line where `ps` shows it).
pub(crate) fn client(settings: &crate::conf::Settings) -> Result<Client, CommandError> {
    let db = settings
        .databases
        .get("default")
        .ok_or_else(|| CommandError::new("settings.DATABASES has no 'default' database"))?;
    let raw = db.url(&settings.base_dir);
    let parts = UrlParts::parse(&raw);
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let name = decode(&parts.path);
    let mut args = Vec::new();
    let mut env = Vec::new();
    let program = match db.engine {
        Engine::Sqlite => {
            let file = raw
                .strip_prefix("sqlite://")
                .map(|f| f.split('?').next().unwrap_or(f).to_string())
                .unwrap_or(name);
            args.push(file);
            "sqlite3"
        }
        Engine::Postgresql => {
            if !parts.user.is_empty() {
                args.extend(["-U".into(), decode(&parts.user)]);
            }
            if !parts.host.is_empty() {
                args.extend(["-h".into(), parts.host.clone()]);
            }
            if let Some(port) = &parts.port {
                args.extend(["-p".into(), port.clone()]);
            }
            if let Some(p) = &parts.password {
                env.push(("PGPASSWORD", decode(p)));
            }
            args.push(name);
            "psql"
        }
        Engine::Mysql => {
            if !parts.user.is_empty() {
                args.push(format!("--user={}", decode(&parts.user)));
            }
            if !parts.host.is_empty() {
                args.push(format!("--host={}", parts.host));
            }
            if let Some(port) = &parts.port {
                args.push(format!("--port={port}"));
            }
            if let Some(p) = &parts.password {
                env.push(("MYSQL_PWD", decode(p)));
            }
            args.push(name);
            "mariadb"
        }
    };
    Ok((program, args, env))
}

/// The pieces of `scheme://user:password@host:port/name?query`.
#[derive(Debug, Default)]
struct UrlParts {
    user: String,
    password: Option<String>,
    host: String,
    port: Option<String>,
    path: String,
}

impl UrlParts {
    fn parse(url: &str) -> UrlParts {
        let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((name, pw)) => (name.to_string(), Some(pw.to_string())),
                None => (u.to_string(), None),
            },
            None => (String::new(), None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => {
                (h.to_string(), Some(p.to_string()))
            }
            _ => (hostport.to_string(), None),
        };
        UrlParts {
            user,
            password,
            host,
            port,
            path: path.to_string(),
        }
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

impl Command for DbShell {
    fn name(&self) -> &'static str {
        "dbshell"
    }

    fn about(&self) -> &'static str {
        "Run the command-line client of the database (sqlite3, psql, mariadb) with the settings' connection"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("parameters")
                .num_args(0..)
                .last(true)
                .help("Arguments for the client, after --"),
        )
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let settings = ctx.settings()?;
        let (mut program, mut client_args, env) = client(&settings)?;
        // MariaDB's client is `mariadb`; older installs call it `mysql`.
        if program == "mariadb" && !on_path("mariadb") && on_path("mysql") {
            program = "mysql";
        }
        if !on_path(program) {
            let package = match program {
                "sqlite3" => "sqlite3",
                "psql" => "postgresql-client",
                _ => "mariadb-client",
            };
            return Err(CommandError::new(format!(
                "You appear not to have the '{program}' program installed or on your path.\n  \
                 help: install it (apt-get install {package}) and run `roan dbshell` again"
            )));
        }
        client_args.extend(
            args.get_many::<String>("parameters")
                .map(|v| v.cloned().collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        let mut command = std::process::Command::new(program);
        command.args(&client_args);
        for (k, v) in env {
            command.env(k, v);
        }
        let status = command
            .status()
            .map_err(|e| CommandError::new(format!("cannot run {program}: {e}")))?;
        match status.code() {
            Some(0) => Ok(()),
            Some(code) => Err(CommandError::with_code(
                format!("{program} exited with status {code}"),
                u8::try_from(code).unwrap_or(1),
            )),
            None => Err(CommandError::new(format!(
                "{program} was stopped by a signal"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_get_the_connection_and_the_password_in_their_environment() {
        let mut settings = crate::conf::Settings::from_toml_str(
            "SECRET_KEY = \"k\"\n",
            std::path::Path::new("/srv/site/settings.toml"),
            &Default::default(),
        )
        .unwrap();
        let (program, args, env) = client(&settings).unwrap();
        assert_eq!(
            (program, args, env),
            ("sqlite3", vec!["/srv/site/db.sqlite3".to_string()], vec![])
        );
        settings.databases.insert(
            "default".into(),
            crate::conf::DatabaseSettings::from_url("postgres://ann:s%3Acret@db.local:5433/shop")
                .unwrap(),
        );
        let (program, args, env) = client(&settings).unwrap();
        assert_eq!(program, "psql");
        assert_eq!(args, ["-U", "ann", "-h", "db.local", "-p", "5433", "shop"]);
        assert_eq!(env, [("PGPASSWORD", "s:cret".to_string())]);
        assert!(
            !args.iter().any(|a| a.contains("cret")),
            "no password on the command line"
        );
        settings.databases.insert(
            "default".into(),
            crate::conf::DatabaseSettings::from_url("mysql://root:pw@127.0.0.1:3306/test").unwrap(),
        );
        let (program, args, env) = client(&settings).unwrap();
        assert_eq!(program, "mariadb");
        assert_eq!(
            args,
            ["--user=root", "--host=127.0.0.1", "--port=3306", "test"]
        );
        assert_eq!(env, [("MYSQL_PWD", "pw".to_string())]);
    }
}
