//! Submitted form data: Django's `request.POST` (and `request.FILES`), every value of a repeated
//! key kept, read from a urlencoded or multipart body.

use axum::extract::{FromRequest, Request};
use axum::http::header;

/// Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`: more fields than this is a bad request.
pub const MAX_NUMBER_FIELDS: usize = 1000;

/// An uploaded file of a multipart body, held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The file name the browser sent (never trusted as a path).
    pub name: String,
    /// The content type the browser sent.
    pub content_type: String,
    /// The content.
    pub content: Vec<u8>,
}

/// The submitted fields, in order, with every value of a repeated key (a multi-select, a group
/// of checkboxes), as Django's `QueryDict`; and the uploaded files.
///
/// In a view it is an extractor, Django's `request.POST`:
///
/// ```
/// use roan::forms::FormData;
///
/// async fn vote(data: FormData) -> String {
///     format!("choice {}", data.get("choice").unwrap_or("none"))
/// }
///
/// let data = FormData::from_urlencoded(b"tag=a&tag=b&title=Hi");
/// assert_eq!(data.get_list("tag"), ["a", "b"]);
/// assert_eq!(data.get("title"), Some("Hi"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormData {
    pairs: Vec<(String, String)>,
    files: Vec<(String, UploadedFile)>,
}

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body (or a query string).
    pub fn from_urlencoded(body: &[u8]) -> FormData {
        FormData {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
            files: Vec::new(),
        }
    }

    /// The last value of `key`, as Django's `request.POST[key]`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order (`request.POST.getlist(key)`).
    pub fn get_list(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether `key` was submitted at all.
    pub fn contains(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key) || self.files.iter().any(|(k, _)| k == key)
    }

    /// Adds a value (tests, or data built by hand).
    pub fn append(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    /// Adds an uploaded file.
    pub fn append_file(&mut self, key: impl Into<String>, file: UploadedFile) {
        self.files.push((key.into(), file));
    }

    /// The uploaded file of `key` (`request.FILES[key]`).
    pub fn file(&self, key: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, f)| f)
    }

    /// Every field and value, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many values were submitted (files included).
    pub fn len(&self) -> usize {
        self.pairs.len() + self.files.len()
    }

    /// Whether nothing was submitted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for FormData {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> FormData {
        FormData {
            pairs: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            files: Vec::new(),
        }
    }
}

fn bad_request(message: impl Into<String>) -> crate::Error {
    crate::Error::BadRequest(message.into())
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = crate::Error;

    /// The body of a POST (urlencoded or multipart); for GET and HEAD, the query string, as an
    /// empty `request.POST` would be useless there. Another content type, a malformed body or
    /// more than 1000 fields is a 400 through roan's error pages.
    async fn from_request(req: Request, state: &S) -> Result<FormData, crate::Error> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let data = if matches!(
            *req.method(),
            axum::http::Method::GET | axum::http::Method::HEAD
        ) {
            FormData::from_urlencoded(req.uri().query().unwrap_or("").as_bytes())
        } else if content_type.starts_with("multipart/form-data") {
            let mut multipart = axum::extract::Multipart::from_request(req, state)
                .await
                .map_err(|e| bad_request(format!("the multipart body cannot be read: {e}")))?;
            let mut data = FormData::default();
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| bad_request(format!("the multipart body is malformed: {e}")))?
            {
                let name = field.name().unwrap_or("").to_string();
                match field.file_name().map(str::to_string) {
                    Some(file_name) => {
                        let content_type = field
                            .content_type()
                            .unwrap_or("application/octet-stream")
                            .to_string();
                        let content = field
                            .bytes()
                            .await
                            .map_err(|e| bad_request(format!("the upload cannot be read: {e}")))?;
                        data.append_file(
                            name,
                            UploadedFile {
                                name: file_name,
                                content_type,
                                content: content.to_vec(),
                            },
                        );
                    }
                    None => {
                        let value = field.text().await.map_err(|e| {
                            bad_request(format!("a form field cannot be read: {e}"))
                        })?;
                        data.append(name, value);
                    }
                }
                check_count(&data)?;
            }
            data
        } else if content_type.is_empty()
            || content_type.starts_with("application/x-www-form-urlencoded")
        {
            let bytes = axum::body::Bytes::from_request(req, state)
                .await
                .map_err(|e| bad_request(format!("the request body cannot be read: {e}")))?;
            FormData::from_urlencoded(&bytes)
        } else {
            return Err(bad_request(format!(
                "a form was expected, but the body is {content_type}; send \
                 application/x-www-form-urlencoded or multipart/form-data"
            )));
        };
        check_count(&data)?;
        Ok(data)
    }
}

fn check_count(data: &FormData) -> Result<(), crate::Error> {
    if data.len() > MAX_NUMBER_FIELDS {
        return Err(bad_request(format!(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS \
             ({MAX_NUMBER_FIELDS})."
        )));
    }
    Ok(())
}
