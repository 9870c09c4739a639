//! `serve`: a live preview. Builds the site in memory, serves it over HTTP/1.1 on loopback,
//! watches the sources, rebuilds on change and tells open tabs to reload, or to show the
//! build's errors, over Server-Sent Events. Nothing is written to disk.
//!
//! The server is small on purpose: GET and HEAD only, one short-lived connection per request,
//! a cap on connections, and a size limit and a deadline on every request head. Site files are
//! looked up in memory by their path below the output root; the filesystem is never read to
//! answer a request.
//!
//! In: [`Options`] (the site root, where to listen, drafts or not). Out: [`Event`]s for the
//! caller to print, until the process ends. This file runs the loop and holds the state the
//! threads share; the rest is one file per concern:
//!
//! - `watch`: which sources changed (file events, settled into one change per save), and which
//!   could not be watched (warnings beside the build's own);
//! - `poll`: the same by looking at every file, where events cannot be had;
//! - `site`: the built site as served, and how a request path finds a file in it;
//! - `http`: connections, request heads, responses;
//! - `events`: the event stream each open tab listens to, and the script that listens.

mod events;
pub(crate) mod http;
mod poll;
mod site;
mod watch;

pub use watch::WATCHED;

use crate::diagnostic::{self, Diagnostic};
use crate::{BuildOptions, Cache, Report, build_with};
use site::Site;
use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};
use watch::{Change, Fallback, SETTLE, Watcher};

/// Paths the server keeps for itself; site paths are lowercase words and never start with `_`.
const RESERVED: &str = "/__invest-guide/";

/// What `serve` was asked for on the command line.
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Look at the sources at intervals instead of listening for file events (for folders
    /// whose changes the system does not report, such as some network or VM shares).
    pub poll: bool,
}

/// What the server reports while it runs; the caller prints it.
pub enum Event<'a> {
    /// Listening at `url`; `exposed` when other machines may reach it.
    Listening { url: &'a str, exposed: bool },
    /// A build succeeded; `changed` names the first changed source (none for the first build).
    Built {
        report: &'a Report,
        changed: Option<&'a Path>,
    },
    /// A build failed: the last good site is still served. Sorted by file.
    Failed {
        problems: &'a [Diagnostic],
        changed: Option<&'a Path>,
    },
    /// The sources are polled, not watched through file events: asked for (`why` is `None`),
    /// or events could not be had or stopped (`why` says what failed and what to try).
    Polling { why: Option<&'a str> },
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    NoSite(PathBuf),
    Bind(SocketAddr, io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NoSite(path) => write!(
                f,
                "no site.yaml at {} — run serve in a site root or pass --root DIR",
                path.display()
            ),
            StartError::Bind(addr, e) => write!(
                f,
                "cannot listen on {addr}: {e} — is another server using it? Pick another port \
                 with --port, or --port 0 for any free one"
            ),
        }
    }
}

/// Builds, then serves and rebuilds until the process ends.
pub fn run(options: &Options, mut report: impl FnMut(Event)) -> Result<Infallible, StartError> {
    let site_yaml = options.root.join("site.yaml");
    if !site_yaml.is_file() {
        return Err(StartError::NoSite(site_yaml));
    }
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(addr).map_err(|e| StartError::Bind(addr, e))?;
    let local = listener
        .local_addr()
        .map_err(|e| StartError::Bind(addr, e))?;
    let url = format!("http://{local}/");
    report(Event::Listening {
        url: &url,
        exposed: !local.ip().is_loopback(),
    });
    let build = BuildOptions {
        root: options.root.clone(),
        out: None,
        base_url: Some(url),
        drafts: options.drafts,
        force: false,
        node_cases: false,
    };
    let shared = Arc::new(Shared::new(local.ip().is_loopback()));
    // Watching starts before the first build, so that a save during it is not missed.
    let mut watcher = Watcher::start(&options.root, options.poll);
    let mut cache = Cache::reusing();
    rebuild(&build, &mut cache, &shared, &mut watcher, None, &mut report);
    let acceptor = Arc::clone(&shared);
    thread::spawn(move || http::accept(&listener, &acceptor));
    loop {
        let change = watcher.next(None);
        rebuild(
            &build,
            &mut cache,
            &shared,
            &mut watcher,
            change,
            &mut report,
        );
    }
}

