//! Save-to-reload latency of `invest-guide serve`, as an editor sees it: starts the server,
//! measures the CPU time it uses while idle, listens to its event stream like an open tab,
//! edits a page RUNS times and prints, for each edit, the time from the save to the `reload`
//! event and to a fetched page that shows the edit; then the medians, the worst case and how
//! many builds the edits took. The page is restored at the end.
//!
//! usage: serve_latency BINARY ROOT [PAGE] [RUNS]
//!   PAGE: below ROOT, default content/measures/09-factor-guarantees.en.md; RUNS: default 10.
//!   SAVE=rename saves as vim and many IDEs do (a temporary file renamed over the page)
//!   instead of writing the page in place; IDLE=SECONDS (default 5) is how long the idle
//!   server's CPU time is measured (Linux: /proc/PID/stat), 0 to skip it.
//! `bench/serve_latency.sh` builds everything in release mode and runs this on a copy of the
//! guide.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// How long to wait for the server's first build, an event or a page: long enough for the
/// first build of a 30,000-page tree on a busy 2-core machine.
const WAIT: Duration = Duration::from_secs(120);

/// Kills the server when the measurement ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, root, rest @ ..] = &args[..] else {
        eprintln!("usage: serve_latency BINARY ROOT [PAGE] [RUNS]");
        return ExitCode::from(2);
    };
    let page = rest.first().map_or(
        "content/measures/09-factor-guarantees.en.md",
        String::as_str,
    );
    let runs: usize = rest.get(1).and_then(|r| r.parse().ok()).unwrap_or(10);
    let rename = std::env::var("SAVE").is_ok_and(|s| s == "rename");
    let idle = std::env::var("IDLE").map_or(Ok(5), |s| s.parse());
    let Ok(idle) = idle else {
        eprintln!("IDLE must be a whole number of seconds");
        return ExitCode::from(2);
    };
    let how = How {
        rename,
        idle: Duration::from_secs(idle),
    };
    match measure(Path::new(binary), Path::new(root), page, runs, &how) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve_latency: {e}");
            ExitCode::from(1)
        }
    }
}

/// How to measure: how a save is written, how long the server is watched idle.
struct How {
    rename: bool,
    idle: Duration,
}

fn measure(binary: &Path, root: &Path, page: &str, runs: usize, how: &How) -> Result<(), String> {
    let url = url_of(page).ok_or(format!("{page} is not content/…/NAME.LANG.md"))?;
    let file: PathBuf = root.join(page);
    let original = std::fs::read_to_string(&file).map_err(|e| format!("{page}: {e}"))?;
    let mut child = Command::new(binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = lines(child.stdout.take().ok_or("no stdout")?);
    let pid = child.id();
    let _server = Server(child);
    let first = stdout
        .recv_timeout(WAIT)
        .map_err(|_| "serve printed nothing")?;
    let addr = first
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .ok_or(format!("no URL in: {first}"))?
        .trim_end_matches('/')
        .to_string();
    let built = stdout.recv_timeout(WAIT).map_err(|_| "no first build")?;
    println!("{built}");
    if !how.idle.is_zero() {
        idle_cpu(pid, how.idle);
    }
    let events = events(&addr)?;
    expect(&events, "ok")?;
    println!(
        "saving {}",
        if how.rename {
            "by renaming a temporary file over the page"
        } else {
            "by writing the page in place"
        }
    );

    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    let mut to_rest = Vec::new();
    let mut builds = 0;
    for run in 1..=runs {
        thread::sleep(Duration::from_millis(300));
        // An edit built twice (seen mid-write, then done) queues two events; start each run
        // with none queued, and count the extra builds from what serve printed.
        while events.try_recv().is_ok() {}
        builds += print_builds(&stdout);
        let marker = format!("Latency marker {run} of {runs}.");
        let edited = format!("{original}\n{marker}\n");
        let start = Instant::now();
        save(&file, &edited, how.rename).map_err(|e| format!("{page}: {e}"))?;
        expect(&events, "reload")?;
        let event = start.elapsed();
        let body = get(&addr, &url)?;
        let shown = start.elapsed();
        if !body.contains(&marker) {
            return Err(format!(
                "{url} does not show the edit after the reload event"
            ));
        }
        let took = build_time(&stdout)?;
        builds += 1;
        // What is not the build: noticing the save (the watcher), publishing, the event.
        // serve prints whole seconds past one: then the rest is not known.
        let rest = took.map(|t| event.saturating_sub(t));
        let show = |d: Option<Duration>| d.map_or("?".to_string(), |d| format!("{d:.1?}"));
        println!(
            "edit {run:2}: reload event {event:6.1?}, page shows the edit {shown:6.1?} \
             (build {}, the rest {})",
            show(took),
            show(rest)
        );
        to_event.push(event);
        to_page.push(shown);
        to_rest.extend(rest);
    }
    thread::sleep(Duration::from_millis(300));
    builds += print_builds(&stdout);
    std::fs::write(&file, &original).map_err(|e| format!("restoring {page}: {e}"))?;
    expect(&events, "reload")?;
    println!(
        "median of {runs} edits: reload event {:.1?}, page shows the edit {:.1?} (worst {:.1?}); \
         the rest (not the build) {}; {builds} builds",
        median(&mut to_event),
        median(&mut to_page),
        to_page.iter().max().copied().unwrap_or_default(),
        if to_rest.is_empty() {
            "?".to_string()
        } else {
            format!("{:.1?}", median(&mut to_rest))
        },
    );
    Ok(())
}

/// How long the build of an edit took, from serve's line about it (`… built … in 42ms`);
/// `None` when serve printed whole seconds (`in 3s`), too coarse to subtract.
fn build_time(stdout: &Receiver<String>) -> Result<Option<Duration>, String> {
    loop {
        let line = stdout
            .recv_timeout(WAIT)
            .map_err(|_| "serve printed no line about the build")?;
        if !line.contains("built ") {
            println!("          serve: {line}");
            continue;
        }
        let took = line.rsplit_once(" in ").map_or("", |(_, t)| t);
        let (number, unit) = took.split_at(took.find(|c: char| c.is_alphabetic()).unwrap_or(0));
        let scale = match unit {
            "ns" => 1e-9,
            "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => return Ok(None),
            _ => return Err(format!("no build time in: {line}")),
        };
        let value: f64 = number
            .parse()
            .map_err(|_| format!("no build time in: {line}"))?;
        return Ok(Some(Duration::from_secs_f64(value * scale)));
    }
}

/// Saves `text` to `file` in place, or as a temporary file renamed over it.
fn save(file: &Path, text: &str, rename: bool) -> std::io::Result<()> {
    if !rename {
        return std::fs::write(file, text);
    }
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let temp = file.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, file)
}

