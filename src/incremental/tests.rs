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

/// A build as `serve` holds it, its shared bytes copied out.
fn served(
    built: Result<crate::Served, Vec<crate::diagnostic::Diagnostic>>,
) -> Result<crate::Built, Vec<crate::diagnostic::Diagnostic>> {
    built.map(|served| crate::Built {
        files: (served.files.into_iter())
            .map(|(path, bytes)| (path, bytes.to_vec()))
            .collect(),
        report: served.report,
    })
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
    ("a broken anchor in a body", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        append(root, page, "\n\nSee [nowhere](#no-such-heading).\n");
    }),
    ("the broken anchor taken out", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "\n\nSee [nowhere](#no-such-heading).\n", "");
    }),
    ("a page no other page links to", |root| {
        for lang in ["zh", "en", "ru"] {
            let page = root.join(format!("content/loose-notes.{lang}.md"));
            fs::write(page, "---\ntitle: Loose notes\n---\n\nNotes.\n").unwrap();
        }
    }),
    ("a link to it in another page's body", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        append(root, page, "\n\nSee [the notes](@/loose-notes.md).\n");
    }),
    ("the link to it taken out, then the page", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "\n\nSee [the notes](@/loose-notes.md).\n", "");
        for lang in ["zh", "en", "ru"] {
            fs::remove_file(root.join(format!("content/loose-notes.{lang}.md"))).unwrap();
        }
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

// Without a print edition, a rebuild whose pages' files are all kept makes no file with a
// template: the root files are the last build's too. This holds that path to a fresh build.
#[test]
fn serve_after_edits_is_a_fresh_build_without_a_print_edition() {
    edits_then_compare(Some(PRINTLESS));
}

/// Marks `site.yaml`'s print edition for removal (see [`edits_then_compare`]).
const PRINTLESS: &str = "\n# no print\n";

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
    if site_yaml == Some(PRINTLESS) {
        let yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
        let print = yaml.lines().find(|l| l.starts_with("print:")).unwrap();
        replace(root, "site.yaml", print, "");
    }
    // Files changed this recently are read again whatever their stamp says (`Stamp::of`): wait
    // until the copies are older than that, so that the builds below reuse them.
    std::thread::sleep(crate::incremental::SETTLED);
    let options = guide_options(root);
    // As `serve` holds it: one cache from the first build on.
    let mut cache = Cache::reusing();
    let first = outcome(served(build_with(&options, &mut cache, None)));
    assert!(matches!(first, Outcome::Built { .. }), "the guide builds");
    let mut before = outcome(build_in_memory(&options));
    assert_same("the first build", &first, &before);
    for (step, edit) in EDITS {
        edit(root);
        let served = outcome(served(build_with(&options, &mut cache, None)));
        let fresh = outcome(build_in_memory(&options));
        assert!(fresh != before, "{step} changes what a build makes");
        assert_same(step, &served, &fresh);
        before = fresh;
    }
}

/// An edit and the paths `serve`'s watcher would name for it (`None`: it cannot name them).
type Named = (&'static str, fn(&Path) -> Option<Vec<&'static str>>);

/// Each edit with the paths named, in order; each one's effect stays for the next.
const NAMED: &[Named] = &[
    ("a body edit, named", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "This guide is now online", "Online");
        Some(vec![page])
    }),
    ("a created page, named", |root| {
        let from = root.join("content/updates/2023-10-13-plan-issued.en.md");
        let page = "content/updates/2026-12-01-created.en.md";
        let text = fs::read_to_string(from).unwrap();
        fs::write(
            root.join(page),
            text.replacen("2023-10-13", "2026-12-01", 1),
        )
        .unwrap();
        Some(vec![page])
    }),
    ("a renamed page, both paths named", |root| {
        let from = "content/updates/2026-12-01-created.en.md";
        let to = "content/updates/2026-12-01-renamed.en.md";
        fs::rename(root.join(from), root.join(to)).unwrap();
        Some(vec![from, to])
    }),
    ("a deleted page, named", |root| {
        let page = "content/updates/2026-12-01-renamed.en.md";
        fs::remove_file(root.join(page)).unwrap();
        Some(vec![page])
    }),
    ("a data file edit, named", |root| {
        let data = "content/departments.yaml";
        let to = "en: Commerce Bureau";
        replace(root, data, "en: Municipal Bureau of Commerce", to);
        Some(vec![data])
    }),
    (
        "a scratch file and a page saved over it by rename, named",
        |root| {
            let page = "content/updates/2023-10-13-plan-issued.en.md";
            let temp = "content/updates/.2023-10-13-plan-issued.en.md.tmp";
            let text = fs::read_to_string(root.join(page)).unwrap();
            fs::write(root.join(temp), format!("{text}\nSaved by rename.\n")).unwrap();
            fs::rename(root.join(temp), root.join(page)).unwrap();
            Some(vec![temp, page])
        },
    ),
    (
        "a new folder with a page, named: the folder sends the build to the walk",
        |root| {
            fs::create_dir(root.join("content/updates/more")).unwrap();
            let page = "content/updates/more/a-page.en.md";
            fs::write(root.join(page), "---\ntitle: \"A page\"\n---\n\nText.\n").unwrap();
            Some(vec!["content/updates/more"])
        },
    ),
    ("a renamed folder, named: walked", |root| {
        let (from, to) = ("content/updates/more", "content/updates/other");
        fs::rename(root.join(from), root.join(to)).unwrap();
        Some(vec![from, to])
    }),
    ("a removed folder, named: walked", |root| {
        fs::remove_dir_all(root.join("content/updates/other")).unwrap();
        Some(vec!["content/updates/other"])
    }),
    (
        "a site.yaml edit, named: outside content/, walked",
        |root| {
            let title = "title: \"Wuwei Foreign Investment Guide\"";
            replace(root, "site.yaml", title, "title: \"Wuwei Guide\"");
            Some(vec!["site.yaml"])
        },
    ),
    ("a page created while events were lost", |root| {
        let page = "content/updates/2026-12-02-unnamed.en.md";
        fs::write(root.join(page), "---\ntitle: \"Unnamed\"\n---\n\nText.\n").unwrap();
        None
    }),
    ("a broken page, named", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "title: \"This guide is online\"", "title: [");
        Some(vec![page])
    }),
    ("the page fixed, named", |root| {
        let page = "content/updates/2026-11-26-guide-launched.en.md";
        replace(root, page, "title: [", "title: \"Fixed\"");
        Some(vec![page])
    }),
];

