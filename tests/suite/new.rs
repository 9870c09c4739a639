//! `new`: scaffolds a page in every language with its section's fields, never overwrites,
//! and treats a malformed SECTION/SLUG as a usage error.

use crate::harness::{Outcome, copy_tree, run_in};
use std::fs;
use std::path::Path;

const SITE_YAML: &str = r#"base_url: "https://example.org/"
default_language: zh
languages:
  zh: { name: "中文", title: "示例" }
  en: { name: "English", title: "Example" }
  ru: { name: "Русский", title: "Пример" }
sections:
  projects:
    number: int
    group: "ref:projects/groups"
    departments: "[ref:departments]"
    benefits: "[string]"
"#;

/// A trilingual site with a `projects` section that declares typed fields, and one project.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("site.yaml", SITE_YAML);
    let entry =
        |id: &str, n: u32| format!("- id: {id}\n  number: {n}\n  zh: 甲\n  en: A\n  ru: А\n");
    let two = |a: &str, b: &str| entry(a, 1) + &entry(b, 2);
    write("content/departments.yaml", &two("commerce", "finance"));
    write(
        "content/projects/groups.yaml",
        &two("opening-up", "key-projects"),
    );
    for lang in ["zh", "en", "ru"] {
        write(
            &format!("content/projects/01-solar-farm.{lang}.md"),
            "---\ntitle: \"One\"\nweight: 1\nnumber: 1\ngroup: opening-up\n---\nText.\n",
        );
    }
    dir
}

fn new(root: &Path, target: &str) -> Outcome {
    run_in(root, &["new", target, "--root", &root.to_string_lossy()])
}

#[test]
fn new_writes_every_language_with_the_sections_fields() {
    let site = site();
    let outcome = new(site.path(), "projects/02-green-energy");
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("invest-guide check"),
        "{}",
        outcome.stdout
    );
    for lang in ["zh", "en", "ru"] {
        let path = site
            .path()
            .join(format!("content/projects/02-green-energy.{lang}.md"));
        assert!(outcome.stdout.contains(&path.display().to_string()));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("---\ntitle: \"Green energy\""), "{text}");
        for line in [
            "summary: \"\"",
            "weight: 2",
            "number: 2",
            "group: opening-up  # one id from content/projects/groups.yaml: opening-up, key-projects",
            "departments: []  # a list of ids from content/departments.yaml: commerce, finance",
            "benefits: []",
        ] {
            assert!(text.contains(line), "{line} missing in:\n{text}");
        }
        let filled = text.replacen("Green energy", &format!("Green energy ({lang})"), 1);
        fs::write(&path, filled).unwrap();
    }
    let root = site.path().to_string_lossy().into_owned();
    let check = run_in(site.path(), &["check", "--root", &root]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn new_never_overwrites_and_then_writes_nothing() {
    let site = site();
    let ru = site.path().join("content/projects/02-green-energy.ru.md");
    fs::write(&ru, "keep me").unwrap();
    let outcome = new(site.path(), "projects/02-green-energy");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stderr
            .contains("content/projects/02-green-energy.ru.md: error: already exists"),
        "{}",
        outcome.stderr
    );
    assert_eq!(fs::read_to_string(&ru).unwrap(), "keep me");
    let en = site.path().join("content/projects/02-green-energy.en.md");
    assert!(!en.exists(), "no file is written when one exists");
}

#[test]
fn a_malformed_target_is_a_usage_error() {
    let site = site();
    for target in [
        "projects",
        "Projects/x",
        "projects/Green_Energy",
        "projects/../x",
        "projects/_index",
    ] {
        let outcome = new(site.path(), target);
        assert_eq!(outcome.code, 2, "{target}: {}", outcome.stderr);
    }
    let files = fs::read_dir(site.path().join("content/projects")).unwrap();
    assert_eq!(files.count(), 4, "nothing was written");
}

#[test]
fn a_misspelt_section_is_caught() {
    let site = site();
    let outcome = new(site.path(), "project/02-green-energy");
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("did you mean `projects`?"),
        "{}",
        outcome.stderr
    );
    assert!(!site.path().join("content/project").exists());
}

#[test]
fn a_new_measure_of_the_guide_passes_check_once_titled() {
    let guide = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    fs::copy(guide.join("site.yaml"), site.path().join("site.yaml")).unwrap();
    for dir in ["content", "i18n", "themes"] {
        copy_tree(&guide.join(dir), &site.path().join(dir));
    }
    let outcome = new(site.path(), "measures/15-green-energy");
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    for lang in ["zh", "en", "ru"] {
        let path = site
            .path()
            .join(format!("content/measures/15-green-energy.{lang}.md"));
        let text = fs::read_to_string(&path).unwrap();
        for field in ["number: 15", "group: ", "departments: []", "benefits: []"] {
            assert!(text.contains(field), "{field} missing in:\n{text}");
        }
        let titled = text.replacen("Green energy", &format!("Green energy ({lang})"), 1);
        fs::write(&path, titled).unwrap();
    }
    let root = site.path().to_string_lossy().into_owned();
    let check = run_in(site.path(), &["check", "--root", &root]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn a_page_of_the_section_that_cannot_be_read_is_named_and_nothing_is_written() {
    // Guards read errors in the section scan, once skipped (the next number guessed without it).
    let site = site();
    std::os::unix::fs::symlink(
        site.path().join("nowhere.md"),
        site.path().join("content/projects/02-gone.zh.md"),
    )
    .unwrap();
    let outcome = new(site.path(), "projects/03-wind");
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains(
            "content/projects/02-gone.zh.md: error: cannot read: No such file or directory"
        ),
        "{}",
        outcome.stderr
    );
    assert!(!site.path().join("content/projects/03-wind.zh.md").exists());
}
