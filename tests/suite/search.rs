//! Search: the index built from the guide's final HTML, its size, the normalisation vectors in
//! Rust and in JavaScript, and ranking on the real guide (Rust, and the JavaScript ranking run
//! by Node against the same index). Then the split form: its files, the same hits as the whole
//! form, only the files a query needs read (Rust, and search.js's loader in Node), and the
//! search page on a split guide in Chromium (tests/browser/split.mjs).

use crate::harness::TestSite;
use invest_guide::search::{self, Concepts, Hit, Index};
use invest_guide::{BuildOptions, build_in_memory};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

const LANGS: [&str; 3] = ["zh", "en", "ru"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build_guide() -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        root: root().to_path_buf(),
        out: None,
        base_url: None,
        drafts: false,
        force: false,
        node_cases: false,
    };
    match build_in_memory(&options) {
        Ok(built) => built.files.into_iter().collect(),
        Err(problems) => panic!("the guide does not build: {problems:?}"),
    }
}

/// The guide's files, built once for all tests of this file.
fn guide() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(build_guide)
}

fn index_path(lang: &str) -> String {
    format!("{lang}/search/index.json")
}

fn index(lang: &str) -> Index {
    let bytes = guide()
        .get(&index_path(lang))
        .unwrap_or_else(|| panic!("no {}", index_path(lang)));
    serde_json::from_str(&index_text(bytes)).unwrap()
}

/// The JSON text of an index file, UTF-8 or in the encoding it declares.
fn index_text(bytes: &[u8]) -> String {
    search::decode_index(bytes).expect("an index file is UTF-8 or declares its encoding")
}

fn urls(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.url.as_str()).collect()
}

#[test]
fn every_language_gets_a_deterministic_index() {
    let again = build_guide();
    for lang in LANGS {
        let path = index_path(lang);
        assert!(guide().contains_key(&path), "missing {path}");
        assert_eq!(
            guide()[&path],
            again[&path],
            "{path} differs between two builds"
        );
        let index = index(lang);
        assert_eq!(index.lang, lang);
        assert!(
            index.pages.len() >= 25,
            "{lang}: only {} pages",
            index.pages.len()
        );
        assert!(!index.synonyms.is_empty(), "{lang}: synonyms missing");
    }
}

/// What a cold first search on the guide may fetch, gzip -9: the search page, the stylesheets
/// and scripts it loads, and the whole index. The goal is 32 KiB (issue #15: met in zh and en,
/// over by 6 645 bytes in ru, whose index alone is about 23 800 bytes); these ceilings are today's
/// figures and a little room, so that it can only shrink: lower them as it does. 2026-12-01,
/// first 37 554 / 37 605 / 44 241 bytes, then 39 215 / 39 814 / 47 052 after that day's merges; then
/// 33 331 / 33 931 / 41 169: the theme's scripts and stylesheets published without comments
/// (−4.4 KB) and content pages' styles out of the search page's style.css (4.2 → 3.0 KB); then
/// 31 385 / 31 894 / 39 088: what only some searches need out of search.js (the split form's
/// reader, typo tolerance: 6.1 → 4.9 KB), panels and buttons of content pages in content.css,
/// spaces beside punctuation out of the published scripts and stylesheets, and sections without
/// the ids their headings imply; then 31 709 / 32 208 / 39 413 with the search page's link
/// preview, canonical link and language alternates kept (DESIGN.md's output contract: every
/// page has them; +324 bytes); then 31 841 / 32 339 / 35 011 with the Russian index in
/// windows-1251 (23.8 → 19.3 KB; src/search/encoding.rs), the decoder costing the others
/// 131 bytes of search.js. The index is most of what is left (16.4 / 17.2 / 19.3 KB, nearly
/// all page text), then search.js (5.1 KB), normalise.js (4.3 KB), style.css (2.8 KB) and the
/// page (2.7–3.3 KB). bench/search_bytes.sh also counts the page icon the browser asks for (170 B),
/// and its zlib compresses the Chinese index less well than gzip does (16.8 KB).
const COLD_SEARCH_CEILING: [(&str, usize); 3] = [("zh", 31_850), ("en", 32_450), ("ru", 35_150)];
const COLD_SEARCH_GOAL: usize = 32 * 1024;

/// The files a page loads before any script runs: its stylesheets, preloaded modules and
/// module scripts, as paths below the site root.
fn loaded_assets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (tag, attr) in [
        ("<link rel=\"stylesheet\" href=\"", '"'),
        ("<link rel=\"modulepreload\" href=\"", '"'),
        ("<script type=\"module\" src=\"", '"'),
    ] {
        for (at, _) in html.match_indices(tag) {
            let rest = &html[at + tag.len()..];
            let url = &rest[..rest.find(attr).unwrap()];
            out.push(url.trim_start_matches('/').to_string());
        }
    }
    out
}

#[test]
fn a_cold_first_search_stays_under_its_ceiling() {
    let Some(gzip) = crate::harness::gzip_or_skip() else {
        return;
    };
    for (lang, ceiling) in COLD_SEARCH_CEILING {
        let page = format!("{lang}/search/index.html");
        let html = String::from_utf8(guide()[&page].clone()).unwrap();
        let mut parts = vec![page, index_path(lang)];
        parts.extend(loaded_assets(&html));
        assert!(
            parts.len() >= 6,
            "{lang}: the search page loads only {parts:?}"
        );
        let mut total = 0;
        let mut shown = Vec::new();
        for path in &parts {
            let bytes = guide()
                .get(path)
                .unwrap_or_else(|| panic!("{lang}: the search page loads {path}, not built"));
            let gz = crate::harness::gzip_size(&gzip, bytes);
            total += gz;
            shown.push(format!("{path} {gz}"));
        }
        println!(
            "{lang}: a cold first search fetches {total} bytes gzip -9 ({} over the goal of \
             {COLD_SEARCH_GOAL}): {}",
            total.saturating_sub(COLD_SEARCH_GOAL),
            shown.join(", ")
        );
        assert!(
            total <= ceiling,
            "{lang}: {total} bytes, ceiling {ceiling}: {}",
            shown.join(", ")
        );
    }
}

#[test]
fn each_index_stays_under_100_kb_gzipped() {
    let Some(gzip) = crate::harness::gzip_or_skip() else {
        return;
    };
    for lang in LANGS {
        let bytes = &guide()[&index_path(lang)];
        let gz = crate::harness::gzip_size(&gzip, bytes);
        println!(
            "{lang}/search/index.json: {} bytes, {gz} bytes gzip -9",
            bytes.len()
        );
        assert!(gz < 100_000, "{lang}: {gz} bytes gzipped");
    }
}

#[test]
fn noindex_pages_and_page_chrome_stay_out_of_the_index() {
    for lang in LANGS {
        let index = index(lang);
        let urls: Vec<&str> = index.pages.iter().map(|p| p.url.as_str()).collect();
        for absent in ["search/", "eligibility/"] {
            assert!(
                !urls.contains(&format!("{lang}/{absent}").as_str()),
                "{lang}/{absent} indexed"
            );
        }
        assert!(urls.contains(&format!("{lang}/measures/").as_str()));
        let json = index_text(&guide()[&index_path(lang)]);
        // Navigation (menu, table of contents, footer) is outside `data-index` or in `nav`.
        for chrome in [
            "Skip to content",
            "On this page",
            "Source: Implementation plan",
        ] {
            assert!(!json.contains(chrome), "{lang}: `{chrome}` indexed");
        }
    }
}

