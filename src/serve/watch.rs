//! Watching the sources, so that `serve` rebuilds when one changes. In: the site root. Out: one
//! [`Change`] per burst of changes to the files below [`WATCHED`] (scratch files left out),
//! once the burst has settled; and the places that could not be watched (as warnings: changes
//! there go unseen).
//!
//! The operating system tells us about changes (`notify`: inotify on Linux, FSEvents on macOS,
//! ReadDirectoryChangesW on Windows), so an idle server does no work at all. Where it cannot,
//! or when asked (`serve --poll`), the sources are polled instead (`poll`): every file is
//! looked at, at an interval that grows with their number.
//!
//! What is watched: the root itself, not recursively (it sees `site.yaml` however an editor
//! saves it, and a `themes/` or `i18n/` created later, which is then watched too), and each of
//! `content/`, `themes/`, `i18n/` that exists, recursively (notify adds the folders created
//! in them). Nothing else below the root is watched: not `public/`, not `target/`.

use super::poll::{self, Poll, Snapshot};
use crate::diagnostic::Diagnostic;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What `serve` watches below the site root.
pub const WATCHED: [&str; 4] = ["content", "themes", "i18n", "site.yaml"];

/// How long the sources must stay quiet before a burst of events counts as one change. A save
/// is a burst: vim's in-place save here spans 1.4–4.5 ms from the first write to the last
/// attribute change (an fsync in between), an atomic save is one rename after a temporary
/// file. 10 ms covers that twice over for a tenth of the 100 ms a save may take to reach the
/// screen. A slower burst costs one more rebuild, never a wrong page: the last build starts
/// after the last event, and a build that fails mid-save is retried (see `rebuild`).
pub(crate) const SETTLE: Duration = Duration::from_millis(10);
/// The longest a change waits for quiet, so that a file written without pause still shows.
const SETTLE_AT_MOST: Duration = Duration::from_millis(500);

/// A settled burst of changes.
pub(crate) struct Change {
    /// The first source that changed, relative to the root; `None` when the watcher cannot
    /// tell (events were lost and a look at the files found a difference, or events stopped).
    pub(crate) first: Option<PathBuf>,
    /// Every source the events named (relative to the root: files, or folders created,
    /// removed or renamed), when the events can be trusted to have named every change; `None`
    /// when they cannot (events lost or failed, polling), and the build walks every source.
    pub(crate) paths: Option<Vec<PathBuf>>,
}

/// Why the watcher polls instead of listening for events.
pub(crate) enum Fallback {
    /// `serve --poll`.
    Asked,
    /// Events could not be had at start, or stopped: what failed, and what to try.
    Failed(String),
}

/// Watches the sources below a site root; see the module's documentation.
pub(crate) struct Watcher {
    root: PathBuf,
    how: How,
    /// A switch to polling that the caller has not been told about yet.
    fallback: Option<Fallback>,
}

enum How {
    Events(Events),
    Polling(Poll),
}

/// What the event thread sends on: only what may matter to a build.
enum Signal {
    /// Sources or their folders (relative to the root) were created, written, renamed or
    /// removed: for a rename both paths, where it is now last; `appeared` when created or
    /// renamed into place.
    Changed { rels: Vec<PathBuf>, appeared: bool },
    /// The system dropped events (its queue overflowed): anything may have changed.
    Rescan,
    /// Events stopped.
    Failed(String),
}

struct Events {
    /// The site root, absolute and resolved, as events name paths.
    root: PathBuf,
    /// Kept alive: dropping it ends the events.
    watcher: RecommendedWatcher,
    signals: Receiver<Signal>,
    /// How long the sources must stay quiet: [`SETTLE`], longer in tests.
    settle: Duration,
    /// What could not be read below the sources, as of the last change.
    unreadable: Vec<Diagnostic>,
    /// The files as they were at the last rescan, to tell a real change from an overflow
    /// that a build caused by reading every file (inotify reports reads too).
    rescanned: Option<Snapshot>,
}

