//! What every built page weighs and what it may contain, without a browser: HTML plus the CSS
//! and JS it loads stays under 50 KB compressed (gzip -9, as a host would serve it); no inline
//! script or style, so the strict CSP holds; no URL of another origin.

use crate::harness::{build_guide_into, gzip_or_skip, gzip_size};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The budget for one page before search is used: HTML + CSS + JS, each compressed.
const BUDGET: usize = 50_000;
/// The print edition (`/LANG/print/`) is the whole guide, the plan's full text included, in
/// one download by design (as mdBook's print.html): it has a budget of its own.
const PRINT_BUDGET: usize = 80_000;
const BASE_URL: &str = "https://invest.example.org/";

fn built_guide() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    (tmp, out)
}

fn files_with(out: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| extensions.iter().any(|e| x == *e))
        })
        .collect();
    files.sort();
    files
}

/// The start tags of `html` (`<a href="…">` without the angle brackets), comments skipped.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |j| &after[j + 3..]);
            continue;
        }
        if rest.starts_with(['/', '!']) || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = tag_end(rest);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// The index of the `>` that closes a tag, skipping quoted attribute values.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    tag.len()
}

/// (name, value) of the attributes of a start tag; names lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = body[..end].to_string();
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..end].to_string();
                rest = &after[end..];
            }
        }
        out.push((name, value));
    }
}

fn tag_name(tag: &str) -> String {
    tag.split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The files of the built site a page loads before search is used: stylesheets, scripts,
/// module preloads, and the assets its scripts load by URL (`data-*-module`, `data-rules-url`),
/// with the modules those import, transitively.
fn page_assets(out: &Path, html: &str) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<PathBuf> = Vec::new();
    for tag in tags(html) {
        let name = tag_name(tag);
        let attrs = attributes(tag);
        let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        let mut urls = Vec::new();
        if name == "link" {
            let rel = get("rel").unwrap_or_default();
            if rel
                .split_whitespace()
                .any(|r| r == "stylesheet" || r == "modulepreload")
            {
                urls.extend(get("href"));
            }
        } else if name == "script" {
            urls.extend(get("src"));
        }
        for (k, v) in &attrs {
            if k.starts_with("data-") && v.contains("/assets/") {
                urls.push(v.clone());
            }
        }
        for url in urls {
            if let Some(rel) = url.strip_prefix('/') {
                todo.push(out.join(rel));
            }
        }
    }
    while let Some(path) = todo.pop() {
        if !path.is_file() || !found.insert(path.clone()) {
            continue;
        }
        if path.extension().is_some_and(|e| e == "js") {
            let text = fs::read_to_string(&path).unwrap();
            for spec in relative_imports(&text) {
                todo.push(path.parent().unwrap().join(spec));
            }
        }
    }
    found
}

