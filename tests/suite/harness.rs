//! Copies a fixture site into a temporary folder and runs the real binary on it.
//! Scenario fixtures hold only the files that differ from `fixtures/minimal`; they are laid
//! over a copy of it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestSite {
    dir: tempfile::TempDir,
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

impl TestSite {
    /// A copy of `fixtures/minimal`.
    pub fn minimal() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&fixtures().join("minimal"), site.root());
        site
    }

    /// `fixtures/minimal` with `fixtures/NAME` laid over it.
    pub fn with(name: &str) -> TestSite {
        let site = TestSite::minimal();
        site.overlay(name);
        site
    }

    pub fn overlay(&self, name: &str) {
        let from = fixtures().join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_tree(&from, self.root());
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn read_out(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn run(&self, args: &[&str]) -> Outcome {
        run_in(self.root(), args)
    }

    /// `build --root ROOT` plus `extra`, which must succeed.
    pub fn build_ok(&self, extra: &[&str]) -> Outcome {
        let root = self.root().to_string_lossy().into_owned();
        let mut args = vec!["build", "--root", root.as_str()];
        args.extend_from_slice(extra);
        let outcome = self.run(&args);
        assert_eq!(outcome.code, 0, "build failed:\n{}", outcome.stderr);
        outcome
    }

    pub fn build(&self) -> Outcome {
        let root = self.root().to_string_lossy().into_owned();
        self.run(&["build", "--root", root.as_str()])
    }

    /// `build`, which must fail as bad input does: exit 1, every `expected` fragment in stderr,
    /// no panic, and the output folder as it was (`before`, a [`snapshot`] of it). Returns
    /// stderr.
    pub fn rejects(&self, before: &BTreeMap<PathBuf, Vec<u8>>, expected: &[&str]) -> String {
        let outcome = self.build();
        assert_eq!(outcome.code, 1, "expected exit 1:\n{}", outcome.stderr);
        for fragment in expected {
            assert!(
                outcome.stderr.contains(fragment),
                "missing `{fragment}` in:\n{}",
                outcome.stderr
            );
        }
        assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
        assert!(
            snapshot(&self.out()) == *before,
            "the previous public/ changed"
        );
        outcome.stderr
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_invest-guide"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A program on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Whether CI asked for every tool-dependent test to run: `REQUIRE_BROWSER` set, not empty,
/// not `0`. A test that cannot run then fails instead of skipping.
pub fn tools_required() -> bool {
    std::env::var("REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `gzip` for the size budgets (measured as a host serves files: gzip -9), or `None` (after
/// printing why the test is skipped) when it is missing; with `REQUIRE_BROWSER` set a missing
/// `gzip` fails the test. No compression crate is in Cargo.lock, so the program it is.
pub fn gzip_or_skip() -> Option<PathBuf> {
    let gzip = which("gzip");
    if gzip.is_none() {
        assert!(
            !tools_required(),
            "REQUIRE_BROWSER is set but `gzip` is not on PATH to measure compressed sizes \
             (apt-get install gzip)"
        );
        println!("skipped: no `gzip` on PATH to measure compressed sizes (apt-get install gzip)");
    }
    gzip
}

/// The size of `bytes` compressed by `gzip -9`; fails the test if gzip fails.
pub fn gzip_size(gzip: &Path, bytes: &[u8]) -> usize {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(gzip)
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", gzip.display()));
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    // Written from another thread: gzip's output must be read while it is still fed.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "gzip failed");
    output.stdout.len()
}

/// `node`, or `None` (after printing why the test is skipped) when it is missing and not
/// required; with `REQUIRE_BROWSER` set a missing `node` fails the test.
pub fn node_or_skip() -> Option<PathBuf> {
    let node = which("node");
    if node.is_none() {
        assert!(
            !tools_required(),
            "node is required (REQUIRE_BROWSER is set) but was not found"
        );
        eprintln!("skipped: node not found; install Node.js to run the JavaScript tests");
    }
    node
}

/// Builds the repository's own guide into `out`: it must succeed with no diagnostics at all.
pub fn build_guide_into(out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outcome = run_in(
        root,
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(
        outcome.code, 0,
        "the guide does not build:\n{}",
        outcome.stderr
    );
    assert_eq!(outcome.stderr, "", "the guide must build without warnings");
}

/// Runs `script` as an ES module with `node`; it must succeed. Returns what it printed.
pub fn run_node_module(node: &Path, script: &str) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("run.mjs");
    fs::write(&path, script).unwrap();
    let output = Command::new(node).arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Chromium for the browser checks (`$CHROMIUM`, else `/usr/bin/chromium`), or `None` (after
/// printing why the test is skipped) when it, `node` or `npm ci` in tests/browser is missing;
/// with `REQUIRE_BROWSER` set (not empty, not `0`) a missing piece fails the test instead.
pub fn browser_or_skip() -> Option<PathBuf> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules");
    let module_missing = ["playwright-core/package.json", "axe-core/axe.min.js"]
        .into_iter()
        .find(|m| !modules.join(m).is_file());
    let missing = if !chromium.is_file() {
        Some(format!(
            "no Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ))
    } else if which("node").is_none() {
        Some("no `node` on PATH (apt-get install nodejs)".to_string())
    } else {
        module_missing.map(|m| {
            format!("tests/browser/node_modules/{m} is missing (run `npm ci` in tests/browser)")
        })
    };
    let Some(reason) = missing else {
        return Some(chromium);
    };
    assert!(
        !tools_required(),
        "REQUIRE_BROWSER is set but the browser checks cannot run: {reason}"
    );
    println!("skipped: {reason}");
    None
}

/// Runs `tests/browser/SCRIPT` with Node and `args`, driving `chromium`; fails the test, with
/// the script's output, unless it succeeds. Returns what it printed.
pub fn run_browser_script(chromium: &Path, script: &str, args: &[&std::ffi::OsStr]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let output = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .env("CHROMIUM", chromium)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed (exit {:?}):\n{stdout}{stderr}",
        output.status.code()
    );
    stdout.into_owned()
}
