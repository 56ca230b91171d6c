//! The add/change/delete/view permissions of every registered model, created after `migrate`.

use super::models::PERMISSION;
use crate::migrations::ProjectState;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// Inserts the missing default permissions for the models in `state`; returns how many.
pub async fn create_permissions(
    db: &impl ConnectionTrait,
    state: &ProjectState,
) -> Result<u64, DbErr> {
    let mut created = 0;
    for model in state.models.values() {
        for action in ["add", "change", "delete", "view"] {
            let codename = format!("{action}_{}", model.name);
            let exists = Query::select()
                .expr(Expr::val(1))
                .from(Alias::new(PERMISSION))
                .and_where(Expr::col(Alias::new("app_label")).eq(model.app.as_str()))
                .and_where(Expr::col(Alias::new("codename")).eq(codename.as_str()))
                .to_owned();
            if db.query_one(&exists).await?.is_some() {
                continue;
            }
            let insert = Query::insert()
                .into_table(Alias::new(PERMISSION))
                .columns(["name", "app_label", "codename"].map(Alias::new))
                .values_panic([
                    format!("Can {action} {}", model.name.replace('_', " ")).into(),
                    model.app.clone().into(),
                    codename.into(),
                ])
                .to_owned();
            db.execute(&insert).await?;
            created += 1;
        }
    }
    Ok(created)
}
