//! The built guide in a real browser: `tests/browser/run.mjs` serves a fresh build on 127.0.0.1
//! with the CSP of its `_headers` file and drives Debian's Chromium through playwright-core
//! (axe-core on every page type in every language, light and dark; CSP; foreign requests;
//! overflow at 320 px; keyboard path and visible focus; headings; `lang`; the language switcher;
//! print; the eligibility checker). Without Chromium, Node or `npm ci` in tests/browser the test
//! prints `skipped: …`, unless REQUIRE_BROWSER is set (as `.ci/run` does), when it fails.

use crate::harness::{build_guide_into, which};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Why the browser checks cannot run here, if they cannot.
fn missing() -> Option<String> {
    let browser_dir = manifest_dir().join("tests/browser");
    if !chromium().is_file() {
        return Some(format!(
            "no Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium().display()
        ));
    }
    if which("node").is_none() {
        return Some("no `node` on PATH (apt-get install nodejs)".into());
    }
    for module in ["playwright-core/package.json", "axe-core/axe.min.js"] {
        if !browser_dir.join("node_modules").join(module).is_file() {
            return Some(format!(
                "tests/browser/node_modules/{module} is missing (run `npm ci` in tests/browser)"
            ));
        }
    }
    None
}

fn required() -> bool {
    std::env::var("REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Screenshots for a human, under the target folder.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"))
        .join("screenshots")
}

#[test]
fn the_guide_passes_the_browser_checks() {
    if let Some(reason) = missing() {
        assert!(
            !required(),
            "REQUIRE_BROWSER is set but the browser checks cannot run: {reason}"
        );
        println!("skipped: {reason}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    let shots = screenshot_dir();
    // Only this run's pictures: a page type dropped from the list leaves no stale file.
    let _ = std::fs::remove_dir_all(&shots);
    let output = Command::new("node")
        .arg(manifest_dir().join("tests/browser/run.mjs"))
        .arg(&out)
        .arg("--shots")
        .arg(&shots)
        .env("CHROMIUM", chromium())
        .current_dir(manifest_dir().join("tests/browser"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser checks failed (exit {:?}):\n{stdout}{stderr}",
        output.status.code()
    );
    println!("{stdout}");
}
