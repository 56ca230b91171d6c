//! Forms through the request pipeline: a view binds `FormData`, re-renders an invalid form with
//! Django's messages beside the right fields and the user's input kept, redirects on success;
//! repeated keys survive; a project overrides a widget template; clean hooks run in Django's
//! order.

use axum::response::{IntoResponse, Response};
use roan::forms::{
    BooleanField, CharField, ChoiceField, EmailField, Form, FormData, IntegerField,
    MultipleChoiceField, ValidationError, Widget,
};
use roan::test::Client;
use roan::urls::path;
use roan::{HttpRequest, render};
use std::path::PathBuf;

fn project_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("forms-{name}-{}", std::process::id()));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("settings.toml"),
        "SECRET_KEY = \"forms-test-secret\"\nDEBUG = true\n",
    )
    .unwrap();
    std::fs::write(
        d.join("templates/contact.html"),
        "<form method=\"post\">{{ csrf_input() }}{{ form }}</form>",
    )
    .unwrap();
    std::fs::write(
        d.join("templates/pieces.html"),
        "[{{ form.subject.label_tag }}][{{ form.subject }}][{{ form.subject.errors }}]\
         [{% for field in form %}{{ field.name }},{% endfor %}][{{ form.non_field_errors }}]\
         [{{ form.as_p }}]",
    )
    .unwrap();
    d
}

fn contact_form() -> Form {
    Form::new()
        .field(
            "subject",
            CharField::new().max_length(20).help_text("A short line."),
        )
        .field("message", CharField::new().widget(Widget::Textarea))
        .field("sender", EmailField::new())
        .field("cc_myself", BooleanField::new().required(false))
        .field(
            "topics",
            MultipleChoiceField::new([("news", "News"), ("tips", "Tips"), ("jobs", "Jobs")])
                .required(false),
        )
        .field(
            "priority",
            ChoiceField::new([("1", "Low"), ("2", "High")]).initial("1"),
        )
        .clean_field("subject", |value, _| {
            let s = value.as_str().unwrap_or("");
            if s.contains("spam") {
                return Err(ValidationError::new("No spam, please.", "spam"));
            }
            Ok(serde_json::Value::from(s.to_uppercase()))
        })
        .clean(|c| {
            if c.get("cc_myself") == Some(&serde_json::Value::Bool(true))
                && c.get("sender").is_none()
            {
                c.add_error(Some("cc_myself"), "A copy needs a valid sender.");
            }
            if c.get("message").and_then(|m| m.as_str()) == Some("nothing") {
                return Err(ValidationError::new("Say something.", "empty"));
            }
            Ok(())
        })
}

async fn contact(request: HttpRequest) -> roan::Result<Response> {
    render(
        &request,
        "contact.html",
        roan::context! { form => contact_form() },
    )
}

async fn contact_post(request: HttpRequest, data: FormData) -> roan::Result<Response> {
    let form = contact_form().bind(data);
    if form.is_valid() {
        let topics = form.cleaned_data()["topics"].clone();
        return Ok((
            [("X-Topics", topics.to_string())],
            roan::redirect_to(&format!(
                "/thanks/?subject={}",
                form.cleaned_data()["subject"].as_str().unwrap_or("")
            )),
        )
            .into_response());
    }
    render(&request, "contact.html", roan::context! { form })
}

async fn pieces(request: HttpRequest, data: FormData) -> roan::Result<Response> {
    let form = contact_form().bind(data);
    render(&request, "pieces.html", roan::context! { form })
}

fn project(dir: &std::path::Path) -> roan::Project {
    roan::Project::new("forms", dir).urls(|| {
        vec![
            path("contact/", axum::routing::get(contact).post(contact_post)),
            path("pieces/", axum::routing::post(pieces)),
        ]
    })
}

