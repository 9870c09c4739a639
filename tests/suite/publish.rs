//! Where a build may write: never over the site or its sources, never over a folder of other
//! files unless `--force`; a folder a previous build wrote (it holds the marker) is replaced.

use crate::harness::{TestSite, copy_tree, fixtures, run_in, snapshot};
use std::fs;
use std::path::Path;

const MARKER: &str = ".invest-guide-build";

/// `build --root ROOT --out OUT` plus `extra`, run in `root`.
fn build_into(root: &Path, out: &Path, extra: &[&str]) -> crate::harness::Outcome {
    let mut args = vec![
        "build".to_string(),
        "--root".to_string(),
        root.to_string_lossy().into_owned(),
        "--out".to_string(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_in(root, &args)
}

/// The build of `root` into `out` fails with `expected` in a message located at `out`, and
/// every file under `watched` is as it was.
fn refused(root: &Path, out: &Path, watched: &Path, expected: &str) -> String {
    let before = snapshot(watched);
    assert!(
        !before.is_empty(),
        "nothing to watch under {}",
        watched.display()
    );
    let outcome = build_into(root, out, &[]);
    assert_eq!(outcome.code, 1, "expected exit 1:\n{}", outcome.stderr);
    let located = format!("{}: error: {expected}", out.display());
    assert!(
        outcome.stderr.contains(&located),
        "missing `{located}` in:\n{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    assert!(
        snapshot(watched) == before,
        "files changed under {}",
        watched.display()
    );
    outcome.stderr
}

#[test]
fn the_site_root_is_never_the_output() {
    let site = TestSite::minimal();
    let stderr = refused(
        site.root(),
        site.root(),
        site.root(),
        "the output folder is the site root",
    );
    assert!(
        stderr.contains("pick a folder outside content/"),
        "{stderr}"
    );
}

/// Regression: `--out ..` of the site once moved the folder holding the site aside and deleted it.
#[test]
fn a_folder_holding_the_site_root_is_never_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixtures().join("minimal"), &root);
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    refused(
        &root,
        tmp.path(),
        tmp.path(),
        "the output folder contains the site root",
    );
    // Through `..`, too: the path is resolved before it is compared.
    refused(
        &root,
        &root.join("content").join("..").join(".."),
        tmp.path(),
        "the output folder contains the site root",
    );
}

#[test]
fn no_output_inside_content_themes_or_i18n() {
    let site = TestSite::with("theme_override");
    site.write("i18n/en/extra.ftl", b"extra = Extra\n");
    for (dir, out) in [
        ("content", "content/public"),
        ("content", "public/../content/news"),
        ("themes", "themes/default/public"),
        ("themes", "themes"),
        ("i18n", "i18n/public"),
    ] {
        let out = site.root().join(out);
        refused(
            site.root(),
            &out,
            site.root(),
            &format!("the output folder is inside the site's {dir}/ folder"),
        );
        assert!(!site.out().exists(), "{}: created public/", out.display());
    }
    assert!(!site.root().join("content/public").exists());
}

#[cfg(unix)]
#[test]
fn a_link_to_the_site_root_is_the_site_root() {
    let site = TestSite::minimal();
    let link = site.root().join("public");
    std::os::unix::fs::symlink(site.root(), &link).unwrap();
    refused(
        site.root(),
        &link,
        &site.root().join("content"),
        "the output folder is the site root",
    );
    assert!(link.join("site.yaml").is_file());
}

/// A folder of someone else's files: refused, byte for byte intact.
fn foreign_folder(site: &TestSite) -> std::path::PathBuf {
    let out = site.root().join("deploy");
    fs::create_dir_all(out.join("docs")).unwrap();
    fs::write(out.join("index.html"), "<p>hand-written</p>").unwrap();
    fs::write(out.join("docs/notes.txt"), [0u8, 1, 2, 255]).unwrap();
    out
}

#[test]
fn a_folder_no_build_wrote_is_refused() {
    let site = TestSite::minimal();
    let out = foreign_folder(&site);
    let stderr = refused(
        site.root(),
        &out,
        &out,
        &format!("the output folder holds files that no build wrote (it has no {MARKER})"),
    );
    assert!(stderr.contains("pass --force"), "{stderr}");
    assert!(stderr.contains("pick another --out"), "{stderr}");
    assert_eq!(
        fs::read(out.join("docs/notes.txt")).unwrap(),
        [0u8, 1, 2, 255]
    );
}

#[test]
fn force_replaces_a_folder_no_build_wrote() {
    let site = TestSite::minimal();
    let out = foreign_folder(&site);
    let outcome = build_into(site.root(), &out, &["--force"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(!out.join("docs").exists(), "the old files are gone");
    assert!(out.join("en/news/first/index.html").is_file());
    assert!(out.join(MARKER).is_file());
}

#[test]
fn force_never_allows_the_site_root() {
    let site = TestSite::minimal();
    let before = snapshot(site.root());
    let root = site.root().to_string_lossy().into_owned();
    let outcome = site.run(&["build", "--root", &root, "--out", &root, "--force"]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("the output folder is the site root")
    );
    assert!(snapshot(site.root()) == before);
}

#[test]
fn a_folder_a_build_wrote_is_replaced_without_force() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let marker = site.read_out(MARKER);
    assert!(marker.contains("invest-guide build"), "{marker}");
    fs::write(site.out().join("left-over.html"), "old").unwrap();
    site.build_ok(&[]);
    assert!(!site.out().join("left-over.html").exists());
    assert_eq!(site.read_out(MARKER), marker);
}

#[test]
fn an_empty_folder_is_accepted() {
    let site = TestSite::minimal();
    fs::create_dir(site.out()).unwrap();
    site.build_ok(&[]);
    assert!(site.out().join("index.html").is_file());
    assert!(site.out().join(MARKER).is_file());
}

#[test]
fn a_file_is_never_the_output() {
    let site = TestSite::minimal();
    site.write("public", b"not a folder");
    let root = site.root().to_string_lossy().into_owned();
    let outcome = site.run(&["build", "--root", &root, "--force"]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("error: the output path is a file, not a folder"),
        "{}",
        outcome.stderr
    );
    assert_eq!(fs::read(site.out()).unwrap(), b"not a folder");
}
