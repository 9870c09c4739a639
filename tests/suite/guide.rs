//! The guide itself: the repository's own site root builds cleanly and keeps the URL contract.

use crate::harness::{build_guide_into, copy_tree, run_in};
use crate::xml;
use std::path::Path;

const LANGS: [&str; 3] = ["zh", "en", "ru"];

const CONTRACT: &[&str] = &[
    "",
    "policy/",
    "growth-poles/",
    "growth-poles/wuwei-industrial-park/",
    "growth-poles/hongshagang-energy-chemical-zone/",
    "growth-poles/international-land-port/",
    "growth-poles/heavy-ion-health-park/",
    "growth-poles/cultural-tourism-area/",
    "bonded-logistics-center/",
    "measures/",
    "measures/01-negative-list/",
    "measures/02-key-industries/",
    "measures/03-manufacturing/",
    "measures/04-headquarters/",
    "measures/05-mergers-acquisitions/",
    "measures/06-open-platforms/",
    "measures/07-overseas-promotion/",
    "measures/08-promotion-methods/",
    "measures/09-factor-guarantees/",
    "measures/10-incentives/",
    "measures/11-investor-services/",
    "measures/12-standards/",
    "measures/13-government-procurement/",
    "measures/14-performance-evaluation/",
    "departments/",
    "eligibility/",
    "search/",
    "updates/",
];

fn build_guide() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    (tmp, out)
}

#[test]
fn the_guide_builds_every_contract_page_in_every_language() {
    let (_tmp, out) = build_guide();
    for lang in LANGS {
        for path in CONTRACT {
            let file = out.join(lang).join(path).join("index.html");
            assert!(file.is_file(), "missing /{lang}/{path}");
        }
        assert!(out.join(lang).join("updates/atom.xml").is_file());
    }
    for file in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "_headers",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
}

// Every XML file the guide publishes parses, and says what the pages are: the sitemap lists each
// page once with its translations, each feed its section's pages with valid times.
#[test]
fn every_xml_file_of_the_guide_parses_with_its_fields() {
    let (_tmp, out) = build_guide();
    let base = "https://invest.example.org/";
    let page_exists = |url: &str| {
        let path = url
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{url} is not below {base}"));
        out.join(path).join("index.html").is_file()
    };
    let xml_files: Vec<_> = walkdir::WalkDir::new(&out)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "xml"))
        .map(|e| {
            e.path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        xml_files,
        [
            "en/updates/atom.xml",
            "ru/updates/atom.xml",
            "sitemap.xml",
            "zh/updates/atom.xml"
        ]
    );
    for name in &xml_files {
        let root = xml::parse(name, &std::fs::read_to_string(out.join(name)).unwrap());
        match root.name.as_str() {
            "urlset" => check_sitemap(&root, base, &page_exists),
            "feed" => check_feed(name, &root, base, &page_exists, &out),
            other => panic!("{name}: unexpected root <{other}>"),
        }
    }
}

fn check_sitemap(urlset: &xml::Element, base: &str, page_exists: &dyn Fn(&str) -> bool) {
    let locs: Vec<&str> = urlset
        .all("url")
        .map(|u| u.one("loc").text.as_str())
        .collect();
    assert_eq!(locs.len(), 93, "one <url> per page");
    let unique: std::collections::BTreeSet<_> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "a page listed twice");
    for url in urlset.all("url") {
        let loc = url.one("loc").text.as_str();
        assert!(page_exists(loc), "sitemap: {loc} is not a page");
        for lastmod in url.all("lastmod") {
            xml::assert_w3c_date(loc, &lastmod.text);
        }
        let alternates: Vec<(&str, &str)> = url
            .all("xhtml:link")
            .map(|l| {
                assert_eq!(l.attr("rel"), "alternate");
                (l.attr("hreflang"), l.attr("href"))
            })
            .collect();
        let tags: Vec<&str> = alternates.iter().map(|(tag, _)| *tag).collect();
        assert_eq!(tags, ["zh-Hans", "en", "ru", "x-default"], "{loc}");
        assert!(
            alternates.iter().any(|(_, href)| *href == loc),
            "{loc}: not among its alternates"
        );
        for (_, href) in &alternates {
            assert!(
                href.starts_with(base) && page_exists(href),
                "{loc}: alternate {href}"
            );
        }
        let zh = alternates[0].1;
        assert_eq!(alternates[3].1, zh, "{loc}: x-default must be the zh page");
    }
}

