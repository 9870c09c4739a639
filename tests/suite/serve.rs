//! `serve`: the live preview listens on loopback, serves the site from memory, rebuilds on
//! change, shows and clears build errors over its event stream, and refuses traversal.

use crate::harness::TestSite;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// Bounds every wait; generous because debug builds of the binary are slow.
const WAIT: Duration = Duration::from_secs(30);

/// A running `invest-guide serve --port 0`, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `127.0.0.1:PORT`, from the first line of stdout.
    pub(crate) addr: String,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Server {
    /// Starts the server and waits for the outcome of its first build.
    pub(crate) fn start(site: &TestSite) -> Server {
        Server::start_with(site, &[])
    }

    /// [`Server::start`] with more arguments.
    fn start_with(site: &TestSite, extra: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_invest-guide"));
        command.arg("serve").arg("--root").arg(site.root());
        command.args(["--port", "0"]).args(extra);
        Server::spawn(command)
    }

    /// Runs `command`, a `serve` on port 0, and waits for the outcome of its first build.
    fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            addr: String::new(),
            stdout,
            stderr,
        };
        let first = server.line();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in the first line: {first}"));
        server.addr = url["http://".len()..].trim_end_matches('/').to_string();
        let build = server.line();
        assert!(
            build.contains("built") || build.contains("build failed"),
            "{build}"
        );
        server
    }

    /// The next line of stdout.
    pub(crate) fn line(&self) -> String {
        self.stdout
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("serve printed nothing; stderr: {}", self.errors()))
    }

    fn errors(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        ))
    }

    pub(crate) fn request(&self, raw: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        Reply::parse(&bytes)
    }

    /// A client of the event stream, like an open tab.
    pub(crate) fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
            .write_all(b"GET /__invest-guide/events HTTP/1.1\r\n\r\n")
            .unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let (mut name, mut data) = (String::new(), String::new());
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = v.to_string();
                } else if line.is_empty() && !name.is_empty() {
                    let event = (std::mem::take(&mut name), std::mem::take(&mut data));
                    if tx.send(event).is_err() {
                        return;
                    }
                }
            }
        });
        Events(rx)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of a child's output, read on a thread so that no wait is unbounded.
fn lines(out: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

pub(crate) struct Events(Receiver<(String, String)>);

impl Events {
    /// The next event: its name and data.
    pub(crate) fn next(&self) -> (String, String) {
        self.0.recv_timeout(WAIT).expect("no event from the server")
    }

    /// The page at `path` once a reload shows it as `shown` wants, waiting from build to
    /// build (a save may take more than one: two files of one page, a page in two writes).
    /// Fails after WAIT.
    fn until(&self, server: &Server, path: &str, shown: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok((name, data)) = self.0.recv_timeout(left) else {
                panic!(
                    "{path} never showed the change; events: {seen:?}; stderr: {}",
                    server.errors()
                );
            };
            if name == "reload" {
                let reply = server.get(path);
                if shown(&reply) {
                    return reply;
                }
            }
            seen.push((name, data));
        }
    }
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    head: String,
    body: String,
}

impl Reply {
    pub(crate) fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in: {head}"));
        Reply {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }
}

pub(crate) const FIRST: &str = "content/news/first.en.md";

/// The fixture's first post under another title (its headings are linked from elsewhere).
pub(crate) fn first_titled(title: &str) -> Vec<u8> {
    let path = crate::harness::fixtures().join("minimal").join(FIRST);
    let text = std::fs::read_to_string(path).unwrap();
    text.replacen("title: First post", &format!("title: {title}"), 1)
        .into_bytes()
}

#[test]
fn serves_the_site_from_memory_on_loopback() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);

    let page = server.get("/en/news/first/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("<h1>First post</h1>"), "{}", page.body);
    assert!(
        page.body
            .contains("<script src=\"/__invest-guide/livereload.js\" data-generation=")
    );
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'self'"), "{}", page.head);

    let moved = server.get("/en/news/first");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/en/news/first/"));
    let missing = server.get("/en/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "404.html is served");
    let sitemap = server.get("/sitemap.xml");
    assert_eq!(sitemap.header("content-type"), Some("application/xml"));
    let script = server.get("/__invest-guide/livereload.js");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("EventSource"));
    let head = server.request("HEAD /en/ HTTP/1.1\r\n\r\n");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    let delete = server.request("DELETE /en/ HTTP/1.1\r\n\r\n");
    assert_eq!(delete.status, 405);
    assert_eq!(delete.header("allow"), Some("GET, HEAD"));
    assert!(!site.out().exists(), "serve must not write public/");
}

#[test]
fn the_reload_script_is_never_in_build_output() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        // Regression: the script once shipped as an unlinked asset of every build.
        let name = entry.file_name().to_string_lossy();
        assert!(!name.contains("livereload"), "{}", entry.path().display());
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !html.contains("__invest-guide"),
                "{}",
                entry.path().display()
            );
            assert!(!html.contains("livereload"), "{}", entry.path().display());
        }
    }
}

