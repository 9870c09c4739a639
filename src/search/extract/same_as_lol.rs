//! The scanner against the lol_html extractor it replaced, on every HTML file of real builds.

use super::{extract, lol};
use crate::BuildOptions;
use std::path::{Path, PathBuf};

fn built_html(root: &Path, drafts: bool) -> Vec<(String, String)> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        out: None,
        base_url: None,
        drafts,
        force: false,
        node_cases: false,
    };
    let built = crate::build_in_memory(&options)
        .unwrap_or_else(|problems| panic!("{} does not build: {problems:?}", root.display()));
    built
        .files
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Asserts both extractors agree on every page; returns how many pages had a region.
fn same(pages: &[(String, String)]) -> usize {
    let mut indexed = 0;
    for (path, html) in pages {
        let new = extract(html);
        assert_eq!(new, lol::extract(html), "{path}");
        indexed += usize::from(matches!(new, Ok(Some(_))));
    }
    indexed
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn on_every_page_of_the_guide() {
    for drafts in [false, true] {
        let pages = built_html(&repo(), drafts);
        assert!(pages.len() > 50, "{}", pages.len());
        assert!(same(&pages) > 50);
    }
}

#[test]
fn on_every_page_of_a_generated_tree_with_search() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    let status = std::process::Command::new("python3")
        .arg(repo().join("bench/gen_tree.py"))
        .arg("300")
        .arg(&tree)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs bench/gen_tree.py");
    assert!(status.success());
    for lang in ["zh", "en", "ru"] {
        std::fs::write(
            tree.join(format!("content/search.{lang}.md")),
            "---\ntitle: \"Search\"\n---\n\nSearch the site.\n",
        )
        .unwrap();
    }
    let pages = built_html(&tree, false);
    assert!(pages.len() > 900, "{}", pages.len());
    assert!(same(&pages) > 900);
}

/// Markup that exercises the tokenizer's corners, spliced into real pages at many places.
const SPLICES: &[&str] = &[
    "<",
    ">",
    "</",
    "</>",
    "</p>",
    "</div>",
    "</article>",
    "<p>",
    "<br/>",
    "<img data-index>",
    "<svg><title>t</title><path/><p>x</svg>",
    "<math><mi>x</mi><annotation-xml encoding=\"text/html\"><b>y</b></annotation-xml></math>",
    "<svg><![CDATA[a<b]]></svg>",
    "<!-- a > b -->",
    "<!-->",
    "<!--->",
    "<!---->",
    "<!-- x --!>",
    "<!doctype html>",
    "<?php x ?>",
    "<![CDATA[x]]>",
    "<script>if (a</b) x('</scr'+'ipt>')</script>",
    "<script><!--<script></script>x--></script>",
    "<style>p{}</style >",
    "<title>&amp; x</title>",
    "<textarea><b>x</b></textarea>",
    "<noscript><p>n</p></noscript>",
    "<h2 id=\"x&amp;y\" class='a>b'>H</h2>",
    "<h1>T</h1>",
    "<h3 id=q data-index-ignore>I</h3>",
    "<nav>N</nav>",
    "<template><p>t</p></template>",
    "<div data-index>R</div>",
    "<a href=x/>l</a>",
    "<p a=\"",
    "<p a='>'>",
    "<P ID=Up>",
    "<font color=red>f</font>",
    "<select><option>o</select>",
    "<select><style>",
    "<frameset>",
    "<meta name=robots content=NOINDEX>",
    "&amp;&lt;&#x4E2D;&bogus;",
    "保税",
    "<svg/>",
    "<svg><foreignObject><p>f</p></foreignObject><desc/><rect/></svg>",
    "<math><mtext>m</mtext></math>",
    "<h2>",
    "</h2>",
    "<h1 data-index-ignore>",
    "<iframe>i</iframe>",
    "<xmp><p></xmp>",
    "<a b=c d e = 'f' g=\"h\"/>",
    "<p/ q>",
    "<li>",
    "<script>",
    "<plaintext>",
    "</template>",
    "</select>",
    "\u{0}",
];

#[test]
fn on_real_pages_with_markup_spliced_in() {
    let pages = built_html(&repo(), false);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut checked = 0;
    for (path, html) in pages
        .iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .take(400)
    {
        for _ in 0..100 {
            let mut page = html.clone();
            for _ in 0..1 + next() % 8 {
                let mut at = (next() % (page.len() as u64 + 1)) as usize;
                while !page.is_char_boundary(at) {
                    at -= 1;
                }
                page.insert_str(at, SPLICES[(next() % SPLICES.len() as u64) as usize]);
            }
            assert_eq!(extract(&page), lol::extract(&page), "{path}: {page}");
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

/// Pages made only of those splices and bits of text, inside and outside a region.
#[test]
fn on_pages_made_of_markup_corners() {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let cases: usize = std::env::var("EXTRACT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000);
    for _ in 0..cases {
        let mut page = String::from("<html><head><title>T</title></head><body>");
        if next() % 4 != 0 {
            page.push_str("<main data-index>");
        }
        for _ in 0..next() % 24 {
            page.push_str(SPLICES[(next() % SPLICES.len() as u64) as usize]);
            if next() % 2 == 0 {
                page.push_str(["a b", " ", "中文", "x\n", "-", "--"][(next() % 6) as usize]);
            }
        }
        assert_eq!(extract(&page), lol::extract(&page), "{page}");
    }
}
