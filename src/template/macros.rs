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
        $crate::template::__minijinja::__context::build(
            $crate::template::__minijinja::__context::make(),
        )
    };
    ($($key:ident $(=> $value:expr)?),* $(,)?) => {{
        let mut ctx = $crate::template::__minijinja::__context::make();
        $(
            $crate::__context_pair!(ctx, $key $(=> $value)?);
        )*
        $crate::template::__minijinja::__context::build(ctx)
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __context_pair {
    ($ctx:ident, $key:ident) => {
        $crate::__context_pair!($ctx, $key => $key)
    };
    ($ctx:ident, $key:ident => $value:expr) => {{
        #[allow(unused_imports)]
        use $crate::template::macros::{ViaInto as _, ViaSerde as _};
        $crate::template::__minijinja::__context::add(
            &mut $ctx,
            ::std::stringify!($key),
            (&$crate::template::macros::Wrap(::std::cell::Cell::new(::std::option::Option::Some($value))))
                .to_template_value(),
        );
    }};
}

// How `context!` turns a value into a template value: through `Into<Value>` when the type has
// it (strings, numbers, `Value`s, forms: moved, no serialization), else through `Serialize`. The
// choice is made at compile time by method resolution (autoref specialisation).

#[doc(hidden)]
pub struct Wrap<T>(pub std::cell::Cell<Option<T>>);

#[doc(hidden)]
pub trait ViaInto {
    fn to_template_value(&self) -> crate::template::Value;
}

impl<T: Into<crate::template::Value>> ViaInto for Wrap<T> {
    fn to_template_value(&self) -> crate::template::Value {
        self.0.take().map(Into::into).unwrap_or_default()
    }
}

#[doc(hidden)]
pub trait ViaSerde {
    fn to_template_value(&self) -> crate::template::Value;
}

impl<T: serde::Serialize> ViaSerde for &Wrap<T> {
    fn to_template_value(&self) -> crate::template::Value {
        self.0
            .take()
            .map(|v| crate::template::Value::from(minijinja::value::Serde(&v)))
            .unwrap_or_default()
    }
}
