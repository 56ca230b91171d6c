//! Django's `F()`: a column's value as the database holds it, for updates that read and write
//! in one statement.

use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef};
use std::ops::{Add, Div, Mul, Sub};

/// A column's value in the database (Django's `F("votes")`): `F(Column::Votes) + 1` is the SQL
/// `"votes" + 1`, so an update made from it cannot lose a concurrent one, as reading the row,
/// adding in Rust and writing it back can.
///
/// ```
/// # mod choice { use sea_orm::entity::prelude::*;
/// # #[sea_orm::model] #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// # #[sea_orm(table_name = "polls_choice")]
/// # pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub votes: i32 }
/// # impl ActiveModelBehavior for ActiveModel {} }
/// use roan::db::F;
/// use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
///
/// // Django: Choice.objects.filter(pk=3).update(votes=F("votes") + 1)
/// let update = choice::Entity::update_many()
///     .col_expr(choice::Column::Votes, F(choice::Column::Votes) + 1)
///     .filter(choice::Column::Id.eq(3));
/// assert_eq!(
///     update.build(sea_orm::DbBackend::Sqlite).to_string(),
///     r#"UPDATE "polls_choice" SET "votes" = "votes" + 1 WHERE "polls_choice"."id" = 3"#
/// );
/// // then `.exec(&db).await?`
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct F<C>(pub C);

impl<C: IntoColumnRef> From<F<C>> for Expr {
    fn from(f: F<C>) -> Expr {
        Expr::col(f.0)
    }
}

macro_rules! operator {
    ($trait:ident, $method:ident) => {
        impl<C: IntoColumnRef, R: Into<Expr>> $trait<R> for F<C> {
            type Output = Expr;

            fn $method(self, right: R) -> Expr {
                ExprTrait::$method(Expr::col(self.0), right)
            }
        }
    };
}

operator!(Add, add);
operator!(Sub, sub);
operator!(Mul, mul);
operator!(Div, div);
