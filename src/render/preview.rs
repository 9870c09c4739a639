//! Link previews and structured data: what a chat, a social network or a search engine reads
//! about a page. In: the site and one page. Out: the page's JSON-LD (`WebSite` with its
//! `SearchAction` on a language's home page, `BreadcrumbList` elsewhere) as text safe to put
//! inside `<script type="application/ld+json">`, and the template filters `og_locale` (a BCP 47
//! tag as Open Graph writes a locale) and `absolute` (a URL below the base path → a full URL).

use crate::model::{Page, Site, url_path};
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use tera::Tera;

/// The page's JSON-LD, or `None` for a page with nothing to say (a home page without search).
/// `ancestors` are the section pages above it, home first (`{title, url}`, URLs with the base
/// path), as the breadcrumbs show them, and `items` their [`breadcrumb_items`].
pub(super) fn json_ld(
    site: &Site,
    page: &Page,
    (ancestors, items): (&[Json], &str),
    search: bool,
) -> Option<String> {
    let base_url = &site.config.base_url;
    if page.key != "_index" {
        if ancestors.is_empty() {
            return None;
        }
        let url = format!("{base_url}{}", page.url_path);
        let own = list_item(ancestors.len() + 1, json!(page.front.title), url);
        return Some(breadcrumb_list(items, &own));
    }
    let language = site.config.language(&page.lang)?;
    let mut website = json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": language.title,
        "url": format!("{base_url}{}", page.url_path),
        "inLanguage": language.tag,
    });
    if search {
        let target = format!(
            "{base_url}{}?q={{search_term_string}}",
            url_path("search", &page.lang)
        );
        website["potentialAction"] = json!({
            "@type": "SearchAction",
            "target": { "@type": "EntryPoint", "urlTemplate": target },
            "query-input": "required name=search_term_string",
        });
    }
    Some(script_text(&website))
}

/// How a `BreadcrumbList` starts, as `serde_json` writes it (keys sorted, no spaces), up to
/// its first item.
const BREADCRUMBS: &str =
    r#"{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":["#;

/// The JSON-LD `ListItem`s of a page's `ancestors`, each followed by a comma: the same for
/// every page of a folder, so made once for them all.
pub(super) fn breadcrumb_items(base_url: &str, base_path: &str, ancestors: &[Json]) -> String {
    let mut out = String::new();
    for (i, a) in ancestors.iter().enumerate() {
        let url = a["url"].as_str().unwrap_or_default();
        let below = url.strip_prefix(base_path).unwrap_or(url);
        let item = list_item(i + 1, a["title"].clone(), format!("{base_url}{below}"));
        out.push_str(&script_text(&item));
        out.push(',');
    }
    out
}

/// The `BreadcrumbList` of `items` (of [`breadcrumb_items`]) and the page's own item.
fn breadcrumb_list(items: &str, own: &Json) -> String {
    format!("{BREADCRUMBS}{items}{}]}}", script_text(own))
}

fn list_item(position: usize, name: Json, item: String) -> Json {
    json!({"@type": "ListItem", "position": position, "name": name, "item": item})
}

/// JSON that cannot end its `<script>` element or open a comment in it: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e`, `\u0026` (still the same JSON to a parser).
fn script_text(value: &Json) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A BCP 47 tag as an Open Graph locale: the language, and the region when the tag names one
/// (`pt-br` → `pt_BR`, `zh-Hans` → `zh`, `en` → `en`).
fn og_locale(tag: &str) -> String {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    match parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic())) {
        Some(region) => format!("{language}_{}", region.to_ascii_uppercase()),
        None => language,
    }
}

/// The filters `og_locale` and `absolute` (a URL with the base path, as `asset()` and `url()`
/// give it, made absolute with `base_url`, as previews need).
pub(super) fn register_filters(tera: &mut Tera, base_url: &str, base_path: &str) {
    tera.register_filter("og_locale", |value: &Json, _: &HashMap<String, Json>| {
        Ok(Json::from(og_locale(value.as_str().unwrap_or_default())))
    });
    let (base_url, base_path) = (base_url.to_string(), base_path.to_string());
    tera.register_filter(
        "absolute",
        move |value: &Json, _: &HashMap<String, Json>| {
            let url = value.as_str().unwrap_or_default();
            let below = url.strip_prefix(base_path.as_str()).ok_or_else(|| {
                tera::Error::msg(format!(
                    "absolute: `{url}` is not below the site's base path `{base_path}`"
                ))
            })?;
            Ok(Json::from(format!("{base_url}{below}")))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_keep_language_and_region_only() {
        assert_eq!(og_locale("zh-Hans"), "zh");
        assert_eq!(og_locale("pt-br"), "pt_BR");
        assert_eq!(og_locale("zh-Hans-CN"), "zh_CN");
        assert_eq!(og_locale("ru"), "ru");
    }

    // Guards the breadcrumbs written in parts: the same text as serde_json writes whole.
    #[test]
    fn breadcrumbs_are_the_json_serde_writes() {
        let ancestors = [
            json!({"title": "Home </script>", "url": "/guide/en/"}),
            json!({"title": "A & B", "url": "/guide/en/a/"}),
        ];
        let items = breadcrumb_items("https://example.org/guide/", "/guide/", &ancestors);
        let url = |path: &str| format!("https://example.org/guide/{path}");
        let own = list_item(3, json!("Ж \"x\""), url("en/a/b/"));
        let whole = json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                list_item(1, json!("Home </script>"), url("en/")),
                list_item(2, json!("A & B"), url("en/a/")),
                own.clone(),
            ],
        });
        assert_eq!(breadcrumb_list(&items, &own), script_text(&whole));
    }

    // Guards the end of the script element: a title with `</script>` must stay inside the JSON.
    #[test]
    fn script_text_cannot_close_its_element() {
        let value = json!({"name": "a </script><!-- & b"});
        let text = script_text(&value);
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