fn check_feed(
    name: &str,
    feed: &xml::Element,
    base: &str,
    page_exists: &dyn Fn(&str) -> bool,
    out: &Path,
) {
    let lang = name.split('/').next().unwrap();
    assert_eq!(feed.attr("xmlns"), "http://www.w3.org/2005/Atom");
    assert_eq!(feed.attr("xml:lang"), lang);
    let section = format!("{base}{lang}/updates/");
    assert_eq!(feed.one("id").text, section);
    assert!(!feed.one("title").text.is_empty(), "{name}: no title");
    assert!(
        !feed.one("author").one("name").text.is_empty(),
        "{name}: no author"
    );
    let links: Vec<_> = feed
        .all("link")
        .map(|l| (l.attr("rel"), l.attr("href")))
        .collect();
    let self_url = format!("{section}atom.xml");
    assert_eq!(
        links,
        [("self", self_url.as_str()), ("alternate", section.as_str())]
    );
    let updated = &feed.one("updated").text;
    xml::assert_rfc3339(name, updated);
    let entries: Vec<_> = feed.all("entry").collect();
    let pages = std::fs::read_dir(out.join(lang).join("updates"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
        .count();
    assert_eq!(entries.len(), pages, "{name}: one entry per update page");
    let mut newest = None;
    for entry in entries {
        let title = &entry.one("title").text;
        assert!(!title.trim().is_empty(), "{name}: an entry without a title");
        let href = entry.one("link").attr("href");
        assert_eq!(entry.one("id").text, href, "{name}: {title}");
        assert!(
            href.starts_with(&section) && page_exists(href),
            "{name}: {href}"
        );
        let page = std::fs::read_to_string(
            out.join(href.strip_prefix(base).unwrap())
                .join("index.html"),
        )
        .unwrap();
        assert!(
            page.contains(&format!("<title>{title}")),
            "{name}: {href} is not `{title}`"
        );
        let stamp = &entry.one("updated").text;
        xml::assert_rfc3339(name, stamp);
        assert!(
            !entry.one("content").text.is_empty(),
            "{name}: {title} has no content"
        );
        newest = newest.max(Some(stamp.parse::<jiff::Timestamp>().unwrap()));
    }
    assert_eq!(
        updated.parse::<jiff::Timestamp>().ok(),
        newest,
        "{name}: the feed's time is its newest entry's"
    );
}

#[test]
fn the_guide_check_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outcome = run_in(root, &["check", "--root", &root.to_string_lossy()]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("93 pages (zh 31, en 31, ru 31)"),
        "{}",
        outcome.stdout
    );
}

/// The text inside `<div class="prose">…</div>`: what the Markdown of a page rendered to.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("prose block");
    let rest = &html[start..];
    &rest[..rest.find("</div>").unwrap()]
}

/// The HTML without the plan's quotations (`figure.plan-quote`: the Chinese original and our
/// translation), which tests/suite/plan.rs holds to the source.
fn without_plan_quotes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<figure class=\"plan-quote\"") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</figure>")
            .map_or(rest.len(), |i| start + i + 9);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn read(out: &Path, lang: &str, path: &str) -> String {
    std::fs::read_to_string(out.join(lang).join(path).join("index.html")).unwrap()
}