/// Prints what serve printed since the last call; returns how many builds that reports.
fn print_builds(stdout: &Receiver<String>) -> usize {
    let mut builds = 0;
    for line in stdout.try_iter() {
        println!("          serve: {line}");
        builds += usize::from(line.contains("built ") || line.contains("build failed"));
    }
    builds
}

/// Prints the CPU time the server uses over `span` while nothing changes (Linux only).
fn idle_cpu(pid: u32, span: Duration) {
    let Some(before) = cpu_ticks(pid) else {
        println!("idle: CPU time not measured (no /proc/{pid}/stat)");
        return;
    };
    thread::sleep(span);
    let Some(after) = cpu_ticks(pid) else { return };
    // The kernel's USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
    let seconds = (after - before) as f64 / 100.0;
    println!(
        "idle for {span:?}: {seconds:.2} s of CPU ({:.1}% of a core)",
        100.0 * seconds / span.as_secs_f64()
    );
}

/// User plus system CPU time of a process, in clock ticks, from /proc/PID/stat.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces), from field 3 on.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `content/measures/x.en.md` → `/en/measures/x/`.
fn url_of(page: &str) -> Option<String> {
    let rel = page.strip_prefix("content/")?.strip_suffix(".md")?;
    let (key, lang) = rel.rsplit_once('.')?;
    let key = key.strip_suffix("_index").unwrap_or(key);
    let key = key.trim_end_matches('/');
    Some(match key {
        "" => format!("/{lang}/"),
        _ => format!("/{lang}/{key}/"),
    })
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn lines(out: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Events (name, data) from the server's event stream, as a tab receives them.
fn events(addr: &str) -> Result<Receiver<(String, String)>, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .write_all(b"GET /__invest-guide/events HTTP/1.1\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(event) = line.strip_prefix("event: ") {
                name = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && tx
                    .send((std::mem::take(&mut name), data.to_string()))
                    .is_err()
            {
                return;
            }
        }
    });
    Ok(rx)
}

fn expect(events: &Receiver<(String, String)>, wanted: &str) -> Result<(), String> {
    match events.recv_timeout(WAIT) {
        Ok((name, _)) if name == wanted => Ok(()),
        Ok((name, data)) => Err(format!("expected a `{wanted}` event, got `{name}`: {data}")),
        Err(_) => Err(format!("no `{wanted}` event within {WAIT:?}")),
    }
}

fn get(addr: &str, path: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let mut body = String::new();
    stream
        .read_to_string(&mut body)
        .map_err(|e| e.to_string())?;
    Ok(body)
}
