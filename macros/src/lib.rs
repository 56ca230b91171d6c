//! The derive macros of roan. Use them through roan: `#[derive(roan::Form)]`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// Declares a form as a struct, as Django's `class ContactForm(forms.Form)`: each field of the
/// struct is a form field, picked from its type (`String` a `CharField`, `i64` an
/// `IntegerField`, `bool` an unrequired `BooleanField`, `Option<T>` not required,
/// `chrono::NaiveDate` a `DateField`, ...) and tuned with `#[form(...)]`. The struct gets
/// `fn form() -> roan::forms::Form`; derive `serde::Deserialize` too to read the cleaned data
/// back with `form.cleaned::<T>()`.
///
/// See `roan::forms` for the attributes.
#[proc_macro_derive(Form, attributes(form))]
pub fn derive_form(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(roan::Form)] works on a struct with named fields",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "#[derive(roan::Form)] works on a struct with named fields",
        ));
    };
    let mut prefix = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("form")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("prefix") {
                prefix = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("unknown form option; the struct takes `prefix = \"...\"`"))
            }
        })?;
    }
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(ident) = &field.ident else { continue };
        let spec = Spec::parse(field)?;
        if spec.skip {
            continue;
        }
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        let built = spec.build(&field.ty, &name)?;
        fields.push(quote! { .field(#name, #built) });
    }
    let prefix = prefix.map(|p| quote! { .prefix(#p) });
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The form this struct declares, unbound (`#[derive(roan::Form)]`).
            pub fn form() -> ::roan::forms::Form {
                ::roan::forms::Form::new() #(#fields)* #prefix
            }
        }

        impl #impl_generics ::roan::forms::DeclaredForm for #ident #ty_generics #where_clause {
            fn form() -> ::roan::forms::Form {
                <Self>::form()
            }
        }
    })
}