impl Watcher {
    /// A watcher that reports changes made from now on; it polls when `poll` is set or when
    /// events cannot be had (see [`Watcher::fallback`]).
    pub(crate) fn start(root: &Path, poll: bool) -> Watcher {
        Watcher::settling(root, poll, SETTLE)
    }

    /// [`Watcher::start`], with events settling over `settle`.
    fn settling(root: &Path, poll: bool, settle: Duration) -> Watcher {
        let (how, fallback) = if poll {
            (How::Polling(Poll::new(root)), Some(Fallback::Asked))
        } else {
            match Events::start(root, settle) {
                Ok(events) => (How::Events(events), None),
                Err(why) => (How::Polling(Poll::new(root)), Some(Fallback::Failed(why))),
            }
        };
        Watcher {
            root: root.to_path_buf(),
            how,
            fallback,
        }
    }

    /// What could not be read below the sources as of the last change, as warnings.
    pub(crate) fn problems(&self) -> &[Diagnostic] {
        match &self.how {
            How::Events(events) => &events.unreadable,
            How::Polling(poll) => poll.problems(),
        }
    }

    /// Why the watcher has switched to polling, once, if it has since the last call.
    pub(crate) fn fallback(&mut self) -> Option<Fallback> {
        self.fallback.take()
    }

    /// The next change, once it has settled; waits as long as it takes, or gives up after
    /// `within` if that is set.
    pub(crate) fn next(&mut self, within: Option<Duration>) -> Option<Change> {
        let (change, failed) = match &mut self.how {
            How::Polling(poll) => return poll.next(within),
            How::Events(events) => events.next(within),
        };
        if let (How::Events(events), Some(change)) = (&mut self.how, &change)
            && !names_files_only(&events.root, change)
        {
            events.unreadable = poll::unreadable(&events.root);
        }
        if let Some(why) = failed {
            self.how = How::Polling(Poll::new(&self.root));
            self.fallback = Some(Fallback::Failed(why));
            // What happened between the failure and the first look is unknown: build again,
            // walking every source.
            let first = change.and_then(|c| c.first);
            return Some(Change { first, paths: None });
        }
        change
    }
}

