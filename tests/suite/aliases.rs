//! `aliases:` in front matter: a redirect page at each old URL, a `_redirects` line for hosts
//! that read one, and a located error for an alias that leaves the site or takes a URL in use.

use crate::harness::{TestSite, snapshot};

const FIRST_EN: &str = "https://example.org/en/news/first/";

// Each alias is a page that sends the visitor on, under a strict CSP (no script, no style).
#[test]
fn an_alias_writes_a_redirect_page_to_its_page() {
    let site = TestSite::with("aliases");
    site.build_ok(&[]);
    let page = site.read_out("en/old-first/index.html");
    for expected in [
        "<html lang=\"en\">",
        &format!("<meta http-equiv=\"refresh\" content=\"0; url={FIRST_EN}\">"),
        &format!("<link rel=\"canonical\" href=\"{FIRST_EN}\">"),
        "<meta name=\"robots\" content=\"noindex\">",
        &format!("<a href=\"{FIRST_EN}\">First post</a>"),
    ] {
        assert!(page.contains(expected), "missing {expected} in:\n{page}");
    }
    for forbidden in ["<script", "<style", "style="] {
        assert!(!page.contains(forbidden), "{forbidden} in:\n{page}");
    }
    assert_eq!(
        site.read_out("old-first.html"),
        page,
        "an alias ending in .html is that file"
    );
    let zh = site.read_out("zh/old-first/index.html");
    assert!(zh.contains("<html lang=\"zh\">") && zh.contains("https://example.org/zh/news/first/"));
    assert_eq!(
        site.read_out("_redirects"),
        "/en/old-first/ /en/news/first/ 301\n/old-first.html /en/news/first/ 301\n/zh/old-first/ /zh/news/first/ 301\n"
    );
}

// Redirect pages are not pages of the site: not in the sitemap, not in the search index.
#[test]
fn redirect_pages_stay_out_of_the_sitemap_and_the_search_index() {
    let site = TestSite::with("aliases");
    site.build_ok(&[]);
    let sitemap = site.read_out("sitemap.xml");
    let index = site.read_out("en/search/index.json");
    assert!(
        index.contains("\"en/news/first/\""),
        "the page itself is indexed"
    );
    for (what, text) in [("sitemap.xml", &sitemap), ("en/search/index.json", &index)] {
        assert!(!text.contains("old-first"), "{what} lists a redirect page");
    }
}

#[test]
fn redirects_follow_a_sub_path_base_url() {
    let site = TestSite::with("aliases");
    site.build_ok(&["--base-url", "https://host/guide/"]);
    let redirects = site.read_out("_redirects");
    assert!(
        redirects.starts_with("/guide/en/old-first/ /guide/en/news/first/ 301\n"),
        "{redirects}"
    );
    let page = site.read_out("en/old-first/index.html");
    assert!(
        page.contains("url=https://host/guide/en/news/first/\""),
        "{page}"
    );
}

// A stand-in for a missing translation is a copy of the default-language page, aliases and
// all: its aliases are the original's, written once, not a clash with themselves.
#[test]
fn a_fallback_copy_does_not_repeat_the_aliases_of_its_source() {
    let site = TestSite::with("fallback");
    site.write(
        "content/news/third.en.md",
        b"---\ntitle: Third post\naliases: [/en/old-third/]\n---\nOnly in English so far.\n",
    );
    site.build_ok(&[]);
    assert!(site.out().join("zh/news/third/index.html").is_file());
    assert_eq!(
        site.read_out("_redirects"),
        "/en/old-third/ /en/news/third/ 301\n"
    );
}

#[test]
fn a_site_without_aliases_has_no_redirects_file() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    assert!(!site.out().join("_redirects").exists());
}

/// Builds the minimal site, lays `scenario` over it; the build must fail with each of
/// `expected` and leave the previous output as it was.
fn rejects(scenario: &str, expected: &[&str]) {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay(scenario);
    site.rejects(&before, expected);
}

#[test]
fn an_alias_that_leaves_the_site_is_an_error_at_its_line() {
    rejects(
        "alias_outside",
        &[
            "content/news/second.en.md:5:5: error: alias `/en/../../etc/` has a `..` part, which would lead outside the site",
            "content/news/second.en.md:6:5: error: alias `https://elsewhere.example/x/` is a URL",
            "content/news/second.en.md:7:5: error: alias `old-second/` does not start with `/` — write it as a path from the site's root",
        ],
    );
}

// Also in another case: on macOS or Windows `/EN/News/First/` would overwrite the page.
#[test]
fn an_alias_that_is_a_page_url_is_an_error() {
    rejects(
        "alias_page_clash",
        &[
            "content/news/second.en.md:4:11: error: alias `/en/news/second/` is this page's own URL",
            "content/news/second.en.md:4:29: error: alias `/EN/News/First/` is the URL of content/news/first.en.md",
        ],
    );
}

#[test]
fn an_alias_of_two_pages_is_an_error_at_the_second() {
    rejects(
        "alias_twice",
        &[
            "content/news/second.en.md:5:5: error: alias `/en/old` is also an alias of content/news/first.en.md:4",
        ],
    );
}

#[test]
fn an_alias_in_place_of_a_built_file_is_an_error() {
    rejects(
        "alias_file_clash",
        &[
            "content/news/second.en.md:4:11: error: alias `/sitemap.xml/` would take the place of `sitemap.xml`",
            "content/news/second.en.md:4:26: error: alias `/404.html` would take the place of `404.html`",
        ],
    );
}
