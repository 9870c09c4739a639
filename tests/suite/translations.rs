//! Three languages throughout: coverage and staleness of translations, fallback pages, and the
//! checks on Fluent UI strings.

use crate::harness::TestSite;

fn root_arg(site: &TestSite) -> String {
    site.root().to_string_lossy().into_owned()
}

#[test]
fn a_strict_site_names_the_missing_translation() {
    let site = TestSite::with("strict");
    site.overlay("untranslated");
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("content/news/third.zh.md: error: this translation is missing — translate content/news/third.en.md"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_lenient_site_builds_pages_that_exist_in_one_language() {
    let site = TestSite::with("untranslated");
    site.build_ok(&[]);
    assert!(site.out().join("en/news/third/index.html").is_file());
    assert!(!site.out().join("zh/news/third/index.html").exists());
    let page = site.read_out("en/news/third/index.html");
    assert!(!page.contains("hreflang=\"zh\" href=\"https://example.org/zh/news/third/\""));
}

/// Regression: change a source → its translation is stale → mark reviewed → clean.
#[test]
fn the_staleness_cycle() {
    let site = TestSite::with("strict");
    let root = root_arg(&site);
    let check = |strict: bool| {
        let mut args = vec!["check", "--root", root.as_str()];
        if strict {
            args.push("--strict");
        }
        site.run(&args)
    };
    let first = check(false);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("content/news/first.zh.md: warning: content/news/first.zh.md is not marked as reviewed against its en source"), "{}", first.stderr);
    let marked = site.run(&["translations", "--root", &root, "--mark-reviewed"]);
    assert_eq!(marked.code, 0, "{}", marked.stderr);
    assert!(
        marked.stdout.contains("3 file(s) marked"),
        "{}",
        marked.stdout
    );
    let clean = check(true);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(clean.stdout.contains("0 warning(s)"));
    assert!(
        clean.stdout.contains("news/first"),
        "the table lists pages: {}",
        clean.stdout
    );

    let source = site.root().join("content/news/first.en.md");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("Text with", "New text with")).unwrap();
    let stale = check(false);
    assert_eq!(stale.code, 0);
    assert!(
        stale.stderr.contains("content/news/first.zh.md: warning: content/news/first.zh.md is stale: its en source changed"),
        "{}",
        stale.stderr
    );
    assert!(
        stale.stdout.contains("stale") && stale.stdout.contains("→ content/news/first.zh.md"),
        "{}",
        stale.stdout
    );
    assert_eq!(
        check(true).code,
        1,
        "--strict turns the warning into a failure"
    );

    let one = site.run(&[
        "translations",
        "--root",
        &root,
        "--mark-reviewed",
        "content/news/first.zh.md",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout
            .contains("marked as reviewed: content/news/first.zh.md")
    );
    assert_eq!(check(true).code, 0);
}

/// Regression: `--mark-reviewed` looked only for `first.en.md` and failed on a source named
/// without its language suffix (`first.md`, as Hugo and Zola sites name it).
#[test]
fn marking_finds_a_source_without_a_language_suffix() {
    let site = TestSite::with("strict");
    let root = root_arg(&site);
    let news = site.root().join("content/news");
    std::fs::rename(news.join("first.en.md"), news.join("first.md")).unwrap();
    let one = site.run(&[
        "translations",
        "--root",
        &root,
        "--mark-reviewed",
        "content/news/first.zh.md",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout
            .contains("marked as reviewed: content/news/first.zh.md"),
        "{}",
        one.stdout
    );
    let all = site.run(&["translations", "--root", &root, "--mark-reviewed"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    // Marked against the right file: the strict check finds every translation current.
    let check = site.run(&["check", "--root", &root, "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stdout.contains("0 warning(s)"), "{}", check.stdout);
}

#[test]
fn marking_without_a_source_names_both_possible_files() {
    let site = TestSite::with("strict");
    std::fs::remove_file(site.root().join("content/news/first.en.md")).unwrap();
    let outcome = site.run(&[
        "translations",
        "--root",
        &root_arg(&site),
        "--mark-reviewed",
        "content/news/first.zh.md",
    ]);
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("content/news/first.zh.md: error: no en source for this translation — the source is content/news/first.en.md or content/news/first.md"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn marking_the_source_language_is_refused() {
    let site = TestSite::with("strict");
    let outcome = site.run(&[
        "translations",
        "--root",
        &root_arg(&site),
        "--mark-reviewed",
        "content/news/first.en.md",
    ]);
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stderr
            .contains("`en` is not a translation language of this site"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_fallback_site_shows_the_source_with_a_notice() {
    let site = TestSite::with("fallback");
    site.build_ok(&[]);
    let page = site.read_out("zh/news/third/index.html");
    assert!(page.contains("<html lang=\"zh\""));
    assert!(
        page.contains("class=\"fallback-notice\" role=\"note\" lang=\"zh\""),
        "{page}"
    );
    assert!(page.contains("<main id=\"main\" class=\"wrap\" tabindex=\"-1\" lang=\"en\">"));
    assert!(page.contains("Only in English so far."));
    // No hreflang pretends a Chinese translation exists, and the canonical is the source.
    assert!(!page.contains("hreflang=\"zh\" href=\"https://example.org/zh/news/third/\""));
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/en/news/third/\">"));
    let en = site.read_out("en/news/third/index.html");
    assert!(!en.contains("<link rel=\"alternate\" hreflang=\"zh\""));
    assert!(!site.read_out("sitemap.xml").contains("/zh/news/third/"));
}

/// The built-in strings exist in zh, en and ru; a site in another language brings its own,
/// and a key it lacks is an error (never English in a French page).
#[test]
fn a_ui_string_missing_in_one_language_is_an_error() {
    let site = TestSite::with("fluent_missing_key");
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("builtin/theme/templates/base.html:")
            && outcome.stderr.contains("UI string `search-button` used by base.html is missing in `fr` — add `search-button = …` to i18n/fr/main.ftl"),
        "{}",
        outcome.stderr
    );
    // The key the site gave is not reported; zh has every built-in string.
    assert!(
        !outcome
            .stderr
            .contains("`skip-to-content` used by base.html is missing")
    );
    assert!(
        !outcome.stderr.contains("is missing in `zh`"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_language_without_ui_strings_is_an_error() {
    let site = TestSite::with("fluent_missing_key");
    std::fs::remove_dir_all(site.root().join("i18n")).unwrap();
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stderr
            .contains("i18n/fr: error: no UI strings for language `fr`"),
        "{}",
        outcome.stderr
    );
}

/// A site's message replaces the built-in one of the same id; the rest stay built in.
#[test]
fn a_site_string_replaces_the_built_in_one() {
    let site = TestSite::minimal();
    site.write("i18n/en/mine.ftl", b"search-button = Find it\n");
    site.write("content/search.en.md", b"---\ntitle: Search\n---\n");
    site.write("content/search.zh.md", "---\ntitle: 搜索\n---\n".as_bytes());
    site.build_ok(&[]);
    let page = site.read_out("en/news/first/index.html");
    assert!(page.contains(">Find it</button>"), "{page}");
    assert!(page.contains(">Skip to content</a>"), "{page}");
    let zh = site.read_out("zh/news/first/index.html");
    assert!(zh.contains(">搜索</button>"), "{zh}");
}

#[test]
fn a_ui_string_defined_twice_by_the_site_is_an_error() {
    let site = TestSite::minimal();
    site.write("i18n/en/a.ftl", b"search-button = Find\n");
    site.write("i18n/en/b.ftl", b"# mine\nsearch-button = Seek\n");
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("i18n/en/b.ftl:2:1: error: UI string `search-button` is defined again (first in i18n/en/a.ftl)"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_fluent_syntax_error_names_file_and_line() {
    let site = TestSite::with("fluent_syntax");
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome
            .stderr
            .contains("i18n/en/extra.ftl:2:1: error: Fluent syntax error"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn russian_plurals_need_one_few_and_many() {
    let site = TestSite::with("fluent_plural");
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("i18n/ru/extra.ftl:1:1: error: `extra-count` lacks the plural forms few, many that `ru` needs"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn an_unused_ui_string_is_a_warning() {
    let site = TestSite::minimal();
    site.write("i18n/en/extra.ftl", b"nobody-uses-me = Hello\n");
    let outcome = site.build_ok(&[]);
    assert!(
        outcome.stderr.contains(
            "i18n/en/extra.ftl: warning: UI string `nobody-uses-me` is not used by any template"
        ),
        "{}",
        outcome.stderr
    );
}

#[test]
fn marking_every_translation_names_a_folder_it_cannot_read() {
    // Guards walk errors in `--mark-reviewed` with no files, once flattened away.
    let site = TestSite::with("strict");
    let root = root_arg(&site);
    std::os::unix::fs::symlink(
        site.root().join("content"),
        site.root().join("content/news/loop"),
    )
    .unwrap();
    let marked = site.run(&["translations", "--root", &root, "--mark-reviewed"]);
    assert_eq!(marked.code, 1, "{}", marked.stdout);
    assert!(
        marked.stderr.contains(
            "content/news/loop: error: cannot read: a symbolic link here leads back to content"
        ),
        "{}",
        marked.stderr
    );
}
