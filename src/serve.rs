//! `serve`: a live preview. Builds the site in memory, serves it over HTTP/1.1 on loopback,
//! watches the sources, rebuilds on change and tells open tabs to reload, or to show the
//! build's errors, over Server-Sent Events. Nothing is written to disk.
//!
//! The server is small on purpose: GET and HEAD only, one short-lived connection per request,
//! a cap on connections, and a size limit and a deadline on every request head. Site files are
//! looked up in memory by their path below the output root; the filesystem is never read to
//! answer a request.

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::{BuildOptions, Cache, Report, build_with};
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use walkdir::WalkDir;

/// Paths the server keeps for itself; site paths are lowercase words and never start with `_`.
const RESERVED: &str = "/__invest-guide/";
const SCRIPT: &[u8] = include_bytes!("livereload.js");
/// What `serve` watches below the site root.
pub const WATCHED: [&str; 4] = ["content", "themes", "i18n", "site.yaml"];
/// How often the sources are checked for changes: a save waits half of it on average.
const POLL: Duration = Duration::from_millis(20);
const MAX_CONNECTIONS: usize = 128;
const MAX_HEAD: usize = 8 * 1024;
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle event stream is pinged, which also reaps streams of closed tabs.
const PING: Duration = Duration::from_secs(15);

pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
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
    };
    let shared = Arc::new(Shared::new(local.ip().is_loopback()));
    let mut watcher = Watcher::new(&options.root);
    let mut cache = Cache::default();
    rebuild(&build, &mut cache, &shared, &mut watcher, None, &mut report);
    let acceptor = Arc::clone(&shared);
    thread::spawn(move || accept(&listener, &acceptor));
    loop {
        thread::sleep(POLL);
        if let Some(changed) = watcher.changed() {
            rebuild(
                &build,
                &mut cache,
                &shared,
                &mut watcher,
                Some(changed),
                &mut report,
            );
        }
    }
}

