//! Watching the sources, so that `serve` rebuilds when one changes. In: the site root. Out: the
//! first source (relative to the root) added, removed or modified since the last look, if any,
//! and the places that could not be looked at (as warnings: changes there go unseen).
//! It polls: the caller decides how often.

use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use walkdir::WalkDir;

/// What `serve` watches below the site root.
pub const WATCHED: [&str; 4] = ["content", "themes", "i18n", "site.yaml"];

/// Polls sizes and modification times of the watched files: portable and dependency-free,
/// and cheap for a site of a few hundred files.
pub(crate) struct Watcher {
    root: PathBuf,
    seen: Scan,
}

/// One look at the watched files.
#[derive(Default, PartialEq)]
struct Scan {
    files: BTreeMap<PathBuf, (Option<SystemTime>, u64)>,
    /// Folders, links and files that could not be read.
    problems: Vec<Diagnostic>,
}

impl Watcher {
    /// A watcher that has seen the files as they are now.
    pub(crate) fn new(root: &Path) -> Watcher {
        Watcher {
            root: root.to_path_buf(),
            seen: scan(root),
        }
    }

    /// The first source added, removed or modified since the last call (relative to the root);
    /// a place that became unreadable, or readable again, counts as a change too.
    pub(crate) fn changed(&mut self) -> Option<PathBuf> {
        let now = scan(&self.root);
        if now == self.seen {
            return None;
        }
        let (seen, files) = (&self.seen.files, &now.files);
        let first = seen
            .iter()
            .find(|(path, stamp)| files.get(*path) != Some(stamp))
            .map(|(path, _)| path)
            .or_else(|| files.keys().find(|path| !seen.contains_key(*path)))
            .cloned()
            .or_else(|| {
                let (before, after) = (&self.seen.problems, &now.problems);
                let new = after.iter().find(|d| !before.contains(d));
                new.or_else(|| before.iter().find(|d| !after.contains(d)))
                    .map(|d| d.path.clone())
            })
            .unwrap_or_default();
        self.seen = now;
        Some(first)
    }

    /// What the last look could not read, as warnings.
    pub(crate) fn problems(&self) -> &[Diagnostic] {
        &self.seen.problems
    }
}

fn scan(root: &Path) -> Scan {
    let mut found = Scan::default();
    for name in WATCHED {
        // Links are followed, as the build follows them.
        let walk = WalkDir::new(root.join(name))
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_scratch(e.file_name()));
        for entry in walk {
            let meta = entry.and_then(|entry| {
                let meta = entry.metadata()?;
                Ok((entry, meta))
            });
            match meta {
                Ok((entry, meta)) if meta.is_file() => {
                    let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    found
                        .files
                        .insert(rel.to_path_buf(), (meta.modified().ok(), meta.len()));
                }
                Ok(_) => {}
                // A watched folder the site does not have, a file removed while it was being
                // looked at, or a link to nowhere (which the build names): nothing to watch.
                Err(e) if e.io_error().map(io::Error::kind) == Some(io::ErrorKind::NotFound) => {}
                Err(e) => found.problems.push(unwatched(root, &e)),
            }
        }
    }
    found
}

/// A place the watcher cannot look at, as a warning.
fn unwatched(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let mut d = crate::fsx::walk_error(root, e);
    d.severity = Severity::Warning;
    d.message = format!(
        "{}; `serve` does not see changes here",
        d.message.replacen("cannot read", "cannot watch", 1)
    );
    d
}

/// Hidden files and editors' backup files: never part of a build, so never worth one.
fn is_scratch(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards walk errors once flattened away: a loop of links is reported, and reported once.
    #[test]
    fn a_place_that_cannot_be_watched_is_a_warning_and_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/news")).unwrap();
        std::fs::write(root.join("content/news/a.en.md"), "---\ntitle: a\n---\n").unwrap();
        let mut watcher = Watcher::new(root);
        assert!(watcher.problems().is_empty());
        std::os::unix::fs::symlink(root.join("content"), root.join("content/news/loop")).unwrap();
        assert_eq!(watcher.changed(), Some(PathBuf::from("content/news/loop")));
        let problems = watcher.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, Path::new("content/news/loop"));
        assert_eq!(problems[0].severity, Severity::Warning);
        assert!(
            problems[0]
                .message
                .starts_with("cannot watch: a symbolic link here leads back to content"),
            "{}",
            problems[0]
        );
        assert_eq!(watcher.changed(), None, "an unchanged problem is no change");
        std::fs::remove_file(root.join("content/news/loop")).unwrap();
        assert_eq!(watcher.changed(), Some(PathBuf::from("content/news/loop")));
        assert!(watcher.problems().is_empty());
    }
}