#[test]
fn headings_become_sections_with_their_anchors() {
    let index = index("en");
    let page = index
        .pages
        .iter()
        .find(|p| p.url == "en/measures/05-mergers-acquisitions/")
        .unwrap();
    assert_eq!(page.title, "Support foreign mergers and acquisitions");
    assert!(
        page.sections
            .iter()
            .any(|(id, heading, text)| id == "who-qualifies"
                && heading == "Who qualifies"
                && text.contains("foreign investors"))
    );
    assert_eq!(index.pages[page.parent.unwrap()].url, "en/measures/");
}

// ----- Normalisation vectors -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Debug, Deserialize)]
struct Vector {
    name: String,
    lang: String,
    text: String,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    tokens: Vec<String>,
    query: Concepts,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(root().join("tests/vectors/normalise.json")).unwrap();
    serde_json::from_str::<Vectors>(&text).unwrap().vectors
}

#[test]
fn normalisation_vectors_hold_in_rust() {
    let vectors = vectors();
    assert!(vectors.len() >= 30);
    for lang in LANGS {
        assert!(
            vectors.iter().any(|v| v.lang == lang),
            "no vector for {lang}"
        );
    }
    for v in &vectors {
        assert_eq!(search::tokens(&v.text), v.tokens, "tokens: {}", v.name);
        assert_eq!(
            search::parse_query(&v.text, &v.synonyms),
            v.query,
            "query: {}",
            v.name
        );
    }
}

/// Theme script `name` as the guide publishes it (minified: see src/theme/minify.rs), as a
/// file:// URL, so that the Node tests run what browsers get. The built guide's scripts are
/// written once, without the hash in their names, to a folder of the test's own.
fn module_url(name: &str) -> String {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("published-scripts");
        std::fs::create_dir_all(&dir).unwrap();
        for (path, bytes) in guide() {
            let Some(file) = path.strip_prefix("assets/") else {
                continue;
            };
            let mut parts: Vec<&str> = file.split('.').collect();
            if parts.len() == 3 && parts[2] == "js" {
                parts.remove(1);
                std::fs::write(dir.join(parts.join(".")), bytes).unwrap();
            }
        }
        dir
    });
    let path = dir.join(name);
    assert!(path.is_file(), "the guide publishes no {name}");
    format!("file://{}", path.display())
}

/// `searchIndex(index, text, normalise)`: every hit of `text` in one opened index with its
/// link, as the search page finds and links them (`searchAll`, then `resolve`): what
/// `search_files` in src/search/split.rs gives, for the tests to compare.
const SEARCH_INDEX_JS: &str = "async function searchIndex(index, text, normalise) {\n\
    const hits = await Promise.all((await s.searchAll([index], text, normalise)).map(s.resolve));\n\
    return hits.map(({ url, page, section, matched, score }) => ({ url, page, section, matched, score }));\n\
    }";

/// Runs `body` as an ES module with `n` (normalise.js), `s` (search.js, told where its optional
/// modules are), `split` (search-split.js), `typos` (search-typos.js), `searchIndex` (above),
/// `readFileSync` and `input` (the JSON value given) in scope; returns what it returned
/// (awaited), as JSON.
fn run_js<T: serde::de::DeserializeOwned>(node: &Path, input: &serde_json::Value, body: &str) -> T {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("input.json");
    std::fs::write(&data, serde_json::to_vec(input).unwrap()).unwrap();
    let script = format!(
        "import * as n from {n:?};\nimport * as s from {s:?};\nimport * as split from {split:?};\nimport * as typos from {typos:?};\nimport {{ readFileSync }} from 'node:fs';\ns.parts.set('split', async () => split);\ns.parts.set('typos', async () => typos);\n{search_index}\nconst input = JSON.parse(readFileSync({data:?}, 'utf8'));\nconst out = await (async () => {{ {body} }})();\nprocess.stdout.write(JSON.stringify(out));\n",
        n = module_url("normalise.js"),
        s = module_url("search.js"),
        split = module_url("search-split.js"),
        typos = module_url("search-typos.js"),
        data = data.display().to_string(),
        search_index = SEARCH_INDEX_JS,
    );
    serde_json::from_slice(&crate::harness::run_node_module(node, &script)).unwrap()
}

#[test]
fn normalisation_vectors_hold_in_javascript() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let vectors = vectors();
    let input: Vec<serde_json::Value> = vectors
        .iter()
        .map(|v| serde_json::json!({"text": v.text, "synonyms": v.synonyms}))
        .collect();
    let got: Vec<(Vec<String>, Concepts)> = run_js(
        &node,
        &serde_json::json!(input),
        "return input.map((v) => [n.tokens(v.text), n.parseQuery(v.text, v.synonyms)]);",
    );
    assert_eq!(got.len(), vectors.len());
    for (v, (tokens, query)) in vectors.iter().zip(got) {
        assert_eq!(tokens, v.tokens, "tokens: {}", v.name);
        assert_eq!(query, v.query, "query: {}", v.name);
    }
}

// Guards the windows-1251 table of src/search/encoding.rs against the browser's decoder (Node's
// TextDecoder is the same WHATWG one): every byte 0x80–0xFF, and the guide's Russian index, read
// alike by `readJson` in search.js and by `decode_index`.
#[test]
fn an_encoded_index_reads_the_same_in_javascript() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    for lang in ["zh", "en"] {
        let bytes = &guide()[&index_path(lang)];
        assert!(bytes.starts_with(b"{\"lang\":"), "{lang}: not UTF-8 JSON");
    }
    let ru = guide()[&index_path("ru")].clone();
    assert!(
        ru.starts_with(b"{\"encoding\":\"windows-1251\",\"lang\":\"ru\","),
        "the Russian index is not in windows-1251"
    );
    let mut every_byte = b"{\"encoding\":\"windows-1251\",\"t\":\"".to_vec();
    every_byte.extend(0x80u8..=0xFF);
    every_byte.extend_from_slice(b"\"}");
    for bytes in [every_byte, ru] {
        let text = index_text(&bytes);
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();
        let got: serde_json::Value = run_js(
            &node,
            &serde_json::json!(bytes),
            "return s.readJson(new Uint8Array(input));",
        );
        assert_eq!(got, want, "{}", &text[..80]);
    }
}

// Guards the lists the two sides stem and drop by: a word added on one side only fails here.
#[test]
fn stop_word_and_suffix_lists_are_the_same_in_javascript() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let lists = search::word_lists();
    let names: Vec<&str> = lists.iter().map(|(name, _)| *name).collect();
    let got: Vec<serde_json::Value> = run_js(
        &node,
        &serde_json::json!(names),
        "return input.map((name) => n[name]);",
    );
    for ((name, rust), js) in lists.iter().zip(got) {
        assert_eq!(
            &js, rust,
            "{name} differs between normalise.rs and normalise.js"
        );
    }
}

#[derive(Debug, Deserialize)]
struct StartVector {
    name: String,
    text: String,
    terms: Vec<String>,
    start: Option<String>,
    query: Concepts,
}

fn start_vectors() -> Vec<StartVector> {
    #[derive(Deserialize)]
    struct StartVectors {
        vectors: Vec<StartVector>,
    }
    let text = std::fs::read_to_string(root().join("tests/vectors/word_starts.json")).unwrap();
    serde_json::from_str::<StartVectors>(&text).unwrap().vectors
}