impl Events {
    fn start(root: &Path, settle: Duration) -> Result<Events, String> {
        // Events name absolute paths (`--root .` included), and FSEvents resolves symbolic
        // links (`/var` is `/private/var` on macOS): compare them with the root resolved too.
        let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        let (tx, signals) = mpsc::channel();
        let base = root.clone();
        let handler = move |event: notify::Result<Event>| {
            if let Some(signal) = signal(&base, event) {
                // Fails only once `serve` has dropped the receiver, when nothing listens.
                let _ = tx.send(signal);
            }
        };
        let mut watcher = notify::recommended_watcher(handler).map_err(|e| explain(&e))?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| explain(&e))?;
        let mut events = Events {
            root,
            watcher,
            signals,
            settle,
            unreadable: Vec::new(),
            rescanned: None,
        };
        for name in WATCHED {
            events.watch(Path::new(name))?;
        }
        events.unreadable = poll::unreadable(&events.root);
        Ok(events)
    }

    /// Watches a source folder below the root, recursively, if it exists.
    fn watch(&mut self, rel: &Path) -> Result<(), String> {
        let path = self.root.join(rel);
        if !path.is_dir() {
            return Ok(());
        }
        match self.watcher.watch(&path, RecursiveMode::Recursive) {
            Ok(()) => Ok(()),
            // Removed since we looked: the root's watch sees it if it comes back.
            Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => Ok(()),
            Err(e) => Err(explain(&e)),
        }
    }

    /// The next change once settled, or none within `within`; and why events failed, if
    /// they did.
    fn next(&mut self, within: Option<Duration>) -> (Option<Change>, Option<String>) {
        let give_up = within.map(|d| Instant::now() + d);
        let mut change: Option<Change> = None;
        let mut settle_by = None;
        loop {
            let received = match (settle_by, give_up) {
                (Some(by), _) => recv_until(&self.signals, Instant::now() + self.settle, by),
                (None, Some(by)) => recv_until(&self.signals, by, by),
                (None, None) => self
                    .signals
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
            };
            let signal = match received {
                Ok(signal) => signal,
                Err(RecvTimeoutError::Timeout) => return (change, None),
                Err(RecvTimeoutError::Disconnected) => {
                    return (change, Some("the event thread stopped".to_string()));
                }
            };
            let noticed = match signal {
                Signal::Changed { rels, appeared } => {
                    for rel in rels.iter().filter(|_| appeared) {
                        if let Err(why) = self.follow(rel) {
                            return (change, Some(why));
                        }
                    }
                    Some(rels)
                }
                Signal::Rescan if self.rescan_differs() => None,
                Signal::Rescan => continue,
                Signal::Failed(why) => return (change, Some(why)),
            };
            let first = noticed.as_ref().and_then(|rels| rels.last().cloned());
            let change = change.get_or_insert(Change {
                first,
                paths: Some(Vec::new()),
            });
            match (noticed, &mut change.paths) {
                (Some(rels), Some(paths)) => paths.extend(rels),
                // Events were lost: the files differ from the last look in ways none named.
                (None, paths) => *paths = None,
                (Some(_), None) => {}
            }
            settle_by.get_or_insert(Instant::now() + SETTLE_AT_MOST);
        }
    }

    /// Watches a source folder that appeared at the top (created, or renamed into place).
    /// Only then: watching walks the folder, which the system reports as reads of it.
    fn follow(&mut self, rel: &Path) -> Result<(), String> {
        let top = rel.components().count() == 1;
        if top && WATCHED.iter().any(|name| rel == Path::new(name)) {
            return self.watch(rel);
        }
        Ok(())
    }

    /// Whether the files differ from the last rescan (always, at the first): events were lost,
    /// so only a look at the files tells. A build that overflows the queue by reading every
    /// file thus causes at most one more build, not an endless loop of them.
    fn rescan_differs(&mut self) -> bool {
        let now = Snapshot::take(&self.root);
        let differs = self.rescanned.as_ref() != Some(&now);
        self.rescanned = Some(now);
        differs
    }
}

/// Whether the change names only files that are there: what cannot be read below the sources
/// is a matter of folders, unchanged then (a walk of every folder costs milliseconds on a
/// large site).
fn names_files_only(root: &Path, change: &Change) -> bool {
    let is_file =
        |rel: &PathBuf| std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_file());
    change
        .paths
        .as_ref()
        .is_some_and(|paths| paths.iter().all(is_file))
}

/// The next signal, waiting until `quiet` but not past `by`.
fn recv_until(
    signals: &Receiver<Signal>,
    quiet: Instant,
    by: Instant,
) -> Result<Signal, RecvTimeoutError> {
    let until = quiet.min(by);
    signals.recv_timeout(until.saturating_duration_since(Instant::now()))
}

