//! Watching the sources, so that `serve` rebuilds when one changes. In: the site root. Out: the
//! first source (relative to the root) added, removed or modified since the last look, if any.
//! It polls: the caller decides how often.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use walkdir::WalkDir;

/// What `serve` watches below the site root.
pub const WATCHED: [&str; 4] = ["content", "themes", "i18n", "site.yaml"];

/// Polls sizes and modification times of the watched files: portable and dependency-free,
/// and cheap for a site of a few hundred files.
pub(crate) struct Watcher {
    root: PathBuf,
    seen: BTreeMap<PathBuf, (Option<SystemTime>, u64)>,
}

impl Watcher {
    /// A watcher that has seen the files as they are now.
    pub(crate) fn new(root: &Path) -> Watcher {
        Watcher {
            root: root.to_path_buf(),
            seen: scan(root),
        }
    }

    /// The first source added, removed or modified since the last call (relative to the root).
    pub(crate) fn changed(&mut self) -> Option<PathBuf> {
        let now = scan(&self.root);
        if now == self.seen {
            return None;
        }
        let first = self
            .seen
            .iter()
            .find(|(path, stamp)| now.get(*path) != Some(stamp))
            .map(|(path, _)| path)
            .or_else(|| now.keys().find(|path| !self.seen.contains_key(*path)))
            .cloned()
            .unwrap_or_default();
        self.seen = now;
        Some(first)
    }
}

fn scan(root: &Path) -> BTreeMap<PathBuf, (Option<SystemTime>, u64)> {
    let mut files = BTreeMap::new();
    for name in WATCHED {
        let walk = WalkDir::new(root.join(name))
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_scratch(e.file_name()));
        for entry in walk.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_file() {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                files.insert(rel.to_path_buf(), (meta.modified().ok(), meta.len()));
            }
        }
    }
    files
}

/// Hidden files and editors' backup files: never part of a build, so never worth one.
fn is_scratch(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}