#[test]
fn an_edit_rebuilds_and_tells_open_tabs_to_reload() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    let tab = server.events();
    let (name, first) = tab.next();
    assert_eq!(name, "ok");

    site.write(FIRST, &first_titled("First post, revised"));
    let (name, second) = tab.next();
    assert_eq!(name, "reload");
    assert_ne!(first, second);
    let page = server.get("/en/news/first/");
    assert!(page.body.contains("<h1>First post, revised</h1>"));
    assert!(page.body.contains(&format!("data-generation=\"{second}\"")));
    let line = server.line();
    assert!(line.contains("first.en.md: built"), "{line}");
}

#[test]
fn a_broken_edit_shows_its_errors_until_it_is_fixed() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");

    site.write(FIRST, &first_titled("First post\ntitel: typo"));
    let (name, data) = tab.next();
    assert_eq!(name, "problems");
    assert!(data.contains(FIRST), "{data}");
    assert!(data.contains("unknown field `titel`"), "{data}");
    assert!(data.contains("did you mean `title`?"), "{data}");
    assert!(server.line().contains("build failed"));
    // The last good site is still served, and a tab opened now sees the errors at once.
    let page = server.get("/en/news/first/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h2 id=\"part-one\">"));
    let late = server.events();
    assert_eq!(late.next().0, "problems");

    site.write(FIRST, &first_titled("First post, fixed"));
    assert_eq!(tab.next().0, "reload");
    assert_eq!(late.next().0, "reload");
    assert!(
        server
            .get("/en/news/first/")
            .body
            .contains("First post, fixed")
    );
}

#[test]
fn a_site_that_never_built_shows_its_errors_and_recovers() {
    let site = TestSite::minimal();
    site.write(FIRST, b"---\ntitle: [unclosed\n---\n");
    let server = Server::start(&site);
    let page = server.get("/en/news/first/");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("/__invest-guide/livereload.js"));
    let tab = server.events();
    assert_eq!(tab.next().0, "problems");
    site.write(FIRST, &first_titled("First post"));
    assert_eq!(tab.next().0, "reload");
    assert_eq!(server.get("/en/news/first/").status, 200);
}

#[test]
fn requests_outside_the_site_get_no_file() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    for target in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/site.yaml",
        "/..%2fsite.yaml",
        "/en/..%2f..%2fsite.yaml",
        "/\\..\\site.yaml",
        "/..\\site.yaml",
        "/en/%5c..%5csite.yaml",
        "/%00",
        "/site.yaml",
        "//site.yaml",
        "/content/news/first.en.md",
        "site.yaml",
    ] {
        let reply = server.request(&format!("GET {target} HTTP/1.1\r\n\r\n"));
        assert!(
            matches!(reply.status, 400 | 404),
            "{target}: {}",
            reply.status
        );
        assert!(!reply.body.contains("default_language"), "{target}");
        assert!(!reply.body.contains("title: First post"), "{target}");
    }
    assert_eq!(server.request("garbage\r\n\r\n").status, 400);
    let huge = format!("GET / HTTP/1.1\r\nX-Fill: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(server.request(&huge).status, 431);
    let rebinding = server.request("GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
    assert_eq!(rebinding.status, 400);
    // Idle connections that never send a request do not block the others.
    let idle: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    assert_eq!(server.get("/en/").status, 200);
    drop(idle);
}

/// The fixture's first post with `marker` as the last line of its body.
fn first_with(marker: &str) -> Vec<u8> {
    let mut text = first_titled("First post");
    text.extend_from_slice(format!("\n{marker}\n").as_bytes());
    text
}

/// A page of the minimal fixture's news section, in `lang`.
fn news_page(title: &str) -> Vec<u8> {
    format!("---\ntitle: {title}\ndate: 2024-03-04\n---\n{title} text.\n").into_bytes()
}

#[test]
fn an_atomic_save_rebuilds_and_names_the_page() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");

    // As vim and many IDEs save: a temporary file, renamed over the page.
    site.write(
        "content/news/.first.en.md.tmp",
        &first_with("Saved atomically."),
    );
    std::fs::rename(
        site.root().join("content/news/.first.en.md.tmp"),
        site.root().join(FIRST),
    )
    .unwrap();
    tab.until(&server, "/en/news/first/", |page| {
        page.body.contains("Saved atomically.")
    });
    let line = server.line();
    assert!(
        line.starts_with("content/news/first.en.md: built"),
        "{line}"
    );
}

#[test]
fn a_page_in_a_new_folder_shows_and_its_edits_too() {
    let site = TestSite::minimal();
    let server = Server::start(&site);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");

    site.write("content/notes/deeper/hello.en.md", &news_page("Hello"));
    site.write("content/notes/deeper/hello.zh.md", &news_page("你好"));
    let page = tab.until(&server, "/en/notes/deeper/hello/", |page| {
        page.status == 200
    });
    assert!(page.body.contains("Hello text."), "{}", page.body);
    // The new folders are watched: an edit inside them shows too.
    site.write(
        "content/notes/deeper/hello.en.md",
        &news_page("Hello again"),
    );
    tab.until(&server, "/en/notes/deeper/hello/", |page| {
        page.body.contains("Hello again text.")
    });
}

