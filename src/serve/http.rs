//! The HTTP/1.1 side of `serve`, kept small on purpose. In: connections on the listening
//! socket. Out: one answer per connection, then a graceful close: a site file, the reload
//! script, a tab's event stream, or a short error (400, 405, 431, 503). GET and HEAD only, a
//! cap on connections, and a size limit and a deadline on every request head; only requests
//! addressed to loopback names are answered when serving on loopback.

use super::events::{self, SCRIPT};
use super::{RESERVED, Shared};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

const MAX_CONNECTIONS: usize = 128;
const MAX_HEAD: usize = 8 * 1024;
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Accepts connections until the process ends, each answered on a thread of its own.
pub(crate) fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
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
        if let Some(stream) = events::events(stream, shared, request.head_only) {
            finish(stream);
        }
        return;
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
pub(crate) fn finish(mut stream: TcpStream) {
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
pub(crate) struct Request {
    head_only: bool,
    /// The path as sent, still percent-encoded.
    pub(crate) path: String,
    /// `?…` or empty.
    pub(crate) query: String,
}

impl Request {
    /// Parses a request head; `Err` is the status to answer with.
    pub(crate) fn parse(head: &[u8], loopback: bool) -> Result<Request, u16> {
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

/// A complete answer, sent with `Connection: close`.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// `200 OK` with `body` of type `content_type`.
    pub(crate) fn ok(body: Vec<u8>, content_type: &str) -> Response {
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

    /// A short plain-text answer with `status` (errors, refusals).
    pub(crate) fn plain(status: u16) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
