//! The Django tutorial's polls models, as `benches/pages.sh` installs them.

pub mod question {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_question")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub question_text: String,
        pub pub_date: DateTime,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod choice {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "polls_choice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub question_id: i32,
        #[serde(skip)]
        #[sea_orm(belongs_to, from = "question_id", to = "id", on_delete = "Cascade")]
        pub question: BelongsTo<super::question::Entity>,
        #[sea_orm(column_type = "String(StringLen::N(200))")]
        pub choice_text: String,
        #[sea_orm(default_value = 0)]
        pub votes: i32,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
