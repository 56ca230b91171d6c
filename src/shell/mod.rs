//! `roan shell`: Django's `manage.py shell`, with every installed model by its class name and the
//! query API a Django user types (`Question.objects.filter(pub_date__year=2026)[:5]`), evaluated
//! in the project binary: nothing is compiled per line.
//!
//! ```
//! use roan::db::{Field, FieldType, ModelState};
//! let question = ModelState {
//!     app: "polls".into(), name: "question".into(), table: "polls_question".into(),
//!     fields: vec![
//!         Field::new("id", FieldType::Integer).primary_key().auto_increment(),
//!         Field::new("question_text", FieldType::String).max_length(200),
//!     ],
//!     indexes: vec![],
//! };
//! let mut shell = roan::shell::Session::in_memory(vec![question]).unwrap();
//! shell.run("q = Question(question_text=\"What's new?\"); q.save()");
//! assert_eq!(shell.run("q.id"), ["1"]);
//! assert_eq!(shell.run("Question.objects.all()"), ["<QuerySet [<Question: Question object (1)>]>"]);
//! assert_eq!(
//!     shell.run("Question.objects.get(pk=2)"),
//!     ["polls.models.Question.DoesNotExist: Question matching query does not exist."]
//! );
//! ```

mod eval;
mod line;
mod parse;

pub use eval::Session;
pub use line::{Editor, Input};
pub use parse::{SyntaxError, is_incomplete};

/// A model's class name, as Django's: `question` is `Question`, `question_tags` is
/// `QuestionTags`.
pub fn class_name(model: &str) -> String {
    model
        .split('_')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
