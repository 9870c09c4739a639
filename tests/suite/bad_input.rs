//! Each kind of bad input: a clear `path:line:col: error: … — hint` message, exit code 1,
//! and the previous `public/` left exactly as it was.

use crate::harness::{TestSite, snapshot};

/// Builds the good minimal site, lays `scenario` over it, builds again and checks that the
/// build fails with every `expected` fragment in its output and the old output untouched.
fn rejects(scenario: &str, expected: &[&str]) -> String {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay(scenario);
    site.rejects(&before, expected)
}

#[test]
fn malformed_yaml_names_the_line_in_the_source_file() {
    // The unclosed `[` opens on line 4 of the file; the parser notices it on line 5.
    let err = rejects(
        "malformed_yaml",
        &["content/news/second.en.md:5:", "error: invalid YAML", " — "],
    );
    assert!(err.lines().count() >= 2, "{err}");
}

#[test]
fn missing_closing_fence() {
    rejects(
        "unclosed_front_matter",
        &[
            "content/news/second.en.md:1:1: error: the front matter opened here is never closed",
            "add a line with just `---`",
        ],
    );
}

#[test]
fn unknown_field_suggests_the_nearest() {
    rejects(
        "unknown_field",
        &["content/news/second.en.md:3:1: error: unknown field `wieght` — did you mean `weight`?"],
    );
}

#[test]
fn wrong_type() {
    rejects(
        "wrong_type",
        &["content/news/second.en.md:3:1: error: `weight` must be a whole number"],
    );
}

// Dates are checked against the calendar, not just their digits.
#[test]
fn an_impossible_date_is_an_error_at_its_value() {
    rejects(
        "impossible_date",
        &[
            "content/news/second.en.md:3:7: error: `date`: `2023-02-31` does not exist: February 2023 has 28 days — write a day that is on the calendar",
        ],
    );
}

// Text after a date once went into the Atom feed as it was written, markup and all.
#[test]
fn a_date_followed_by_markup_is_an_error_at_its_value() {
    rejects(
        "garbled_date",
        &[
            "content/news/second.en.md:4:10: error: `updated`: `2023-10-13T</updated><x>` is not a date — write YYYY-MM-DD",
        ],
    );
}

#[test]
fn invalid_utf8_names_its_position() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write(
        "content/news/second.en.md",
        b"---\ntitle: ok\n---\nbad \xff byte\n",
    );
    site.rejects(
        &before,
        &["content/news/second.en.md:4:5: error: the file is not valid UTF-8 — save it as UTF-8"],
    );
}

#[test]
fn empty_file() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write("content/news/empty.en.md", b"");
    site.rejects(
        &before,
        &["content/news/empty.en.md: error: the file is empty"],
    );
}

#[test]
fn undeclared_language() {
    rejects(
        "undeclared_language",
        &[
            "content/news/second.fr.md: error: language `fr` is not declared in site.yaml",
            "en, zh",
        ],
    );
}

#[test]
fn two_files_claiming_one_url() {
    rejects(
        "url_clash",
        &[
            "content/news/second",
            "both make /en/news/second/",
            "a page `NAME.LANG.md` and a section `NAME/_index.LANG.md` share a URL",
        ],
    );
}

#[test]
fn link_to_a_missing_page_names_the_line() {
    rejects(
        "missing_page_link",
        &["content/news/second.en.md:6:1: error: link to a missing page `@/news/third.md`"],
    );
}

// Guards the hand-off of each page's Markdown to the render stage: a page's Markdown problems
// are reported with the templates' problems, and the build still publishes nothing.
#[test]
fn markdown_and_template_problems_are_reported_together() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay("missing_page_link");
    site.overlay("template_render");
    site.rejects(
        &before,
        &[
            "content/news/second.en.md:6:1: error: link to a missing page `@/news/third.md`",
            "themes/default/templates/page.html: error: template error",
        ],
    );
}

#[test]
fn broken_relative_link() {
    rejects(
        "broken_relative_link",
        &["content/news/second.en.md:4:1: error: broken link `../nowhere/`"],
    );
}