#[test]
fn word_start_vectors_hold_in_rust() {
    let vectors = start_vectors();
    assert!(vectors.len() >= 10);
    for v in &vectors {
        let parsed = search::parse_query(&v.text, &[]);
        let start = search::word_start(&v.text, &parsed);
        assert_eq!(start, v.start, "start: {}", v.name);
        let query = match start {
            Some(start) => search::with_word_start(parsed, &start, &v.terms),
            None => parsed,
        };
        assert_eq!(query, v.query, "query: {}", v.name);
    }
}

#[test]
fn word_start_vectors_hold_in_javascript() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let vectors = start_vectors();
    let input: Vec<serde_json::Value> = vectors
        .iter()
        .map(|v| serde_json::json!({"text": v.text, "terms": v.terms}))
        .collect();
    let got: Vec<(Option<String>, Concepts)> = run_js(
        &node,
        &serde_json::json!(input),
        "return input.map((v) => {\n\
           const parsed = n.parseQuery(v.text, []);\n\
           const start = n.wordStart(v.text, parsed);\n\
           return [start, start === null ? parsed : s.withWordStart(parsed, start, v.terms)];\n\
         });",
    );
    assert_eq!(got.len(), vectors.len());
    for (v, (start, query)) in vectors.iter().zip(got) {
        assert_eq!(start, v.start, "start: {}", v.name);
        assert_eq!(query, v.query, "query: {}", v.name);
    }
}

// Guards word starts on the guide: a word typed only in part finds the pages of the whole word.
#[test]
fn a_word_typed_in_part_finds_the_pages_of_the_whole_word() {
    for (lang, part, whole) in [
        ("en", "bonded logis", "bonded logistics"),
        ("en", "investm", "investment"),
        ("ru", "инвестиц", "инвестиции"),
        ("ru", "правит", "правительства"),
    ] {
        let index = index(lang);
        let want = search::search(&index, whole);
        assert!(!want.is_empty(), "{whole} finds nothing");
        let got = urls(&search::search(&index, part))
            .into_iter()
            .take(3)
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert!(
            got.contains(&want[0].url),
            "{lang} {part:?}: {got:?}, want {}",
            want[0].url
        );
    }
}

#[derive(Debug, Deserialize)]
struct TypoVector {
    name: String,
    text: String,
    terms: Vec<String>,
    query: Concepts,
}

fn typo_vectors() -> Vec<TypoVector> {
    #[derive(Deserialize)]
    struct TypoVectors {
        vectors: Vec<TypoVector>,
    }
    let text = std::fs::read_to_string(root().join("tests/vectors/typos.json")).unwrap();
    serde_json::from_str::<TypoVectors>(&text).unwrap().vectors
}

#[test]
fn typo_vectors_hold_in_rust_and_javascript() {
    let vectors = typo_vectors();
    assert!(vectors.len() >= 10);
    for v in &vectors {
        let query = search::with_typos(&search::parse_query(&v.text, &[]), &v.terms);
        assert_eq!(query, v.query, "rust: {}", v.name);
    }
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let input: Vec<serde_json::Value> = vectors
        .iter()
        .map(|v| serde_json::json!({"text": v.text, "terms": v.terms}))
        .collect();
    let got: Vec<Concepts> = run_js(
        &node,
        &serde_json::json!(input),
        "return input.map((v) => typos.withTypos(n.parseQuery(v.text, []), v.terms, s));",
    );
    assert_eq!(got.len(), vectors.len());
    for (v, query) in vectors.iter().zip(got) {
        assert_eq!(query, v.query, "javascript: {}", v.name);
    }
}

// Guards typo tolerance on the guide: a misspelt country name finds the pages of the right one.
#[test]
fn a_misspelt_word_finds_the_pages_of_the_right_one() {
    for (lang, typed, right) in [
        ("en", "Kazakstan", "Kazakhstan"),
        ("ru", "Казакстаном", "Казахстаном"),
        ("en", "logistcs", "logistics"),
    ] {
        let index = index(lang);
        let want = urls(&search::search(&index, right))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert!(!want.is_empty(), "{right} finds nothing");
        let got = urls(&search::search(&index, typed))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert!(
            got.contains(&want[0]),
            "{lang} {typed:?}: {got:?}, want {}",
            want[0]
        );
    }
}

// Guards the order: pages with the words as typed come before pages found through a typo, and
// typos are tried only when the words as typed find few pages.
#[test]
fn typo_matches_rank_below_exact_ones_and_only_when_few_are_found() {
    let index = small_index(
        "en",
        &[
            ("a/", "Kazakhstan", "Trade with Kazakhstan."),
            (
                "b/",
                "Kazakstan",
                "Kazakstan Kazakstan Kazakstan, in the title and often.",
            ),
        ],
    );
    assert_eq!(
        urls(&search::search(&index, "kazakhstan")),
        ["en/a/", "en/b/"]
    );
    assert_eq!(
        urls(&search::search(&index, "kazakstan")),
        ["en/b/", "en/a/"]
    );
    let many = small_index(
        "en",
        &[
            ("a/", "Kazakhstan", "Kazakhstan."),
            ("b/", "Kazakstan", "Kazakstan."),
            ("c/", "Trade", "Kazakhstan."),
            ("d/", "Rail", "Kazakhstan."),
        ],
    );
    assert_eq!(
        urls(&search::search(&many, "kazakhstan")),
        ["en/a/", "en/c/", "en/d/"]
    );
}

// Guards "Did you mean": a word the index lacks becomes the nearest index word as written.
#[test]
fn javascript_suggests_the_nearest_words_the_index_knows() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let cases = [
        ("en", "logisitcs", Some("logistics")),
        ("en", "bonded logisitcs", Some("bonded logistics")),
        ("ru", "инвистиции", Some("инвестиции")),
        ("en", "bonded", None),
        ("en", "xyzzy", None),
    ];
    for (lang, query, want) in cases {
        let index_json: serde_json::Value =
            serde_json::from_str(&index_text(&guide()[&index_path(lang)])).unwrap();
        let got: Option<String> = run_js(
            &node,
            &serde_json::json!({"index": index_json, "query": query}),
            &format!(
                "const none = await import({none:?});\n\
                 const opened = await s.openIndex(\"index.json\", async () => input.index, n.tokens);\n\
                 return none.suggestion(opened, input.query, n, s);",
                none = module_url("search-none.js"),
            ),
        );
        assert_eq!(got.as_deref(), want, "{lang} {query:?}");
    }
}

/// Every title, heading and text of the three indexes, as queries too.
fn guide_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for lang in LANGS {
        for page in index(lang).pages {
            texts.push(page.title);
            for (_, heading, text) in page.sections {
                texts.push(heading);
                texts.push(text);
            }
        }
    }
    texts
}

#[test]
fn javascript_normalises_the_whole_guide_like_rust() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let texts = guide_texts();
    let synonyms = index("zh").synonyms;
    let got: Vec<(Vec<String>, Concepts)> = run_js(
        &node,
        &serde_json::json!({"texts": texts, "synonyms": synonyms}),
        "return input.texts.map((t) => [n.tokens(t), n.parseQuery(t, input.synonyms)]);",
    );
    for (text, (tokens, query)) in texts.iter().zip(got) {
        assert_eq!(tokens, search::tokens(text), "tokens of {text:?}");
        assert_eq!(
            query,
            search::parse_query(text, &synonyms),
            "query of {text:?}"
        );
    }
}

// ----- Ranking ---------------------------------------------------------------------------------