#[test]
fn every_measure_lists_departments_from_the_data_file() {
    let (_tmp, out) = build_guide();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read_to_string(root.join("content/departments.yaml")).unwrap();
    for lang in LANGS {
        for path in CONTRACT
            .iter()
            .filter(|p| p.starts_with("measures/") && p.len() > 9)
        {
            let html = read(&out, lang, path);
            let ids: Vec<&str> = html
                .split("data-department=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap())
                .collect();
            assert!(!ids.is_empty(), "/{lang}/{path} lists no department");
            for id in ids {
                assert!(
                    data.contains(&format!("- id: {id}\n")),
                    "{id} not in departments.yaml"
                );
            }
        }
    }
}

// The expected figures are the policy's own: 5000万美元 and 1000万美元 (measure 9, land and
// energy), 3000万美元 (measure 9, manufacturing), 5000万元 (measure 8, fixed assets).
#[test]
fn thresholds_on_measure_pages_are_the_policys() {
    let (_tmp, out) = build_guide();
    let nine = "measures/09-factor-guarantees/";
    let eight = "measures/08-promotion-methods/";
    let cases: [(&str, &str, &[&str]); 6] = [
        ("zh", nine, &["5000万美元", "1000万美元", "3000万美元"]),
        ("zh", eight, &["5000万元"]),
        (
            "en",
            nine,
            &[
                "US$50\u{a0}million",
                "US$10\u{a0}million",
                "US$30\u{a0}million",
            ],
        ),
        ("en", eight, &["RMB\u{a0}50\u{a0}million"]),
        (
            "ru",
            nine,
            &[
                "50\u{a0}млн\u{a0}долларов США",
                "10\u{a0}млн\u{a0}долларов США",
                "30\u{a0}млн\u{a0}долларов США",
            ],
        ),
        ("ru", eight, &["50\u{a0}млн\u{a0}юаней"]),
    ];
    for (lang, path, figures) in cases {
        let html = read(&out, lang, path);
        for figure in figures {
            assert!(
                prose(&html).contains(figure),
                "/{lang}/{path} lacks {figure}"
            );
        }
    }
}

#[test]
fn a_threshold_changed_in_the_data_changes_every_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes", "i18n"] {
        copy_tree(&root.join(dir), &tmp.path().join(dir));
    }
    std::fs::copy(root.join("site.yaml"), tmp.path().join("site.yaml")).unwrap();
    // The eligibility test vectors pin the figure too, as an editor would update them.
    let cases = tmp.path().join("content/eligibility/cases.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    let text = text.replace("total_usd: 30000000", "total_usd: 40000000");
    let text = text.replace("total_usd: 29999999", "total_usd: 39999999");
    std::fs::write(
        &cases,
        text.replace("total_usd: 30000001", "total_usd: 40000001"),
    )
    .unwrap();
    let thresholds = tmp.path().join("content/eligibility/thresholds.yaml");
    let text = std::fs::read_to_string(&thresholds).unwrap();
    let changed = text.replacen("amount: 30000000", "amount: 40000000", 1);
    assert_ne!(text, changed);
    std::fs::write(&thresholds, changed).unwrap();
    let outcome = run_in(
        tmp.path(),
        &["build", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let out = tmp.path().join("public");
    assert!(read(&out, "zh", "measures/09-factor-guarantees/").contains("4000万美元"));
    assert!(read(&out, "en", "measures/09-factor-guarantees/").contains("US$40\u{a0}million"));
    assert!(!read(&out, "en", "measures/09-factor-guarantees/").contains("US$30\u{a0}million"));
}

#[test]
fn english_and_russian_pages_hold_no_chinese_and_no_placeholders() {
    let (_tmp, out) = build_guide();
    for lang in LANGS {
        for path in CONTRACT {
            let html = read(&out, lang, path);
            let body = without_plan_quotes(prose(&html));
            let body = body.as_str();
            if lang != "zh" {
                // The plan's original, quoted and tagged as Chinese, is the one exception.
                let mut body = body.to_string();
                while let Some(start) = body.find("<blockquote cite=") {
                    let end = body[start..].find("</blockquote>").unwrap() + start;
                    assert!(
                        body[start..end].contains(" lang=\"zh-Hans\" data-index-ignore>"),
                        "/{lang}/{path}: an untagged quotation"
                    );
                    body.replace_range(start..end, "");
                }
                let han = body.chars().find(|c| ('\u{4e00}'..='\u{9fff}').contains(c));
                assert_eq!(han, None, "/{lang}/{path} has Chinese text");
            }
            for word in ["TBD", "TODO", "lorem", "placeholder", "FIXME"] {
                assert!(!body.contains(word), "/{lang}/{path} contains {word}");
            }
        }
    }
}

// Guards the policy on hosts that cannot set headers, and the favicon request every page made.
#[test]
fn every_page_carries_the_headers_policy_a_referrer_policy_and_the_favicon() {
    let (_tmp, out) = build_guide();
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    let policy = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .expect("_headers sets a Content-Security-Policy");
    // A <meta> policy cannot carry frame-ancestors (browsers ignore it there and say so).
    let expected: Vec<&str> = policy
        .split("; ")
        .filter(|d| !d.starts_with("frame-ancestors"))
        .collect();
    assert!(expected.contains(&"default-src 'self'"), "{policy}");
    let pages: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(pages.len() >= 92, "{} pages", pages.len());
    for page in pages {
        let html = std::fs::read_to_string(&page).unwrap();
        let head = &html[..html.find("</head>").expect("a head")];
        let meta = head
            .split("<meta http-equiv=\"Content-Security-Policy\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{}: no policy in <head>", page.display()));
        let meta = meta.replace("&#39;", "'").replace("&#x27;", "'");
        let got: Vec<&str> = meta.split("; ").collect();
        assert_eq!(got, expected, "{}", page.display());
        // The theme's favicon, fingerprinted, or (on redirect pages) none at all.
        let icons: Vec<&str> = head
            .split("<link rel=\"icon\" href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let fingerprinted = |ext: &str| {
            icons.iter().any(|i| {
                i.strip_prefix("/assets/favicon.")
                    .and_then(|r| r.strip_suffix(ext))
                    .is_some_and(|hash| hash.len() == 8 && out.join(&i[1..]).is_file())
            })
        };
        assert!(
            (fingerprinted(".svg") && fingerprinted(".png")) || icons == ["data:,"],
            "{}: icons {icons:?}",
            page.display()
        );
        assert!(
            head.contains("<meta name=\"referrer\" content=\"no-referrer\">"),
            "{}: no referrer policy",
            page.display()
        );
        // The policy must come before anything it governs.
        let at = head.find("Content-Security-Policy").unwrap();
        for later in ["<script", "<link rel=\"stylesheet\""] {
            if let Some(i) = head.find(later) {
                assert!(at < i, "{}: {later} before the policy", page.display());
            }
        }
    }
}

/// The visible text of a built page: tags dropped (scripts and styles with their content).
/// The plan quoted on a page is left out ([`without_plan_quotes`]), and so is its full text.
fn visible_text(html: &str) -> String {
    let html = without_plan_quotes(html);
    let mut text = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        let skip_to = ["script", "style"]
            .iter()
            .find_map(|tag| rest[1..].starts_with(tag).then(|| format!("</{tag}>")));
        // The plan's full text (`div.plan-text`), also where the print edition brings it in.
        let end = if rest.starts_with("<div class=\"plan-text") {
            matching_div_end(rest)
        } else {
            match skip_to {
                Some(close) => rest.find(&close).map(|i| i + close.len()),
                None => rest.find('>').map(|i| i + 1),
            }
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    text.push_str(rest);
    text
}

/// The end of the `<div>` that `html` opens, nested `<div>`s counted.
fn matching_div_end(html: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(i) = html[at..]
        .find("<div")
        .into_iter()
        .chain(html[at..].find("</div>"))
        .min()
    {
        let i = at + i;
        if html[i..].starts_with("</div>") {
            depth -= 1;
            at = i + "</div>".len();
            if depth == 0 {
                return Some(at);
            }
        } else {
            depth += 1;
            at = i + "<div".len();
        }
    }
    None
}

/// Every built page of one language (its path under `out`, its visible text), the checker's
/// page and the print edition included (the plan's words left out by `visible_text`).
fn pages_text(out: &Path, lang: &str) -> Vec<(String, String)> {
    walkdir::WalkDir::new(out.join(lang))
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let path = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let html = std::fs::read_to_string(e.path()).unwrap();
            (path, visible_text(&html))
        })
        .collect()
}