fn body(pairs: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                Box::leak(k.to_string().into_boxed_str()) as &str,
                v.to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_invalid_submission_is_shown_again_with_djangos_messages() {
    let dir = project_dir("invalid");
    let client = Client::new(project(&dir)).await;

    let page = client.get("/contact/").await;
    assert_eq!(page.status(), 200);
    let html = page.text();
    assert!(
        html.contains(r#"<label for="id_subject">Subject:</label>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="text" name="subject" id="id_subject" required maxlength="20" aria-describedby="id_subject_helptext">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<div class="helptext" id="id_subject_helptext">A short line.</div>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<textarea name="message" cols="40" rows="10" id="id_message" required>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="1" selected>Low</option>"#),
        "initial: {html}"
    );
    assert!(html.contains(r#"name="csrfmiddlewaretoken""#), "{html}");

    let form = body(&[
        ("subject", "A subject far too long for it"),
        ("message", "<b>hi</b>"),
        ("sender", "not-an-address"),
        ("topics", "news"),
        ("topics", "jobs"),
        ("priority", "3"),
    ]);
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = client.post("/contact/", &refs).await;
    assert_eq!(r.status(), 200, "an invalid form is shown again");
    let html = r.text();
    assert!(
        html.contains(r#"<ul class="errorlist" id="id_subject_error"><li>Ensure this value has at most 20 characters (it has 29).</li></ul>"#),
        "{html}"
    );
    assert!(html.contains("Enter a valid email address."), "{html}");
    assert!(
        html.contains("Select a valid choice. 3 is not one of the available choices."),
        "{html}"
    );
    assert!(
        html.contains(r#"value="A subject far too long for it""#),
        "input kept: {html}"
    );
    assert!(
        html.contains(
            r#"aria-invalid="true" aria-describedby="id_subject_helptext id_subject_error""#
        ),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;hi&lt;/b&gt;"), "escaped: {html}");
    assert!(!html.contains("<b>hi</b>"), "{html}");
    assert!(
        html.contains(r#"<option value="news" selected>News</option>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="jobs" selected>Jobs</option>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="tips">Tips</option>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_valid_submission_redirects_with_every_value() {
    let dir = project_dir("valid");
    let client = Client::new(project(&dir)).await;
    let r = client
        .post(
            "/contact/",
            &[
                ("subject", "hello"),
                ("message", "Hi"),
                ("sender", "a@example.com"),
                ("topics", "news"),
                ("topics", "tips"),
                ("priority", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 302, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some("/thanks/?subject=HELLO"),
        "clean_subject ran"
    );
    assert_eq!(
        r.header("x-topics"),
        Some(r#"["news","tips"]"#),
        "a multi-select keeps every value"
    );

    // clean_<field> and clean() errors land where Django puts them.
    let r = client
        .post(
            "/pieces/",
            &[
                ("subject", "buy spam"),
                ("message", "nothing"),
                ("sender", "a@example.com"),
                ("priority", "1"),
            ],
        )
        .await;
    let html = r.text();
    assert!(
        html.contains("[<label for=\"id_subject\">Subject:</label>]"),
        "{html}"
    );
    assert!(html.contains("<li>No spam, please.</li>"), "{html}");
    assert!(
        html.contains(r#"<ul class="errorlist nonfield"><li>Say something.</li></ul>"#),
        "{html}"
    );
    assert!(
        html.contains("[subject,message,sender,cc_myself,topics,priority,]"),
        "{html}"
    );
    assert!(html.contains("<p>"), "as_p: {html}");
}

#[tokio::test]
async fn a_project_overrides_a_widget_template_and_bad_bodies_get_error_pages() {
    let dir = project_dir("override");
    std::fs::create_dir_all(dir.join("templates/forms/widgets")).unwrap();
    std::fs::write(
        dir.join("templates/forms/widgets/email.html"),
        r#"<input class="fancy" type="email" name="{{ widget.name }}">"#,
    )
    .unwrap();
    let client = Client::new(project(&dir)).await;
    let html = client.get("/contact/").await.text();
    assert!(
        html.contains(r#"<input class="fancy" type="email" name="sender">"#),
        "{html}"
    );
    // Without DEBUG forms are written from roan's markup in Rust, unless a template overrides
    // it, as here: the override still wins.
    let production = Client::with_settings(project(&dir), |s| {
        s.debug = false;
        s.allowed_hosts.push("testserver".into());
    })
    .await;
    let html = production.get("/contact/").await.text();
    assert!(
        html.contains(r#"<input class="fancy" type="email" name="sender">"#),
        "{html}"
    );
    let plain = Client::with_settings(project(&project_dir("plain")), |s| s.debug = false).await;
    let html = plain.get("/contact/").await.text();
    assert!(
        html.contains(r#"<input type="email" name="sender" id="id_sender" required>"#),
        "{html}"
    );

    let r = client
        .post_with_headers(
            "/pieces/",
            &[("subject", "x")],
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text().contains("Bad Request (400)"),
        "roan's error page: {}",
        r.text()
    );
}

#[test]
fn forms_work_outside_a_site() {
    let form = Form::new()
        .prefix("order")
        .field("quantity", IntegerField::new().min_value(1))
        .initial(serde_json::json!({ "quantity": 2 }));
    let html = form.as_table().unwrap();
    assert!(
        html.contains(r#"name="order-quantity""#) && html.contains(r#"value="2""#),
        "{html}"
    );
    assert!(html.contains(r#"<input type="number" name="order-quantity" value="2" id="id_order-quantity" required min="1">"#), "{html}");
    let bound = form
        .clone()
        .bind(FormData::from_urlencoded(b"order-quantity=0"));
    assert_eq!(
        bound.errors().get("quantity"),
        Some(&["Ensure this value is greater than or equal to 1.".to_string()][..])
    );
    assert_eq!(bound.changed_data(), ["quantity"]);
    let same = form.bind(FormData::from_urlencoded(b"order-quantity=2"));
    assert!(same.is_valid() && !same.has_changed());
}

/// A form declared as a struct: fields picked from the types, tuned by `#[form(...)]`, and the
/// cleaned data read back into the struct.
#[derive(roan::Form, serde::Deserialize, Debug, PartialEq)]
struct Contact {
    #[form(max_length = 20, help_text = "A short line.")]
    subject: String,
    #[form(widget = Textarea)]
    message: String,
    #[form(email)]
    sender: String,
    cc_myself: bool,
    #[form(choices = [("news", "News"), ("tips", "Tips")], required = false)]
    topics: Vec<String>,
    #[form(choices = [(1, "Low"), (2, "High")], initial = 1)]
    priority: i64,
    age: Option<u8>,
    nickname: Option<String>,
    #[form(label = "Day of visit")]
    day: Option<chrono::NaiveDate>,
}

#[test]
fn a_derived_form_picks_fields_from_types_and_reads_back_into_the_struct() {
    use roan::forms::FormData;
    let unbound = Contact::form();
    let html = unbound.as_div().unwrap();
    for piece in [
        r#"<input type="text" name="subject" id="id_subject" required maxlength="20" aria-describedby="id_subject_helptext">"#,
        r#"<textarea name="message""#,
        r#"<input type="email" name="sender""#,
        r#"<input type="checkbox" name="cc_myself" id="id_cc_myself">"#,
        r#"<select name="topics" id="id_topics" multiple>"#,
        r#"<option value="1" selected>Low</option>"#,
        r#"<input type="number" name="age" id="id_age" min="0" max="255">"#,
        r#"<label for="id_day">Day of visit:</label>"#,
    ] {
        assert!(html.contains(piece), "{piece} not in\n{html}");
    }

    let bad = Contact::form().bind(FormData::from_urlencoded(
        b"subject=Hello&message=&sender=nope&priority=3&age=300",
    ));
    assert!(!bad.is_valid());
    let errors = bad.errors();
    assert_eq!(errors.get("message").unwrap(), ["This field is required."]);
    assert_eq!(
        errors.get("sender").unwrap(),
        ["Enter a valid email address."]
    );
    assert_eq!(
        errors.get("priority").unwrap(),
        ["Select a valid choice. 3 is not one of the available choices."]
    );
    assert_eq!(
        errors.get("age").unwrap(),
        ["Ensure this value is less than or equal to 255."]
    );
    assert!(
        errors.get("cc_myself").is_none(),
        "an unticked bool is fine"
    );

    let good = Contact::form().bind(FormData::from_urlencoded(
        b"subject=Hello&message=Hi+there&sender=ann%40example.com&cc_myself=on\
          &topics=news&topics=tips&priority=2&age=&nickname=&day=2026-12-01",
    ));
    assert!(good.is_valid(), "{:?}", good.errors());
    let contact: Contact = good.cleaned().unwrap();
    assert_eq!(
        contact,
        Contact {
            subject: "Hello".into(),
            message: "Hi there".into(),
            sender: "ann@example.com".into(),
            cc_myself: true,
            topics: vec!["news".into(), "tips".into()],
            priority: 2,
            age: None,
            nickname: None,
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        }
    );
}
