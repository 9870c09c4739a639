//! What a successful build produces, on the small Hugo-style fixture site.

use crate::harness::{TestSite, copy_tree, run_in, snapshot};
use std::path::Path;

#[test]
fn hugo_style_tree_builds_with_the_embedded_theme() {
    let site = TestSite::minimal();
    let outcome = site.build_ok(&[]);
    // Two pages per language, a generated `news` section and the home page: 4 each; and in
    // English, where `first` has `tags: [a, b]`, the tags' index and a page per tag.
    assert!(
        outcome.stdout.contains("11 pages (en 7, zh 4)"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("0 warning(s)"),
        "{}",
        outcome.stdout
    );
    for path in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "_headers",
        "en/index.html",
        "zh/index.html",
        "en/news/index.html",
        "en/news/first/index.html",
        "zh/news/second/index.html",
    ] {
        assert!(site.out().join(path).is_file(), "{path} missing");
    }
    let page = site.read_out("en/news/first/index.html");
    assert!(page.contains("<html lang=\"en\""));
    assert!(page.contains("<h1>First post</h1>"));
}

#[test]
fn internal_links_resolve_to_the_same_language() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let en = site.read_out("en/index.html");
    assert!(en.contains("href=\"/en/news/first/\""), "{en}");
    assert!(en.contains("href=\"/en/news/first/#part-two\""), "{en}");
    let zh = site.read_out("zh/index.html");
    assert!(zh.contains("href=\"/zh/news/first/\""), "{zh}");
}

#[test]
fn heading_ids_are_unique_and_readable() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let en = site.read_out("en/news/first/index.html");
    assert!(en.contains("<h2 id=\"part-one\">"));
    assert!(en.contains("<h2 id=\"part-two\">"));
    assert!(en.contains("<h2 id=\"part-two-1\">"));
    let zh = site.read_out("zh/news/first/index.html");
    assert!(zh.contains("<h2 id=\"第一部分\">"), "{zh}");
    // The table of contents lists the headings (shown from three headings on).
    assert!(en.contains("<a href=\"#part-two-1\">"), "{en}");
}

#[test]
fn section_lists_pages_by_weight_then_date() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let list = site.read_out("en/news/index.html");
    let second = list.find("Second post").unwrap();
    let first = list.find("First post").unwrap();
    assert!(second < first, "weight 1 must come before weight 2");
}

#[test]
fn sitemap_has_hreflang_alternates_and_x_default() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let sitemap = site.read_out("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/zh/news/first/</loc>"));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.org/zh/news/first/\"/>"
    ));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/en/news/first/\"/>"
    ));
    assert!(sitemap.contains("<lastmod>2024-01-02</lastmod>"));
    // 8 pages, and in English the tags' index and the pages of tags `a` and `b`.
    assert_eq!(sitemap.matches("<url>").count(), 11);
    assert!(sitemap.contains("<loc>https://example.org/en/tags/b/</loc>"));
    let page = site.read_out("zh/news/first/index.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/zh/news/first/\">"));
    assert!(page.contains("hreflang=\"x-default\" href=\"https://example.org/en/news/first/\""));
}

// A sitemap of many pages lists every page once, in the order of the site's keys, in one
// `urlset`.
#[test]
fn a_large_sitemap_lists_every_page_once_in_order() {
    let site = TestSite::minimal();
    for n in 0..1200 {
        let page = format!("---\ntitle: \"Page {n}\"\n---\n\nText.\n");
        site.write(&format!("content/many/p{n:04}.en.md"), page.as_bytes());
    }
    site.build_ok(&[]);
    let sitemap = site.read_out("sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "));
    assert!(sitemap.ends_with("</urlset>\n"));
    assert_eq!(sitemap.matches("<urlset").count(), 1);
    let many: Vec<&str> = sitemap
        .split("<loc>https://example.org/en/many/")
        .skip(1)
        .filter_map(|rest| rest.split_once("/</loc>").map(|(page, _)| page))
        .collect();
    let expected: Vec<String> = (0..1200).map(|n| format!("p{n:04}")).collect();
    assert_eq!(many, expected);
}