#[test]
fn link_to_a_missing_anchor_lists_the_ids() {
    rejects(
        "missing_anchor",
        &[
            "no heading with id `part-three`",
            "part-one, part-two, part-two-1",
        ],
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    rejects(
        "template_syntax",
        &[
            "themes/default/templates/page.html:",
            "error: template error",
        ],
    );
}

#[test]
fn template_render_error_names_the_page() {
    rejects(
        "template_render",
        &[
            "themes/default/templates/page.html: error: template error",
            "while rendering content/",
        ],
    );
}

#[test]
fn unknown_shortcode() {
    rejects(
        "unknown_shortcode",
        &["content/news/second.en.md:4:1: error: no figure named `nope`"],
    );
}

#[test]
fn bad_site_yaml() {
    rejects(
        "bad_site_yaml",
        &["site.yaml:2:1: error: default_language `de` is not one of the languages"],
    );
}

// `theme: /` once made the build read every file of the filesystem as the theme.
#[test]
fn a_theme_that_is_a_path_is_refused() {
    rejects(
        "theme_path",
        &["site.yaml:3:1: error: theme `/` is not a folder name — name a folder under themes/"],
    );
}

// A language code is part of every URL and file name: `../ru` would write outside `ru/`.
#[test]
fn a_language_code_must_be_bcp47_and_safe_in_urls() {
    rejects(
        "bad_language_code",
        &[
            "site.yaml:6:1: error: language code `../ru` must be lowercase letters a–z, digits and `-`",
        ],
    );
}

// The tag goes into `hreflang` and `<html lang>`; markup in it once reached the sitemap raw.
#[test]
fn a_language_tag_must_be_bcp47() {
    rejects(
        "bad_language_tag",
        &[r#"site.yaml:4:1: error: language `en`: tag `en"><x` is not a BCP 47 language tag"#],
    );
}

#[test]
fn base_url_must_be_an_absolute_http_url() {
    rejects(
        "bad_base_url",
        &[
            "site.yaml:2:1: error: base_url `https://example.org/a b/` is not usable: its path `/a b/` has ` `",
        ],
    );
    let site = TestSite::minimal();
    let root = site.root().to_string_lossy().into_owned();
    let outcome = site.run(&[
        "build",
        "--root",
        &root,
        "--base-url",
        "https://host:99999/",
    ]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("--base-url: error: base_url `https://host:99999/` is not usable"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn search_split_over_must_be_a_size_in_bytes() {
    rejects(
        "bad_split_over",
        &[
            "site.yaml:7:1: error: search: split_over must be a whole number of bytes, not `256KiB`",
            "`search: { split_over: 262144 }`",
        ],
    );
}

#[test]
fn unreadable_file() {
    // Root may read any file, so an unreadable entry is made as a dangling symlink.
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    std::os::unix::fs::symlink(
        site.root().join("nowhere.md"),
        site.root().join("content/news/gone.en.md"),
    )
    .unwrap();
    site.rejects(&before, &["content/news/gone.en.md: error: cannot read"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let site = TestSite::minimal();
    site.overlay("unknown_field");
    site.write(
        "content/news/other.en.md",
        b"---\ntitle: x\nweight: heavy\n---\n",
    );
    let outcome = site.build();
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("second.en.md:3:1"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("other.en.md:3:1"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("failed: 2 error(s)"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn usage_error_exits_with_2() {
    let site = TestSite::minimal();
    let outcome = site.run(&["build", "--no-such-flag"]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    let outcome = site.run(&["frobnicate"]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
}

#[test]
fn a_ui_string_used_without_its_argument_names_the_call() {
    // Guards against Fluent printing `{$title}` into the page when a template forgets it.
    rejects(
        "fluent_missing_argument",
        &[
            "themes/default/templates/page.html:4:7: error: template error",
            "the UI string `print-address` of `en` needs the argument `url`",
            "call t(key=\"print-address\", url=…)",
            "while rendering content/news/first.en.md",
        ],
    );
}

#[test]
fn a_front_matter_key_that_is_not_text_names_its_line() {
    // Guards `1:` in front matter, once skipped without a word.
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write(
        "content/news/second.en.md",
        b"---\ntitle: ok\n1: x\n---\nbody\n",
    );
    site.rejects(&before,
        &[
            "content/news/second.en.md:3:1: error: the key `1` (a number) is not text — write it in quotes, `\"1\": …`",
        ],
    );
}

#[test]
fn a_language_key_that_is_not_text_names_its_line() {
    // Guards `languages:` keys YAML reads as booleans or numbers, once read as the code "".
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    let yaml = "base_url: \"https://example.org/\"\ndefault_language: en\nlanguages:\n  en: { name: \"English\", title: \"Example\" }\n  true: { name: \"中文\", title: \"示例\" }\n";
    site.write("site.yaml", yaml.as_bytes());
    site.rejects(&before,
        &[
            "site.yaml:5:3: error: languages: the key `true` (true or false) is not text — write it in quotes, `\"true\": …`",
        ],
    );
}

#[test]
fn a_data_file_key_that_is_not_text_or_a_number_that_is_not_finite_names_its_line() {
    // Guards data keys silently turned into text, and `.nan` shipped to templates as null.
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write("content/figures.yaml", b"years:\n  2023: ok\n");
    site.write("content/rates.yaml", b"usd:\n  rate: .nan\n");
    site.rejects(
        &before,
        &[
            "content/figures.yaml:2:3: error: years: the key `2023` (a number) is not text",
            "content/rates.yaml:2:9: error: usd.rate: `.nan` is not a finite number",
        ],
    );
}

#[test]
fn a_theme_or_strings_folder_that_cannot_be_read_names_the_place() {
    // Guards walk errors in the theme overlay, once flattened away (the file silently unused).
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    let templates = site.root().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("nowhere.html"),
        templates.join("page.html"),
    )
    .unwrap();
    std::fs::create_dir_all(site.root().join("i18n/en")).unwrap();
    std::os::unix::fs::symlink(site.root().join("i18n"), site.root().join("i18n/en/loop")).unwrap();
    site.rejects(
        &before,
        &[
            "themes/default/templates/page.html: error: cannot read: No such file or directory",
            "i18n/en/loop: error: cannot read: a symbolic link here leads back to i18n",
        ],
    );
}

#[test]
fn a_shortcode_after_code_is_still_checked_at_its_line() {
    // Guards shortcode lines once code is skipped: `{{` in code is text, in prose a shortcode.
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write(
        "content/news/second.en.md",
        b"---\ntitle: ok\n---\nText `{{ x }}`.\n\n```\n{{ amount(name=\"y\")\n```\n\n    {{\n\nFigure: {{ amount(name=\"nope\") }}.\n",
    );
    let err = site.rejects(
        &before,
        &["content/news/second.en.md:12:1: error: no figure named `nope`"],
    );
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}