#[test]
fn chinese_short_word_finds_the_bonded_logistics_center_first() {
    let hits = search::search(&index("zh"), "保税");
    assert_eq!(urls(&hits)[0], "zh/bonded-logistics-center/");
    // Every result holds the pair 保税 (or a synonym); no page merely has 保 or 税.
    let index = index("zh");
    for hit in &hits {
        let page = &index.pages[hit.page];
        let text: String = page
            .sections
            .iter()
            .map(|s| format!("{} {}", s.1, s.2))
            .collect();
        assert!(
            text.contains("保税") || page.title.contains("保税"),
            "{} has no 保税",
            hit.url
        );
    }
}

// Guards rule 1 on the guide: numerals typed in Chinese find the pages that write digits.
#[test]
fn chinese_numerals_find_pages_written_in_digits() {
    let index = index("zh");
    for (typed, written) in [
        ("世界五百强", "世界500强"),
        ("一千万美元", "1000万美元"),
        ("五千万元", "5000万元"),
        ("5千万元", "5000万元"),
        ("５０００万元", "5000万元"),
    ] {
        let found = urls(&search::search(&index, written))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert!(!found.is_empty(), "{written} finds nothing");
        assert_eq!(urls(&search::search(&index, typed)), found, "{typed}");
    }
}

// Guards the colloquial forms of content/search/synonyms.yaml: each finds what the plan's word finds.
#[test]
fn colloquial_forms_find_what_the_plans_words_find() {
    for (lang, typed, plans) in [
        ("zh", "外企", "外资企业"),
        ("zh", "国企", "国有企业"),
        ("ru", "госзакупки", "государственные закупки"),
        ("en", "SOE", "state-owned enterprise"),
        ("en", "NEV", "new-energy vehicle"),
    ] {
        let index = index(lang);
        let want = search::search(&index, plans);
        assert!(!want.is_empty(), "{plans} finds nothing");
        let got = urls(&search::search(&index, typed))
            .into_iter()
            .take(3)
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert!(
            got.contains(&want[0].url),
            "{lang} {typed:?}: {got:?}, want {}",
            want[0].url
        );
    }
}

// Guards the meaning of synonyms: a group holds only names of one thing, so these stay out.
#[test]
fn synonyms_hold_no_names_of_other_things() {
    let groups = index("en").synonyms;
    for other in [
        "Fortune 500",
        "factory",
        "工厂",
        "招标",
        "public tender",
        "EV",
        "港口",
    ] {
        assert!(
            !groups.iter().flatten().any(|name| name == other),
            "{other} is in a synonym group but names another thing"
        );
    }
}

#[test]
fn chinese_words_inside_longer_runs_are_found() {
    let index = index("zh");
    let top = |q: &str| search::search(&index, q).first().map(|h| h.url.clone());
    assert_eq!(
        top("物流中心").as_deref(),
        Some("zh/bonded-logistics-center/")
    );
    assert_eq!(
        top("能耗指标").as_deref(),
        Some("zh/measures/09-factor-guarantees/")
    );
    assert_eq!(
        top("陆港").as_deref(),
        Some("zh/growth-poles/international-land-port/")
    );
    let fortune = search::search(&index, "世界500强");
    assert!(
        urls(&fortune)[0].starts_with("zh/measures/10-incentives/"),
        "{:?}",
        urls(&fortune)
    );
}

/// A run typed without spaces holds pairs across its words (`收优`, `行贷`) that no page has;
/// the query splits there instead of finding nothing.
#[test]
fn chinese_words_typed_together_are_found_on_the_page_with_both() {
    let index = index("zh");
    // 税收 is only on measure 10, which also has 优惠; 银行 and 贷款 are only on measure 11.
    let hits = search::search(&index, "税收优惠");
    assert!(
        urls(&hits)[0].starts_with("zh/measures/10-incentives/"),
        "{:?}",
        urls(&hits)
    );
    assert_eq!(hits[0].matched, 2);
    let hits = search::search(&index, "银行贷款");
    assert!(
        urls(&hits)[0].starts_with("zh/measures/11-investor-services/"),
        "{:?}",
        urls(&hits)
    );
    // A synonym's alternatives keep the pairs pages have: the group of 用地指标 names forms the
    // plan does not use, and measure 9 has 用地 and 指标.
    let hits = search::search(&index, "用地指标");
    assert!(
        urls(&hits)[0].starts_with("zh/measures/09-factor-guarantees/"),
        "{:?}",
        urls(&hits)
    );
    // A run whose pairs are all on some page is not split: 物流中心 needs all of them, so a
    // page with 物流 alone does not match it.
    let whole = search::search(&index, "物流中心");
    assert!(whole.iter().all(|h| h.matched == 1));
    assert_eq!(whole[0].url, "zh/bonded-logistics-center/");
    let logistics = search::search(&index, "物流");
    assert!(logistics.len() > whole.len(), "{:?}", urls(&logistics));
    // Nothing is found for a run none of whose pairs any page has.
    assert!(search::search(&index, "饕餮").is_empty());
}

#[test]
fn chinese_synonym_finds_the_other_name() {
    let index = index("zh");
    let direct: Vec<String> = search::search(&index, "外商投资")
        .into_iter()
        .map(|h| h.url)
        .collect();
    let synonym = search::search(&index, "外资");
    for url in &direct {
        assert!(
            synonym
                .iter()
                .any(|h| &h.url == url || h.url.split('#').next() == url.split('#').next()),
            "外资 misses {url}, found by 外商投资"
        );
    }
}

/// An index of one-section pages `(url, title, text)`, as the build would write it.
fn small_index(lang: &str, pages: &[(&str, &str, &str)]) -> Index {
    let pages = pages
        .iter()
        .map(|(url, title, text)| search::IndexPage {
            url: format!("{lang}/{url}"),
            title: title.to_string(),
            parent: None,
            sections: vec![(String::new(), String::new(), text.to_string())],
        })
        .collect();
    Index {
        lang: lang.into(),
        synonyms: Vec::new(),
        pages,
    }
}

#[test]
fn inflected_queries_find_other_forms_of_the_word() {
    let cases = [
        (
            "ru",
            "инвестиций",
            "Иностранные инвестиции приходят в город.",
        ),
        ("ru", "слияний", "Поддерживается слияние компаний."),
        ("en", "investing", "The city welcomes foreign investment."),
        ("en", "investments", "Invest in Wuwei."),
        ("zh", "保税", "武威保税物流中心已经建成。"),
        ("zh", "外资", "鼓励外资企业参与。"),
    ];
    for (lang, query, text) in cases {
        let index = small_index(
            lang,
            &[
                ("a/", "A", text),
                ("b/", "B", "Nothing here. 无关。 Ничего."),
            ],
        );
        let hits = search::search(&index, query);
        assert_eq!(urls(&hits), [format!("{lang}/a/")], "{query} in {text:?}");
    }
}

#[test]
fn russian_inflected_query_finds_pages_with_other_forms() {
    let index = index("ru");
    let hits = search::search(&index, "инвестиций");
    assert!(hits.len() >= 10, "{:?}", urls(&hits));
    let holds = |hit: &Hit, form: &str| {
        let page = &index.pages[hit.page];
        page.title.to_lowercase().contains(form)
            || page
                .sections
                .iter()
                .any(|s| s.2.to_lowercase().contains(form))
    };
    assert!(hits.iter().any(|h| holds(h, "инвестиции")));
    assert_eq!(urls(&hits), urls(&search::search(&index, "инвестиции")));
    for query in ["слияний", "слияние", "слияния"] {
        let top = search::search(&index, query);
        assert_eq!(
            urls(&top)[0],
            "ru/measures/05-mergers-acquisitions/",
            "{query}"
        );
    }
}

