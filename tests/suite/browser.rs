//! The built guide in a real browser: `tests/browser/run.mjs` serves a fresh build on 127.0.0.1
//! with the CSP of its `_headers` file and drives Debian's Chromium through playwright-core
//! (axe-core on every page type in every language, light and dark; CSP; foreign requests;
//! overflow at 320 px; keyboard path and visible focus; headings; `lang`; the language switcher;
//! print; the eligibility checker). Without Chromium, Node or `npm ci` in tests/browser the test
//! prints `skipped: …`, unless REQUIRE_BROWSER is set (as `.ci/run` does), when it fails.

use crate::harness::{browser_or_skip, build_guide_into, run_browser_script};
use std::path::{Path, PathBuf};

/// Screenshots for a human, under the target folder.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("screenshots")
}

#[test]
fn the_guide_passes_the_browser_checks() {
    let Some(chromium) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    let shots = screenshot_dir();
    // Only this run's pictures: a page type dropped from the list leaves no stale file.
    let _ = std::fs::remove_dir_all(&shots);
    let stdout = run_browser_script(
        &chromium,
        "run.mjs",
        &[out.as_os_str(), "--shots".as_ref(), shots.as_os_str()],
    );
    println!("{stdout}");
}
