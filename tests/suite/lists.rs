//! Long lists and tags: `paginate:` cuts a section's or a tag's list into pages
//! (`/LANG/SECTION/page/N/`, page 1 at the section's URL), and `tags:` in front matter makes
//! `/LANG/tags/` and a page per tag, in every language, in the sitemap, with located errors.

use crate::harness::{TestSite, snapshot};

const LANGS: [&str; 3] = ["en", "zh", "ru"];

/// A trilingual site whose `news` section has `n` pages (`item-01` … in that order, by
/// weight), with `paginate` in site.yaml when given; every page `extra` in its front matter.
fn news_site(n: usize, paginate: Option<usize>, extra: impl Fn(usize, &str) -> String) -> TestSite {
    let site = TestSite::minimal();
    let paginate = paginate.map_or(String::new(), |p| format!("paginate: {p}\n"));
    site.write(
        "site.yaml",
        format!(
            "base_url: \"https://example.org/\"\ndefault_language: en\n{paginate}languages:\n  \
             en: {{ name: \"English\", title: \"Example\" }}\n  \
             zh: {{ name: \"中文\", title: \"示例\" }}\n  \
             ru: {{ name: \"Русский\", title: \"Пример\" }}\n"
        )
        .as_bytes(),
    );
    for old in ["first", "second"] {
        for lang in ["en", "zh"] {
            std::fs::remove_file(site.root().join(format!("content/news/{old}.{lang}.md")))
                .unwrap();
        }
    }
    for lang in LANGS {
        site.write(
            &format!("content/_index.{lang}.md"),
            format!("---\ntitle: Home {lang}\n---\nWelcome.\n").as_bytes(),
        );
        site.write(
            &format!("content/news/_index.{lang}.md"),
            format!("---\ntitle: News {lang}\n---\nThe news intro in {lang}.\n").as_bytes(),
        );
        for i in 1..=n {
            let more = extra(i, lang);
            site.write(
                &format!("content/news/item-{i:02}.{lang}.md"),
                format!("---\ntitle: Item {i} {lang}\nweight: {i}\n{more}---\nBody of item {i}.\n")
                    .as_bytes(),
            );
        }
    }
    site
}

fn no_extra(_: usize, _: &str) -> String {
    String::new()
}