// Guards rule 5 on the guide: every case and number of a noun phrase finds the same pages.
#[test]
fn every_case_and_number_of_a_russian_phrase_finds_the_same_pages() {
    let index = index("ru");
    let forms = [
        "иностранное предприятие",
        "иностранного предприятия",
        "иностранному предприятию",
        "иностранным предприятием",
        "иностранном предприятии",
        "иностранные предприятия",
        "иностранных предприятий",
        "иностранным предприятиям",
        "иностранными предприятиями",
        "иностранных предприятиях",
    ];
    let first = urls(&search::search(&index, forms[0]))
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert!(!first.is_empty(), "{} finds nothing", forms[0]);
    for form in &forms[1..] {
        assert_eq!(urls(&search::search(&index, form)), first, "{form}");
    }
}

#[test]
fn russian_hyphenated_word_is_found_whole_and_by_parts() {
    let index = index("ru");
    for query in ["штаб-квартира", "штаб-квартиры", "штаб квартира"]
    {
        let hits = search::search(&index, query);
        assert_eq!(urls(&hits)[0], "ru/measures/04-headquarters/", "{query}");
    }
    let part = search::search(&index, "квартир");
    assert!(urls(&part).contains(&"ru/measures/04-headquarters/"));
}

#[test]
fn english_investing_finds_investment_pages() {
    let index = index("en");
    let investing = search::search(&index, "investing");
    let investment = search::search(&index, "investment");
    assert!(investing.len() >= 10);
    assert_eq!(urls(&investing), urls(&investment));
    let page = &index.pages[investing[0].page];
    assert!(
        page.title.to_lowercase().contains("invest"),
        "{}",
        page.title
    );
}

#[test]
fn title_matches_rank_above_heading_and_body_matches() {
    let index = index("en");
    let hits = search::search(&index, "headquarters");
    assert_eq!(urls(&hits)[0], "en/measures/04-headquarters/");
    assert!(hits[0].score >= 1000 && hits[1].score < 1000, "{hits:?}");
    let hits = search::search(&index, "land port");
    assert_eq!(urls(&hits)[0], "en/growth-poles/international-land-port/");
}

#[test]
fn pages_with_every_word_rank_above_pages_with_some() {
    let index = index("en");
    let hits = search::search(&index, "bonded logistics procurement");
    let matched: Vec<usize> = hits.iter().map(|h| h.matched).collect();
    let mut sorted = matched.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(matched, sorted);
    assert!(matched[0] > *matched.last().unwrap());
}

#[test]
fn a_body_match_in_a_section_links_to_its_heading() {
    let hits = search::search(&index("en"), "non-performing assets");
    assert_eq!(
        urls(&hits)[0],
        "en/measures/05-mergers-acquisitions/#what-it-offers"
    );
    for hit in hits.iter().filter(|h| h.url.contains('#')) {
        let (page, id) = hit.url.split_once('#').unwrap();
        let html = String::from_utf8_lossy(&guide()[&format!("{page}index.html")]).into_owned();
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "{page} has no #{id}"
        );
    }
}

#[test]
fn a_title_match_links_to_the_page() {
    let hits = search::search(&index("en"), "bonded logistics procurement");
    let bonded = hits
        .iter()
        .find(|h| h.url.starts_with("en/bonded-logistics-center/"))
        .unwrap();
    assert_eq!(bonded.url, "en/bonded-logistics-center/");
}

#[test]
fn ties_are_broken_by_url() {
    let index = index("en");
    let hits = search::search(&index, "the");
    for pair in hits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if (a.matched, a.score) == (b.matched, b.score) {
            assert!(index.pages[a.page].url < index.pages[b.page].url);
        }
    }
}

/// Queries whose JavaScript results must equal Rust's, language by language.
const QUERIES: &[(&str, &[&str])] = &[
    (
        "zh",
        &[
            "保税",
            "外资",
            "外资企业",
            "能耗指标",
            "世界500强",
            "陆港",
            "港",
            "物流 采购",
            "负面清单",
            "并购重组",
            "investment",
            "税收优惠",
            "收购国企",
            "银行贷款",
            "禁止投资的行业",
            "用地指标",
        ],
    ),
    (
        "en",
        &[
            "investing",
            "land port",
            "International Land Port",
            "headquarters",
            "centre",
            "cross-border e-commerce",
            "bonded logistics procurement",
            "Fortune 500",
            "non-performing assets",
            "the",
            "保税",
            "which industries are closed to foreign investors",
            "M&A",
        ],
    ),
    (
        "ru",
        &[
            "инвестиций",
            "слияний",
            "штаб-квартира",
            "штаб квартира",
            "сухой порт",
            "бондовый",
            "иностранных инвестиций",
            "квота",
            "Ёлка",
            "inVEST",
            "запрещенные отрасли",
            "льготы для инвесторов",
        ],
    ),
];

#[test]
fn javascript_ranking_agrees_with_rust() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    for (lang, queries) in QUERIES {
        let index_json: serde_json::Value =
            serde_json::from_str(&index_text(&guide()[&index_path(lang)])).unwrap();
        let got: Vec<Vec<Hit>> = run_js(
            &node,
            &serde_json::json!({"index": index_json, "queries": queries}),
            "const opened = await s.openIndex(\"index.json\", async () => input.index, n.tokens);\n\
             return Promise.all(input.queries.map((q) => searchIndex(opened, q, n)));",
        );
        let index = index(lang);
        assert_eq!(got.len(), queries.len());
        for (query, js) in queries.iter().zip(got) {
            assert_eq!(js, search::search(&index, query), "{lang}: {query}");
        }
    }
}

// Guards the sections' short form: search.js puts back the ids the index leaves out as Rust
// does, for every heading of the guide and a few harder ones.
#[test]
fn javascript_implies_the_same_section_ids_as_rust() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let mut headings: Vec<String> = LANGS
        .iter()
        .flat_map(|lang| index(lang).pages)
        .flat_map(|page| page.sections.into_iter().map(|(_, heading, _)| heading))
        .collect();
    headings.extend(
        [
            "ΟΔΟΣ Σ",
            "İstanbul",
            "Ⅻ ½ ٣ x²",
            "a\u{301}b c\u{200d}d",
            "Ｍ＆Ａ 2.0",
            "🙂 ok 🙂",
            "",
        ]
        .map(String::from),
    );
    let got: Vec<String> = run_js(
        &node,
        &serde_json::json!(headings),
        "return input.map((h) => s.impliedId(h));",
    );
    let want: Vec<String> = headings.iter().map(|h| search::implied_id(h)).collect();
    assert_eq!(got, want);
}

#[test]
fn search_page_wires_the_index_and_strings() {
    for lang in LANGS {
        let html =
            String::from_utf8_lossy(&guide()[&format!("{lang}/search/index.html")]).into_owned();
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(html.contains(&format!("data-index-url=\"/{lang}/search/index.json\"")));
        assert!(html.contains("role=\"status\""));
        assert!(html.contains("data-search-results"));
        assert!(html.contains("<script type=\"module\" src=\"/assets/search."));
        for form in ["one", "few", "many", "other"] {
            assert!(
                html.contains(&format!("data-count-{form}=\"")),
                "{lang}: {form}"
            );
        }
        assert!(!html.contains("{{"), "{lang}: unrendered template");
    }
    let ru = String::from_utf8_lossy(&guide()["ru/search/index.html"]).into_owned();
    assert!(ru.contains("data-count-few=\"{count} результата\""));
    assert!(ru.contains("data-count-many=\"{count} результатов\""));
}