/// What an event from the system means to a build, if anything. Runs on the event thread, for
/// every event: reads of every source during a build included, so it stays cheap.
fn signal(root: &Path, event: notify::Result<Event>) -> Option<Signal> {
    let event = match event {
        Ok(event) => event,
        Err(e) => return Some(Signal::Failed(explain(&e))),
    };
    if event.need_rescan() {
        return Some(Signal::Rescan);
    }
    if is_read(&event.kind) {
        return None;
    }
    let appeared = matches!(
        event.kind,
        EventKind::Create(_)
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    // A rename's paths are [from, to]: the last that is a source is where it is now.
    let rels: Vec<PathBuf> = (event.paths.iter())
        .filter_map(|path| path.strip_prefix(root).ok())
        .filter(|rel| is_source(rel))
        .map(Path::to_path_buf)
        .collect();
    (!rels.is_empty()).then_some(Signal::Changed { rels, appeared })
}

/// A file or folder was opened or read, not changed. inotify reports every open: without this
/// a build, which reads every source, would set off the next one.
fn is_read(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}

/// Whether a path relative to the root is one of the sources (or a folder holding them):
/// below one of [`WATCHED`], and no part of it scratch.
pub(crate) fn is_source(rel: &Path) -> bool {
    let Some(Component::Normal(top)) = rel.components().next() else {
        return false;
    };
    WATCHED.iter().any(|name| top == *name)
        && rel
            .components()
            .all(|part| matches!(part, Component::Normal(name) if !is_scratch(name)))
}

/// Hidden files and editors' backup files: never part of a build, so never worth one.
pub(crate) fn is_scratch(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

/// A watcher's error as the terminal shows it, with what to try.
fn explain(e: &notify::Error) -> String {
    let at = match e.paths.first() {
        Some(path) => format!(" at {}", path.display()),
        None => String::new(),
    };
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => format!(
            "the system's limit on watched folders is reached{at} — raise it (Linux: \
             `sysctl fs.inotify.max_user_watches=524288`)"
        ),
        // EMFILE from inotify_init: too many watchers open for this user.
        notify::ErrorKind::Io(io) if cfg!(target_os = "linux") && io.raw_os_error() == Some(24) => {
            format!(
                "{io} — too many file watchers are open for this user; close some (editors, \
                 other servers) or raise the limit (`sysctl fs.inotify.max_user_instances=512`)"
            )
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::CreateKind;
    use std::fs;
    use std::io::Write;

    /// Bounds every wait for a change that must come.
    const WAIT: Duration = Duration::from_secs(10);
    /// How long to wait for a change that must not come.
    const QUIET: Duration = Duration::from_millis(300);

    /// A site root with one page, watched through file events that settle over `settle`.
    fn watched_site(settle: Duration) -> (tempfile::TempDir, Watcher) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/news")).unwrap();
        fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        fs::write(dir.path().join("content/news/a.en.md"), "a\n").unwrap();
        let mut watcher = Watcher::settling(dir.path(), false, settle);
        if let Some(Fallback::Failed(why)) = watcher.fallback() {
            panic!("no file events here: {why}");
        }
        (dir, watcher)
    }

    #[test]
    fn reading_the_sources_is_not_a_change() {
        // Regression guard: inotify reports every open, and a build reads every source; a
        // watcher that took reads for changes would rebuild without end.
        let (dir, mut watcher) = watched_site(SETTLE);
        for _ in 0..3 {
            for entry in walkdir::WalkDir::new(dir.path()) {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    fs::read(entry.path()).unwrap();
                }
            }
        }
        assert!(watcher.next(Some(QUIET)).is_none());
    }

    #[test]
    fn a_save_in_several_steps_is_one_change() {
        // Steps 20 ms apart and events settling over 250 ms: the steps must merge into one
        // change, however busy the machine (a step late by 230 ms would split them).
        let (dir, mut watcher) = watched_site(Duration::from_millis(250));
        let news = dir.path().join("content/news");
        let save = std::thread::spawn(move || {
            let page = news.join("a.en.md");
            let pause = || std::thread::sleep(Duration::from_millis(20));
            // In place in three writes, then atomically over it, with an editor's scratch files.
            let mut file = fs::File::create(&page).unwrap();
            for part in ["---\n", "title: A\n", "---\n"] {
                file.write_all(part.as_bytes()).unwrap();
                file.sync_data().unwrap();
                pause();
            }
            drop(file);
            let temp = news.join(".a.en.md.tmp");
            fs::write(&temp, "---\ntitle: B\n---\n").unwrap();
            pause();
            fs::rename(&temp, &page).unwrap();
            pause();
            fs::write(news.join("a.en.md~"), "backup").unwrap();
        });
        let change = watcher.next(Some(WAIT)).expect("a save is a change");
        save.join().unwrap();
        assert_eq!(
            change.first.as_deref(),
            Some(Path::new("content/news/a.en.md"))
        );
        assert!(watcher.next(Some(QUIET)).is_none(), "a save is one change");
    }

    #[test]
    fn lost_events_cost_one_build_then_only_real_changes() {
        // Guards the loop a build could start by overflowing the queue with its own reads.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/news")).unwrap();
        let mut events = Events::start(dir.path(), SETTLE).unwrap();
        // The system's side replaced by a channel of our own, to drop events at will.
        let (tx, signals) = mpsc::channel();
        events.signals = signals;
        let mut lost = || {
            tx.send(Signal::Rescan).unwrap();
            events.next(Some(QUIET)).0
        };
        let first = lost().expect("lost events with nothing to compare: build");
        assert_eq!(first.first, None, "the watcher cannot tell what changed");
        assert!(first.paths.is_none(), "nor name the paths");
        assert!(lost().is_none(), "nothing changed since the last look");
        fs::write(dir.path().join("content/news/b.en.md"), "b\n").unwrap();
        assert!(lost().is_some(), "a file written while events were lost");
        assert!(lost().is_none());
    }

    #[test]
    fn sources_are_the_watched_paths_without_scratch_files() {
        for rel in [
            "site.yaml",
            "content",
            "content/news/first.en.md",
            "themes/default/templates/page.html",
            "i18n/en/main.ftl",
            "content/new-section",
        ] {
            assert!(is_source(Path::new(rel)), "{rel}");
        }
        for rel in [
            "",
            "public/en/index.html",
            "site.yaml~",
            ".site.yaml.swp",
            "4913",
            "content/news/.first.en.md.swp",
            "content/news/first.en.md~",
            "content/.git/index",
            "themes/.cache/x.html",
            "README.md",
        ] {
            assert!(!is_source(Path::new(rel)), "{rel}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        let root = Path::new("/site");
        let page = root.join("content/a.en.md");
        let event = |kind| Ok(Event::new(kind).add_path(page.clone()));
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let close_read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert!(signal(root, event(open)).is_none());
        assert!(signal(root, event(close_read)).is_none());
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Remove(notify::event::RemoveKind::File),
        ] {
            let Some(Signal::Changed { rels, .. }) = signal(root, event(kind)) else {
                panic!("{kind:?} is a change");
            };
            assert_eq!(rels, [Path::new("content/a.en.md")]);
        }
    }

    #[test]
    fn a_rename_counts_by_either_of_its_paths() {
        let root = Path::new("/site");
        // An atomic save: a hidden temporary file renamed over the page.
        let saved = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(root.join("content/.a.en.md.tmp"))
            .add_path(root.join("content/a.en.md"));
        let Some(Signal::Changed { rels, appeared }) = signal(root, Ok(saved)) else {
            panic!("an atomic save is a change");
        };
        assert_eq!(rels, [Path::new("content/a.en.md")]);
        assert!(appeared);
        let moved = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(root.join("content/a.en.md"))
            .add_path(root.join("content/b.en.md"));
        let Some(Signal::Changed { rels, .. }) = signal(root, Ok(moved)) else {
            panic!("a rename is a change");
        };
        let (from, to) = (Path::new("content/a.en.md"), Path::new("content/b.en.md"));
        assert_eq!(rels, [from, to], "both the old place and the new");
        let scratch = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(root.join("content/a.en.md~"))
            .add_path(root.join("content/.a.en.md.swp"));
        assert!(signal(root, Ok(scratch)).is_none());
        let outside = Event::new(EventKind::Create(CreateKind::Folder))
            .add_path(PathBuf::from("/elsewhere/x"));
        assert!(signal(root, Ok(outside)).is_none());
    }
}