fn is_chinese(c: char) -> bool {
    ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{3400}'..='\u{9fff}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Half-width `:` or `,` with Chinese text on both sides (spaces between allowed), with some
/// context: Chinese pages write `：` and `、`/`，` there.
fn half_width_between_chinese(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != ':' && *c != ',' {
            continue;
        }
        let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        if before.is_some_and(|c| is_chinese(*c)) && after.is_some_and(|c| is_chinese(*c)) {
            let from = i.saturating_sub(8);
            let to = (i + 8).min(chars.len());
            return Some(chars[from..to].iter().collect());
        }
    }
    None
}

#[test]
fn chinese_pages_use_full_width_punctuation_where_templates_join_text() {
    let (_tmp, out) = build_guide();
    for (path, text) in pages_text(&out, "zh") {
        if let Some(found) = half_width_between_chinese(&text) {
            panic!("/{path}: half-width punctuation in Chinese text: {found:?}");
        }
    }
    // A pole with two sectors: the template joins them as each language does.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes", "i18n"] {
        copy_tree(&root.join(dir), &tmp.path().join(dir));
    }
    std::fs::copy(root.join("site.yaml"), tmp.path().join("site.yaml")).unwrap();
    for lang in LANGS {
        let file = tmp.path().join(format!(
            "content/growth-poles/wuwei-industrial-park.{lang}.md"
        ));
        let text = std::fs::read_to_string(&file).unwrap();
        let changed = text.replace(
            "sectors: [manufacturing]",
            "sectors: [manufacturing, energy]",
        );
        assert_ne!(text, changed, "{}", file.display());
        std::fs::write(&file, changed).unwrap();
    }
    let outcome = run_in(
        tmp.path(),
        &["build", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let out = tmp.path().join("public");
    for path in ["growth-poles/wuwei-industrial-park/", "growth-poles/"] {
        let text = visible_text(&read(&out, "zh", path));
        assert!(text.contains("制造业、能源化工"), "/zh/{path}");
        assert_eq!(half_width_between_chinese(&text), None, "/zh/{path}");
        let en = visible_text(&read(&out, "en", path));
        assert!(
            en.contains("Manufacturing, Energy and chemicals"),
            "/en/{path}"
        );
    }
}

// The glossary: a measure is 第N项 (never 第N条), and 责任单位 is the one term for the units
// responsible for a measure.
#[test]
fn chinese_pages_number_measures_with_xiang_and_say_zerendanwei() {
    let (_tmp, out) = build_guide();
    let mut bad = Vec::new();
    for (path, text) in pages_text(&out, "zh") {
        for word in [
            "条措施",
            "上一条",
            "下一条",
            "责任部门",
            "负责部门",
            "负责的部门",
        ] {
            if text.contains(word) {
                bad.push(format!("/{path}: {word}"));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

// Measure 9, US$50M/US$10M tier: the city coordinates with the province on the land quota
// (积极协调省级统筹保障) and gives priority only on the energy quota (优先保障). The US$30M
// manufacturing tier's 优先给予土地供给 ("priority for land supply") is the plan's own.
#[test]
fn no_page_gives_the_large_key_projects_priority_for_land() {
    let (_tmp, out) = build_guide();
    let mut bad = Vec::new();
    for lang in LANGS {
        for (path, text) in pages_text(&out, lang) {
            let lower = text.to_lowercase();
            let forbidden: &[&str] = match lang {
                "en" => &[
                    "priority for construction land",
                    "land and energy priority",
                    "priority for land and",
                    "access to the provincial list",
                    "can join the provincial list",
                ],
                "ru" => &[
                    "место в провинциальном перечне",
                    "могут претендовать на включение",
                ],
                _ => &[
                    "优先保障建设用地",
                    "用地和能耗优先保障",
                    "可申报省级",
                    "可申报纳入",
                ],
            };
            for phrase in forbidden {
                if lower.contains(phrase) {
                    bad.push(format!("/{path}: {phrase}"));
                }
            }
            if lang == "en" {
                for (i, _) in lower.match_indices("priority for land") {
                    if !lower[i..].starts_with("priority for land supply") {
                        bad.push(format!("/{path}: priority for land …"));
                    }
                }
            }
            if lang == "ru" {
                // «приоритет…» and «земл…» in one clause.
                for (i, _) in lower.match_indices("приоритет") {
                    let clause: String = lower[i..]
                        .chars()
                        .take_while(|c| !matches!(c, '.' | ';' | ':'))
                        .take(80)
                        .collect();
                    if clause.contains("земл") {
                        bad.push(format!("/{path}: {clause}"));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The checker's option labels for the sector question, from `i18n/LANG/eligibility.ftl`.
fn sector_labels(lang: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ftl = std::fs::read_to_string(root.join(format!("i18n/{lang}/eligibility.ftl"))).unwrap();
    let labels: Vec<String> = ftl
        .lines()
        .filter_map(|l| l.strip_prefix("elig-v-sector-"))
        .filter_map(|l| l.split_once(" = ").map(|(_, v)| v.trim().to_string()))
        .collect();
    assert_eq!(labels.len(), 8, "{lang}: the eight sectors of the checker");
    labels
}

// A page that tells the reader which sector to pick names it as the checker's option does.
#[test]
fn pages_name_sectors_as_the_checker_labels_them() {
    let (_tmp, out) = build_guide();
    let mut bad = Vec::new();
    // (language, words before the quoted label, closing quote, words after it, old wordings)
    let forms: [(&str, &str, char, &str, &[&str]); 3] = [
        ("en", "", '”', "” as your sector", &[]),
        ("ru", "выберите отрасль «", '»', "", &["в качестве отрасли"]),
        ("zh", "所属产业选为“", '”', "", &["行业选为"]),
    ];
    for (lang, before, close, after, old) in forms {
        let labels = sector_labels(lang);
        for (path, text) in pages_text(&out, lang) {
            for word in old {
                if text.contains(word) {
                    bad.push(format!("/{path}: {word}"));
                }
            }
            let mut named = Vec::new();
            if !before.is_empty() {
                for (i, _) in text.match_indices(before) {
                    let rest = &text[i + before.len()..];
                    named.push(rest.split(close).next().unwrap().to_string());
                }
            } else {
                for (i, _) in text.match_indices(after) {
                    let head = &text[..i];
                    let open = head.rfind('“').map_or(0, |o| o + '“'.len_utf8());
                    named.push(head[open..].to_string());
                }
                if text.contains(" as your sector") && !text.contains(after) {
                    bad.push(format!(
                        "/{path}: a sector named without the checker's label"
                    ));
                }
            }
            for label in named {
                if !labels.contains(&label) {
                    bad.push(format!("/{path}: {label:?} is not a sector of the checker"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
