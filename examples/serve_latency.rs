//! Save-to-reload latency of `invest-guide serve`, as an editor sees it: starts the server,
//! listens to its event stream like an open tab, edits a page RUNS times and prints, for each
//! edit, the time from the write to the `reload` event and to a fetched page that shows the
//! edit; then the medians and the worst case. The page is restored at the end.
//!
//! usage: serve_latency BINARY ROOT [PAGE] [RUNS]
//!   PAGE: below ROOT, default content/measures/09-factor-guarantees.en.md; RUNS: default 10.
//! `bench/serve_latency.sh` builds everything in release mode and runs this on a copy of the
//! guide.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

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
    match measure(Path::new(binary), Path::new(root), page, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve_latency: {e}");
            ExitCode::from(1)
        }
    }
}

fn measure(binary: &Path, root: &Path, page: &str, runs: usize) -> Result<(), String> {
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
    let events = events(&addr)?;
    expect(&events, "ok")?;

    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    for run in 1..=runs {
        thread::sleep(Duration::from_millis(300));
        // An edit can be seen twice (mid-write and done); start each run with no event queued.
        while events.try_recv().is_ok() {}
        for line in stdout.try_iter() {
            println!("          serve: {line}");
        }
        let marker = format!("Latency marker {run} of {runs}.");
        let edited = format!("{original}\n{marker}\n");
        let start = Instant::now();
        std::fs::write(&file, edited).map_err(|e| format!("{page}: {e}"))?;
        expect(&events, "reload")?;
        let event = start.elapsed();
        let body = get(&addr, &url)?;
        let shown = start.elapsed();
        if !body.contains(&marker) {
            return Err(format!(
                "{url} does not show the edit after the reload event"
            ));
        }
        println!("edit {run:2}: reload event {event:6.1?}, page shows the edit {shown:6.1?}");
        to_event.push(event);
        to_page.push(shown);
    }
    std::fs::write(&file, &original).map_err(|e| format!("restoring {page}: {e}"))?;
    expect(&events, "reload")?;
    println!(
        "median of {runs} edits: reload event {:.1?}, page shows the edit {:.1?} (worst {:.1?})",
        median(&mut to_event),
        median(&mut to_page),
        to_page.iter().max().copied().unwrap_or_default(),
    );
    Ok(())
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