// ----- Fixture sites -----------------------------------------------------------------------------

#[test]
fn a_site_without_a_search_page_gets_no_index() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    assert!(!site.out().join("en/search/index.json").exists());
}

#[test]
fn a_search_page_gets_an_index_of_the_marked_regions() {
    let site = TestSite::minimal();
    site.write(
        "content/search.en.md",
        b"---\ntitle: Search\n---\n\nFind things.\n",
    );
    site.write(
        "content/widgets.en.md",
        b"---\ntitle: Widgets & gadgets\n---\n\nIntro about widgets.\n\n## Blue widgets\n\nThey are *blue*.\n",
    );
    site.build_ok(&[]);
    let index: Index = serde_json::from_str(&site.read_out("en/search/index.json")).unwrap();
    let page = index.pages.iter().find(|p| p.url == "en/widgets/").unwrap();
    assert_eq!(page.title, "Widgets & gadgets");
    assert_eq!(page.sections[1].0, "blue-widgets");
    assert_eq!(page.sections[1].2, "They are blue.");
    let hits = search::search(&index, "widget blue");
    assert_eq!(hits[0].url, "en/widgets/#blue-widgets");
    assert!(index.pages.iter().all(|p| p.url != "en/search/"));
}

#[test]
fn a_broken_synonym_group_is_reported() {
    let site = TestSite::minimal();
    site.write("content/search.en.md", b"---\ntitle: Search\n---\n");
    site.write(
        "content/search/synonyms.yaml",
        b"- [alpha, beta]\n- [lonely]\n- [gamma, \"!\"]\n",
    );
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("content/search/synonyms.yaml: error: group 2 has fewer than two members"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .contains("group 3: `!` has no searchable word"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn index_and_result_links_follow_a_sub_path_base_url() {
    let site = TestSite::minimal();
    site.write("content/search.en.md", b"---\ntitle: Search\n---\n");
    site.build_ok(&["--base-url", "https://example.org/guide/"]);
    let html = site.read_out("en/search/index.html");
    assert!(
        html.contains("data-index-url=\"/guide/en/search/index.json\""),
        "{html}"
    );
    assert!(html.contains("data-base-path=\"/guide/\""));
    assert!(html.contains("data-url=\"/guide/en/search/index.json\""));
    let index: Index = serde_json::from_str(&site.read_out("en/search/index.json")).unwrap();
    // URLs in the index stay below the base path; search.js puts the base path in front.
    assert!(index.pages.iter().all(|p| p.url.starts_with("en/")));
}

// ----- The split form ----------------------------------------------------------------------------

/// A copy of the guide's sources with `search: { split_over: BYTES }` added to its site.yaml.
fn guide_copy(split_over: u64) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "i18n", "themes"] {
        crate::harness::copy_tree(&root().join(dir), &tmp.path().join(dir));
    }
    let yaml = std::fs::read_to_string(root().join("site.yaml")).unwrap();
    let yaml = format!("{yaml}\nsearch: {{ split_over: {split_over} }}\n");
    std::fs::write(tmp.path().join("site.yaml"), yaml).unwrap();
    tmp
}

/// The guide built with every index split (`split_over: 0`), once for all tests of this file.
fn split_guide() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let copy = guide_copy(0);
        let options = BuildOptions {
            root: copy.path().to_path_buf(),
            out: None,
            base_url: None,
            drafts: false,
            force: false,
            node_cases: false,
        };
        match build_in_memory(&options) {
            Ok(built) => built.files.into_iter().collect(),
            Err(problems) => panic!("the split guide does not build: {problems:?}"),
        }
    })
}

/// `search::search_files` over `files`, with the paths it read, in order.
fn search_in(
    files: &BTreeMap<String, Vec<u8>>,
    lang: &str,
    query: &str,
) -> (Vec<Hit>, Vec<String>) {
    let read = std::cell::RefCell::new(Vec::new());
    let hits = search::search_files(
        |path| {
            read.borrow_mut().push(path.to_string());
            files.get(path).cloned().ok_or_else(|| format!("no {path}"))
        },
        lang,
        query,
    )
    .unwrap_or_else(|e| panic!("{lang} {query:?}: {e}"));
    (hits, read.into_inner())
}

/// The queries of `QUERIES` and of the browser's relevance list, as (lang, query).
fn all_queries() -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Relevance {
        lang: String,
        q: String,
    }
    let text = std::fs::read_to_string(root().join("tests/browser/relevance.json")).unwrap();
    let relevance: Vec<Relevance> = serde_json::from_str(&text).unwrap();
    let mut all: Vec<(String, String)> = QUERIES
        .iter()
        .flat_map(|(lang, qs)| qs.iter().map(|q| (lang.to_string(), q.to_string())))
        .collect();
    all.extend(relevance.into_iter().map(|r| (r.lang, r.q)));
    all
}

fn manifest(files: &BTreeMap<String, Vec<u8>>, lang: &str) -> search::Manifest {
    serde_json::from_slice(&files[&index_path(lang)])
        .unwrap_or_else(|e| panic!("{lang}: not a split manifest: {e}"))
}

#[test]
fn the_guide_keeps_the_whole_form_under_the_default_limit() {
    for lang in LANGS {
        let json: serde_json::Value =
            serde_json::from_str(&index_text(&guide()[&index_path(lang)])).unwrap();
        assert!(json.get("split").is_none(), "{lang}: split");
        assert!(json["pages"].is_array(), "{lang}: no pages");
        assert!(
            !guide()
                .keys()
                .any(|p| p.starts_with(&format!("{lang}/search/terms/"))),
            "{lang}: shards written beside a whole index"
        );
    }
}

#[test]
fn the_split_guide_finds_exactly_what_the_whole_one_finds() {
    let queries = all_queries();
    assert!(queries.len() >= 70, "{}", queries.len());
    let mut found = 0;
    for (lang, query) in &queries {
        let whole = search::search(&index(lang), query);
        found += usize::from(!whole.is_empty());
        let (split, _) = search_in(split_guide(), lang, query);
        assert_eq!(split, whole, "{lang} {query:?}");
        // The same reader on the whole form is the same search.
        assert_eq!(search_in(guide(), lang, query).0, whole, "{lang} {query:?}");
    }
    assert!(found >= 65, "only {found} queries find something");
}

