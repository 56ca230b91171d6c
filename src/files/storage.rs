//! Storing uploads: Django's `FileSystemStorage` and its file-name rules.

use crate::forms::UploadedFile;
use std::future::Future;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;

/// Why a file could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A name that is not safe to store under (Django's `SuspiciousFileOperation`).
    #[error("{0}")]
    Suspicious(String),
    /// The file system refused.
    #[error("cannot store {path}: {source}")]
    Io {
        /// Where the file was going.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// Where uploaded files go, as Django's storage classes: a name in, the stored name out.
pub trait Storage: Send + Sync {
    /// Stores `file` under `name` (or a free name near it) and gives the name it got.
    fn save<'a>(
        &'a self,
        name: &'a str,
        file: &'a UploadedFile,
    ) -> Pin<Box<dyn Future<Output = Result<String, StorageError>> + Send + 'a>>;
    /// The URL of a stored name.
    fn url(&self, name: &str) -> String;
}

/// Django's `get_valid_filename`: spaces become underscores, anything but letters, digits,
/// `-`, `_` and `.` goes; a name left empty (or `.`/`..`) is refused.
///
/// ```
/// use roan::files::get_valid_filename;
/// assert_eq!(get_valid_filename("john's portrait in 2004.jpg").unwrap(), "johns_portrait_in_2004.jpg");
/// assert!(get_valid_filename("..").is_err());
/// ```
pub fn get_valid_filename(name: &str) -> Result<String, StorageError> {
    let cleaned: String = name
        .trim()
        .replace(' ', "_")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(StorageError::Suspicious(format!(
            "Could not derive file name from '{name}'"
        )));
    }
    Ok(cleaned)
}

/// The last part of a name a browser sent, whatever its separators (`C:\x\a.txt`,
/// `../../etc/passwd`): an upload's name is never a path.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Files in a directory, served under a URL (Django's `FileSystemStorage`): `MEDIA_ROOT` and
/// `MEDIA_URL` by default.
///
/// A stored name is `upload_to` + the upload's own name made safe; when it is taken, a `_` and
/// seven random characters go before the extension (`cat_Ab3dE9x.jpg`), as in Django. A name
/// never leaves the directory.
#[derive(Debug, Clone)]
pub struct FileSystemStorage {
    location: PathBuf,
    base_url: String,
}

impl FileSystemStorage {
    /// Files under `location`, served under `base_url`.
    pub fn new(location: impl Into<PathBuf>, base_url: &str) -> FileSystemStorage {
        FileSystemStorage {
            location: location.into(),
            base_url: base_url.to_string(),
        }
    }

    /// `MEDIA_ROOT` and `MEDIA_URL` of the settings.
    pub fn from_settings(settings: &crate::conf::Settings) -> FileSystemStorage {
        FileSystemStorage::new(settings.media_root_path(), &settings.media_url)
    }

    /// The directory.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// The path of a stored name, refused when it would leave the directory.
    pub fn path(&self, name: &str) -> Result<PathBuf, StorageError> {
        let relative = Path::new(name);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(StorageError::Suspicious(format!(
                "Detected path traversal attempt in '{name}'"
            )));
        }
        Ok(self.location.join(relative))
    }

    /// The name an upload is stored under in `upload_to` (a directory, maybe empty).
    pub fn generate_filename(upload_to: &str, file_name: &str) -> Result<String, StorageError> {
        let name = get_valid_filename(base_name(file_name))?;
        let dir = upload_to.trim_matches('/');
        Ok(if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        })
    }

    async fn save_new(&self, name: &str, file: &UploadedFile) -> Result<String, StorageError> {
        let path = self.path(name)?;
        let io = |path: &Path, source| StorageError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| io(dir, e))?;
        }
        let (dir, file_name) = match name.rsplit_once('/') {
            Some((d, f)) => (format!("{d}/"), f.to_string()),
            None => (String::new(), name.to_string()),
        };
        let (stem, ext) = match file_name.rfind('.') {
            Some(i) if i > 0 => (file_name[..i].to_string(), file_name[i..].to_string()),
            _ => (file_name.clone(), String::new()),
        };
        let mut candidate = name.to_string();
        for _ in 0..100 {
            let target = self.path(&candidate)?;
            match file.write_new(&target).await {
                Ok(()) => return Ok(candidate),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let suffix = crate::crypto::get_random_string(
                        7,
                        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                    );
                    candidate = format!("{dir}{stem}_{suffix}{ext}");
                }
                Err(e) => return Err(io(&target, e)),
            }
        }
        Err(StorageError::Suspicious(format!(
            "no free name near '{name}' after 100 tries"
        )))
    }
}

impl Storage for FileSystemStorage {
    fn save<'a>(
        &'a self,
        name: &'a str,
        file: &'a UploadedFile,
    ) -> Pin<Box<dyn Future<Output = Result<String, StorageError>> + Send + 'a>> {
        Box::pin(self.save_new(name, file))
    }

    fn url(&self, name: &str) -> String {
        let encoded: Vec<String> = name
            .split('/')
            .map(|part| percent_encoding::utf8_percent_encode(part, PATH).to_string())
            .collect();
        format!("{}{}", self.base_url, encoded.join("/"))
    }
}

const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_and_never_paths() {
        for (sent, stored) in [
            ("../../etc/passwd", "covers/passwd"),
            ("C:\\Users\\ann\\My Cat.JPG", "covers/My_Cat.JPG"),
            ("rapport d'été.pdf", "covers/rapport_dété.pdf"),
        ] {
            assert_eq!(
                FileSystemStorage::generate_filename("covers/", sent).unwrap(),
                stored
            );
        }
        assert!(FileSystemStorage::generate_filename("", "../..").is_err());
        let storage = FileSystemStorage::new("/srv/media", "/media/");
        assert!(storage.path("../x").is_err());
        assert!(storage.path("/etc/passwd").is_err());
        assert_eq!(
            storage.url("covers/my cat.jpg"),
            "/media/covers/my%20cat.jpg"
        );
    }

    #[tokio::test]
    async fn a_taken_name_gets_a_suffix() {
        let dir = std::env::temp_dir().join(format!("roan-storage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let storage = FileSystemStorage::new(&dir, "/media/");
        let file = UploadedFile::in_memory("cat.jpg", "image/jpeg", &b"meow"[..]);
        let first = storage.save("pets/cat.jpg", &file).await.unwrap();
        let second = storage.save("pets/cat.jpg", &file).await.unwrap();
        assert_eq!(first, "pets/cat.jpg");
        assert!(
            second.starts_with("pets/cat_") && second.ends_with(".jpg") && second.len() == 20,
            "{second}"
        );
        assert_eq!(std::fs::read(dir.join(&second)).unwrap(), b"meow");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