/// Builds and swaps the result in, or keeps the last good site and publishes the errors.
fn rebuild(
    options: &BuildOptions,
    cache: &mut Cache,
    shared: &Shared,
    watcher: &mut Watcher,
    mut changed: Option<PathBuf>,
    report: &mut impl FnMut(Event),
) {
    loop {
        match build_with(options, cache) {
            Ok(built) => {
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
                thread::sleep(POLL);
                if let Some(next) = watcher.changed() {
                    changed = Some(next);
                    continue;
                }
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

/// Polls sizes and modification times of the watched files: portable and dependency-free,
/// and cheap for a site of a few hundred files.
struct Watcher {
    root: PathBuf,
    seen: BTreeMap<PathBuf, (Option<SystemTime>, u64)>,
}

impl Watcher {
    fn new(root: &Path) -> Watcher {
        Watcher {
            root: root.to_path_buf(),
            seen: scan(root),
        }
    }

    /// The first source added, removed or modified since the last call (relative to the root).
    fn changed(&mut self) -> Option<PathBuf> {
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
fn is_scratch(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

/// The state the server threads share: the last good site and the latest build's outcome.
struct Shared {
    state: Mutex<State>,
    /// Signalled after every build, good or bad, to wake the event streams.
    built: Condvar,
    connections: AtomicUsize,
    /// Names this run of the server, so a tab left open from an earlier run reloads.
    run: String,
    /// Answer only requests addressed to loopback names (guards against DNS rebinding).
    loopback: bool,
}

struct State {
    /// Bumped on every build, good or bad.
    version: u64,
    /// Count of good builds.
    good: u64,
    site: Arc<Site>,
    /// The errors of the latest build as JSON; `None` when it succeeded.
    problems: Option<Arc<str>>,
}

/// A built site as served.
struct Site {
    /// Names this build in reload messages and in the script tag of its pages.
    generation: String,
    files: HashMap<String, Vec<u8>>,
    /// Headers a host adds (from the site's `_headers`): path pattern, name, value.
    headers: Vec<(String, String, String)>,
}

impl Shared {
    fn new(loopback: bool) -> Shared {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        let run = format!("{started:x}");
        let site = Site {
            generation: format!("{run}-0"),
            files: HashMap::new(),
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

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one connection's thread must not take the server down.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, files: crate::Files) {
        let headers = host_headers(&files);
        let mut state = self.lock();
        state.version += 1;
        state.good += 1;
        state.problems = None;
        state.site = Arc::new(Site {
            generation: format!("{}-{}", self.run, state.good),
            files: files.into_iter().collect(),
            headers,
        });
        self.built.notify_all();
    }

    fn fail(&self, problems: &[Diagnostic]) {
        let json = problems_json(problems);
        let mut state = self.lock();
        state.version += 1;
        state.problems = Some(json.into());
        self.built.notify_all();
    }
}

/// Diagnostics as the reload script reads them.
fn problems_json(problems: &[Diagnostic]) -> String {
    let list: Vec<serde_json::Value> = problems
        .iter()
        .map(|d| {
            serde_json::json!({
                "path": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.line,
                "col": d.col,
                "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The headers the published site gets from its `_headers` file (Content-Security-Policy and
/// the rest), so the preview runs under the same policy. Caching headers are left out: the
/// preview is never cached.
fn host_headers(files: &crate::Files) -> Vec<(String, String, String)> {
    let Some((_, text)) = files.iter().find(|(path, _)| path == "_headers") else {
        return Vec::new();
    };
    let mut rules = Vec::new();
    let mut pattern = String::new();
    for line in String::from_utf8_lossy(text).lines() {
        if !line.starts_with(char::is_whitespace) {
            pattern = line.trim().to_string();
        } else if let Some((name, value)) = line.trim().split_once(':')
            && !name.eq_ignore_ascii_case("cache-control")
        {
            rules.push((pattern.clone(), name.trim().into(), value.trim().into()));
        }
    }
    rules
}

/// Takes one of the connection slots, giving it back when dropped.
struct Slot(Arc<Shared>);

impl Slot {
    fn take(shared: &Arc<Shared>) -> Option<Slot> {
        let taken = shared.connections.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(shared));
        (taken < MAX_CONNECTIONS).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            // Out of file descriptors, most likely: give the open connections time to end.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let Some(slot) = Slot::take(shared) else {
            let busy = Response::plain(503);
            // The client gets a short answer or nothing; either way the server moves on.
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = busy.send(&mut stream, false);
            continue;
        };
        // If no thread can be started the slot is dropped and the connection closed.
        let _ = thread::Builder::new().spawn(move || handle(stream, &slot.0));
    }
}

/// Answers one request. Write errors mean the client went away: there is no one to tell.
fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let head = match read_head(&mut stream) {
        Ok(head) => head,
        Err(Some(status)) => {
            let _ = Response::plain(status).send(&mut stream, false);
            return finish(stream);
        }
        Err(None) => return,
    };
    let request = match Request::parse(&head, shared.loopback) {
        Ok(request) => request,
        Err(status) => {
            let _ = Response::plain(status).send(&mut stream, false);
            return finish(stream);
        }
    };
    if request.path == format!("{RESERVED}events") {
        return events(stream, shared, request.head_only);
    }
    let response = if request.path == format!("{RESERVED}livereload.js") {
        Response::ok(SCRIPT.to_vec(), "text/javascript; charset=utf-8")
    } else {
        let site = Arc::clone(&shared.lock().site);
        site.response(&request)
    };
    let _ = response.send(&mut stream, request.head_only);
    finish(stream);
}

/// Closes gracefully: a client that sent more than we read must still get the answer, which
/// an immediate close (a TCP reset) could destroy.
fn finish(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    while let Ok(n @ 1..) = stream.read(&mut sink) {
        left = left.saturating_sub(n);
        if left == 0 {
            break;
        }
    }
}

/// Reads up to the blank line ending the request head. `Err(Some(status))` answers a head
/// that is too large; `Err(None)` means the client was too slow or left.
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Option<u16>> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(None);
        }
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => n,
        };
        let searched_from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        let tail = &head[searched_from..];
        if let Some(end) = find(tail, b"\r\n\r\n").or_else(|| find(tail, b"\n\n")) {
            head.truncate(searched_from + end);
            return Ok(head);
        }
        if head.len() > MAX_HEAD {
            return Err(Some(431));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A request line and the one header the server looks at.
struct Request {
    head_only: bool,
    /// The path as sent, still percent-encoded.
    path: String,
    /// `?…` or empty.
    query: String,
}

impl Request {
    /// Parses a request head; `Err` is the status to answer with.
    fn parse(head: &[u8], loopback: bool) -> Result<Request, u16> {
        let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
        let mut lines = text.lines();
        let line = lines.next().unwrap_or_default();
        let parts: Vec<&str> = line.split(' ').collect();
        let [method, target, version] = parts[..] else {
            return Err(400);
        };
        if !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
            return Err(400);
        }
        let head_only = match method {
            "GET" => false,
            "HEAD" => true,
            _ => return Err(405),
        };
        if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(400);
        }
        if loopback && !lines.all(host_is_loopback) {
            return Err(400);
        }
        let (path, query) = target.split_at(target.find('?').unwrap_or(target.len()));
        Ok(Request {
            head_only,
            path: path.to_string(),
            query: query.to_string(),
        })
    }
}

/// False only for a `Host:` header naming something other than this machine by a loopback
/// name or an IP address: a page of another site must not read the preview through a DNS name
/// that it points at 127.0.0.1.
fn host_is_loopback(header: &str) -> bool {
    let Some((name, value)) = header.split_once(':') else {
        return true;
    };
    if !name.trim().eq_ignore_ascii_case("host") {
        return true;
    }
    let value = value.trim();
    let host = match value.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => value.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok()
}

impl Site {
    fn response(&self, request: &Request) -> Response {
        let rel = match site_path(&request.path) {
            Ok(rel) => rel,
            Err(status) => return Response::plain(status),
        };
        let key = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.clone()
        };
        if let Some(bytes) = self.files.get(&key) {
            return self.file(200, &key, bytes);
        }
        if self.files.contains_key(&format!("{rel}/index.html")) {
            let mut moved = Response::plain(301);
            let location = format!("{}/{}", request.path, request.query);
            moved.headers.push(("Location".into(), location));
            return moved;
        }
        match self.files.get("404.html") {
            Some(bytes) => self.file(404, "404.html", bytes),
            None => self.placeholder(),
        }
    }

    /// A site file, with the host's headers and, in pages, the reload script.
    fn file(&self, status: u16, key: &str, bytes: &[u8]) -> Response {
        let content_type = content_type(key);
        let body = if content_type.starts_with("text/html") {
            inject(bytes, &self.generation)
        } else {
            bytes.to_vec()
        };
        let mut response = Response::ok(body, content_type);
        response.status = status;
        let path = format!("/{key}");
        for (pattern, name, value) in &self.headers {
            let matches = match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == *pattern,
            };
            if matches
                && !response
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                response.headers.push((name.clone(), value.clone()));
            }
        }
        response
    }

    /// What a tab gets before any build succeeded: a page that shows the errors and reloads.
    fn placeholder(&self) -> Response {
        let html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
            <title>No site yet</title></head><body><h1>No site yet</h1>\
            <p>The site has not built yet. Fix the errors shown in the terminal; this page \
            reloads by itself.</p></body></html>\n";
        let mut response = Response::ok(
            inject(html.as_bytes(), &self.generation),
            "text/html; charset=utf-8",
        );
        response.status = 503;
        response
    }
}

/// The path of a site file below the output root, decoded from a request path. Anything that
/// could name a file outside the site, or hide a separator, is a 400.
fn site_path(raw: &str) -> Result<String, u16> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || raw.contains('\\') {
        return Err(400);
    }
    let decoded = percent_decode(raw)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or(400u16)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err(400);
    }
    let rel = decoded.strip_prefix('/').ok_or(400u16)?;
    if rel
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(400);
    }
    Ok(rel.to_string())
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn content_type(key: &str) -> &'static str {
    let ext = Path::new(key).extension().and_then(|e| e.to_str());
    match ext.unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script before `</body>` (or at the end of a page without one).
fn inject(html: &[u8], generation: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{RESERVED}livereload.js\" data-generation=\"{generation}\" defer></script>"
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    [&html[..at], tag.as_bytes(), &html[at..]].concat()
}

/// A complete answer, sent with `Connection: close`.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn ok(body: Vec<u8>, content_type: &str) -> Response {
        Response {
            status: 200,
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                ("Cache-Control".into(), "no-store".into()),
                ("X-Content-Type-Options".into(), "nosniff".into()),
            ],
            body,
        }
    }

    fn plain(status: u16) -> Response {
        let mut response = Response::ok(
            format!("{status} {}\n", reason(status)).into_bytes(),
            "text/plain; charset=utf-8",
        );
        response.status = status;
        if status == 405 {
            response.headers.push(("Allow".into(), "GET, HEAD".into()));
        }
        response
    }

    fn send(&self, stream: &mut TcpStream, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        stream.write_all(&bytes)
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The event stream of one tab: the current state on connect, then one message per build
/// (`reload` with the new generation, or `problems` with the errors), and pings in between.
fn events(mut stream: TcpStream, shared: &Shared, head_only: bool) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() || head_only {
        return finish(stream);
    }
    let mut state = shared.lock();
    let mut out = format!("retry: 500\n\n{}", message(&state, "ok"));
    loop {
        let version = state.version;
        drop(state);
        if stream.write_all(out.as_bytes()).is_err() {
            return;
        }
        state = shared.lock();
        let (next, wait) = shared
            .built
            .wait_timeout_while(state, PING, |s| s.version == version)
            .unwrap_or_else(PoisonError::into_inner);
        state = next;
        out = if wait.timed_out() {
            ": ping\n\n".to_string()
        } else {
            message(&state, "reload")
        };
    }
}

