//! The event stream (Server-Sent Events) that tells open tabs about builds, and the reload
//! script (`livereload.js`) that listens to it. In: the shared state, woken after every
//! build. Out: per tab, the current state on connect, then `reload` with the new generation
//! after a good build or `problems` with the errors as JSON after a failed one, and pings in
//! between.

use super::{Shared, State};
use crate::diagnostic::{Diagnostic, Severity};
use std::io::Write;
use std::net::TcpStream;
use std::sync::PoisonError;
use std::time::Duration;

/// The script the server adds to every page it serves.
pub(crate) const SCRIPT: &[u8] = include_bytes!("livereload.js");
/// How often an idle event stream is pinged, which also reaps streams of closed tabs.
const PING: Duration = Duration::from_secs(15);

/// The event stream of one tab: the current state on connect, then one message per build
/// (`reload` with the new generation, or `problems` with the errors), and pings in between.
/// Returns the stream when it is to be closed gracefully (a HEAD request, or a failed head).
pub(crate) fn events(mut stream: TcpStream, shared: &Shared, head_only: bool) -> Option<TcpStream> {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() || head_only {
        return Some(stream);
    }
    let mut state = shared.lock();
    let mut out = format!("retry: 500\n\n{}", message(&state, "ok"));
    loop {
        let version = state.version;
        drop(state);
        if stream.write_all(out.as_bytes()).is_err() {
            return None;
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

/// Diagnostics as the reload script reads them: the data of a `problems` message.
pub(crate) fn problems_json(problems: &[Diagnostic]) -> String {
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