#[test]
fn a_deleted_page_is_gone_after_the_rebuild() {
    let site = TestSite::minimal();
    site.write("content/news/third.en.md", &news_page("Third"));
    site.write("content/news/third.zh.md", &news_page("第三"));
    let server = Server::start(&site);
    assert_eq!(server.get("/en/news/third/").status, 200);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");

    std::fs::remove_file(site.root().join("content/news/third.en.md")).unwrap();
    std::fs::remove_file(site.root().join("content/news/third.zh.md")).unwrap();
    tab.until(&server, "/en/news/third/", |page| page.status == 404);
    assert_eq!(server.get("/zh/news/third/").status, 404);
}

#[test]
fn a_themes_folder_created_while_serving_is_watched() {
    let site = TestSite::minimal();
    assert!(!site.root().join("themes").exists());
    let server = Server::start(&site);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");

    let embedded =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("builtin/theme/templates/404.html");
    let template = std::fs::read_to_string(embedded).unwrap();
    let with = |marker: &str| {
        let html = template.replacen(
            "<p class=\"fact-figure\">404</p>",
            &format!("<p>{marker}</p>"),
            1,
        );
        assert_ne!(
            html, template,
            "the embedded 404.html changed: update this test"
        );
        html.into_bytes()
    };
    let path = "themes/default/templates/404.html";
    site.write(path, &with("Lost at sea"));
    tab.until(&server, "/en/no-such-page/", |page| {
        page.body.contains("Lost at sea")
    });
    site.write(path, &with("Lost in space"));
    tab.until(&server, "/en/no-such-page/", |page| {
        page.body.contains("Lost in space")
    });
}

#[test]
fn serving_the_current_folder_sees_edits() {
    // Regression guard: the system reports absolute paths, and `--root` defaults to `.`;
    // compared as given, no event matched and no edit was ever seen.
    let site = TestSite::minimal();
    let mut command = Command::new(env!("CARGO_BIN_EXE_invest-guide"));
    command
        .current_dir(site.root())
        .args(["serve", "--port", "0"]);
    let server = Server::spawn(command);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");
    site.write(FIRST, &first_with("Seen from here."));
    tab.until(&server, "/en/news/first/", |page| {
        page.body.contains("Seen from here.")
    });
}

#[test]
fn with_poll_edits_are_seen_by_looking() {
    let site = TestSite::minimal();
    let server = Server::start_with(&site, &["--poll"]);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");
    site.write(FIRST, &first_with("Seen by polling."));
    tab.until(&server, "/en/news/first/", |page| {
        page.body.contains("Seen by polling.")
    });
    let errors = server.errors();
    assert!(errors.contains("polling the sources"), "{errors}");
}

#[cfg(target_os = "linux")]
#[test]
fn without_file_events_it_says_so_and_polls() {
    // No inotify for this server: a user namespace of its own, allowed no inotify instance.
    let probe = Command::new("unshare")
        .args([
            "-Ur",
            "sh",
            "-c",
            "echo 0 > /proc/sys/user/max_inotify_instances",
        ])
        .output();
    if !probe.is_ok_and(|out| out.status.success()) {
        println!("skipped: `unshare -Ur` cannot make a user namespace here");
        return;
    }
    let site = TestSite::minimal();
    let mut command = Command::new("unshare");
    command.args([
        "-Ur",
        "sh",
        "-c",
        "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$0\" serve --root \"$1\" \
         --port 0",
        env!("CARGO_BIN_EXE_invest-guide"),
    ]);
    command.arg(site.root());
    let server = Server::spawn(command);
    let tab = server.events();
    assert_eq!(tab.next().0, "ok");
    site.write(FIRST, &first_with("Seen without events."));
    tab.until(&server, "/en/news/first/", |page| {
        page.body.contains("Seen without events.")
    });
    let errors = server.errors();
    assert!(
        errors.contains("cannot watch the sources through file events"),
        "{errors}"
    );
    assert!(errors.contains("max_user_instances"), "{errors}");
}

#[test]
fn a_place_the_watcher_cannot_read_is_reported_as_a_warning() {
    // Guards walk errors in the watcher, once flattened away (edits there silently unseen).
    let site = TestSite::minimal();
    let server = Server::start(&site);
    let unused = site.root().join("themes/unused");
    std::fs::create_dir_all(&unused).unwrap();
    std::os::unix::fs::symlink(site.root().join("themes"), unused.join("loop")).unwrap();
    // The first build may start before the link is made (then a second one follows); the line
    // names the first change seen: `themes`, created with the folder in it, or the link.
    let line = std::iter::repeat_with(|| server.line())
        .find(|line| !line.contains(" 0 warning(s)"))
        .unwrap();
    assert!(
        line.starts_with("themes") && line.contains(": built") && line.contains("1 warning(s)"),
        "{line}"
    );
    let warning = server
        .stderr
        .recv_timeout(WAIT)
        .expect("the warning on stderr");
    assert!(
        warning.starts_with(
            "themes/unused/loop: warning: cannot watch: a symbolic link here leads back to themes; `serve` does not see changes here"
        ),
        "{warning}"
    );
}