// What a list shows of each page (`section.pages`), field by field, as the front matter and
// `site.yaml` give it; a field a page leaves out is nothing.
#[test]
fn a_list_entry_has_every_field_of_its_page() {
    let site = TestSite::minimal();
    site.write(
        "themes/default/templates/section.html",
        b"{% for p in section.pages %}[{{ p.key }}|{{ p.title }}|{{ p.summary }}|\
{{ p.description }}|{{ p.date }}|{{ p.updated }}|{{ p.weight }}|{{ p.tags | join(sep=',') }}|\
{{ p.extra | json_encode() | safe }}|{{ p.url }}|{{ p.permalink }}|{{ p.fields | length }}]{% endfor %}",
    );
    site.write(
        "content/news/third.en.md",
        b"---\ntitle: Third post\ndate: 2024-03-04\nupdated: 2024-05-06\nweight: 7\n\
tags: [x, y z]\nsummary: Short.\ndescription: For previews.\nextra: { colour: green }\n---\n\nText.\n",
    );
    site.build_ok(&[]);
    let list = site.read_out("en/news/index.html");
    let third = "[news/third|Third post|Short.|For previews.|2024-03-04|2024-05-06|7|x,y z|{\"colour\":\"green\"}|\
/en/news/third/|https://example.org/en/news/third/|0]";
    assert!(list.contains(third), "{list}");
    // `first.en.md` gives only a summary, which is its description too.
    assert!(
        list.contains(
            "[news/first|First post|The first one.|The first one.|2024-01-02||2|a,b|null|"
        )
    );
    // `second.en.md` has no summary, description, date of update or extra.
    let second = list
        .split('[')
        .find(|e| e.starts_with("news/second|"))
        .unwrap();
    let fields: Vec<&str> = second.trim_end_matches(']').split('|').collect();
    assert_eq!(fields[2..4], ["", ""], "{second}");
    assert_eq!(fields[5], "", "{second}");
    assert_eq!(fields[8], "null", "{second}");
}

#[test]
fn assets_are_fingerprinted_and_referenced() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let assets: Vec<String> = std::fs::read_dir(site.out().join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let css = assets
        .iter()
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("fingerprinted stylesheet");
    assert_eq!(css.len(), "style.".len() + 8 + ".css".len(), "{css}");
    let page = site.read_out("en/news/first/index.html");
    assert!(page.contains(&format!("href=\"/assets/{css}\"")));
}

/// The value of the first `attr="…"` after `marker` in `html`.
fn attr_after<'a>(html: &'a str, marker: &str, attr: &str) -> &'a str {
    let rest = &html[html.find(marker).unwrap_or_else(|| panic!("no {marker}"))..];
    let rest = &rest[rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2..];
    &rest[..rest.find('"').unwrap()]
}

/// The build's content hash (FNV-1a 64, low 32 bits, hex) as it appears in asset names.
fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}", hash as u32)
}

/// Every file `_headers` marks immutable has the hash of its bytes in its name; returns how
/// many there are.
fn immutable_files_are_fingerprinted(out: &Path) -> usize {
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    let mut patterns = Vec::new();
    let mut pattern = "";
    for line in headers.lines() {
        if !line.starts_with(char::is_whitespace) {
            pattern = line.trim();
        } else if line.contains("immutable") {
            patterns.push(pattern.trim_start_matches('/').to_string());
        }
    }
    assert!(!patterns.is_empty(), "{headers}");
    let mut count = 0;
    for (path, bytes) in snapshot(out) {
        let path = path.to_string_lossy().replace('\\', "/");
        let covered = patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == *p,
        });
        if covered {
            let name = path.rsplit('/').next().unwrap();
            let hash = content_hash(&bytes);
            assert!(
                name.contains(&format!(".{hash}.")) || name.ends_with(&format!(".{hash}")),
                "{path} is marked immutable but its name lacks the hash of its bytes ({hash})"
            );
            count += 1;
        }
    }
    count
}

