//! Link previews and structured data: Open Graph and Twitter card tags on every page, the
//! default preview image and favicon the theme ships, and JSON-LD that parses as JSON and says
//! what the page is (`WebSite` with its `SearchAction` on a home page, `BreadcrumbList` below).

use crate::harness::{TestSite, build_guide_into};
use serde_json::Value;
use std::fs;
use std::path::Path;

const BASE: &str = "https://invest.example.org/";

/// The `content` of `<meta property="NAME" …>` (or `name="NAME"`), every one in order.
fn metas<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let head = &html[..html.find("</head>").expect("a head")];
    let mut out = Vec::new();
    for attr in ["property", "name"] {
        let open = format!("<meta {attr}=\"{name}\" content=\"");
        out.extend(
            head.split(open.as_str())
                .skip(1)
                .filter_map(|rest| rest.split('"').next()),
        );
    }
    out
}

fn one<'a>(html: &'a str, name: &str, page: &str) -> &'a str {
    let found = metas(html, name);
    assert_eq!(found.len(), 1, "{page}: {name} {found:?}");
    found[0]
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let text = &rest[..rest.find("</script>").expect("closed")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        })
        .collect()
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let int = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (int(16), int(20))
}

fn local(out: &Path, url: &str) -> std::path::PathBuf {
    out.join(url.strip_prefix(BASE).expect("an absolute URL of the site"))
}

#[test]
fn every_page_of_the_guide_has_a_preview_and_structured_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    let mut pages = 0;
    for lang in ["zh", "en", "ru"] {
        for entry in walkdir::WalkDir::new(out.join(lang)) {
            let path = entry.unwrap().into_path();
            if path.file_name().is_none_or(|n| n != "index.html") {
                continue;
            }
            let html = fs::read_to_string(&path).unwrap();
            let rel = path
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let url = format!("{BASE}{}", rel.trim_end_matches("index.html"));
            let page = rel.as_str();
            pages += 1;
            assert_eq!(one(&html, "og:url", page), url);
            assert!(!one(&html, "og:title", page).is_empty(), "{page}");
            assert_eq!(one(&html, "twitter:card", page), "summary_large_image");
            let locale = one(&html, "og:locale", page);
            assert_eq!(locale, lang, "{page}");
            let mut alternates = metas(&html, "og:locale:alternate");
            alternates.sort();
            let mut others: Vec<&str> = ["en", "ru", "zh"]
                .into_iter()
                .filter(|l| *l != lang)
                .collect();
            others.sort();
            assert_eq!(alternates, others, "{page}");
            let site_name = one(&html, "og:site_name", page);
            assert!(
                html.contains(&format!(
                    "class=\"site-title\" href=\"/{lang}/\">{site_name}</a>"
                )),
                "{page}: og:site_name {site_name}"
            );
            // The meta description, where there is one, is what the preview says too.
            let description = metas(&html, "description");
            assert_eq!(metas(&html, "og:description"), description, "{page}");
            let image = one(&html, "og:image", page);
            let bytes =
                fs::read(local(&out, image)).unwrap_or_else(|e| panic!("{page}: {image}: {e}"));
            assert_eq!(png_size(&bytes), (1200, 630), "{image}");
            assert!(bytes.len() < 20_000, "{image} is {} bytes", bytes.len());
            if rel.ends_with("/print/index.html") {
                // The print edition is outside the site's tree: no breadcrumbs to describe.
                assert!(json_ld(&html).is_empty(), "{page}");
            } else {
                check_json_ld(&html, lang, &url, page);
            }
        }
    }
    assert!(pages >= 90, "{pages} pages");
    let icon = fs::read(out.join("favicon.ico")).unwrap();
    assert_eq!(
        &icon[..4],
        b"\0\0\x01\0",
        "/favicon.ico is not an icon file"
    );
    assert_eq!(
        png_size(&icon[22..]),
        (32, 32),
        "the icon holds a 32×32 PNG"
    );
}

fn check_json_ld(html: &str, lang: &str, url: &str, page: &str) {
    let blocks = json_ld(html);
    assert_eq!(blocks.len(), 1, "{page}: {blocks:?}");
    let ld = &blocks[0];
    assert_eq!(ld["@context"], "https://schema.org", "{page}");
    if url == format!("{BASE}{lang}/") {
        assert_eq!(ld["@type"], "WebSite", "{page}");
        assert_eq!(ld["url"], url, "{page}");
        let action = &ld["potentialAction"];
        assert_eq!(action["@type"], "SearchAction");
        let target = format!("{BASE}{lang}/search/?q={{search_term_string}}");
        assert_eq!(action["target"]["urlTemplate"], target.as_str(), "{page}");
        assert_eq!(action["query-input"], "required name=search_term_string");
        return;
    }
    assert_eq!(ld["@type"], "BreadcrumbList", "{page}");
    let items = ld["itemListElement"].as_array().unwrap();
    assert!(items.len() >= 2, "{page}");
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["position"], i + 1, "{page}");
        assert!(
            item["name"].as_str().is_some_and(|n| !n.is_empty()),
            "{page}"
        );
    }
    assert_eq!(
        items[0]["item"],
        format!("{BASE}{lang}/"),
        "{page}: starts at home"
    );
    assert_eq!(
        items.last().unwrap()["item"],
        url,
        "{page}: ends at the page"
    );
}

// Guards the script element: a title holding `</script>` must stay inside the JSON-LD.
#[test]
fn a_title_cannot_break_out_of_the_json_ld() {
    let site = TestSite::minimal();
    let title = "Close </script><script>alert(1)</script> & <!-- that";
    site.write(
        "content/news/first.en.md",
        format!("---\ntitle: '{title}'\n---\n## Part two\n\nText.\n").as_bytes(),
    );
    site.build_ok(&[]);
    let html = site.read_out("en/news/first/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    let blocks = json_ld(&html);
    assert_eq!(blocks.len(), 1);
    let items = blocks[0]["itemListElement"].as_array().unwrap();
    assert_eq!(items.last().unwrap()["name"], title);
    assert_eq!(
        metas(&html, "og:title"),
        [title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")]
    );
}