#[test]
fn a_split_query_reads_only_the_shards_of_its_terms_and_the_chunks_of_its_hits() {
    for (lang, query) in all_queries() {
        let split = manifest(split_guide(), &lang).split;
        let (hits, read) = search_in(split_guide(), &lang, &query);
        let parsed = search::parse_query(&query, &index(&lang).synonyms);
        let mut want: Vec<String> = vec![index_path(&lang)];
        // A word being typed reads the word-start file of its first three letters, and so does
        // each word tried for typos.
        let (concepts, typo_keys) = search::query_plan(&index(&lang), &query);
        let start = search::word_start(&query, &parsed).map(|s| s.chars().take(3).collect());
        let files: std::collections::BTreeSet<String> = start
            .into_iter()
            .chain(typo_keys)
            .map(|key: String| {
                let n = search::fnv1a32(&key) as usize % split.starts;
                format!("{lang}/search/starts/{n}.json")
            })
            .collect();
        want.extend(files);
        let terms: std::collections::BTreeSet<&String> =
            concepts.iter().flatten().flatten().collect();
        let mut shards: Vec<usize> = terms
            .iter()
            .map(|t| search::fnv1a32(t) as usize % split.terms)
            .collect();
        shards.sort();
        shards.dedup();
        want.extend(
            shards
                .iter()
                .map(|n| format!("{lang}/search/terms/{n}.json")),
        );
        let mut chunks: Vec<usize> = hits.iter().map(|h| h.page / split.chunk).collect();
        chunks.sort();
        chunks.dedup();
        want.extend(
            chunks
                .iter()
                .map(|n| format!("{lang}/search/pages/{n}.json")),
        );
        let mut got = read.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{lang} {query:?}");
        assert_eq!(
            read.len(),
            want.len(),
            "{lang} {query:?}: a file read twice"
        );
    }
}

#[test]
fn splitting_changes_nothing_outside_the_index_files() {
    let index_file = |p: &str| {
        LANGS
            .iter()
            .any(|l| p.starts_with(&format!("{l}/search/")) && p.ends_with(".json"))
    };
    let outside = |files: &'static BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(p, _)| !index_file(p))
            .collect::<Vec<_>>()
    };
    assert!(outside(guide()) == outside(split_guide()));
    for lang in LANGS {
        let m = manifest(split_guide(), lang);
        assert_eq!(m.lang, lang);
        assert_eq!(m.synonyms, index(lang).synonyms);
        assert_eq!(m.split.pages, index(lang).pages.len());
    }
}

/// Writes a site of `n` short pages under `items/` (each page `i` says `alpha` i times in its
/// body, capped by the indexer, and `item{i}` once), with a search page and `split_over`.
fn items_site(n: usize, split_over: u64) -> TestSite {
    let site = TestSite::minimal();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    let yaml = format!("{yaml}search: {{ split_over: {split_over} }}\n");
    site.write("site.yaml", yaml.as_bytes());
    site.write("content/search.en.md", b"---\ntitle: Search\n---\n");
    site.write(
        "content/items/_index.en.md",
        b"---\ntitle: Item shelf\n---\n\nAll items.\n",
    );
    for i in 0..n {
        let body = format!(
            "---\ntitle: Item {i:02} zeta\n---\n\nItem{i} {}\n\n## Beta part\n\nMore words.\n",
            "alpha ".repeat(i)
        );
        site.write(&format!("content/items/item-{i:02}.en.md"), body.as_bytes());
    }
    site
}

fn out_files(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    crate::harness::snapshot(&site.out())
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().into_owned(), b))
        .collect()
}

#[test]
fn a_large_index_is_split_into_term_shards_and_page_chunks() {
    let whole_site = items_site(60, 1 << 30);
    whole_site.build_ok(&[]);
    let whole_files = out_files(&whole_site);
    let whole: Index = serde_json::from_slice(&whole_files["en/search/index.json"]).unwrap();
    let site = items_site(60, 2000);
    site.build_ok(&[]);
    let files = out_files(&site);
    assert!(
        whole_files["en/search/index.json"].len() > 2000,
        "the fixture is too small to split"
    );
    let split = manifest(&files, "en").split;
    assert_eq!(split.pages, whole.pages.len());
    assert!(split.terms >= 1 && split.chunk > 1, "{split:?}");
    // Exactly the shards and chunks the manifest names.
    let mut names: Vec<&str> = files
        .keys()
        .filter_map(|p| p.strip_prefix("en/search/"))
        .filter(|p| !p.starts_with("index."))
        .collect();
    names.sort();
    let mut want: Vec<String> = (0..split.terms)
        .map(|n| format!("terms/{n}.json"))
        .collect();
    want.extend((0..whole.pages.len().div_ceil(split.chunk)).map(|n| format!("pages/{n}.json")));
    assert!(split.starts >= 1, "{split:?}");
    want.extend((0..split.starts).map(|n| format!("starts/{n}.json")));
    want.sort();
    assert_eq!(names, want);
    // Every term of every page is in the shard its hash names, and nowhere else.
    let mut terms = std::collections::BTreeSet::new();
    for page in &whole.pages {
        terms.extend(search::tokens(&page.title));
        for (_, heading, text) in &page.sections {
            terms.extend(search::tokens(heading));
            terms.extend(search::tokens(text));
        }
    }
    let mut found = std::collections::BTreeSet::new();
    for n in 0..split.terms {
        let shard: search::Shard =
            serde_json::from_slice(&files[&format!("en/search/terms/{n}.json")]).unwrap();
        for term in shard.keys() {
            assert_eq!(search::fnv1a32(term) as usize % split.terms, n, "{term}");
            assert!(found.insert(term.clone()), "{term} in two shards");
        }
    }
    assert_eq!(found, terms);
    // Page P is record P mod C of chunk P / C, with its parent's title.
    for (p, page) in whole.pages.iter().enumerate() {
        let chunk: Vec<search::PageRecord> =
            serde_json::from_slice(&files[&format!("en/search/pages/{}.json", p / split.chunk)])
                .unwrap();
        let record = &chunk[p % split.chunk];
        assert_eq!(record.page.url, page.url);
        assert_eq!(record.page.sections, page.sections);
        let parent = page.parent.map(|i| whole.pages[i].title.clone());
        assert_eq!(record.parent_title, parent, "{}", page.url);
    }
    let shelf = whole
        .pages
        .iter()
        .filter(|p| {
            p.parent
                .is_some_and(|i| whole.pages[i].title == "Item shelf")
        })
        .count();
    assert_eq!(shelf, 60);
    for query in ["alpha", "zeta", "item7", "beta alpha", "nothing"] {
        assert_eq!(
            search_in(&files, "en", query).0,
            search::search(&whole, query),
            "{query}"
        );
    }
}

#[test]
fn shards_hold_page_numbers_as_differences_and_packed_weights() {
    let site = items_site(20, 0);
    site.build_ok(&[]);
    let files = out_files(&site);
    let whole_site = items_site(20, 1 << 30);
    whole_site.build_ok(&[]);
    let whole: Index =
        serde_json::from_slice(&out_files(&whole_site)["en/search/index.json"]).unwrap();
    let split = manifest(&files, "en").split;
    let n = search::fnv1a32("alpha") as usize % split.terms;
    let shard: search::Shard =
        serde_json::from_slice(&files[&format!("en/search/terms/{n}.json")]).unwrap();
    let flat = &shard["alpha"];
    // Item i says `alpha` i times in its first section: pages item-01 … item-19 hold it,
    // with a body count of i capped at 15 for the section (the page cap, 20, is not reached).
    let mut page = 0;
    let mut seen = Vec::new();
    for pair in flat.chunks(2) {
        page += pair[0];
        seen.push((whole.pages[page].url.clone(), pair[1]));
    }
    let want: Vec<(String, usize)> = (1..20)
        .map(|i| (format!("en/items/item-{i:02}/"), i.min(15) * 4))
        .collect();
    assert_eq!(seen, want);
    // `zeta` is in every item's title (bit 0), and `beta` in a heading of each (bit 1).
    for (term, bits) in [("zeta", 1), ("beta", 2)] {
        let n = search::fnv1a32(term) as usize % split.terms;
        let shard: search::Shard =
            serde_json::from_slice(&files[&format!("en/search/terms/{n}.json")]).unwrap();
        let weights: Vec<usize> = shard[term].chunks(2).map(|p| p[1]).collect();
        assert_eq!(weights, vec![bits; 20], "{term}");
    }
}

