//! Polling the sources, where file events cannot be had (or with `serve --poll`): the watcher's
//! fallback, and its check after the system dropped events. In: the site root. Out: the first
//! source added, removed or modified since the last look, and the places that could not be
//! looked at (as warnings: changes there go unseen).
//!
//! A look stats every file below [`WATCHED`](super::watch::WATCHED), so its cost grows with
//! the site; the interval grows with it, keeping the looks to about 5% of a core, up to a look
//! a second (a 30,000-page tree: a look of 60–90 ms a second, 8–9% of a core).

use super::watch::{Change, WATCHED, is_scratch};
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};
use walkdir::{DirEntry, WalkDir};

/// The shortest interval between looks: a save waits half of it on average.
const INTERVAL_AT_LEAST: Duration = Duration::from_millis(20);
/// The longest: the slowest a save may show on a site too large to look at more often.
const INTERVAL_AT_MOST: Duration = Duration::from_secs(1);
/// The interval is this many times the last look, so looking takes about 1/20 of the time.
const INTERVAL_PER_LOOK: u32 = 20;

/// One look at the sources.
#[derive(PartialEq)]
pub(crate) struct Snapshot {
    /// The size and modification time of every source file, by path relative to the root.
    files: BTreeMap<PathBuf, (Option<SystemTime>, u64)>,
    /// Folders, links and files that could not be read.
    problems: Vec<Diagnostic>,
}

impl Snapshot {
    /// The sources as they are now.
    pub(crate) fn take(root: &Path) -> Snapshot {
        let mut files = BTreeMap::new();
        let problems = walk(root, |rel, entry| {
            let meta = entry.metadata()?;
            if meta.is_file() {
                files.insert(rel.to_path_buf(), (meta.modified().ok(), meta.len()));
            }
            Ok(())
        });
        Snapshot { files, problems }
    }

    /// The first source added, removed or modified between `self` and `now`; else the first
    /// place that became unreadable, or readable again.
    fn first_difference(&self, now: &Snapshot) -> Option<PathBuf> {
        let (before, after) = (&self.files, &now.files);
        let file = before
            .iter()
            .find(|(path, stamp)| after.get(*path) != Some(stamp))
            .map(|(path, _)| path)
            .or_else(|| after.keys().find(|path| !before.contains_key(*path)));
        let (before, after) = (&self.problems, &now.problems);
        let problem = || {
            let new = after.iter().find(|d| !before.contains(d));
            new.or_else(|| before.iter().find(|d| !after.contains(d)))
                .map(|d| &d.path)
        };
        file.or_else(problem).cloned()
    }
}

/// The places below the sources that cannot be read, as warnings. Reads folders only, so it
/// costs far less than a [`Snapshot`].
pub(crate) fn unreadable(root: &Path) -> Vec<Diagnostic> {
    walk(root, |_, _| Ok(()))
}

/// Walks the sources as the build does (links followed, scratch files left out), calling
/// `each` with every entry's path relative to the root; returns what could not be read.
fn walk(
    root: &Path,
    mut each: impl FnMut(&Path, &DirEntry) -> Result<(), walkdir::Error>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for name in WATCHED {
        let entries = WalkDir::new(root.join(name))
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_scratch(e.file_name()));
        for entry in entries {
            let done = entry.and_then(|entry| {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                each(rel, &entry)
            });
            match done {
                Ok(()) => {}
                // A watched folder the site does not have, a file removed while it was being
                // looked at, or a link to nowhere (which the build names): nothing to watch.
                Err(e) if e.io_error().map(io::Error::kind) == Some(io::ErrorKind::NotFound) => {}
                Err(e) => problems.push(unwatched(root, &e)),
            }
        }
    }
    problems
}

/// A place that cannot be watched, as a warning.
fn unwatched(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let mut d = crate::fsx::walk_error(root, e);
    d.severity = Severity::Warning;
    d.message = format!(
        "{}; `serve` does not see changes here",
        d.message.replacen("cannot read", "cannot watch", 1)
    );
    d
}

/// Looks at the sources at intervals and reports what changed between two looks.
pub(crate) struct Poll {
    root: PathBuf,
    seen: Snapshot,
    interval: Duration,
}

impl Poll {
    /// A poller that has seen the files as they are now.
    pub(crate) fn new(root: &Path) -> Poll {
        Poll {
            root: root.to_path_buf(),
            seen: Snapshot::take(root),
            interval: INTERVAL_AT_LEAST,
        }
    }

    /// The next change; waits as long as it takes, or looks once more after `within`.
    pub(crate) fn next(&mut self, within: Option<Duration>) -> Option<Change> {
        loop {
            thread::sleep(within.unwrap_or(self.interval));
            if let Some(change) = self.look() {
                return Some(change);
            }
            if within.is_some() {
                return None;
            }
        }
    }

    /// What the last look could not read, as warnings.
    pub(crate) fn problems(&self) -> &[Diagnostic] {
        &self.seen.problems
    }

    /// What changed since the last look, if anything; sets the interval from how long the
    /// look took, comparing included.
    fn look(&mut self) -> Option<Change> {
        let started = Instant::now();
        let now = Snapshot::take(&self.root);
        // Polling names no paths: the build walks every source.
        let change = (now != self.seen).then(|| Change {
            first: self.seen.first_difference(&now),
            paths: None,
        });
        self.seen = now;
        self.interval =
            (started.elapsed() * INTERVAL_PER_LOOK).clamp(INTERVAL_AT_LEAST, INTERVAL_AT_MOST);
        change
    }
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
        let mut poll = Poll::new(root);
        let no_wait = Some(Duration::ZERO);
        assert!(poll.problems().is_empty());
        std::os::unix::fs::symlink(root.join("content"), root.join("content/news/loop")).unwrap();
        let change = poll.next(no_wait).expect("a loop of links is a change");
        assert_eq!(change.first, Some(PathBuf::from("content/news/loop")));
        let problems = poll.problems();
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
        assert_eq!(unreadable(root), problems, "the light walk finds the same");
        assert!(
            poll.next(no_wait).is_none(),
            "an unchanged problem is no change"
        );
        std::fs::remove_file(root.join("content/news/loop")).unwrap();
        let change = poll.next(no_wait).expect("a loop gone is a change");
        assert_eq!(change.first, Some(PathBuf::from("content/news/loop")));
        assert!(poll.problems().is_empty());
        assert!(unreadable(root).is_empty());
    }
}
