//! `createsuperuser` and `changepassword`.

use super::backend::{create_user, set_password, user_by_username};
use super::validators::{UserAttributes, Validators, validate_password};
use crate::management::{Command, CommandContext, CommandError};
use std::io::IsTerminal;

fn validators(ctx: &CommandContext) -> Result<Validators, CommandError> {
    Ok(Validators::from_settings(&ctx.settings()?))
}

fn db_error(e: impl std::fmt::Display) -> CommandError {
    CommandError::new(format!("{e}; has `roan migrate` run?"))
}

/// Asks for a password twice, hidden, with the validators and Django's bypass question.
fn ask_password(user: &UserAttributes, validators: &Validators) -> Result<String, CommandError> {
    loop {
        let p1 = dialoguer::Password::new()
            .with_prompt("Password")
            .allow_empty_password(true)
            .interact()
            .map_err(|e| CommandError::new(format!("cannot read the password: {e}")))?;
        let p2 = dialoguer::Password::new()
            .with_prompt("Password (again)")
            .allow_empty_password(true)
            .interact()
            .map_err(|e| CommandError::new(format!("cannot read the password: {e}")))?;
        if p1 != p2 {
            eprintln!("Error: Your passwords didn't match.");
            continue;
        }
        if p1.trim().is_empty() {
            eprintln!("Error: Blank passwords aren't allowed.");
            continue;
        }
        if let Err(errors) = validate_password(&p1, user, validators) {
            for e in errors {
                eprintln!("{e}");
            }
            let bypass = dialoguer::Confirm::new()
                .with_prompt("Bypass password validation and create user anyway?")
                .default(false)
                .interact()
                .unwrap_or(false);
            if !bypass {
                continue;
            }
        }
        return Ok(p1);
    }
}

/// `roan createsuperuser [--noinput] [--username U] [--email E]`.
pub struct CreateSuperuser;

impl Command for CreateSuperuser {
    fn name(&self) -> &'static str {
        "createsuperuser"
    }

    fn about(&self) -> &'static str {
        "Create a user with every permission (ROAN_SUPERUSER_PASSWORD with --noinput)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("username")
                .long("username")
                .env("ROAN_SUPERUSER_USERNAME"),
        )
        .arg(
            clap::Arg::new("email")
                .long("email")
                .env("ROAN_SUPERUSER_EMAIL"),
        )
        .arg(
            crate::management::flag(
                "noinput",
                "Ask nothing; the password comes from ROAN_SUPERUSER_PASSWORD",
            )
            .alias("no-input"),
        )
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let validators = validators(ctx)?;
        let rt = ctx.runtime()?;
        let noinput = args.get_flag("noinput") || !std::io::stdin().is_terminal();
        let db = rt.block_on(site.db()).map_err(db_error)?.clone();
        let exists = |name: &str| -> Result<bool, CommandError> {
            rt.block_on(user_by_username(&db, name))
                .map(|u| u.is_some())
                .map_err(db_error)
        };
        let (username, email, password) = if noinput {
            let username = args
                .get_one::<String>("username")
                .cloned()
                .unwrap_or_default();
            if username.is_empty() {
                return Err(CommandError::new(
                    "You must use --username with --noinput (or set ROAN_SUPERUSER_USERNAME).",
                ));
            }
            let email = args.get_one::<String>("email").cloned().unwrap_or_default();
            let password = std::env::var("ROAN_SUPERUSER_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            (username, email, password)
        } else {
            let default_user = std::env::var("USER").unwrap_or_default();
            let username = loop {
                let mut input = dialoguer::Input::<String>::new().with_prompt("Username");
                if !default_user.is_empty() && !exists(&default_user)? {
                    input = input.default(default_user.clone());
                }
                let name: String = input
                    .interact_text()
                    .map_err(|e| CommandError::new(format!("cannot read the username: {e}")))?;
                let name = name.trim().to_string();
                if name.is_empty() {
                    eprintln!("Error: This field cannot be blank.");
                } else if exists(&name)? {
                    eprintln!("Error: That username is already taken.");
                } else {
                    break name;
                }
            };
            let email: String = dialoguer::Input::new()
                .with_prompt("Email address")
                .allow_empty(true)
                .interact_text()
                .map_err(|e| CommandError::new(format!("cannot read the email: {e}")))?;
            let attrs = UserAttributes {
                username: username.clone(),
                email: email.clone(),
                ..Default::default()
            };
            let password = ask_password(&attrs, &validators)?;
            (username, email, Some(password))
        };
        if exists(&username)? {
            return Err(CommandError::new(format!(
                "Error: That username is already taken: '{username}'. Nothing was created."
            )));
        }
        if noinput && password.is_none() {
            eprintln!(
                "ROAN_SUPERUSER_PASSWORD is not set: the superuser gets an unusable password (set one with `roan changepassword {username}`)."
            );
        }
        rt.block_on(create_user(
            &db,
            &username,
            &email,
            password.as_deref(),
            true,
        ))
        .map_err(db_error)?;
        println!("Superuser created successfully.");
        Ok(())
    }
}

/// `roan changepassword [USERNAME]`.
pub struct ChangePassword;

impl Command for ChangePassword {
    fn name(&self) -> &'static str {
        "changepassword"
    }

    fn about(&self) -> &'static str {
        "Change a user's password"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(clap::Arg::new("username").help("The user [default: your OS user name]"))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let validators = validators(ctx)?;
        let rt = ctx.runtime()?;
        let db = rt.block_on(site.db()).map_err(db_error)?.clone();
        let username = args
            .get_one::<String>("username")
            .cloned()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_default();
        let Some(user) = rt
            .block_on(user_by_username(&db, &username))
            .map_err(db_error)?
        else {
            return Err(CommandError::new(format!(
                "user '{username}' does not exist"
            )));
        };
        if !std::io::stdin().is_terminal() {
            return Err(CommandError::new(
                "changepassword asks for the password on a terminal; run it in one",
            ));
        }
        println!("Changing password for user '{username}'");
        let attrs = UserAttributes {
            username: user.username.clone(),
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
        };
        let password = ask_password(&attrs, &validators)?;
        rt.block_on(set_password(&db, user.id, &password))
            .map_err(db_error)?;
        println!("Password changed successfully for user '{username}'");
        Ok(())
    }
}