/// `"./name.js"` module specifiers in a script (static or dynamic imports).
fn relative_imports(js: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let opener = format!("{quote}./");
        let mut rest = js;
        while let Some(i) = rest.find(&opener) {
            rest = &rest[i + 1..];
            if let Some(end) = rest.find(quote) {
                let spec = &rest[..end];
                if spec.ends_with(".js") && !spec.contains(char::is_whitespace) {
                    out.push(spec.to_string());
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn every_page_with_its_css_and_js_stays_under_50_kb_compressed() {
    let Some(gzip) = gzip_or_skip() else {
        return;
    };
    let (_tmp, out) = built_guide();
    let mut sizes: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut size_of = |path: &Path| -> usize {
        *sizes
            .entry(path.to_path_buf())
            .or_insert_with(|| gzip_size(&gzip, &fs::read(path).unwrap()))
    };
    let mut pages = Vec::new();
    for page in files_with(&out, &["html"]) {
        let html = fs::read_to_string(&page).unwrap();
        let assets = page_assets(&out, &html);
        let total = size_of(&page) + assets.iter().map(|a| size_of(a)).sum::<usize>();
        let rel = page
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        pages.push((total, rel, assets.len()));
    }
    pages.sort();
    let (size, page, assets) = pages
        .iter()
        .rfind(|(_, rel, _)| !rel.ends_with("/print/index.html"))
        .expect("the build has pages")
        .clone();
    println!(
        "heaviest page: /{page} with {assets} CSS/JS files: {size} bytes compressed (budget {BUDGET})"
    );
    let budget = |rel: &str| {
        if rel.ends_with("/print/index.html") {
            PRINT_BUDGET
        } else {
            BUDGET
        }
    };
    let over: Vec<String> = pages
        .iter()
        .filter(|(total, rel, _)| *total > budget(rel))
        .map(|(total, rel, _)| format!("/{rel}: {total} bytes"))
        .collect();
    assert!(
        over.is_empty(),
        "pages over their budget ({BUDGET} bytes, print editions {PRINT_BUDGET}; gzip -9 of HTML + CSS + JS):\n{}",
        over.join("\n")
    );
    // The eligibility page loads its modules and rules by URL: they must count.
    let checker = fs::read_to_string(out.join("en/eligibility/index.html")).unwrap();
    let loaded: Vec<String> = page_assets(&out, &checker)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for prefix in [
        "style.",
        "eligibility.",
        "rules.",
        "amount.",
        "eligibility-rules.",
    ] {
        assert!(
            loaded.iter().any(|f| f.starts_with(prefix)),
            "{prefix}* not counted for the eligibility page: {loaded:?}"
        );
    }
}

#[test]
fn built_html_has_no_inline_script_or_style() {
    let (_tmp, out) = built_guide();
    let mut problems = Vec::new();
    for page in files_with(&out, &["html"]) {
        let html = fs::read_to_string(&page).unwrap();
        let rel = page.strip_prefix(&out).unwrap().display().to_string();
        let lower = html.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(i) = rest.find("<script") {
            rest = &rest[i..];
            let open_end = tag_end(rest);
            let body_start = (open_end + 1).min(rest.len());
            let Some(close) = rest.find("</script>") else {
                problems.push(format!("{rel}: <script> never closed"));
                break;
            };
            let body = rest.get(body_start..close).unwrap_or("");
            let attrs = attributes(&rest[1..open_end]);
            // A JSON-LD block is data the browser never runs (the CSP does not govern it):
            // allowed when it is JSON that cannot close its element early.
            if attrs
                .iter()
                .any(|(k, v)| k == "type" && v == "application/ld+json")
            {
                if serde_json::from_str::<serde_json::Value>(body).is_err() || body.contains('<') {
                    problems.push(format!("{rel}: JSON-LD that is not JSON, or holds `<`"));
                }
                rest = &rest[close + "</script>".len()..];
                continue;
            }
            if !body.trim().is_empty() {
                problems.push(format!("{rel}: <script> with inline code"));
            }
            if !attrs.iter().any(|(k, _)| k == "src") {
                problems.push(format!("{rel}: <script> without src"));
            }
            rest = &rest[close + "</script>".len()..];
        }
        for tag in tags(&html) {
            if tag_name(tag) == "style" {
                problems.push(format!("{rel}: <style> element"));
            }
            for (name, _) in attributes(tag) {
                if name == "style" {
                    problems.push(format!("{rel}: style= attribute on <{}>", tag_name(tag)));
                }
                if name.starts_with("on") && name.len() > 2 {
                    problems.push(format!(
                        "{rel}: inline event handler {name}= on <{}>",
                        tag_name(tag)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn built_files_name_no_other_origin() {
    let (_tmp, out) = built_guide();
    let mut problems = Vec::new();
    for page in files_with(&out, &["html"]) {
        let html = fs::read_to_string(&page).unwrap();
        let rel = page.strip_prefix(&out).unwrap().display().to_string();
        for tag in tags(&html) {
            let name = tag_name(tag);
            let attrs = attributes(tag);
            let rel_attr = attrs
                .iter()
                .find(|(k, _)| k == "rel")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            for (k, v) in &attrs {
                let v = v.trim().to_ascii_lowercase();
                if !(v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//")) {
                    continue;
                }
                let own_link = name == "link"
                    && k == "href"
                    && v.starts_with(BASE_URL)
                    && rel_attr
                        .split_whitespace()
                        .any(|r| r == "canonical" || r == "alternate");
                // Link previews name the page and its image by full URL, and the print edition
                // prints each page's address: the site's own, and nothing loads them.
                let own_meta = (name == "meta" && k == "content" || name == "a" && k == "href")
                    && v.starts_with(BASE_URL);
                let namespace = k.starts_with("xmlns") && v.starts_with("http://www.w3.org/");
                if !own_link && !own_meta && !namespace {
                    problems.push(format!("{rel}: <{name} {k}=\"{v}\">"));
                }
            }
        }
    }
    for file in files_with(&out, &["css", "js"]) {
        let text = fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(&out).unwrap().display().to_string();
        for (i, _) in text.match_indices("://") {
            let start = text[..i]
                .rfind(|c: char| !c.is_ascii_alphanumeric())
                .map_or(0, |j| j + 1);
            let scheme = &text[start..i];
            if scheme == "http" || scheme == "https" {
                let url: String = text[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !"\"'`)".contains(*c))
                    .collect();
                if !url.starts_with("http://www.w3.org/") {
                    problems.push(format!("{rel}: {url}"));
                }
            }
        }
        if text.contains("url(//") || text.contains("@import url(\"//") {
            problems.push(format!("{rel}: protocol-relative URL"));
        }
    }
    assert!(
        problems.is_empty(),
        "URLs of another origin in the built site:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_tag_reader_reads_attributes_as_browsers_do() {
    let html = "<!-- <script>x</script> --><a href='/x' class=\"a b\" hidden data-x=y>t</a><p title=\"a > b\" style=\"\">";
    let found = tags(html);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        attributes(found[0]),
        vec![
            ("href".to_string(), "/x".to_string()),
            ("class".to_string(), "a b".to_string()),
            ("hidden".to_string(), String::new()),
            ("data-x".to_string(), "y".to_string()),
        ]
    );
    assert_eq!(tag_name(found[1]), "p");
    assert_eq!(attributes(found[1])[0].1, "a > b");
    assert_eq!(attributes(found[1])[1].0, "style");
    assert_eq!(
        relative_imports("import { a } from \"./rules.js\"; await import('./amount.js');"),
        vec!["./rules.js".to_string(), "./amount.js".to_string()]
    );
}