#[test]
fn serve_after_named_changes_is_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_guide(root);
    // Old enough that their stamps are kept (`Stamp::of` compares whole seconds: a second more).
    std::thread::sleep(crate::incremental::SETTLED + std::time::Duration::from_secs(1));
    let options = guide_options(root);
    let mut cache = Cache::reusing();
    let first = outcome(served(build_with(&options, &mut cache, None)));
    assert!(matches!(first, Outcome::Built { .. }), "the guide builds");
    // The paths decide what is looked at: an edit left unnamed is not seen, so the build
    // lists and reads from the named paths alone (and the cases below test that path).
    let page = "content/updates/2023-10-13-plan-issued.en.md";
    append(root, page, "\n\nUnnamed.\n");
    let unnamed = outcome(served(build_with(&options, &mut cache, Some(&[]))));
    assert_same("an unnamed edit (not looked at)", &unnamed, &first);
    let named = [PathBuf::from(page)];
    let mut before = outcome(served(build_with(&options, &mut cache, Some(&named))));
    assert!(before != first, "a named one is");
    assert_same("a named edit", &before, &outcome(build_in_memory(&options)));
    for (step, edit) in NAMED {
        let paths = edit(root).map(|paths| paths.into_iter().map(PathBuf::from).collect());
        let paths: Option<Vec<PathBuf>> = paths;
        let served = outcome(served(build_with(&options, &mut cache, paths.as_deref())));
        let fresh = outcome(build_in_memory(&options));
        assert!(fresh != before, "{step} changes what a build makes");
        assert_same(step, &served, &fresh);
        before = fresh;
    }
}

fn guide_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: None,
        base_url: Some("http://127.0.0.1:1111/".to_string()),
        drafts: false,
        force: false,
        node_cases: false,
    }
}

/// A page with only what [`super::ByPage`] reads of it: its key and language.
fn page_of(key: &str, lang: &str) -> crate::model::Page {
    crate::model::Page {
        source: PathBuf::from(format!("content/{key}.{lang}.md")),
        key: key.to_string(),
        lang: lang.to_string(),
        dir: String::new(),
        is_index: false,
        generated: false,
        fallback: false,
        source_hash: String::new(),
        front: std::sync::Arc::default(),
        body: std::sync::Arc::from(""),
        body_line: 1,
        url_path: format!("{lang}/{key}/"),
    }
}

#[test]
fn by_page_keeps_each_builds_pages_and_only_those() {
    let (a_en, a_zh, b_en) = (page_of("a", "en"), page_of("a", "zh"), page_of("b", "en"));
    let mut kept = super::ByPage::default();
    kept.keep([(&a_en, 1), (&a_zh, 2), (&b_en, 3)]);
    assert_eq!(kept.get(&a_en), Some(&1));
    assert_eq!(
        kept.get(&a_zh),
        Some(&2),
        "the language tells pages of one key apart"
    );
    assert_eq!(kept.get(&b_en), Some(&3));
    // The next build: `a` in English changed, `b` deleted, `c` new.
    let c_en = page_of("c", "en");
    kept.keep([(&a_en, 10), (&a_zh, 2), (&c_en, 4)]);
    assert_eq!(kept.get(&a_en), Some(&10));
    assert_eq!(kept.get(&a_zh), Some(&2));
    assert_eq!(
        kept.get(&b_en),
        None,
        "a page this build did not give is gone"
    );
    assert_eq!(kept.get(&c_en), Some(&4));
    // A key that runs into the language (`a` + `en` against `ae` + `n`) is another page.
    assert_eq!(kept.get(&page_of("ae", "n")), None);
}