/// What `#[form(...)]` says about one field.
#[derive(Default)]
struct Spec {
    field: Option<Expr>,
    choices: Option<Expr>,
    regex: Option<LitStr>,
    kind: Option<(Ident, &'static str)>,
    required: Option<bool>,
    skip: bool,
    calls: Vec<Tokens>,
}

/// Options passed through as builder calls: `max_length = 100` is `.max_length(100)`.
const PASSED: &[&str] = &[
    "max_length",
    "min_length",
    "min_value",
    "max_value",
    "step_size",
    "max_digits",
    "decimal_places",
    "label",
    "help_text",
    "initial",
    "input_formats",
    "strip",
];

impl Spec {
    fn parse(field: &syn::Field) -> syn::Result<Spec> {
        let mut spec = Spec::default();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("form")) {
            attr.parse_nested_meta(|meta| {
                let Some(key) = meta.path.get_ident().cloned() else {
                    return Err(meta.error("expected an option name"));
                };
                let name = key.to_string();
                match name.as_str() {
                    "field" => spec.field = Some(meta.value()?.parse()?),
                    "choices" => spec.choices = Some(meta.value()?.parse()?),
                    "regex" => spec.regex = Some(meta.value()?.parse()?),
                    "email" => spec.kind = Some((key, "EmailField")),
                    "url" => spec.kind = Some((key, "URLField")),
                    "slug" => spec.kind = Some((key, "SlugField")),
                    "skip" => spec.skip = true,
                    "required" | "disabled" => {
                        let value = if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<syn::LitBool>()?.value
                        } else {
                            true
                        };
                        if name == "required" {
                            spec.required = Some(value);
                        } else {
                            spec.calls
                                .push(quote_spanned! { key.span()=> .disabled(#value) });
                        }
                    }
                    "widget" => {
                        let widget: syn::Path = meta.value()?.parse()?;
                        spec.calls.push(quote_spanned! { widget.span()=>
                            .widget(::roan::forms::Widget::#widget)
                        });
                    }
                    "error_message" => {
                        let (code, message): (LitStr, LitStr) = {
                            let content;
                            syn::parenthesized!(content in meta.input);
                            let code = content.parse()?;
                            content.parse::<syn::Token![,]>()?;
                            (code, content.parse()?)
                        };
                        spec.calls.push(quote_spanned! { key.span()=>
                            .error_message(#code, #message)
                        });
                    }
                    other if PASSED.contains(&other) => {
                        let value: Expr = meta.value()?.parse()?;
                        spec.calls
                            .push(quote_spanned! { value.span()=> .#key(#value) });
                    }
                    _ => {
                        return Err(meta.error(format!(
                            "unknown form option `{name}`; roan::Form knows field, choices, \
                             regex, email, url, slug, required, disabled, widget, skip, \
                             error_message and {}",
                            PASSED.join(", ")
                        )));
                    }
                }
                Ok(())
            })?;
        }
        Ok(spec)
    }

    fn build(&self, ty: &Type, name: &str) -> syn::Result<Tokens> {
        let (inner, optional) = match generic_of(ty, "Option") {
            Some(inner) => (inner, true),
            None => (ty, false),
        };
        let last = last_ident(inner);
        let is_bool = last.as_deref() == Some("bool");
        let span = ty.span();
        let base = if let Some(expr) = &self.field {
            quote! { (#expr) }
        } else if let Some(choices) = &self.choices {
            if generic_of(inner, "Vec").is_some() {
                quote! { ::roan::forms::MultipleChoiceField::new(#choices) }
            } else if last.as_deref().and_then(integer_bounds).is_some() {
                quote! {
                    ::roan::forms::TypedChoiceField::new(#choices, |s| {
                        s.parse::<i64>().ok().map(::roan::forms::__private::Json::from)
                    })
                }
            } else {
                quote! { ::roan::forms::ChoiceField::new(#choices) }
            }
        } else if let Some(pattern) = &self.regex {
            let message = format!("#[form(regex)] on `{name}` is not a valid regular expression");
            quote! { ::roan::forms::RegexField::new(#pattern).expect(#message) }
        } else if let Some((kind, field)) = &self.kind {
            let field = Ident::new(field, kind.span());
            quote! { ::roan::forms::#field::new() }
        } else {
            match last.as_deref() {
                Some("String") => quote! { ::roan::forms::CharField::new() },
                Some("bool") if optional => quote! { ::roan::forms::NullBooleanField::new() },
                Some("bool") => quote! { ::roan::forms::BooleanField::new() },
                Some("f32" | "f64") => quote! { ::roan::forms::FloatField::new() },
                Some("Decimal") => quote! { ::roan::forms::DecimalField::new() },
                Some("NaiveDate") => quote! { ::roan::forms::DateField::new() },
                Some("NaiveTime") => quote! { ::roan::forms::TimeField::new() },
                Some("NaiveDateTime") => quote! { ::roan::forms::DateTimeField::new().naive() },
                Some("DateTime") => quote! { ::roan::forms::DateTimeField::new() },
                Some("Uuid") => quote! { ::roan::forms::UUIDField::new() },
                Some("Value") => quote! { ::roan::forms::JSONField::new() },
                Some(other) => match integer_bounds(other) {
                    Some((min, max)) => quote! {
                        ::roan::forms::IntegerField::new().min_value(#min).max_value(#max)
                    },
                    None => {
                        let hint = if other == "Vec" {
                            "a Vec is a multiple choice: give #[form(choices = [...])]"
                        } else {
                            "give #[form(field = ...)] with the field to use"
                        };
                        return Err(syn::Error::new(
                            span,
                            format!(
                                "roan::Form does not know which form field a `{other}` is; {hint}"
                            ),
                        ));
                    }
                },
                None => {
                    return Err(syn::Error::new(
                        span,
                        "roan::Form does not know which form field this type is; give \
                         #[form(field = ...)] with the field to use",
                    ));
                }
            }
        };
        let text = matches!(last.as_deref(), Some("String"))
            && self.field.is_none()
            && self.choices.is_none();
        let empty_none = (optional && text).then(|| quote! { .empty_value_none() });
        let required = match self.required {
            Some(r) => Some(r),
            None if optional || (is_bool && self.field.is_none()) => Some(false),
            None => None,
        }
        .map(|r| quote_spanned! { Span::call_site()=> .required(#r) });
        let calls = &self.calls;
        Ok(quote_spanned! { span=> #base #empty_none #required #(#calls)* })
    }
}

/// The `T` of `Wrapper<T>` when `ty` is that wrapper (`Option`, `Vec`).
fn generic_of<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The bounds of a Rust integer type, as `i64`s for `IntegerField`.
fn integer_bounds(name: &str) -> Option<(i64, i64)> {
    Some(match name {
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN, i64::MAX),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, i64::MAX),
        _ => return None,
    })
}
