//! `roan::context!`: a template context from names and values, any `Serialize` value included.

/// A template context: `roan::context! { title, items => list }`, as minijinja's `context!`,
/// except that each value may be anything `Serialize` (a sea-orm model, a `Vec` of them, a
/// struct of yours), and a [`crate::forms::Form`] becomes its template view.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Question { id: i32, question_text: String }
///
/// let latest_question_list = vec![Question { id: 1, question_text: "What's up?".into() }];
/// let ctx = roan::context! { latest_question_list, title => "Polls" };
/// assert_eq!(ctx.get_attr("title").unwrap().as_str(), Some("Polls"));
/// assert_eq!(ctx.get_attr("latest_question_list").unwrap().len(), Some(1));
/// ```
#[macro_export]
macro_rules! context {
    () => {
        $crate::template::Value::from(
            ::std::collections::BTreeMap::<&'static str, $crate::template::Value>::new(),
        )
    };
    ($($key:ident $(=> $value:expr)?),* $(,)?) => {{
        let mut ctx = ::std::collections::BTreeMap::<&'static str, $crate::template::Value>::new();
        $(
            $crate::__context_pair!(ctx, $key $(=> $value)?);
        )*
        $crate::template::Value::from(ctx)
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __context_pair {
    ($ctx:ident, $key:ident) => {
        $crate::__context_pair!($ctx, $key => $key)
    };
    ($ctx:ident, $key:ident => $value:expr) => {
        $ctx.insert(
            ::std::stringify!($key),
            $crate::template::Value::from($crate::template::Serde(&$value)),
        );
    };
}
