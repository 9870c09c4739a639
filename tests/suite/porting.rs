//! Front matter written for Hugo or Zola builds as it is: `description`, `lastmod`, `slug`,
//! `keywords`, `authors`, on pages and section `_index` files; bad values are located errors.

use crate::harness::TestSite;

fn head_of(page: &str) -> &str {
    &page[..page.find("</head>").expect("a head")]
}

#[test]
fn hugo_and_zola_fields_reach_the_page() {
    let site = TestSite::minimal();
    site.write(
        "content/news/second.en.md",
        b"---\ntitle: Second post\ndate: 2024-02-03\nlastmod: 2024-03-04\nslug: the-sequel\n\
          description: A sequel, described.\nkeywords: [sequel, posts]\n\
          authors: [Ann Lee, Bo Chen]\nweight: 1\n---\nBack to [the first](@/news/first.md).\n",
    );
    site.write(
        "content/news/_index.en.md",
        b"---\ntitle: News\ndescription: Everything new.\n---\n",
    );
    site.write(
        "content/news/first.en.md",
        b"---\ntitle: First post\ndate: 2024-01-02\nsummary: The first one.\n---\n\
          On to [the sequel](@/news/second.md).\n\n## Part two\n",
    );
    site.build_ok(&[]);
    // `slug` replaces the last segment of the URL, in its language only.
    let page = site.read_out("en/news/the-sequel/index.html");
    assert!(!site.out().join("en/news/second").exists());
    assert!(site.out().join("zh/news/second/index.html").is_file());
    let head = head_of(&page);
    assert!(
        head.contains("<meta name=\"description\" content=\"A sequel, described.\">"),
        "{head}"
    );
    assert!(
        head.contains("<meta name=\"keywords\" content=\"sequel, posts\">"),
        "{head}"
    );
    assert!(
        head.contains("<meta name=\"author\" content=\"Ann Lee, Bo Chen\">"),
        "{head}"
    );
    assert!(
        head.contains("<link rel=\"canonical\" href=\"https://example.org/en/news/the-sequel/\">"),
        "{head}"
    );
    // `lastmod` is `updated`; `description` stands in for the missing `summary`.
    assert!(page.contains("<time datetime=\"2024-03-04\">"), "{page}");
    assert!(
        page.contains("<p class=\"lead\">A sequel, described.</p>"),
        "{page}"
    );
    // Links, the other language's alternates and the sitemap follow the slug.
    let first = site.read_out("en/news/first/index.html");
    assert!(first.contains("href=\"/en/news/the-sequel/\""), "{first}");
    let zh = site.read_out("zh/news/second/index.html");
    assert!(
        zh.contains("hreflang=\"en\" href=\"https://example.org/en/news/the-sequel/\""),
        "{zh}"
    );
    let sitemap = site.read_out("sitemap.xml");
    assert!(sitemap.contains("https://example.org/en/news/the-sequel/"));
    assert!(!sitemap.contains("https://example.org/en/news/second/"));
    // `summary` stands in for the missing `description`; no keywords, no author: no tags.
    let head_first = head_of(&first);
    assert!(head_first.contains("<meta name=\"description\" content=\"The first one.\">"));
    assert!(!head_first.contains("name=\"keywords\"") && !head_first.contains("name=\"author\""));
    // A section's `_index` takes `description` too; its card shows it as the summary.
    let section = site.read_out("en/news/index.html");
    assert!(head_of(&section).contains("<meta name=\"description\" content=\"Everything new.\">"));
}

fn rejects(file: &str, text: &str, expected: &str) {
    let site = TestSite::minimal();
    let before = site.build_ok(&[]);
    assert_eq!(before.code, 0);
    let page = site.read_out("en/news/first/index.html");
    site.write(file, text.as_bytes());
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(outcome.stderr.contains(expected), "{}", outcome.stderr);
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    // The previous output stays as it was.
    assert_eq!(site.read_out("en/news/first/index.html"), page);
}

#[test]
fn a_slug_that_cannot_be_a_url_is_refused_at_its_line() {
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nslug: The Sequel!\n---\nText.\n",
        "content/news/second.en.md:3:7: error: `slug`: `The Sequel!` cannot be part of a URL — \
         use lowercase letters a–z, digits and hyphens",
    );
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nslug: _index\n---\nText.\n",
        "content/news/second.en.md:3:7: error: `slug`: `_index` cannot be part of a URL",
    );
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nslug: [a]\n---\nText.\n",
        "content/news/second.en.md:3:1: error: `slug` must be text",
    );
}

#[test]
fn two_pages_at_one_url_through_a_slug_are_refused() {
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nweight: 1\nslug: first\n---\nBack to [the first](@/news/first.md).\n",
        "content/news/second.en.md:4:1: error: this file and content/news/first.en.md both make \
         /en/news/first/ — give one of them another `slug:`",
    );
}

#[test]
fn a_section_cannot_set_a_slug() {
    rejects(
        "content/news/_index.en.md",
        "---\ntitle: News\nslug: posts\n---\n",
        "content/news/_index.en.md:3:1: error: a section's `_index` file cannot set `slug` — \
         a section's URL is its folder's name",
    );
}

#[test]
fn lastmod_must_be_a_date_and_not_beside_updated() {
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nlastmod: yesterday\n---\nText.\n",
        "content/news/second.en.md:3:10: error: `lastmod`: `yesterday` is not a date",
    );
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nupdated: 2024-01-01\nlastmod: 2024-01-02\n---\nText.\n",
        "content/news/second.en.md:4:1: error: `updated` and `lastmod` both give the date of the \
         last change",
    );
}

#[test]
fn keywords_and_authors_must_be_lists_of_text() {
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nkeywords: sequel\n---\nText.\n",
        "content/news/second.en.md:3:1: error: `keywords` must be a list of text, like [a, b]",
    );
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\nauthors: [{name: Ann}]\n---\nText.\n",
        "content/news/second.en.md:3:1: error: `authors` must be a list of text, like [a, b]",
    );
    rejects(
        "content/news/second.en.md",
        "---\ntitle: Second post\ndescription: [a]\n---\nText.\n",
        "content/news/second.en.md:3:1: error: `description` must be text",
    );
}

/// Hugo and Zola fields the tool does not take stay errors, and say where own fields go.
#[test]
fn other_unknown_fields_suggest_extra() {
    for (field, name) in [("categories: [x]", "categories"), ("summery: x", "summery")] {
        rejects(
            "content/news/second.en.md",
            &format!("---\ntitle: Second post\n{field}\n---\nText.\n"),
            &format!("content/news/second.en.md:3:1: error: unknown field `{name}` — "),
        );
    }
    let site = TestSite::minimal();
    for (field, hint) in [
        ("categories: [x]", "put your own fields under `extra:`"),
        (
            "summery: x",
            "did you mean `summary`? Fields of your own go under `extra:`",
        ),
    ] {
        site.write(
            "content/news/second.en.md",
            format!("---\ntitle: Second post\n{field}\n---\nText.\n").as_bytes(),
        );
        let outcome = site.build();
        assert!(outcome.stderr.contains(hint), "{}", outcome.stderr);
    }
}

#[test]
fn toml_front_matter_says_what_to_do() {
    rejects(
        "content/news/second.en.md",
        "+++\ntitle = \"Second post\"\n+++\nText.\n",
        "content/news/second.en.md:1:1: error: TOML front matter (`+++`) is not read — convert it \
         to YAML between `---` lines",
    );
}