/// `problems` while the latest build failed, else `good` (`ok` or `reload`) with the
/// generation of the site being served.
fn message(state: &State, good: &str) -> String {
    match &state.problems {
        Some(json) => format!("event: problems\ndata: {json}\n\n"),
        None => format!("event: {good}\ndata: {}\n\n", state.site.generation),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_refuse_traversal_and_hidden_separators() {
        assert_eq!(site_path("/en/a%20b/"), Ok("en/a b/".into()));
        assert_eq!(site_path("/"), Ok(String::new()));
        for bad in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/..%5csite.yaml",
            "/\\..\\site.yaml",
            "/en/%00",
            "/en/./x",
            "/%zz",
            "/%+1",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), Err(400), "{bad}");
        }
    }

    #[test]
    fn script_goes_before_the_last_closing_body() {
        let out = inject(b"<body><p>x</p></BODY></html>", "r-1");
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("<body><p>x</p><script src=\"/__invest-guide/livereload.js\""));
        assert!(out.contains("data-generation=\"r-1\" defer></script></BODY>"));
    }

    #[test]
    fn requests_are_parsed_strictly() {
        let ok = Request::parse(b"GET /en/?q=1 HTTP/1.1\r\nHost: 127.0.0.1:1111", true).unwrap();
        assert_eq!((ok.path.as_str(), ok.query.as_str()), ("/en/", "?q=1"));
        assert!(Request::parse(b"HEAD / HTTP/1.0", true).unwrap().head_only);
        let status = |head: &[u8]| Request::parse(head, true).err();
        assert_eq!(status(b"POST / HTTP/1.1"), Some(405));
        assert_eq!(status(b"GET / HTTP/2"), Some(400));
        assert_eq!(status(b"GET  / HTTP/1.1"), Some(400));
        assert_eq!(status(b"GET http://x/ HTTP/1.1"), Some(400));
        assert_eq!(status(b"garbage"), Some(400));
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: evil.example:1111"),
            Some(400)
        );
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: [::1]:1111"), None);
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: localhost"), None);
        let open = Request::parse(b"GET / HTTP/1.1\r\nHost: guide.lan", false);
        assert!(open.is_ok());
    }

    #[test]
    fn host_headers_come_from_the_sites_headers_file() {
        let files = vec![(
            "_headers".to_string(),
            b"/*\n  Content-Security-Policy: default-src 'self'\n/assets/*\n  Cache-Control: immutable\n"
                .to_vec(),
        )];
        let rules = host_headers(&files);
        assert_eq!(
            rules,
            vec![(
                "/*".to_string(),
                "Content-Security-Policy".to_string(),
                "default-src 'self'".to_string()
            )]
        );
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("en/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/a.1.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("_headers"), "application/octet-stream");
    }
}
