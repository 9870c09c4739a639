//! What `serve` shows after a series of edits is what a fresh build of the same files makes:
//! one [`Cache`] is reused across the edits, as `serve` reuses it between rebuilds, and after
//! each edit every file is compared, byte for byte, with a build from an empty cache.

use crate::{BuildOptions, Cache, build_in_memory, build_with};
use std::fs;
use std::path::{Path, PathBuf};

/// The guide's sources (every kind of input: pages, templates, .ftl, data files, site.yaml).
fn copy_guide(to: &Path) {
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    fs::copy(from.join("site.yaml"), to.join("site.yaml")).unwrap();
    for dir in ["content", "themes", "i18n"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// Replaces the first `from` in the file with `to`; the file must hold it.
fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not hold {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn append(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    let mut body = fs::read_to_string(&path).unwrap();
    body.push_str(text);
    fs::write(path, body).unwrap();
}

/// The files and warnings of a build, or its problems, as text to compare.
fn outcome(built: Result<crate::Built, Vec<crate::diagnostic::Diagnostic>>) -> Outcome {
    match built {
        Ok(built) => Outcome::Built {
            files: built.files,
            warnings: built
                .report
                .warnings
                .iter()
                .map(|d| d.to_string())
                .collect(),
        },
        Err(problems) => Outcome::Failed(problems.iter().map(|d| d.to_string()).collect()),
    }
}

#[derive(PartialEq)]
enum Outcome {
    Built {
        files: crate::Files,
        warnings: Vec<String>,
    },
    Failed(Vec<String>),
}

/// Names the first difference, so a failure says which file went stale.
fn assert_same(step: &str, served: &Outcome, fresh: &Outcome) {
    match (served, fresh) {
        (
            Outcome::Built {
                files: a,
                warnings: wa,
            },
            Outcome::Built {
                files: b,
                warnings: wb,
            },
        ) => {
            let paths_a: Vec<&str> = a.iter().map(|(p, _)| p.as_str()).collect();
            let paths_b: Vec<&str> = b.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(paths_a, paths_b, "after {step}: the files differ");
            for ((path, x), (_, y)) in a.iter().zip(b) {
                assert!(
                    x == y,
                    "after {step}: {path} differs from a fresh build's:\n{}\n---\n{}",
                    String::from_utf8_lossy(x),
                    String::from_utf8_lossy(y)
                );
            }
            assert_eq!(wa, wb, "after {step}: the warnings differ");
        }
        (Outcome::Failed(a), Outcome::Failed(b)) => {
            assert_eq!(a, b, "after {step}: the problems differ")
        }
        (Outcome::Built { .. }, Outcome::Failed(p)) => {
            panic!("after {step}: serve built, a fresh build failed: {p:#?}")
        }
        (Outcome::Failed(p), Outcome::Built { .. }) => {
            panic!("after {step}: serve failed, a fresh build did not: {p:#?}")
        }
    }
}

type Edit = (&'static str, fn(&Path));

/// Each edit, in order; each one's effect stays for the next.
const EDITS: &[Edit] = &[
    ("a body edit", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(
            root,
            page,
            "This guide is now online",
            "This guide went online",
        );
    }),
    (
        "an edit that keeps the length and the modification time",
        |root| {
            // As `rsync -t` or `touch -r` can leave a file: only its change time tells.
            let path = root.join("content/updates/2023-10-13-plan-issued.en.md");
            let modified = fs::metadata(&path).unwrap().modified().unwrap();
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, text.replacen("fifteen", "sixteen", 1)).unwrap();
            let file = fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(modified).unwrap();
        },
    ),
    ("a title edit", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(
            root,
            page,
            "title: \"This guide is online\"",
            "title: \"Online now\"",
        );
    }),
    ("a summary edit", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(
            root,
            page,
            "summary: \"The guide to",
            "summary: \"A guide to",
        );
    }),
    ("a heading and a link in a body", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        let text = "\n\n## A new heading\n\nSee [the measures](@/measures/_index.md).\n";
        append(root, page, text);
    }),
    ("a body edit in the print edition", |root| {
        let page = "content/measures/09-factor-guarantees.en.md";
        append(
            root,
            page,
            "\n\n## A printed heading\n\nSee [it](#a-printed-heading).\n",
        );
    }),
    ("a link to a page not yet written", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        let link = "\n\nMore in [the next update](@/updates/2026-11-30-more-news.md).\n";
        append(root, page, link);
    }),
    ("a new page", |root| {
        for lang in ["zh", "en", "ru"] {
            let from = root.join(format!("content/updates/2023-10-13-plan-issued.{lang}.md"));
            let to = root.join(format!("content/updates/2026-11-30-more-news.{lang}.md"));
            let text = fs::read_to_string(from).unwrap();
            let text = text.replacen("date: 2023-10-13", "date: 2026-11-30", 1);
            fs::write(to, text).unwrap();
        }
    }),
    ("a deleted page", |root| {
        for lang in ["zh", "en", "ru"] {
            let page = format!("content/updates/2026-11-30-more-news.{lang}.md");
            fs::remove_file(root.join(page)).unwrap();
        }
    }),
    ("the link to it removed", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        let link = "\n\nMore in [the next update](@/updates/2026-11-30-more-news.md).\n";
        replace(root, page, link, "");
    }),
    ("a template edit", |root| {
        let template = "themes/default/templates/footer.html";
        let path = root.join(template);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(path, format!("<!-- edited -->{text}")).unwrap();
    }),
    ("a template that reads a page's HTML", |root| {
        // Templates no longer only insert `page.content` whole: it is rendered with the page.
        let template = "themes/default/templates/footer.html";
        let text =
            "{% if page.content is defined %}<!-- {{ page.content | length }} -->{% endif %}";
        append(root, template, text);
    }),
    ("a body edit read by a template", |root| {
        let page = "content/measures/09-factor-guarantees.en.md";
        append(root, page, "\n\nOne more paragraph.\n");
    }),
    ("an .ftl edit", |root| {
        let ftl = "i18n/en/main.ftl";
        replace(
            root,
            ftl,
            "search-label = Search the guide",
            "search-label = Search",
        );
    }),
    ("a data file edit", |root| {
        let data = "content/departments.yaml";
        replace(
            root,
            data,
            "en: Municipal Bureau of Commerce",
            "en: Bureau of Commerce",
        );
    }),
    ("a site.yaml edit", |root| {
        let title = "title: \"Wuwei Foreign Investment Guide\"";
        replace(
            root,
            "site.yaml",
            title,
            "title: \"Wuwei Investment Guide\"",
        );
    }),
    ("a section's title, in its pages' search records", |root| {
        let page = "content/measures/_index.en.md";
        let text = fs::read_to_string(root.join(page)).unwrap();
        let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
        replace(root, page, title, "title: \"Measures, renamed\"");
    }),
    ("many new words in a body", |root| {
        let page = "content/measures/09-factor-guarantees.en.md";
        let words: Vec<String> = (0..4000).map(|n| format!("newword{n:05}x")).collect();
        append(root, page, &format!("\n\n{}\n", words.join(" ")));
    }),
    ("the new words taken out again", |root| {
        let page = "content/measures/09-factor-guarantees.en.md";
        let text = fs::read_to_string(root.join(page)).unwrap();
        let start = text.find("\n\nnewword00000x").unwrap();
        fs::write(root.join(page), &text[..start]).unwrap();
    }),
    ("a broken page", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "title: \"Online now\"", "title: [");
    }),
    ("the page fixed", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "title: [", "title: \"Online again\"");
    }),
];