/// The hrefs of the cards a list page shows, in order.
fn cards(html: &str) -> Vec<String> {
    html.split("<li class=\"card card-link\"><h2><a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

fn items(lang: &str, range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range
        .map(|i| format!("/{lang}/news/item-{i:02}/"))
        .collect()
}

/// What the `<head>` of a page says about its neighbours: (prev, next).
fn head_links(html: &str) -> (Option<String>, Option<String>) {
    let head = &html[..html.find("</head>").unwrap()];
    let find = |rel: &str| {
        let marker = format!("<link rel=\"{rel}\" href=\"");
        head.find(&marker).map(|i| {
            let rest = &head[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
    };
    (find("prev"), find("next"))
}

// The case: 25 pages, 10 a page → 3 list pages in each language, in order.
#[test]
fn a_section_of_25_pages_by_10_makes_three_list_pages_in_every_language() {
    let site = news_site(25, Some(10), no_extra);
    site.build_ok(&[]);
    for lang in LANGS {
        let base = format!("/{lang}/news/");
        let first = site.read_out(&format!("{lang}/news/index.html"));
        let second = site.read_out(&format!("{lang}/news/page/2/index.html"));
        let third = site.read_out(&format!("{lang}/news/page/3/index.html"));
        assert!(!site.out().join(format!("{lang}/news/page/4")).exists());
        assert_eq!(cards(&first), items(lang, 1..=10), "{lang} page 1");
        assert_eq!(cards(&second), items(lang, 11..=20), "{lang} page 2");
        assert_eq!(cards(&third), items(lang, 21..=25), "{lang} page 3");
        let page = |n: usize| format!("{base}page/{n}/");
        assert_eq!(head_links(&first), (None, Some(page(2))));
        assert_eq!(head_links(&second), (Some(base.clone()), Some(page(3))));
        assert_eq!(head_links(&third), (Some(page(2)), None));
        // The pager: the current page marked, previous and next as links.
        assert!(
            second.contains(&format!("<a href=\"{base}\" rel=\"prev\">")),
            "{second}"
        );
        assert!(second.contains(&format!("<a href=\"{}\" rel=\"next\">", page(3))));
        assert!(second.contains(&format!("href=\"{}\"", page(2))));
        let current = |html: &str| {
            let pager = &html[html.find("<nav class=\"list-pager\"").unwrap()..];
            let pager = &pager[..pager.find("</nav>").unwrap()];
            pager.matches("aria-current").count()
        };
        let numbered =
            |html: &str, n: usize| html.contains(&format!("\" aria-current=\"page\">{n}</a>"));
        assert!(numbered(&first, 1) && numbered(&second, 2) && numbered(&third, 3));
        // The pager marks one page as the current one.
        assert_eq!(
            (current(&first), current(&second), current(&third)),
            (1, 1, 1)
        );
        assert!(second.contains("<nav class=\"list-pager\" aria-label=\""));
        // The intro is on page 1 only, and only page 1 is marked for the search index.
        let intro = format!("The news intro in {lang}.");
        assert!(first.contains(&intro) && !second.contains(&intro));
        assert!(first.contains("<article data-index>") && !second.contains("data-index"));
        // Each list page is its own canonical URL.
        assert!(second.contains(&format!(
            "<link rel=\"canonical\" href=\"https://example.org/{lang}/news/page/2/\">"
        )));
    }
    let status = [
        ("en", "Page 2 of 3"),
        ("zh", "第2页，共3页"),
        ("ru", "Страница 2 из 3"),
    ];
    for (lang, text) in status {
        let second = site.read_out(&format!("{lang}/news/page/2/index.html"));
        assert!(
            second.contains(&format!("<p>{text}</p>")),
            "{lang}: {second}"
        );
        assert!(
            second.contains(&format!("<title>News {lang} · {text} · ")),
            "{lang}"
        );
        let first = site.read_out(&format!("{lang}/news/index.html"));
        assert!(first.contains(&format!("<title>News {lang} · ")), "{lang}");
    }
}

// Page 1 has one URL: /page/1/ leads to the section, as an alias would.
#[test]
fn page_one_redirects_to_the_section_and_every_list_page_is_in_the_sitemap() {
    let site = news_site(25, Some(10), no_extra);
    site.build_ok(&[]);
    for lang in LANGS {
        let redirect = site.read_out(&format!("{lang}/news/page/1/index.html"));
        let target = format!("https://example.org/{lang}/news/");
        assert!(redirect.contains(&format!(
            "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
        )));
        assert!(redirect.contains("<meta name=\"robots\" content=\"noindex\">"));
    }
    let redirects = site.read_out("_redirects");
    assert!(
        redirects.contains("/en/news/page/1/ /en/news/ 301\n"),
        "{redirects}"
    );
    let sitemap = site.read_out("sitemap.xml");
    for lang in LANGS {
        for n in [2, 3] {
            let loc = format!("<loc>https://example.org/{lang}/news/page/{n}/</loc>");
            assert_eq!(sitemap.matches(&loc).count(), 1, "{loc}");
            let alternate =
                format!("hreflang=\"{lang}\" href=\"https://example.org/{lang}/news/page/{n}/\"");
            // Listed as the alternate of each language's page n, and its own.
            assert_eq!(sitemap.matches(&alternate).count(), 3, "{alternate}");
        }
        assert!(!sitemap.contains(&format!("{lang}/news/page/1/")));
        assert!(!sitemap.contains(&format!("{lang}/news/page/4/")));
    }
}

#[test]
fn an_index_sets_its_own_paginate_and_zero_turns_it_off() {
    let site = news_site(12, Some(10), no_extra);
    site.write(
        "content/news/_index.en.md",
        b"---\ntitle: News en\npaginate: 0\n---\nAll at once.\n",
    );
    site.write(
        "content/news/_index.ru.md",
        b"---\ntitle: News ru\npaginate: 5\n---\nFive a page.\n",
    );
    site.build_ok(&[]);
    assert_eq!(cards(&site.read_out("en/news/index.html")).len(), 12);
    assert!(!site.out().join("en/news/page").exists());
    assert_eq!(cards(&site.read_out("zh/news/page/2/index.html")).len(), 2);
    assert_eq!(
        cards(&site.read_out("ru/news/page/3/index.html")),
        items("ru", 11..=12)
    );
    // zh page 2 has no English page 2 to name as its alternate; the switch leads to the list.
    let zh = site.read_out("zh/news/page/2/index.html");
    assert!(
        !zh.contains("hreflang=\"en\" href=\"https://example.org/en/news"),
        "{zh}"
    );
    assert!(zh.contains("<a href=\"/en/news/\" lang=\"en\""), "{zh}");
}

#[test]
fn without_paginate_nothing_is_cut() {
    let site = news_site(25, None, no_extra);
    site.build_ok(&[]);
    assert_eq!(cards(&site.read_out("en/news/index.html")).len(), 25);
    assert!(!site.out().join("en/news/page").exists());
    let page = site.read_out("en/news/index.html");
    assert!(!page.contains("rel=\"next\"") && !page.contains("list-pager"));
    assert!(
        !site.out().join("en/tags").exists(),
        "no tags, no tag pages"
    );
}

// List pages 2 and on repeat no text of the section: the index holds the section once.
#[test]
fn the_search_index_has_each_section_once_and_no_tag_pages() {
    let site = news_site(25, Some(10), |_, _| "tags: [alpha]\n".to_string());
    for lang in LANGS {
        site.write(
            &format!("content/search.{lang}.md"),
            b"---\ntitle: Search\n---\nSearch the site.\n",
        );
    }
    site.build_ok(&[]);
    let index = site.read_out("en/search/index.json");
    assert!(
        index.contains("\"en/news/\""),
        "the section's first page is indexed"
    );
    assert!(index.contains("\"en/news/item-25/\""));
    for absent in ["en/news/page/", "en/tags/"] {
        assert!(!index.contains(absent), "{absent} in the index");
    }
}

/// Tags in three scripts, on some pages of each language.
fn tagged(i: usize, lang: &str) -> String {
    let mut tags = vec!["Bonded logistics"];
    if i <= 3 {
        tags.push("保税 物流");
    }
    if i <= 5 {
        tags.push("Бондовый склад");
    }
    if i == 1 {
        tags.push("R&D");
    }
    if lang == "ru" && i == 21 {
        tags.push("Only ru");
    }
    let quoted: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    format!("tags: [{}]\n", quoted.join(", "))
}

#[test]
fn tags_get_an_index_with_counts_and_a_page_each_in_every_language() {
    let site = news_site(21, Some(10), tagged);
    site.build_ok(&[]);
    for lang in LANGS {
        let index = site.read_out(&format!("{lang}/tags/index.html"));
        for slug in ["bonded-logistics", "保税-物流", "бондовый-склад", "rd"] {
            assert!(
                index.contains(&format!("<a href=\"/{lang}/tags/{slug}/\">")),
                "{lang}: {slug} in\n{index}"
            );
            assert!(
                site.out()
                    .join(format!("{lang}/tags/{slug}/index.html"))
                    .is_file()
            );
        }
        let page = site.read_out(&format!("{lang}/tags/保税-物流/index.html"));
        assert_eq!(cards(&page), items(lang, 1..=3));
        // The page shows its tags, each linking to its tag's page.
        let item = site.read_out(&format!("{lang}/news/item-01/index.html"));
        assert!(
            item.contains(&format!(
                "<a href=\"/{lang}/tags/rd/\" rel=\"tag\">R&amp;D</a>"
            )),
            "{item}"
        );
        // A tag's list is cut like a section's: 21 pages by 10.
        let third = site.read_out(&format!("{lang}/tags/bonded-logistics/page/3/index.html"));
        assert_eq!(cards(&third), items(lang, 21..=21));
    }
    let counts = [
        ("en", ["(21 pages)", "(3 pages)", "(5 pages)", "(1 page)"]),
        ("zh", ["（21篇）", "（3篇）", "（5篇）", "（1篇）"]),
        (
            "ru",
            [
                "(21 страница)",
                "(3 страницы)",
                "(5 страниц)",
                "(1 страница)",
            ],
        ),
    ];
    for (lang, expected) in counts {
        let index = site.read_out(&format!("{lang}/tags/index.html"));
        for text in expected {
            assert!(index.contains(text), "{lang}: {text} in\n{index}");
        }
    }
    assert!(
        site.read_out("zh/tags/index.html")
            .contains("<h1>标签</h1>")
    );
    assert!(
        site.read_out("ru/tags/index.html")
            .contains("<h1>Теги</h1>")
    );
    assert!(
        site.read_out("ru/tags/бондовый-склад/index.html")
            .contains("<h1>Тег: Бондовый склад</h1>")
    );
    assert!(site.out().join("ru/tags/only-ru/index.html").is_file());
    assert!(!site.out().join("en/tags/only-ru").exists());
    let sitemap = site.read_out("sitemap.xml");
    for loc in [
        "https://example.org/en/tags/",
        "https://example.org/zh/tags/%E4%BF%9D%E7%A8%8E-%E7%89%A9%E6%B5%81/",
        "https://example.org/ru/tags/%D0%B1%D0%BE%D0%BD%D0%B4%D0%BE%D0%B2%D1%8B%D0%B9-%D1%81%D0%BA%D0%BB%D0%B0%D0%B4/",
        "https://example.org/en/tags/bonded-logistics/page/3/",
        "https://example.org/ru/tags/only-ru/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{loc}");
    }
}

#[test]
fn two_builds_of_lists_and_tags_are_byte_identical() {
    let site = news_site(25, Some(10), tagged);
    site.build_ok(&[]);
    let first = snapshot(&site.out());
    site.build_ok(&[]);
    assert!(snapshot(&site.out()) == first, "the second build differs");
}

/// The site builds; then `change` breaks it: exit 1, every `expected` fragment in stderr, no
/// panic, and the previous output as it was.
fn rejects(change: impl Fn(&TestSite), expected: &[&str]) {
    let site = news_site(12, Some(10), no_extra);
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    change(&site);
    site.rejects(&before, expected);
}

#[test]
fn two_tags_with_one_slug_are_an_error_at_the_second() {
    rejects(
        |site| {
            site.write(
                "content/news/item-01.en.md",
                b"---\ntitle: A\ntags: [Bonded Zone]\n---\n",
            );
            site.write(
                "content/news/item-02.en.md",
                b"---\ntitle: B\ntags: [\"bonded, zone\"]\n---\n",
            );
        },
        &[
            "content/news/item-02.en.md:3:1: error: tags `bonded, zone` and `Bonded Zone` (content/news/item-01.en.md:3) both make /en/tags/bonded-zone/",
            "write the tag the same way",
        ],
    );
}

#[test]
fn an_empty_tag_is_an_error_at_its_line() {
    rejects(
        |site| {
            site.write(
                "content/news/item-03.zh.md",
                b"---\ntitle: C\ntags:\n  - ok\n  - \"\"\n---\n",
            )
        },
        &[
            "content/news/item-03.zh.md:5:5: error: a tag is empty",
            "give it a word",
        ],
    );
}

#[test]
fn a_page_where_a_list_page_goes_is_an_error() {
    rejects(
        |site| site.write("content/news/page/2.en.md", b"---\ntitle: Two\n---\n"),
        &[
            "content/news/page/2.en.md: error: /en/news/page/2/ is kept for the list pages of content/news/_index.en.md",
        ],
    );
    rejects(
        |site| {
            site.write(
                "content/news/item-01.en.md",
                b"---\ntitle: A\ntags: [x]\n---\n",
            );
            site.write("content/tags/mine.en.md", b"---\ntitle: Mine\n---\n");
        },
        &["content/tags/mine.en.md: error: /en/tags/mine/ is kept for tag pages"],
    );
}

#[test]
fn an_alias_on_page_one_of_a_list_is_an_error() {
    rejects(
        |site| {
            site.write(
                "content/news/item-05.en.md",
                b"---\ntitle: E\naliases: [/en/news/page/1/]\n---\n",
            )
        },
        &[
            "content/news/_index.en.md: error: /en/news/page/1/, the first list page of this section, is taken by an alias of content/news/item-05.en.md:3",
        ],
    );
}

#[test]
fn paginate_outside_an_index_or_below_zero_is_an_error() {
    rejects(
        |site| {
            site.write(
                "content/news/item-01.en.md",
                b"---\ntitle: A\npaginate: 5\n---\n",
            )
        },
        &["content/news/item-01.en.md:3:1: error: `paginate` belongs in a section's `_index` file"],
    );
    rejects(
        |site| {
            site.write(
                "content/news/_index.en.md",
                b"---\ntitle: N\npaginate: -2\n---\n",
            )
        },
        &["content/news/_index.en.md:3:1: error: `paginate` must be a whole number, 0 or more"],
    );
}

// The pages on list pages 2 and on are linked from their section: `check` calls none an orphan.
#[test]
fn pages_listed_on_later_list_pages_are_not_orphans() {
    let site = news_site(25, Some(10), no_extra);
    let root = site.root().to_string_lossy().into_owned();
    let outcome = site.run(&["check", "--root", &root]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(!outcome.stderr.contains("orphan"), "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("0 warning(s)"),
        "{}",
        outcome.stdout
    );
}

// List pages, the tags' index, a tag's page and a tagged page are accessible (axe-core, light
// and dark, 1280 and 320 px) under the strict CSP, and the pager's "Next" works.
#[test]
fn list_and_tag_pages_pass_the_browser_checks() {
    let Some(chromium) = crate::harness::browser_or_skip() else {
        return;
    };
    let site = news_site(25, Some(10), tagged);
    site.build_ok(&[]);
    let stdout =
        crate::harness::run_browser_script(&chromium, "lists.mjs", &[site.out().as_os_str()]);
    assert!(
        stdout.contains("list page checks passed (21 pages)"),
        "{stdout}"
    );
}

// A section's list is made when its page is, unless a template may read lists through
// `section(…)`: then every list is made at the start. Both ways give the same site, a
// subsection and a tag's page included.
#[test]
fn lists_made_when_their_page_is_are_those_made_at_the_start() {
    let site = news_site(12, Some(5), |i, _| match i % 3 {
        0 => "tags: [harbour]\n".to_string(),
        _ => String::new(),
    });
    for lang in LANGS {
        site.write(
            &format!("content/news/archive/_index.{lang}.md"),
            format!("---\ntitle: Archive {lang}\nweight: 1\n---\nOlder news.\n").as_bytes(),
        );
        site.write(
            &format!("content/news/archive/old.{lang}.md"),
            format!("---\ntitle: Old {lang}\n---\nAn old item.\n").as_bytes(),
        );
    }
    site.build_ok(&[]);
    let lazily = snapshot(&site.out());
    let news = site.read_out("en/news/index.html");
    assert!(news.contains("href=\"/en/news/archive/\""), "{news}");
    assert_eq!(
        cards(&site.read_out("en/news/archive/index.html")),
        ["/en/news/archive/old/"]
    );
    // The built-in footer, with a comment that names the function: lists are made first.
    site.write(
        "themes/default/templates/footer.html",
        b"{# section(key=\"news\") is not called here #}{%- if language.footer %}<p>{{ language.footer }}</p>{% endif %}",
    );
    site.build_ok(&[]);
    let at_start = snapshot(&site.out());
    assert_eq!(lazily.len(), at_start.len());
    for (path, bytes) in &lazily {
        assert!(
            at_start.get(path) == Some(bytes),
            "{} differs",
            path.display()
        );
    }
}