/// Regression: images and fonts kept their plain names while `_headers` marked all of
/// `assets/` immutable, so a replaced logo stayed stale in browsers for a year.
#[test]
fn theme_images_are_fingerprinted_and_only_fingerprinted_files_are_immutable() {
    let site = TestSite::with("theme_override");
    site.write(
        "themes/default/templates/page.html",
        b"{% extends \"base.html\" %}{% block main %}<img class=\"logo\" src=\"{{ asset(path='img/logo.png') }}\" alt=\"\">{{ page.content | safe }}{% endblock main %}",
    );
    let embedded = Path::new(env!("CARGO_MANIFEST_DIR")).join("builtin/theme/static/style.css");
    let style = std::fs::read_to_string(embedded).unwrap();
    site.write(
        "themes/default/static/style.css",
        format!("{style}\n.logo {{ background: url(\"img/logo.png\") }}\n").as_bytes(),
    );
    let mut seen = Vec::new();
    for logo in [&b"\x89PNG first"[..], &b"\x89PNG second"[..]] {
        site.write("themes/default/static/img/logo.png", logo);
        site.build_ok(&[]);
        let page = site.read_out("en/news/first/index.html");
        let img = attr_after(&page, "class=\"logo\"", "src").to_string();
        let rel = img.trim_start_matches('/');
        assert!(rel.starts_with("assets/img/logo."), "{img}");
        assert_eq!(std::fs::read(site.out().join(rel)).unwrap(), logo);
        // The stylesheet refers to the image by its fingerprinted name, relative to itself.
        let css_url = attr_after(&page, "rel=\"stylesheet\"", "href").to_string();
        let css = site.read_out(css_url.trim_start_matches('/'));
        let file = rel.rsplit('/').next().unwrap();
        assert!(
            css.contains(&format!("url(\"img/{file}\")")),
            "{css_url} does not refer to {file}"
        );
        assert!(immutable_files_are_fingerprinted(&site.out()) >= 3);
        seen.push((img, css_url));
    }
    assert_ne!(seen[0].0, seen[1].0, "a new logo must get a new URL");
    assert_ne!(seen[0].1, seen[1].1, "so must the stylesheet that uses it");
    assert!(!site.out().join(seen[0].0.trim_start_matches('/')).exists());
}

/// Every root-relative `href`/`src` in every HTML file, to check a deployment under a sub-path.
fn local_refs(out: &Path) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    for (path, bytes) in snapshot(out) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\"", "action=\""] {
            for piece in html.split(attr).skip(1) {
                let url = piece.split('"').next().unwrap().to_string();
                // `data:` URLs (the empty icon) name no file.
                if !url.starts_with("http") && !url.starts_with('#') && !url.starts_with("data:") {
                    refs.push((path.display().to_string(), url));
                }
            }
        }
    }
    refs
}

