//! The sink the render stage (and every stage after it that makes files) hands each finished
//! file to, from any thread: it writes the file into the staging folder at once (`build`),
//! keeps it in memory (`serve`) or drops it (`check`), and on the way notes only what the later
//! stages need: every output path (the aliases' clash check, the link check), the search text
//! of the pages of languages with a search page, and for `check`/`serve` the absolute URLs
//! each page links to (orphans). Memory then grows with the largest page, not with the site:
//! for `build` the search text too goes to disk (`spill.rs`) until the index stage reads it.

mod spill;

use crate::diagnostic::Diagnostic;
use crate::incremental::{SearchMemo, Urls};
use crate::model::{Files, Put, Shared, SharedFiles};
use crate::search::PageText;
use crate::{fsx, links, search};
use spill::Spill;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Where the files go.
pub(crate) enum Dest {
    /// `check`: nowhere.
    Nowhere,
    /// `serve`: kept, to answer requests.
    Memory,
    /// `build`: written below this (staging) folder.
    Folder(PathBuf),
}

/// What the sink noted of the files that went through it.
#[derive(Default)]
pub(crate) struct Seen {
    /// Every file's path below the output folder, in no particular order.
    pub(crate) paths: Vec<Arc<str>>,
    /// The search records of the pages of `languages`, in no particular order (unless they
    /// are spilled to disk).
    pub(crate) texts: Vec<PageText>,
    /// Pages whose search text could not be read, by path.
    pub(crate) unreadable: Vec<(String, Diagnostic)>,
    /// For `check` and `serve`: each `…index.html` file's absolute URLs.
    pub(crate) urls: Vec<(String, Urls)>,
    /// The first file that could not be written (the sink writes no more after it).
    pub(crate) failed: Option<Diagnostic>,
    /// With [`Dest::Memory`], the files themselves.
    pub(crate) files: SharedFiles,
    /// When the sink reuses an earlier build's search text: what this build read, by page.
    pub(crate) read: Vec<search::Read>,
}

/// With [`Dest::Folder`], the memory the render stage freed goes back to the system every so
/// many files: the pages' sources are freed as the pages are made, by the worker threads, into
/// the arenas that read them, where the threads making pages' files cannot use them (at 30,000
/// pages with search about 10 MB off the build's peak, for about 30 calls of a few ms).
const RELEASE_EVERY: u64 = 1000;

pub(crate) struct Sink {
    dest: Dest,
    /// Languages whose pages' search text is extracted.
    languages: Vec<String>,
    /// Whether to note each page's links for the orphans check.
    urls: bool,
    /// What an earlier build read from its pages (`serve`), reused where a page is unchanged.
    memo: Option<SearchMemo>,
    /// With [`Dest::Folder`], where the search records go rather than [`Seen::texts`].
    spill: Option<Spill>,
    seen: Mutex<Seen>,
    broken: AtomicBool,
    /// How many files were handed to the sink.
    noted: AtomicU64,
    /// Time the worker threads spent extracting search text and writing, in nanoseconds.
    extracting: AtomicU64,
    writing: AtomicU64,
}

impl Sink {
    pub(crate) fn new(
        dest: Dest,
        languages: Vec<String>,
        urls: bool,
        memo: Option<SearchMemo>,
    ) -> Sink {
        let spill = match &dest {
            Dest::Folder(dir) => Some(Spill::new(dir, &languages)),
            Dest::Nowhere | Dest::Memory => None,
        };
        // `serve`: room for as many files as the last build made, so that the lists do not
        // grow by copying while the render stage's threads wait on their lock.
        let mut seen = Seen::default();
        if let Some(memo) = &memo {
            seen.paths.reserve(memo.files);
            if matches!(dest, Dest::Memory) {
                seen.files.reserve(memo.files);
            }
            seen.read.reserve(memo.pages());
            seen.urls.reserve(memo.pages());
        }
        Sink {
            dest,
            languages,
            urls,
            memo,
            spill,
            seen: Mutex::new(seen),
            broken: AtomicBool::new(false),
            noted: AtomicU64::new(0),
            extracting: AtomicU64::new(0),
            writing: AtomicU64::new(0),
        }
    }

    pub(crate) fn put_all(&self, files: Files) {
        for (path, bytes) in files {
            self.put(path, bytes);
        }
    }

    /// The paths of the files put so far, sorted (in place too: the next call, after a few
    /// more files, sorts what is nearly sorted).
    pub(crate) fn paths(&self) -> Vec<Arc<str>> {
        let mut seen = self.lock();
        // Equal paths are the same text: an unstable sort gives the one order there is.
        seen.paths.sort_unstable();
        seen.paths.clone()
    }

    /// Takes the problems found reading the pages' search text, in path order.
    pub(crate) fn take_unreadable(&self) -> Vec<Diagnostic> {
        let mut unreadable = std::mem::take(&mut self.lock().unreadable);
        unreadable.sort_by(|a, b| a.0.cmp(&b.0));
        unreadable.into_iter().map(|(_, d)| d).collect()
    }

    /// Takes the search records of the pages of language `lang`, in no particular order: read
    /// back from disk when they were spilled there.
    pub(crate) fn take_texts(&self, lang: &str) -> Result<Vec<PageText>, Diagnostic> {
        let prefix = format!("{lang}/");
        if let Some(spill) = &self.spill {
            return spill.take(&prefix);
        }
        let mut seen = self.lock();
        let (texts, others) = std::mem::take(&mut seen.texts)
            .into_iter()
            .partition(|(url, _, _)| url.starts_with(&prefix));
        seen.texts = others;
        Ok(texts)
    }