#[derive(Debug, Deserialize)]
struct FnvVectors {
    vectors: Vec<FnvVector>,
}

#[derive(Debug, Deserialize)]
struct FnvVector {
    text: String,
    fnv1a32: String,
}

fn fnv_vectors() -> Vec<FnvVector> {
    let text = std::fs::read_to_string(root().join("tests/vectors/fnv.json")).unwrap();
    serde_json::from_str::<FnvVectors>(&text).unwrap().vectors
}

#[test]
fn fnv_vectors_hold_in_rust_and_javascript() {
    let vectors = fnv_vectors();
    assert!(
        vectors
            .iter()
            .any(|v| v.text.is_empty() && v.fnv1a32 == "811c9dc5")
    );
    assert!(
        vectors
            .iter()
            .any(|v| v.text == "a" && v.fnv1a32 == "e40c292c")
    );
    for v in &vectors {
        assert_eq!(
            format!("{:08x}", search::fnv1a32(&v.text)),
            v.fnv1a32,
            "{:?}",
            v.text
        );
    }
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let texts: Vec<&str> = vectors.iter().map(|v| v.text.as_str()).collect();
    let got: Vec<String> = run_js(
        &node,
        &serde_json::json!(texts),
        "return input.map((t) => split.fnv1a32(t).toString(16).padStart(8, '0'));",
    );
    let want: Vec<&str> = vectors.iter().map(|v| v.fnv1a32.as_str()).collect();
    assert_eq!(got, want);
}

#[derive(Debug, Deserialize)]
struct JsSearch {
    hits: Vec<Hit>,
    read: Vec<String>,
}

/// `searchIndex` (search.js's `searchAll` and `resolve`) over the files in `dir`, each query on
/// a freshly opened index, with the paths it read.
fn js_search_files(node: &Path, dir: &Path, queries: &[(String, String)]) -> Vec<JsSearch> {
    let got: Vec<JsSearch> = run_js(
        node,
        &serde_json::json!({"dir": dir, "queries": queries}),
        "const out = [];\n\
         for (const [lang, q] of input.queries) {\n\
           const read = [];\n\
           const fetchJson = async (url) => {\n\
             read.push(url);\n\
             return s.readJson(readFileSync(`${input.dir}/${url}`));\n\
           };\n\
           const index = await s.openIndex(`${lang}/search/index.json`, fetchJson, n.tokens);\n\
           out.push({ hits: await searchIndex(index, q, n), read });\n\
         }\n\
         return out;",
    );
    assert_eq!(got.len(), queries.len());
    got
}

fn assert_js_reads_like_rust(
    node: &Path,
    dir: &Path,
    files: &BTreeMap<String, Vec<u8>>,
    queries: &[(String, String)],
) {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    for ((lang, query), js) in queries.iter().zip(js_search_files(node, dir, queries)) {
        let (hits, read) = search_in(files, lang, query);
        assert_eq!(js.hits, hits, "{lang} {query:?}");
        assert_eq!(sorted(js.read), sorted(read), "{lang} {query:?}");
    }
}

#[test]
fn javascript_reads_the_split_guide_like_rust() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in split_guide().iter().filter(|(p, _)| p.contains("/search/")) {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    assert_js_reads_like_rust(&node, dir.path(), split_guide(), &all_queries());
}

#[test]
fn javascript_reads_page_chunks_of_many_pages_like_rust() {
    let Some(node) = crate::harness::node_or_skip() else {
        return;
    };
    let site = items_site(60, 2000);
    site.build_ok(&[]);
    let files = out_files(&site);
    assert!(manifest(&files, "en").split.chunk > 1);
    let queries: Vec<(String, String)> = ["alpha", "zeta", "item7 beta", "beta alpha", "nothing"]
        .iter()
        .map(|q| ("en".to_string(), q.to_string()))
        .collect();
    assert_js_reads_like_rust(&node, &site.out(), &files, &queries);
}

#[test]
fn the_search_page_works_with_a_split_index() {
    let Some(chromium) = crate::harness::browser_or_skip() else {
        return;
    };
    let copy = guide_copy(0);
    let out = copy.path().join("public");
    let outcome = crate::harness::run_in(
        copy.path(),
        &[
            "build",
            "--root",
            &copy.path().to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let stdout = crate::harness::run_browser_script(&chromium, "split.mjs", &[out.as_os_str()]);
    println!("{stdout}");
}

/// One query of a relevance set: the page it should find, within the first `top`.
#[derive(Deserialize)]
struct Judged {
    lang: String,
    q: String,
    expect: String,
    top: usize,
}

/// For each query of `file` (a relevance set), the rank of its expected page (1-based, by page
/// without the `#section`; 0 when absent), as the search page would order them.
fn ranks(file: &str) -> Vec<(Judged, usize)> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let judged: Vec<Judged> = serde_json::from_str(&text).unwrap();
    judged
        .into_iter()
        .map(|j| {
            let hits = search::search(&index(&j.lang), &j.q);
            let want = format!("{}/{}", j.lang, j.expect);
            let rank = hits
                .iter()
                .position(|h| h.url.split('#').next() == Some(want.as_str()))
                .map_or(0, |i| i + 1);
            (j, rank)
        })
        .collect()
}

/// (top-1, top-3, mean reciprocal rank) of ranks; MRR counts an absent page as 0.
fn figures(ranks: &[(Judged, usize)]) -> (usize, usize, f64) {
    let within = |n: usize| ranks.iter().filter(|(_, r)| (1..=n).contains(r)).count();
    let mrr = ranks
        .iter()
        .map(|(_, r)| if *r == 0 { 0.0 } else { 1.0 / *r as f64 })
        .sum::<f64>()
        / ranks.len() as f64;
    (within(1), within(3), mrr)
}

/// The relevance sets, measured: `tests/browser/relevance.json` (the regression set: every
/// query within its `top`) and `bench/pagefind/blind.json` (written without looking at the
/// results: its figures may not fall). Prints top-1, top-3 and MRR of each.
#[test]
fn relevance_sets_report_top_1_top_3_and_mrr() {
    for (file, floor) in [
        ("tests/browser/relevance.json", None),
        ("bench/pagefind/blind.json", Some((28, 30, 0.81))),
    ] {
        let ranks = ranks(file);
        let (top1, top3, mrr) = figures(&ranks);
        println!(
            "{file}: {} queries, top-1 {top1}, top-3 {top3}, MRR {mrr:.3}",
            ranks.len()
        );
        for (j, rank) in &ranks {
            if *rank != 1 {
                println!("  {} {:?}: {}/{} at {rank}", j.lang, j.q, j.lang, j.expect);
            }
        }
        match floor {
            None => {
                let missed: Vec<String> = ranks
                    .iter()
                    .filter(|(j, r)| *r == 0 || r > &j.top)
                    .map(|(j, r)| format!("{} {:?} at {r}, want top {}", j.lang, j.q, j.top))
                    .collect();
                assert!(missed.is_empty(), "{file}: {missed:#?}");
            }
            Some((min1, min3, min_mrr)) => {
                assert!(
                    top1 >= min1 && top3 >= min3 && mrr >= min_mrr,
                    "{file}: top-1 {top1} (at least {min1}), top-3 {top3} (at least {min3}), \
                     MRR {mrr:.3} (at least {min_mrr})"
                );
            }
        }
    }
}