#[test]
fn base_url_with_a_sub_path_is_honoured_everywhere() {
    let site = TestSite::minimal();
    site.build_ok(&["--base-url", "https://host/guide/"]);
    let refs = local_refs(&site.out());
    assert!(refs.len() > 20);
    for (file, url) in refs {
        let path = url.split('#').next().unwrap();
        let target = if path.starts_with('/') {
            let rest = path
                .strip_prefix("/guide/")
                .unwrap_or_else(|| panic!("{file}: `{url}` does not start with /guide/"));
            site.out().join(rest)
        } else {
            // A relative link, as written in Markdown: relative to the page's folder.
            site.out().join(&file).parent().unwrap().join(path)
        };
        let exists = target.is_file() || target.join("index.html").is_file();
        assert!(exists, "{file}: `{url}` resolves to nothing under /guide/");
    }
    assert!(
        site.read_out("robots.txt")
            .contains("https://host/guide/sitemap.xml")
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::minimal();
    let root = site.root().to_string_lossy().into_owned();
    let a = site.root().join("a");
    let b = site.root().join("b");
    for out in [&a, &b] {
        let out = out.to_string_lossy().into_owned();
        let o = site.run(&["build", "--root", &root, "--out", &out]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    assert!(snapshot(&a) == snapshot(&b));
}

#[test]
fn drafts_only_with_the_flag() {
    let site = TestSite::with("drafts");
    site.build_ok(&[]);
    assert!(!site.out().join("en/news/draft/index.html").exists());
    site.build_ok(&["--drafts"]);
    assert!(site.out().join("en/news/draft/index.html").exists());
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let site = TestSite::minimal();
    site.write(
        "content/news/second.en.md",
        "\u{feff}---\r\ntitle: Windows file\r\nweight: 1\r\n---\r\n## Heading\r\n\r\nBody.\r\n"
            .as_bytes(),
    );
    site.build_ok(&[]);
    let page = site.read_out("en/news/second/index.html");
    assert!(page.contains("<h1>Windows file</h1>"));
    assert!(page.contains("<h2 id=\"heading\">Heading</h2>"));
}

#[test]
fn site_templates_override_the_embedded_ones() {
    let site = TestSite::with("theme_override");
    site.build_ok(&[]);
    assert!(
        site.read_out("en/news/first/index.html")
            .contains("<h1 class=\"overridden\">")
    );
    // Templates the site does not override still come from the embedded theme.
    assert!(
        site.read_out("en/news/index.html")
            .contains("class=\"cards\"")
    );
}

/// Templates that only insert `page.content` whole get it spliced in after rendering; a
/// template that filters it must still see the real HTML, and the stand-in never shows.
#[test]
fn page_content_is_the_real_html_however_templates_use_it() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let plain = site.read_out("en/news/first/index.html");
    site.write(
        "themes/default/templates/page.html",
        b"{% extends \"base.html\" %}{% block main %}<p class=\"plain\">{{ page.content | striptags | trim }}</p><div>{{ page.content | safe }}</div>{% endblock main %}",
    );
    site.build_ok(&[]);
    let filtered = site.read_out("en/news/first/index.html");
    for html in [&plain, &filtered] {
        assert!(!html.contains('\u{E000}'), "{html}");
    }
    let body = plain.split("<div class=\"prose\">").nth(1).unwrap();
    let body = &body[..body.find("</div>").unwrap()];
    assert!(body.contains("<p>"), "{body}");
    assert!(
        filtered.contains(&format!("<div>{body}</div>")),
        "{filtered}"
    );
    // Filtered: the text of the real HTML, tags stripped.
    let text = filtered.split("<p class=\"plain\">").nth(1).unwrap();
    let text = &text[..text.find("</p>").unwrap()];
    assert!(text.starts_with("Part one"), "{text}");
    assert!(!text.contains('<'), "{text}");
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::minimal();
    let root = site.root().to_string_lossy().into_owned();
    let outcome = run_in(site.root(), &["check", "--root", &root]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains("nothing written"));
    assert!(!site.out().exists());
}

/// The folders beside the site's output whose names a build's staging or old folders take.
fn leftovers(site: &TestSite) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect()
}

#[test]
fn a_failed_build_leaves_no_staging_folder() {
    // A template that fails while pages are being written, and a broken link found once every
    // file is in the staging folder: either way the staging folder goes, public/ stays.
    for failure in ["template_render", "broken_relative_link"] {
        let site = TestSite::minimal();
        site.build_ok(&[]);
        let before = snapshot(&site.out());
        site.overlay(failure);
        assert_eq!(site.build().code, 1, "{failure}");
        assert!(
            snapshot(&site.out()) == before,
            "{failure}: public/ changed"
        );
        assert!(
            leftovers(&site).is_empty(),
            "{failure}: {:?}",
            leftovers(&site)
        );
    }
}

#[test]
fn the_search_text_kept_on_disk_never_reaches_the_output() {
    // Guards the scratch files a build keeps the pages' search text in (`sink/spill.rs`): gone
    // from what is published, and with the staging folder when the build fails after them.
    let site = TestSite::minimal();
    for lang in ["en", "zh"] {
        let search = "---\ntitle: \"Search\"\n---\n\nSearch the site.\n";
        site.write(&format!("content/search.{lang}.md"), search.as_bytes());
    }
    site.build_ok(&[]);
    let published = snapshot(&site.out());
    for lang in ["en", "zh"] {
        let index = site.read_out(&format!("{lang}/search/index.json"));
        assert!(index.contains("news/first/"), "{lang}: {index}");
    }
    let scratch: Vec<_> = (published.keys())
        .filter(|path| path.to_string_lossy().contains("search-text"))
        .collect();
    assert!(scratch.is_empty(), "{scratch:?}");
    // A template that fails while pages are written (some records are on disk), and a broken
    // link found after the index was made from them.
    for failure in ["template_render", "broken_relative_link"] {
        let failing = TestSite::minimal();
        copy_tree(site.root(), failing.root());
        failing.overlay(failure);
        assert_eq!(failing.build().code, 1, "{failure}");
        assert!(snapshot(&failing.out()) == published, "{failure}");
        assert!(leftovers(&failing).is_empty(), "{failure}");
    }
}

#[test]
fn a_killed_builds_staging_folder_goes_with_the_next_build() {
    let site = TestSite::minimal();
    // What a build killed while writing leaves: a staging folder holding the marker.
    site.write(
        ".public.staging-1/.invest-guide-build",
        b"written by a build\n",
    );
    site.write(".public.staging-1/en/index.html", b"half");
    // A folder that merely shares the name is not ours to remove.
    site.write(".public.staging-2/notes.txt", b"mine");
    site.build_ok(&[]);
    assert_eq!(leftovers(&site), [".public.staging-2"]);
    assert!(site.out().join("en/index.html").is_file());
}

#[test]
fn check_reports_orphans_and_lists_external_links() {
    let site = TestSite::with("orphan");
    let root = site.root().to_string_lossy().into_owned();
    let outcome = site.run(&["check", "--root", &root]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("content/lonely.en.md: warning: orphan page: no other page links to it"),
        "{}",
        outcome.stderr
    );
    // Linked pages are not orphans, even though only their section lists them.
    assert!(
        !outcome.stderr.contains("news/second"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stdout.contains("external links (listed, not fetched):\n  content/lonely.en.md:4: https://example.com/spec"), "{}", outcome.stdout);
    assert_eq!(site.run(&["check", "--root", &root, "--strict"]).code, 1);
}

#[test]
fn shortcodes_inside_code_stay_as_written() {
    // Guards `{{` in a code span or block taken for a shortcode (and failing the build).
    let site = TestSite::with("shortcodes_in_code");
    site.build_ok(&[]);
    let page = site.read_out("en/news/second/index.html");
    let code = "{{ amount(name=\"x\") }}";
    for expected in [
        "The figure is US$50\u{a0}million.</p>".to_string(),
        format!("<p>Write a figure as <code>{code}</code>, or as <code>{code}</code>.</p>"),
        format!(
            "<pre><code class=\"language-markdown\">Total: {code}\nAn unclosed {{{{ stays text here.\n</code></pre>"
        ),
        format!("<pre><code>{code} in an indented block\n</code></pre>"),
        "<pre><code>{{ amount(name=\"nope\") }}\n</code></pre>".to_string(),
        "<p>And in text again: US$50\u{a0}million.</p>".to_string(),
    ] {
        assert!(page.contains(&expected), "no `{expected}` in:\n{page}");
    }
}

// `url` and `link` look a key up in the page's own language: `url` gives its URL, `link` its
// title and URL, and nothing for a key with no page there (a missing page is `url`'s error).
#[test]
fn url_and_link_read_the_page_of_the_same_language() {
    let site = TestSite::minimal();
    site.write(
        "themes/default/templates/page.html",
        br#"{% extends "base.html" %}{% block main %}{% set l = link(key="news/first") %}{% set none = link(key="news/nothing") %}<p class="probe">{{ url(key="news/first") }}|{{ l.title }}|{{ l.url }}|{% if none %}found{% else %}none{% endif %}</p>{% endblock main %}"#,
    );
    site.build_ok(&[]);
    let probe = |rel: &str| {
        let html = site.read_out(rel);
        let start = html.find(r#"<p class="probe">"#).expect("the probe") + 17;
        html[start..start + html[start..].find("</p>").unwrap()].to_string()
    };
    assert_eq!(
        probe("en/news/second/index.html"),
        "/en/news/first/|First post|/en/news/first/|none"
    );
    assert_eq!(
        probe("zh/news/second/index.html"),
        "/zh/news/first/|第一篇|/zh/news/first/|none"
    );
    site.write(
        "themes/default/templates/page.html",
        br#"{% extends "base.html" %}{% block main %}{{ url(key="news/nothing") }}{% endblock main %}"#,
    );
    let out = site.build();
    assert_ne!(out.code, 0, "a missing page is an error");
    assert!(
        out.stderr
            .contains("url(key=\"news/nothing\"): no page `news/nothing` in language"),
        "{}",
        out.stderr
    );
}