/// Builds and swaps the result in, or keeps the last good site and publishes the errors.
/// The one call into the build pipeline.
fn rebuild(
    options: &BuildOptions,
    cache: &mut Cache,
    shared: &Shared,
    watcher: &mut Watcher,
    change: Option<Change>,
    report: &mut impl FnMut(Event),
) {
    // The first build, and any the watcher cannot name the paths of, walk every source.
    let mut paths = change.as_ref().and_then(|c| c.paths.clone());
    let mut changed = change.and_then(|c| c.first);
    loop {
        tell_fallback(watcher, report);
        match build_with(options, cache, paths.as_deref()) {
            Ok(mut built) => {
                let unwatched = watcher.problems().iter().cloned();
                built.report.warnings.extend(unwatched);
                shared.publish(built.files);
                let changed = changed.as_deref();
                report(Event::Built {
                    report: &built.report,
                    changed,
                });
                return;
            }
            Err(mut problems) => {
                // An editor may save in several writes: if the sources moved on while this
                // build ran, build again before calling the edit broken.
                if let Some(next) = watcher.next(Some(SETTLE)) {
                    changed = next.first.or(changed);
                    // The cache holds on to the paths of a build that failed: these are new.
                    paths = next.paths;
                    continue;
                }
                problems.extend(watcher.problems().iter().cloned());
                diagnostic::sort(&mut problems);
                shared.fail(&problems);
                report(Event::Failed {
                    problems: &problems,
                    changed: changed.as_deref(),
                });
                return;
            }
        }
    }
}

/// Tells the caller, once, that the watcher polls and why.
fn tell_fallback(watcher: &mut Watcher, report: &mut impl FnMut(Event)) {
    match watcher.fallback() {
        None => {}
        Some(Fallback::Asked) => report(Event::Polling { why: None }),
        Some(Fallback::Failed(why)) => report(Event::Polling { why: Some(&why) }),
    }
}

/// The state the server threads share: the last good site and the latest build's outcome.
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Signalled after every build, good or bad, to wake the event streams.
    pub(crate) built: Condvar,
    pub(crate) connections: AtomicUsize,
    /// Names this run of the server, so a tab left open from an earlier run reloads.
    run: String,
    /// Answer only requests addressed to loopback names (guards against DNS rebinding).
    pub(crate) loopback: bool,
}

/// What the server shows now: the last good site, and the problems of the last build if it failed.
pub(crate) struct State {
    /// Bumped on every build, good or bad.
    pub(crate) version: u64,
    /// Count of good builds.
    good: u64,
    pub(crate) site: Arc<Site>,
    /// The errors of the latest build as JSON; `None` when it succeeded.
    pub(crate) problems: Option<Arc<str>>,
}

impl Shared {
    fn new(loopback: bool) -> Shared {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        let run = format!("{started:x}");
        let site = Site {
            generation: format!("{run}-0"),
            files: Vec::new(),
            headers: Vec::new(),
        };
        Shared {
            state: Mutex::new(State {
                version: 0,
                good: 0,
                site: Arc::new(site),
                problems: None,
            }),
            built: Condvar::new(),
            connections: AtomicUsize::new(0),
            run,
            loopback,
        }
    }

    /// The state, even if a thread panicked while holding it.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one connection's thread must not take the server down.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, files: crate::model::SharedFiles) {
        let headers = site::host_headers(&files);
        let mut state = self.lock();
        state.version += 1;
        state.good += 1;
        state.problems = None;
        let site = Arc::new(Site {
            generation: format!("{}-{}", self.run, state.good),
            files,
            headers,
        });
        let last = std::mem::replace(&mut state.site, site);
        self.built.notify_all();
        drop(state);
        // The last build's map of files (a string and a pointer for each of the site's files)
        // is freed beside the next steps, not before the browser hears of the new build.
        std::thread::spawn(move || drop(last));
    }

    fn fail(&self, problems: &[Diagnostic]) {
        let json = events::problems_json(problems);
        let mut state = self.lock();
        state.version += 1;
        state.problems = Some(json.into());
        self.built.notify_all();
    }
}
