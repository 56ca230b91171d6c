//! `clearsessions`: deletes expired sessions (run it from cron, as in Django).

use crate::management::{Command, CommandContext, CommandError};

/// `roan clearsessions`.
pub struct ClearSessions;

impl Command for ClearSessions {
    fn name(&self) -> &'static str {
        "clearsessions"
    }

    fn about(&self) -> &'static str {
        "Delete expired sessions from the database"
    }

    fn handle(&self, ctx: &CommandContext, _args: &clap::ArgMatches) -> Result<(), CommandError> {
        let site = ctx.site()?;
        let rt = ctx.runtime()?;
        let n = rt.block_on(async {
            let db = site
                .db()
                .await
                .map_err(|e| CommandError::new(format!("cannot connect to the database: {e}")))?;
            super::store::clear_expired(db).await.map_err(|e| {
                CommandError::new(format!(
                    "cannot clear sessions: {e}; has `roan migrate` run?"
                ))
            })
        })?;
        println!(
            "Deleted {n} expired session{}.",
            if n == 1 { "" } else { "s" }
        );
        Ok(())
    }
}
