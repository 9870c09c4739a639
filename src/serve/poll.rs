//! Polling the sources, where file events cannot be had (or with `serve --poll`): the watcher's
//! fallback, and its check after the system dropped events. In: the site root. Out: the first
//! source added, removed or modified since the last look.
//!
//! A look stats every file below [`WATCHED`](super::watch::WATCHED), so its cost grows with
//! the site; the interval grows with it, keeping the looks to about 5% of a core.

use super::watch::{Change, WATCHED, is_scratch};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};
use walkdir::WalkDir;

/// The shortest interval between looks: a save waits half of it on average.
const INTERVAL_AT_LEAST: Duration = Duration::from_millis(20);
/// The longest: the slowest a save may show on a site too large to look at more often.
const INTERVAL_AT_MOST: Duration = Duration::from_secs(1);
/// The interval is this many times the last look, so looking takes about 1/20 of the time.
const INTERVAL_PER_LOOK: u32 = 20;

/// The size and modification time of every source file, by path relative to the root.
#[derive(PartialEq, Eq)]
pub(crate) struct Snapshot(BTreeMap<PathBuf, (Option<SystemTime>, u64)>);

impl Snapshot {
    /// The sources as they are now.
    pub(crate) fn take(root: &Path) -> Snapshot {
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
        Snapshot(files)
    }

    /// The first source added, removed or modified between `self` and `now`.
    fn first_difference(&self, now: &Snapshot) -> Option<PathBuf> {
        let (before, after) = (&self.0, &now.0);
        before
            .iter()
            .find(|(path, stamp)| after.get(*path) != Some(stamp))
            .map(|(path, _)| path)
            .or_else(|| after.keys().find(|path| !before.contains_key(*path)))
            .cloned()
    }
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

    /// What changed since the last look, if anything; sets the interval from how long the
    /// look took, comparing included.
    fn look(&mut self) -> Option<Change> {
        let started = Instant::now();
        let now = Snapshot::take(&self.root);
        let change = (now != self.seen).then(|| Change {
            first: self.seen.first_difference(&now),
        });
        self.seen = now;
        self.interval =
            (started.elapsed() * INTERVAL_PER_LOOK).clamp(INTERVAL_AT_LEAST, INTERVAL_AT_MOST);
        change
    }
}