#[test]
fn serve_after_edits_is_a_fresh_build() {
    edits_then_compare(None);
}

// The guide's search indexes are small enough for the whole form; this holds the split form
// (shards, chunks, word-start files: each redone only where it changed) to a fresh build.
#[test]
fn serve_after_edits_is_a_fresh_build_with_split_search_indexes() {
    edits_then_compare(Some("search: { split_over: 1000 }\n"));
}

/// Copies the guide (with `site_yaml` added to its `site.yaml`), then builds after each edit
/// through one reused cache and afresh, and compares.
fn edits_then_compare(site_yaml: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_guide(root);
    if let Some(text) = site_yaml {
        append(root, "site.yaml", text);
    }
    // Files changed this recently are read again whatever their stamp says (`Stamp::of`): wait
    // until the copies are older than that, so that the builds below reuse them.
    std::thread::sleep(crate::incremental::SETTLED);
    let options = BuildOptions {
        root: root.to_path_buf(),
        out: None,
        base_url: Some("http://127.0.0.1:1111/".to_string()),
        drafts: false,
        force: false,
        node_cases: false,
    };
    // As `serve` holds it: one cache from the first build on.
    let mut cache = Cache::reusing();
    let first = outcome(build_with(&options, &mut cache));
    assert!(matches!(first, Outcome::Built { .. }), "the guide builds");
    let mut before = outcome(build_in_memory(&options));
    assert_same("the first build", &first, &before);
    for (step, edit) in EDITS {
        edit(root);
        let served = outcome(build_with(&options, &mut cache));
        let fresh = outcome(build_in_memory(&options));
        assert!(fresh != before, "{step} changes what a build makes");
        assert_same(step, &served, &fresh);
        before = fresh;
    }
}
