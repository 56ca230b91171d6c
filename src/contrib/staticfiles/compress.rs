//! Precompression at collect time, as whitenoise's `CompressedManifestStaticFilesStorage`: a
//! `.gz` (level 9) and a `.br` (quality 11) beside each file worth compressing, kept only when it
//! is at most 95 % of the original, so the server never compresses a response itself.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Extensions of files that are compressed already (images, fonts, archives, media).
const SKIPPED: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "ico", "zip", "gz", "tgz", "bz2", "tbz", "xz",
    "br", "zst", "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp3",
    "mp4", "mpeg", "mpg", "ogg", "webm", "wmv",
];

/// A compressed copy is kept when it is at most this share of the original.
const KEEP_RATIO: f64 = 0.95;

type Encoder = fn(&[u8]) -> std::io::Result<Vec<u8>>;

/// Whether `name` is worth compressing.
pub fn is_compressible(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    !SKIPPED.contains(&ext.as_str())
}

/// Writes `path.gz` and `path.br` for `content` where they are small enough; returns the paths
/// written. A compressed file already newer than `path` is kept as it is.
pub fn compress_beside(path: &Path, content: &[u8]) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if content.is_empty() {
        return Ok(written);
    }
    let source_time = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let encoders: [(&str, Encoder); 2] = [("gz", gzip), ("br", brotli)];
    for (ext, encode) in encoders {
        let target = PathBuf::from(format!("{}.{ext}", path.display()));
        let fresh = match (
            source_time,
            std::fs::metadata(&target).and_then(|m| m.modified()),
        ) {
            (Some(s), Ok(t)) => t >= s,
            _ => false,
        };
        if fresh {
            continue;
        }
        let compressed = encode(content)?;
        if (compressed.len() as f64) <= content.len() as f64 * KEEP_RATIO {
            std::fs::write(&target, compressed)?;
            written.push(target);
        } else if target.exists() {
            std::fs::remove_file(&target)?;
        }
    }
    Ok(written)
}

fn gzip(content: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(content)?;
    encoder.finish()
}

fn brotli(content: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = ::brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    ::brotli::BrotliCompress(&mut &content[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_gets_both_encodings_and_images_none() {
        assert!(is_compressible("css/site.css") && is_compressible("LICENSE"));
        assert!(!is_compressible("img/logo.PNG") && !is_compressible("f.woff2"));
        let dir = std::env::temp_dir().join(format!("roan-compress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let css = dir.join("a.css");
        let content = "body { color: red; }\n".repeat(200);
        std::fs::write(&css, &content).unwrap();
        let written = compress_beside(&css, content.as_bytes()).unwrap();
        assert_eq!(written.len(), 2);
        let mut gz =
            flate2::read::GzDecoder::new(std::fs::File::open(dir.join("a.css.gz")).unwrap());
        let mut back = String::new();
        std::io::Read::read_to_string(&mut gz, &mut back).unwrap();
        assert_eq!(back, content);
        let mut br = Vec::new();
        ::brotli::BrotliDecompress(
            &mut std::fs::File::open(dir.join("a.css.br")).unwrap(),
            &mut br,
        )
        .unwrap();
        assert_eq!(br, content.as_bytes());
        // Fresh copies are kept; a file that does not shrink gets none.
        assert!(
            compress_beside(&css, content.as_bytes())
                .unwrap()
                .is_empty()
        );
        let tiny = dir.join("t.txt");
        std::fs::write(&tiny, "x").unwrap();
        assert!(compress_beside(&tiny, b"x").unwrap().is_empty());
        assert!(!dir.join("t.txt.gz").exists());
    }
}
