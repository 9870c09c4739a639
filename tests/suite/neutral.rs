//! The built-in theme is neutral: a site that is not the guide carries nothing of the guide
//! (its footer citing the plan, its search placeholder, its names), and its home page, when it
//! has no text of its own, leads to its sections and newest pages.

use crate::harness::{run_in, snapshot};
use std::fs;
use std::path::Path;

/// A small trilingual site about birds and trees, nothing like the guide.
fn notes_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "site.yaml",
            "base_url: \"https://notes.example.net/\"\n\
             default_language: en\n\
             languages:\n  \
               en: { name: \"English\", title: \"Field Notes\", footer: \"Fish & <b>chips</b>, 2026\" }\n  \
               ru: { name: \"Русский\", title: \"Полевые заметки\" }\n  \
               zh: { name: \"中文\", title: \"野外笔记\" }\n",
        ),
        // No text under the front matter: the home page lists the way in.
        ("content/_index.en.md", "---\ntitle: Field Notes\n---\n"),
        // Text of its own: the home page is that text.
        (
            "content/_index.ru.md",
            "---\ntitle: Полевые заметки\n---\n\nЗаметки о птицах.\n",
        ),
        // No home file at all in zh: a generated home page, which lists too.
        (
            "content/birds/_index.en.md",
            "---\ntitle: Birds\nsummary: What flies by.\n---\n",
        ),
        ("content/birds/_index.ru.md", "---\ntitle: Птицы\n---\n"),
        ("content/birds/_index.zh.md", "---\ntitle: 鸟类\n---\n"),
        (
            "content/birds/heron.en.md",
            "---\ntitle: Grey heron\ndate: 2026-03-01\n---\n\nTall and patient.\n",
        ),
        (
            "content/birds/crane.en.md",
            "---\ntitle: Common crane\ndate: 2026-05-10\n---\n\nLoud in spring.\n",
        ),
        (
            "content/birds/crane.ru.md",
            "---\ntitle: Серый журавль\ndate: 2026-05-10\n---\n\nГромкий весной.\n",
        ),
        (
            "content/birds/crane.zh.md",
            "---\ntitle: 灰鹤\ndate: 2026-05-10\n---\n\n春天很吵。\n",
        ),
        ("content/trees/_index.en.md", "---\ntitle: Trees\n---\n"),
        (
            "content/trees/oak.en.md",
            "---\ntitle: Oak\ndate: 2025-11-02\n---\n\nSlow.\n",
        ),
        (
            "content/about.en.md",
            "---\ntitle: About\n---\n\nNo date.\n",
        ),
        ("content/search.en.md", "---\ntitle: Search\n---\n"),
        ("content/search.ru.md", "---\ntitle: Поиск\n---\n"),
        ("content/search.zh.md", "---\ntitle: 搜索\n---\n"),
    ];
    for (rel, text) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn build(root: &Path) {
    let root = root.to_string_lossy().into_owned();
    let outcome = run_in(Path::new(&root), &["build", "--root", &root]);
    assert_eq!(outcome.code, 0, "build failed:\n{}", outcome.stderr);
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("public").join(rel)).unwrap()
}

/// Words only the guide has: its city in three languages, its plan's number, its placeholder,
/// its footer and the names it calls itself.
const GUIDE_TRACES: &[&str] = &[
    "武威",
    "wuwei",
    "увэ",
    "109号",
    "no. 109",
    "№ 109",
    "bonded",
    "保税",
    "бондов",
    "land quota",
    "implementation plan",
    "实施方案",
    "本指南",
    "this guide",
    "the guide",
    "путеводител",
    "three languages",
    "三种语言",
    "трёх языках",
];

#[test]
fn a_site_that_is_not_the_guide_carries_nothing_of_it() {
    let site = notes_site();
    build(site.path());
    let files = snapshot(&site.path().join("public"));
    assert!(files.len() > 20, "{}", files.len());
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for trace in GUIDE_TRACES {
            assert!(
                !text.contains(trace),
                "{} holds `{trace}`, a trace of the guide",
                path.display()
            );
        }
    }
    // The neutral wording of what the guide words its own way.
    let page = read(site.path(), "en/birds/heron/index.html");
    assert!(page.contains("placeholder=\"Search this site\""), "{page}");
    let ru = read(site.path(), "ru/birds/crane/index.html");
    assert!(ru.contains("placeholder=\"Поиск по сайту\""), "{ru}");
    let zh = read(site.path(), "zh/birds/crane/index.html");
    assert!(zh.contains("placeholder=\"搜索本站\""), "{zh}");
}

#[test]
fn the_footer_is_the_sites_own_text_from_site_yaml() {
    let site = notes_site();
    build(site.path());
    let footer = |rel: &str| {
        let page = read(site.path(), rel);
        let start = page.find("<footer").expect("a footer");
        page[start..page.find("</footer>").unwrap()].to_string()
    };
    // Plain text, escaped: what site.yaml says is never taken as HTML.
    let en = footer("en/birds/heron/index.html");
    assert!(
        en.contains("<p>Fish &amp; &lt;b&gt;chips&lt;/b&gt;, 2026</p>"),
        "{en}"
    );
    // No `footer:` for ru: only the address printed on paper.
    let ru = footer("ru/birds/crane/index.html");
    assert_eq!(ru.matches("<p").count(), 1, "{ru}");
    assert!(ru.contains("class=\"print-only\""), "{ru}");
}

#[test]
fn a_home_page_without_text_lists_the_sections_and_the_newest_pages() {
    let site = notes_site();
    build(site.path());
    let home = read(site.path(), "en/index.html");
    let sections = home
        .find("<h2 id=\"home-sections\">Sections</h2>")
        .expect(&home);
    let latest = home
        .find("<h2 id=\"home-latest\">Latest pages</h2>")
        .expect(&home);
    assert!(sections < latest);
    let listed = |from: usize, to: usize, link: &str| home[from..to].contains(link);
    let end = home.len();
    assert!(listed(sections, latest, "<a href=\"/en/birds/\">Birds</a>"));
    assert!(listed(sections, latest, "What flies by."));
    assert!(listed(sections, latest, "<a href=\"/en/trees/\">Trees</a>"));
    // Newest first; a page without a date is not among the latest.
    let crane = home[latest..].find("/en/birds/crane/").expect(&home);
    let heron = home[latest..].find("/en/birds/heron/").expect(&home);
    let oak = home[latest..].find("/en/trees/oak/").expect(&home);
    assert!(crane < heron && heron < oak, "{home}");
    assert!(home[latest..].contains("<time datetime=\"2026-05-10\">"));
    assert!(!listed(latest, end, "/en/about/"));
    // A generated home page (no file) lists too, in its language.
    let zh = read(site.path(), "zh/index.html");
    assert!(
        zh.contains(">栏目</h2>") && zh.contains(">最新内容</h2>"),
        "{zh}"
    );
    assert!(zh.contains("<a href=\"/zh/birds/\">鸟类</a>"), "{zh}");
    // A home page with text of its own is that text.
    let ru = read(site.path(), "ru/index.html");
    assert!(ru.contains("Заметки о птицах."));
    assert!(
        !ru.contains("home-sections") && !ru.contains("home-latest"),
        "{ru}"
    );
}
