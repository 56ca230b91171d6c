//! Submitted form data: Django's `request.POST` (and `request.FILES`), every value of a repeated
//! key kept, read from a urlencoded or multipart body.

use axum::extract::{FromRequest, Request};
use axum::http::header;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS` default: more fields than this is a bad request.
pub const MAX_NUMBER_FIELDS: usize = 1000;

/// An uploaded file of a multipart body (Django's `UploadedFile`): held in memory when small,
/// streamed to a temporary file past `FILE_UPLOAD_MAX_MEMORY_SIZE`; the temporary file is
/// removed once the last copy of this value is dropped.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The file name the browser sent (never trusted as a path; see `roan::files`).
    pub name: String,
    /// The content type the browser sent.
    pub content_type: String,
    /// The size in bytes.
    pub size: u64,
    content: Content,
}

#[derive(Debug, Clone)]
enum Content {
    Memory(axum::body::Bytes),
    Temporary(Arc<TemporaryFile>),
}

/// A file that is deleted when dropped.
#[derive(Debug)]
struct TemporaryFile(PathBuf);

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl PartialEq for UploadedFile {
    fn eq(&self, other: &UploadedFile) -> bool {
        self.name == other.name
            && self.content_type == other.content_type
            && self.size == other.size
            && match (&self.content, &other.content) {
                (Content::Memory(a), Content::Memory(b)) => a == b,
                (Content::Temporary(a), Content::Temporary(b)) => a.0 == b.0,
                _ => false,
            }
    }
}

impl Eq for UploadedFile {}

impl UploadedFile {
    /// A file held in memory (tests, or files made by hand).
    pub fn in_memory(
        name: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<axum::body::Bytes>,
    ) -> UploadedFile {
        let content = content.into();
        UploadedFile {
            name: name.into(),
            content_type: content_type.into(),
            size: content.len() as u64,
            content: Content::Memory(content),
        }
    }

    /// The temporary file a large upload was streamed to (Django's `temporary_file_path()`);
    /// `None` for one held in memory.
    pub fn temporary_file_path(&self) -> Option<&Path> {
        match &self.content {
            Content::Temporary(t) => Some(&t.0),
            Content::Memory(_) => None,
        }
    }

    /// The whole content (read from disk for a large upload).
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match &self.content {
            Content::Memory(b) => Ok(b.to_vec()),
            Content::Temporary(t) => std::fs::read(&t.0),
        }
    }

    /// The first `n` bytes (to tell an image by its signature).
    pub fn head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        match &self.content {
            Content::Memory(b) => Ok(b[..n.min(b.len())].to_vec()),
            Content::Temporary(t) => {
                use std::io::Read;
                let mut buf = Vec::with_capacity(n);
                std::fs::File::open(&t.0)?
                    .take(n as u64)
                    .read_to_end(&mut buf)?;
                Ok(buf)
            }
        }
    }

    /// Writes the content to `dest` (a new file; an existing one is an error), without
    /// loading a large upload into memory.
    pub async fn write_new(&self, dest: &Path) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        let mut out = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .await?;
        match &self.content {
            Content::Memory(b) => out.write_all(b).await?,
            Content::Temporary(t) => {
                let mut input = tokio::fs::File::open(&t.0).await?;
                tokio::io::copy(&mut input, &mut out).await?;
            }
        }
        out.flush().await
    }
}

/// The limits a multipart body is read under, from the settings.
#[derive(Debug, Clone)]
pub(crate) struct UploadLimits {
    /// `DATA_UPLOAD_MAX_MEMORY_SIZE`: the fields other than files, together.
    pub data_max: usize,
    /// `FILE_UPLOAD_MAX_MEMORY_SIZE`: a file past this goes to disk.
    pub file_memory_max: usize,
    /// `FILE_UPLOAD_TEMP_DIR`, or the system's.
    pub temp_dir: PathBuf,
    /// `DATA_UPLOAD_MAX_NUMBER_FIELDS`.
    pub max_fields: usize,
}

impl UploadLimits {
    pub(crate) fn of(settings: &crate::conf::Settings) -> UploadLimits {
        UploadLimits {
            data_max: settings.data_upload_limit(),
            file_memory_max: usize::try_from(settings.file_upload_max_memory_size)
                .unwrap_or(usize::MAX),
            temp_dir: if settings.file_upload_temp_dir.is_empty() {
                std::env::temp_dir()
            } else {
                settings.path(&settings.file_upload_temp_dir)
            },
            max_fields: settings.data_upload_max_number_fields,
        }
    }
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits {
            data_max: 2_621_440,
            file_memory_max: 2_621_440,
            temp_dir: std::env::temp_dir(),
            max_fields: MAX_NUMBER_FIELDS,
        }
    }
}

/// Reads a `multipart/form-data` body as a stream: fields into memory (at most `data_max`
/// bytes of them, as Django counts), files into memory up to `file_memory_max` and to a
/// temporary file past it, so a large upload never sits in memory.
pub(crate) async fn read_multipart(
    content_type: &str,
    body: axum::body::Body,
    limits: &UploadLimits,
) -> Result<FormData, crate::Error> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| bad_request(format!("the multipart body cannot be read: {e}")))?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut data = FormData::default();
    let mut field_bytes = 0usize;
    let malformed = |e: multer::Error| bad_request(format!("the multipart body is malformed: {e}"));
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let content_type = field
                    .content_type()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "application/octet-stream".into());
                let mut spool = Spool::default();
                while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                    spool.write(&chunk, limits).await?;
                }
                // A file input left empty sends a part with no name and no content.
                if file_name.is_empty() && spool.size == 0 {
                    continue;
                }
                data.append_file(name, spool.finish(file_name, content_type).await?);
            }
            None => {
                let mut value = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                    field_bytes += chunk.len();
                    if field_bytes > limits.data_max {
                        return Err(crate::Error::PayloadTooLarge(format!(
                            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE ({} \
                             bytes of fields other than files).",
                            limits.data_max
                        )));
                    }
                    value.extend_from_slice(&chunk);
                }
                data.append(name, String::from_utf8_lossy(&value).into_owned());
            }
        }
        check_count(&data, limits.max_fields)?;
    }
    Ok(data)
}

/// An upload being received: in memory until it passes the limit, then in a temporary file.
#[derive(Default)]
struct Spool {
    memory: Vec<u8>,
    file: Option<(tokio::fs::File, TemporaryFile)>,
    size: u64,
}

impl Spool {
    async fn write(&mut self, chunk: &[u8], limits: &UploadLimits) -> Result<(), crate::Error> {
        use tokio::io::AsyncWriteExt;
        self.size += chunk.len() as u64;
        let cannot = |e: std::io::Error| {
            crate::Error::Other(
                format!(
                    "an upload cannot be written to {} (FILE_UPLOAD_TEMP_DIR): {e}",
                    limits.temp_dir.display()
                )
                .into(),
            )
        };
        if self.file.is_none() && self.memory.len() + chunk.len() > limits.file_memory_max {
            let path = limits.temp_dir.join(format!(
                "roan-upload-{}.upload",
                crate::crypto::get_random_string(16, b"abcdefghijklmnopqrstuvwxyz0123456789")
            ));
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await
                .map_err(cannot)?;
            let guard = TemporaryFile(path);
            file.write_all(&self.memory).await.map_err(cannot)?;
            self.memory = Vec::new();
            self.file = Some((file, guard));
        }
        match &mut self.file {
            Some((file, _)) => file.write_all(chunk).await.map_err(cannot)?,
            None => self.memory.extend_from_slice(chunk),
        }
        Ok(())
    }

    async fn finish(
        self,
        name: String,
        content_type: String,
    ) -> Result<UploadedFile, crate::Error> {
        use tokio::io::AsyncWriteExt;
        let content = match self.file {
            Some((mut file, guard)) => {
                file.flush()
                    .await
                    .map_err(|e| crate::Error::Other(Box::new(e)))?;
                Content::Temporary(Arc::new(guard))
            }
            None => Content::Memory(self.memory.into()),
        };
        Ok(UploadedFile {
            name,
            content_type,
            size: self.size,
            content,
        })
    }
}

/// The body a middleware already read (the CSRF check reads a form body to find the token):
/// the `FormData` extractor takes it from the request instead of parsing the body again.
#[derive(Clone)]
pub(crate) struct ParsedBody(pub(crate) FormData);

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
    /// The site's time zone under `USE_TZ` (set when read from a request): a form bound to
    /// the data reads dates and times in it.
    pub(crate) time_zone: Option<crate::timezone::Tz>,
}

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body (or a query string).
    pub fn from_urlencoded(body: &[u8]) -> FormData {
        FormData {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
            files: Vec::new(),
            time_zone: None,
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
            time_zone: None,
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
    async fn from_request(mut req: Request, state: &S) -> Result<FormData, crate::Error> {
        // The boundary of a multipart type is case-sensitive: only the type is lowercased.
        let raw_content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let content_type = raw_content_type.to_ascii_lowercase();
        let settings = req
            .extensions()
            .get::<crate::Site>()
            .map(|s| s.settings_arc());
        let max_fields = settings
            .as_ref()
            .map(|s| s.data_upload_max_number_fields)
            .unwrap_or(MAX_NUMBER_FIELDS);
        let mut data = if matches!(
            *req.method(),
            axum::http::Method::GET | axum::http::Method::HEAD
        ) {
            FormData::from_urlencoded(req.uri().query().unwrap_or("").as_bytes())
        } else if let Some(ParsedBody(data)) = req.extensions_mut().remove::<ParsedBody>() {
            data
        } else if content_type.starts_with("multipart/form-data") {
            let limits = settings
                .as_deref()
                .map(UploadLimits::of)
                .unwrap_or_default();
            read_multipart(&raw_content_type, req.into_body(), &limits).await?
        } else if content_type.is_empty()
            || content_type.starts_with("application/x-www-form-urlencoded")
        {
            let bytes = axum::body::Bytes::from_request(req, state)
                .await
                .map_err(|e| {
                    // A body cut off at DATA_UPLOAD_MAX_MEMORY_SIZE (no Content-Length) is 413.
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        crate::Error::PayloadTooLarge(format!(
                            "the request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE: {e}"
                        ))
                    } else {
                        bad_request(format!("the request body cannot be read: {e}"))
                    }
                })?;
            FormData::from_urlencoded(&bytes)
        } else {
            return Err(bad_request(format!(
                "a form was expected, but the body is {content_type}; send \
                 application/x-www-form-urlencoded or multipart/form-data"
            )));
        };
        check_count(&data, max_fields)?;
        data.time_zone = settings.as_ref().and_then(|s| s.current_time_zone());
        Ok(data)
    }
}

fn check_count(data: &FormData, max: usize) -> Result<(), crate::Error> {
    if data.len() > max {
        return Err(bad_request(format!(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS \
             ({max})."
        )));
    }
    Ok(())
}
