//! Content errors and warnings as values, so every stage can report all of them at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: an error stops the build, a warning does not (unless `--strict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the site root: where it is, what is wrong, and what to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub hint: String,
}

impl Diagnostic {
    /// An error about the file at `path` (relative to the site root).
    pub fn error(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.as_ref().to_path_buf(),
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: message.into(),
            hint: String::new(),
        }
    }

    /// A warning about the file at `path` (relative to the site root).
    pub fn warning(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Where in the file: 1-based line and column (0 when unknown).
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    /// How to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Whether this problem stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}: {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, " — {}", self.hint)?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, then position, so output is stable and easy to scan.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
    });
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// Maps byte offsets of a body to 1-based lines of its source file.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    /// The line starts of `text`, whose first line is line `first_line` of its file.
    pub(crate) fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    /// The 1-based line of the file holding byte `offset` of the text.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset) + self.first_line - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_field_name_only() {
        let fields = ["title", "summary", "weight", "tags"];
        assert_eq!(nearest("titel", fields), Some("title"));
        assert_eq!(nearest("wieght", fields), Some("weight"));
        assert_eq!(nearest("colour", fields), None);
    }

    #[test]
    fn displays_position_and_hint() {
        let d = Diagnostic::error("content/a.en.md", "bad")
            .at(3, 7)
            .hint("fix it");
        assert_eq!(d.to_string(), "content/a.en.md:3:7: error: bad — fix it");
        let d = Diagnostic::warning("site.yaml", "odd");
        assert_eq!(d.to_string(), "site.yaml: warning: odd");
    }

    #[test]
    fn line_index_counts_from_the_body_start() {
        let idx = LineIndex::new("a\nb\nc", 5);
        assert_eq!(idx.line(0), 5);
        assert_eq!(idx.line(2), 6);
        assert_eq!(idx.line(4), 7);
    }
}
