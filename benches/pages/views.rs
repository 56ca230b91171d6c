//! The polls pages of `benches/pages.sh`, written as the Django tutorial writes them.

use super::models::{choice, question};
use axum::response::Response;
use roan::contrib::auth::CurrentUser;
use roan::db::F;
use roan::forms::FormData;
use roan::{Db, HttpRequest, Path, get_object_or_404, redirect, render};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The app's index page (kept from `startapp`).
pub async fn index(request: HttpRequest, Db(db): Db) -> roan::Result<Response> {
    let latest_question_list = question::Entity::find()
        .order_by_desc(question::Column::PubDate)
        .limit(5)
        .all(&db)
        .await?;
    render(&request, "polls/index.html", roan::context! { latest_question_list })
}

/// A question and the form to vote on it.
pub async fn detail(request: HttpRequest, Db(db): Db, Path(id): Path<i32>) -> roan::Result<Response> {
    let question = get_object_or_404::<question::Entity>(&db, id).await?;
    let choices = choice::Entity::find()
        .filter(choice::Column::QuestionId.eq(id))
        .all(&db)
        .await?;
    render(&request, "polls/detail.html", roan::context! { question, choices })
}

/// Counts a vote (in the database, as Django's `F("votes") + 1`) and redirects to the results.
pub async fn vote(
    request: HttpRequest,
    Db(db): Db,
    Path(id): Path<i32>,
    data: FormData,
) -> roan::Result<Response> {
    let choice_id: Option<i32> = data.get("choice").and_then(|c| c.parse().ok());
    let updated = choice::Entity::update_many()
        .col_expr(choice::Column::Votes, F(choice::Column::Votes) + 1)
        .filter(choice::Column::Id.eq(choice_id.unwrap_or(0)))
        .filter(choice::Column::QuestionId.eq(id))
        .exec(&db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(roan::Error::NotFound("No such choice.".into()));
    }
    redirect(&request, ("polls:results", [id]))
}

/// A page for the logged-in user.
pub async fn me(request: HttpRequest, _user: CurrentUser) -> roan::Result<Response> {
    render(&request, "polls/me.html", roan::context! {})
}
