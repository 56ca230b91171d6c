//! The polls URLs of `benches/pages.sh`.

use super::views;
use roan::contrib::auth::RequireUser;
use roan::urls::{Urls, path};

pub fn urls() -> Urls {
    Urls::app(
        "polls",
        vec![
            path("", views::index).name("index"),
            path("me/", views::me).name("me").login_required(),
            path("<int:question_id>/", views::detail).name("detail"),
            path("<int:question_id>/results/", views::detail).name("results"),
            path("<int:question_id>/vote/", axum::routing::post(views::vote)).name("vote"),
        ],
    )
}
