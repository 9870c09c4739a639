//! What the load stage keeps of each page file between `serve`'s builds: its reading, with the
//! file's [`Stamp`] and a key of what else the reading depends on; and the last listing of
//! `content/`, brought up to date from the paths the watcher names.

use super::Key;
use crate::diagnostic::Diagnostic;
use crate::model::Page;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The load stage's reading of each page file (the page, or why it could not be read), by
/// path, kept with the file's [`Stamp`] taken before it was read and a key of what else the
/// reading depends on (`site.yaml`'s settings, whether drafts are shown).
#[derive(Default)]
pub(crate) struct LoadMemo {
    pages: HashMap<PathBuf, (Stamp, u64, Read)>,
    /// The files below `content/` as last listed, when that listing may be brought up to date
    /// from the paths that changed since (see `load.rs`).
    pub(crate) listing: Option<Listing>,
    /// The sources named as changed since that listing (relative to the root), as `serve`'s
    /// watcher saw them; `None` when unknown, and every source is listed and looked at.
    since: Option<BTreeSet<PathBuf>>,
}

/// The Markdown and YAML files below `content/`, relative to the root, in the walk's order.
#[derive(Clone, Default)]
pub(crate) struct Listing {
    pub(crate) markdown: Vec<PathBuf>,
    pub(crate) yaml: Vec<PathBuf>,
}

/// A page file as the load stage read it.
pub(crate) type Read = Result<Option<Page>, Vec<Diagnostic>>;

/// How long after a file last changed its stamp is trusted to tell it from a later change:
/// above the coarsest timestamp granularity of common file systems (FAT: 2 s; ext4 and tmpfs
/// stamp with a clock that ticks every few milliseconds).
pub(crate) const SETTLED: Duration = Duration::from_millis(2100);

/// What the file system says of a file without reading it: its length, modification and change
/// times (nanoseconds), inode and device. Any write changes the change time (`ctime`), which,
/// unlike the modification time, no program can set back (`touch -r`, `rsync -t`); a save that
/// renames a new file over the old one changes the inode.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp([i64; 7]);

impl Stamp {
    /// The file's stamp, if it can vouch for the file's bytes: `None` when the file changed
    /// less than [`SETTLED`] before `reading` (the time its reading starts), since a second
    /// write within one tick of the file system's clock could keep every field of the stamp.
    /// A later write stamps the file at `reading` or after, less one tick, so a stamp older
    /// than that cannot be shared by the bytes read and a later edit.
    #[cfg(unix)]
    pub(crate) fn of(path: &Path, reading: SystemTime) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let settled = reading
            .checked_sub(SETTLED)?
            .duration_since(SystemTime::UNIX_EPOCH);
        let settled = i64::try_from(settled.ok()?.as_secs()).ok()?;
        if meta.mtime().max(meta.ctime()) >= settled {
            return None;
        }
        let len = i64::try_from(meta.len()).ok()?;
        let (ino, dev) = (meta.ino() as i64, meta.dev() as i64);
        let (mtime, ctime) = (
            (meta.mtime(), meta.mtime_nsec()),
            (meta.ctime(), meta.ctime_nsec()),
        );
        Some(Stamp([len, mtime.0, mtime.1, ctime.0, ctime.1, ino, dev]))
    }

    /// Elsewhere no stamp vouches for a file: every page is read again.
    #[cfg(not(unix))]
    pub(crate) fn of(_: &Path, _: SystemTime) -> Option<Stamp> {
        None
    }
}

impl LoadMemo {
    /// Notes the sources that changed before a build (`None`: unknown). Added to those noted
    /// before, until a build lists the files: a build that failed before it did leaves them.
    pub(crate) fn changed(&mut self, paths: Option<&[PathBuf]>) {
        match (paths, &mut self.since) {
            (Some(paths), Some(since)) => since.extend(paths.iter().cloned()),
            _ => self.since = None,
        }
    }

    /// The last listing and the sources changed since, if both are known; from then on the
    /// listing is the caller's to renew ([`LoadMemo::listed`]).
    pub(crate) fn take_changes(&mut self) -> Option<(Listing, BTreeSet<PathBuf>)> {
        let since = self.since.take()?;
        Some((self.listing.take()?, since))
    }

    /// This build's listing, and whether later builds may bring it up to date from the paths
    /// that change (`trusted`), rather than list every file again.
    pub(crate) fn listed(&mut self, listing: Listing, trusted: bool) {
        self.listing = trusted.then_some(listing);
        self.since = trusted.then(BTreeSet::new);
    }

    /// The reading of a file that no event named since the last build, kept with its stamp
    /// then: the file was not written since it was read.
    pub(crate) fn unchanged(&self, rel: &Path, context: u64) -> Option<(Stamp, Read)> {
        let (stamp, key, read) = self.pages.get(rel)?;
        (*key == context).then(|| (*stamp, read.clone()))
    }

    /// What every page's reading depends on besides its own file.
    pub(crate) fn context_key(config: &crate::config::Config, drafts: bool) -> u64 {
        Key::new().debug(config).debug(&drafts).finish()
    }

    /// The file's reading from the last build, if its stamp and the context are the same.
    pub(crate) fn get(&self, rel: &Path, stamp: Stamp, context: u64) -> Option<Read> {
        let (kept, key, read) = self.pages.get(rel)?;
        (*kept == stamp && *key == context).then(|| read.clone())
    }

    /// Keeps this build's readings that have a stamp, and only those (an unstamped or deleted
    /// file's go), given for every file listed: a reading given as `None` is the one
    /// [`LoadMemo::get`] or [`LoadMemo::unchanged`] returned, left where it is. Updated in
    /// place: only a file read again is copied in, and the files no longer listed are looked
    /// for only when some are gone.
    pub(crate) fn keep<'a>(
        &mut self,
        made: impl IntoIterator<Item = (&'a Path, Option<Stamp>, u64, Option<&'a Read>)>,
    ) {
        let mut listed = Vec::new();
        for (rel, stamp, key, read) in made {
            match (stamp, read) {
                (None, _) => {
                    self.pages.remove(rel);
                    continue;
                }
                (Some(stamp), Some(read)) => {
                    self.pages
                        .insert(rel.to_path_buf(), (stamp, key, read.clone()));
                }
                (Some(_), None) => {}
            }
            listed.push(rel);
        }
        if self.pages.len() > listed.len() {
            let listed: BTreeSet<&Path> = listed.into_iter().collect();
            self.pages.retain(|rel, _| listed.contains(rel.as_path()));
        }
    }
}
