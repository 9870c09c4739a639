//! Filesystem helpers that attach the path to every I/O error, once, and the quick UTF-8 check
//! of what is read and built.

use crate::diagnostic::Diagnostic;
use std::fs;
use std::path::Path;

/// Reads a UTF-8 text file, dropping a leading byte-order mark.
pub(crate) fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    Ok(text_of(&read_bytes(path, shown)?, shown)?.to_string())
}

/// Reads a file's bytes; the error names the file as `shown`.
pub(crate) fn read_bytes(path: &Path, shown: &Path) -> Result<Vec<u8>, Diagnostic> {
    fs::read(path).map_err(|e| {
        Diagnostic::error(shown, format!("cannot read the file: {e}"))
            .hint("check that it exists and that you may read it")
    })
}

/// The text of a file's `bytes` (read from `shown`), without a leading byte-order mark: checked
/// as UTF-8 by [`utf8`] and borrowed, not copied (std's check was a quarter of
/// the time of loading 30,000 pages). Not UTF-8: an error at the line and column of the first
/// bad byte.
pub(crate) fn text_of<'a>(bytes: &'a [u8], shown: &Path) -> Result<&'a str, Diagnostic> {
    let text = utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Diagnostic::error(shown, "the file is not valid UTF-8")
            .at(line, col)
            .hint("save it as UTF-8 in your editor")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// `bytes` as text, as [`std::str::from_utf8`] reads them (its error included), checked with
/// `simdutf8` (already built for `lol_html`'s `encoding_rs`), several times faster than std's
/// check outside ASCII: checking each built page and each search record read back was a tenth
/// of the search functions' time at 30,000 pages, and std's check of the page files a quarter
/// of loading them.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// Writes a file, creating its folder; the error names the path.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", e))?;
    }
    fs::write(path, bytes).map_err(|e| io_error(path, "write", e))
}

/// An I/O error on `path` as a diagnostic: what we tried (`action`) and what the system said.
pub(crate) fn io_error(path: &Path, action: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot {action}: {e}"))
        .hint("check the permissions and free space of the output folder")
}

/// A folder walk that failed at an entry, as a problem naming that entry (below `root`).
pub(crate) fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let below = |path: &'_ Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let what = match (e.loop_ancestor(), e.io_error()) {
        (Some(ancestor), _) => format!(
            "a symbolic link here leads back to {}",
            below(ancestor).display()
        ),
        (None, Some(io)) => io.to_string(),
        (None, None) => e.to_string(),
    };
    Diagnostic::error(below(e.path().unwrap_or(root)), format!("cannot read: {what}")).hint(
        "check that it exists (a symbolic link must lead to a file or folder) and that you may read it",
    )
}