    /// Removes what the sink spilled to disk and was not read back: before the staging folder
    /// is swapped in, so that it never reaches the output.
    pub(crate) fn remove_spilled(&mut self) {
        self.spill = None;
    }

    /// What was read of each indexed page so far (with a memo: see `search::page_text_reusing`).
    pub(crate) fn reads(&self) -> Vec<search::Read> {
        let seen = self.lock();
        let read = seen.read.iter();
        read.map(|(path, key, read)| (path.clone(), *key, Arc::clone(read)))
            .collect()
    }

    /// Takes each page's absolute URLs (only noted when the sink was made with `urls`).
    pub(crate) fn take_urls(&self) -> Vec<(String, Urls)> {
        std::mem::take(&mut self.lock().urls)
    }

    /// What this build read from its pages, for the next build to reuse (`None` unless the
    /// sink was given an earlier build's).
    pub(crate) fn take_memo(&mut self) -> Option<SearchMemo> {
        let mut memo = self.memo.take()?;
        let mut seen = self.lock();
        let read = std::mem::take(&mut seen.read);
        memo.keep(read, &seen.urls);
        memo.files = seen.paths.len();
        drop(seen);
        Some(memo)
    }

    /// Fails with the first file that could not be written, if one could not.
    pub(crate) fn written(&self) -> Result<(), Vec<Diagnostic>> {
        match self.lock().failed.take() {
            Some(d) => Err(vec![d]),
            None => Ok(()),
        }
    }

    /// The files kept in memory, sorted by path (empty unless [`Dest::Memory`]).
    pub(crate) fn into_files(self) -> SharedFiles {
        let mut files = self
            .seen
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .files;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Time the worker threads spent (added up) extracting search text and writing files.
    pub(crate) fn thread_times(&self) -> (Duration, Duration) {
        let time = |t: &AtomicU64| Duration::from_nanos(t.load(Ordering::Relaxed));
        (time(&self.extracting), time(&self.writing))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Put for Sink {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.note(path, Bytes::Owned(bytes), false);
    }

    fn put_shared(&self, path: String, bytes: Shared, unchanged: bool) {
        self.note(path, Bytes::Shared(bytes), unchanged);
    }
}

/// A file's bytes as handed to the sink: its own, or shared with a memo (`serve`).
enum Bytes {
    Owned(Vec<u8>),
    Shared(Shared),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Owned(bytes) => bytes,
            Bytes::Shared(bytes) => bytes,
        }
    }

    /// The bytes to keep: shared ones as they are, owned ones moved behind a pointer.
    fn into_shared(self) -> Shared {
        match self {
            Bytes::Owned(bytes) => Shared::new(bytes),
            Bytes::Shared(bytes) => bytes,
        }
    }
}

impl Sink {
    /// Notes what later stages need of the file (reusing what the last build noted of the same
    /// path when the file is `unchanged` and the sink has a memo), then writes or keeps it.
    fn note(&self, path: String, file: Bytes, unchanged: bool) {
        let noted = self.noted.fetch_add(1, Ordering::Relaxed) + 1;
        if self.spill.is_some() && noted.is_multiple_of(RELEASE_EVERY) {
            crate::release_freed_memory();
        }
        let started = Instant::now();
        let bytes = file.as_slice();
        let (text, read) = match &self.memo {
            Some(memo) => {
                let (problem, read) =
                    search::page_text_reusing(&self.languages, &path, bytes, memo, unchanged);
                (problem.map_or(Ok(None), Err), read)
            }
            None => (search::page_text(&self.languages, &path, bytes), None),
        };
        let urls = (self.urls && path.ends_with("index.html")).then(|| {
            let last = self.memo.as_ref().filter(|_| unchanged);
            let last = last.and_then(|memo| memo.urls(&path));
            last.unwrap_or_else(|| Arc::new(links::absolute_urls(bytes)))
        });
        let extracted = Instant::now();
        add(&self.extracting, extracted - started);
        let mut kept = None;
        let mut failed = None;
        match &self.dest {
            Dest::Nowhere => {}
            Dest::Memory => kept = Some(file.into_shared()),
            Dest::Folder(_) if self.broken.load(Ordering::Relaxed) => {}
            Dest::Folder(dir) => {
                failed = fsx::write(&dir.join(&path), bytes).err();
                if failed.is_some() {
                    self.broken.store(true, Ordering::Relaxed);
                }
                drop(file);
                add(&self.writing, extracted.elapsed());
            }
        }
        // Spilled outside the lock, each language's file behind its own.
        let (text, spill_failed) = match (text, &self.spill) {
            (Ok(Some(text)), Some(spill)) => (Ok(None), spill.write(&text).err()),
            (text, _) => (text, None),
        };
        if spill_failed.is_some() {
            self.broken.store(true, Ordering::Relaxed);
        }
        let mut seen = self.lock();
        match text {
            Ok(Some(text)) => seen.texts.push(text),
            Ok(None) => {}
            Err(d) => seen.unreadable.push((path.clone(), d)),
        }
        seen.read.extend(read);
        if let Some(urls) = urls {
            seen.urls.push((path.clone(), urls));
        }
        if seen.failed.is_none() {
            seen.failed = spill_failed.or(failed);
        }
        if let Some(bytes) = kept {
            seen.files.push((path.clone(), bytes));
        }
        seen.paths.push(Arc::from(path));
    }
}

fn add(total: &AtomicU64, time: Duration) {
    let nanos = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
    total.fetch_add(nanos, Ordering::Relaxed);
}
