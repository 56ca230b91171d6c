//! `FileResponse`: a file from disk as a response, streamed, with `Range` and conditional
//! requests answered, and Django's `Content-Disposition`.

use crate::http::{Error, HttpRequest};
use axum::http::{HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;
use tower::ServiceExt;

/// A file sent back, as Django's `FileResponse`: streamed (never read into memory), its type
/// from its name, `Range` requests answered with 206, `If-Modified-Since` with 304; with
/// [`as_attachment`](FileResponse::as_attachment), a download under a name.
///
/// ```no_run
/// use roan::files::FileResponse;
///
/// async fn download(request: roan::HttpRequest) -> roan::Result<axum::response::Response> {
///     FileResponse::new("reports/2026.pdf").as_attachment("report.pdf").send(&request).await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct FileResponse {
    path: PathBuf,
    filename: Option<String>,
    attachment: bool,
}

impl FileResponse {
    /// The file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> FileResponse {
        FileResponse {
            path: path.into(),
            filename: None,
            attachment: false,
        }
    }

    /// A download (`Content-Disposition: attachment`) saved as `filename`.
    pub fn as_attachment(mut self, filename: &str) -> FileResponse {
        self.attachment = true;
        self.filename = Some(filename.to_string());
        self
    }

    /// Shown in the browser (`inline`) under `filename`.
    pub fn filename(mut self, filename: &str) -> FileResponse {
        self.filename = Some(filename.to_string());
        self
    }

    /// The response to `request` (its `Range` and conditional headers are answered); a
    /// missing file is a 404.
    pub async fn send(self, request: &HttpRequest) -> Result<Response, Error> {
        if !tokio::fs::metadata(&self.path)
            .await
            .map(|m| m.is_file())
            .unwrap_or(false)
        {
            return Err(Error::NotFound(format!(
                "{} does not exist",
                self.path.display()
            )));
        }
        let mut req = Request::builder()
            .method(request.method.clone())
            .uri(request.uri.clone())
            .body(axum::body::Body::empty())
            .map_err(Error::other)?;
        *req.headers_mut() = request.headers.clone();
        let served = tower_http::services::ServeFile::new(&self.path)
            .oneshot(req)
            .await
            .map_err(Error::other)?;
        let mut response = served.map(axum::body::Body::new).into_response();
        let kind = if self.attachment {
            "attachment"
        } else {
            "inline"
        };
        let disposition = match &self.filename {
            Some(name) => content_disposition(kind, name),
            None if self.attachment => "attachment".to_string(),
            None => return Ok(response),
        };
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(response)
    }
}

/// `attachment; filename="a.pdf"`, or with `filename*=utf-8''…` for a name that is not plain
/// ASCII, as Django's `content_disposition_header`.
fn content_disposition(kind: &str, name: &str) -> String {
    let plain = name.is_ascii() && !name.chars().any(|c| c.is_ascii_control());
    if plain {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{kind}; filename=\"{quoted}\"")
    } else {
        let encoded =
            percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
        format!("{kind}; filename*=utf-8''{encoded}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_disposition_as_django_writes_it() {
        assert_eq!(
            super::content_disposition("attachment", "a \"b\".pdf"),
            r#"attachment; filename="a \"b\".pdf""#
        );
        assert_eq!(
            super::content_disposition("inline", "été.txt"),
            "inline; filename*=utf-8''%C3%A9t%C3%A9%2Etxt"
        );
    }
}
