//! Lists beyond a section's own page: a page per tag (`/LANG/tags/SLUG/`) and the tags' index
//! (`/LANG/tags/`), and the list pages a long section or tag is cut into
//! (`/LANG/SECTION/page/N/`, page 1 at the section's own URL).
//!
//! In: the assembled pages and `site.yaml` (the site stage calls [`add_tag_pages`] and
//! [`paging`]). Out: generated tag pages, [`Site::tags`], and each list page's [`Paging`], which
//! the render stage (one file per list page) and the sitemap read.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::hash::FnvMap;
use crate::i18n::Bundles;
use crate::model::{FrontMatter, Page, Paging, Site, Tag, url_path};
use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use unicode_segmentation::UnicodeSegmentation;

/// The folder under each language where tag pages are made.
pub(crate) const TAGS_DIR: &str = "tags";

/// The key of the tags' index page.
pub(crate) const TAGS_INDEX: &str = "tags/_index";

/// A tag's URL segment: its letters and digits in any script, lowercased, runs of spaces
/// (and `-`, `_`) as one `-`, other punctuation and invisible characters left out.
/// `Bonded logistics` → `bonded-logistics`, `保税物流` → `保税物流`, `R&D` → `rd`.
pub(crate) fn tag_slug(tag: &str) -> String {
    let lower = tag.to_lowercase();
    let mut slug = String::with_capacity(lower.len());
    // By grapheme, so that a letter keeps its combining marks (Devanagari vowel signs).
    for grapheme in lower.graphemes(true) {
        let first = grapheme.chars().next().unwrap_or(' ');
        if first.is_alphanumeric() {
            let visible = grapheme
                .chars()
                .filter(|c| !crate::markdown::is_invisible(*c));
            slug.extend(visible);
        } else if (first.is_whitespace() || first == '-' || first == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

/// The path of list page `n` of the list at `url_path` (`en/news/` → `en/news/page/2/`).
pub(crate) fn pager_path(url_path: &str, n: usize) -> String {
    match n {
        1 => url_path.to_string(),
        _ => format!("{url_path}page/{n}/"),
    }
}

/// Site stage: a generated page per tag and language (`tags/SLUG`, titled with the tag) and a
/// tags' index per language that has tags (unless `content/tags/_index.LANG.md` exists).
/// Returns the tags; two tags of one language with one slug, and pages of `content/tags/`
/// besides its `_index`, are errors.
pub(crate) fn add_tag_pages(
    pages: &mut Vec<Page>,
) -> (BTreeMap<(String, String), Tag>, Vec<Diagnostic>) {
    /// A tag as the pages that carry it are read: its first spelling and where, its pages' keys.
    struct Found<'a> {
        name: &'a str,
        first: (&'a Path, usize),
        pages: Vec<&'a str>,
    }
    let mut problems = Vec::new();
    let mut tagged: Vec<&Page> = pages.iter().filter(|p| !p.front.tags.is_empty()).collect();
    tagged.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    // Borrowed while the pages are read: a tag's slug made once per spelling, its pages'
    // keys owned only once every page is seen.
    let mut slugs: FnvMap<&str, String> = FnvMap::default();
    for name in tagged.iter().flat_map(|p| &p.front.tags) {
        slugs.entry(name).or_insert_with(|| tag_slug(name));
    }
    let mut found: FnvMap<(&str, &str), Found> = FnvMap::default();
    for page in tagged {
        let line = page.front.lines.get("tags").copied().unwrap_or(1);
        for name in &page.front.tags {
            let slug = slugs[name.as_str()].as_str();
            let tag = match found.entry((page.lang.as_str(), slug)) {
                Entry::Vacant(vacant) => vacant.insert(Found {
                    name,
                    first: (&page.source, line),
                    pages: Vec::new(),
                }),
                Entry::Occupied(occupied) => occupied.into_mut(),
            };
            if tag.name != name {
                let (source, at) = tag.first;
                problems.push(
                    Diagnostic::error(
                        &page.source,
                        format!(
                            "tags `{name}` and `{}` ({}:{at}) both make /{}",
                            tag.name,
                            source.display(),
                            url_path(&format!("{TAGS_DIR}/{slug}"), &page.lang)
                        ),
                    )
                    .at(line, 1)
                    .hint("write the tag the same way on every page of a language"),
                );
            }
            if tag.pages.last() != Some(&page.key.as_str()) {
                tag.pages.push(&page.key);
            }
        }
    }
    let tags: BTreeMap<(String, String), Tag> = found
        .into_iter()
        .map(|((lang, slug), tag)| {
            let pages = tag.pages.into_iter().map(str::to_string).collect();
            let name = tag.name.to_string();
            ((lang.to_string(), slug.to_string()), Tag { name, pages })
        })
        .collect();
    if tags.is_empty() {
        return (tags, problems);
    }
    for page in pages
        .iter()
        .filter(|p| in_tags_dir(p) && p.key != TAGS_INDEX)
    {
        problems.push(
            Diagnostic::error(
                &page.source,
                format!("/{} is kept for tag pages", page.url_path),
            )
            .hint("move the page out of content/tags/: the build makes a page per tag there"),
        );
    }
    let indexes: Vec<(String, String)> = pages
        .iter()
        .filter(|p| p.key == TAGS_INDEX)
        .map(|p| (p.key.clone(), p.lang.clone()))
        .collect();
    let langs: std::collections::BTreeSet<&String> = tags.keys().map(|(lang, _)| lang).collect();
    for lang in langs {
        if !indexes.iter().any(|(_, l)| l == lang) {
            pages.push(generated(TAGS_INDEX, lang, "Tags", true));
        }
    }
    for ((lang, slug), tag) in &tags {
        let key = format!("{TAGS_DIR}/{slug}");
        pages.push(generated(&key, lang, &tag.name, false));
    }
    (tags, problems)
}

fn in_tags_dir(page: &Page) -> bool {
    page.dir == TAGS_DIR || page.dir.starts_with("tags/")
}

fn generated(key: &str, lang: &str, title: &str, is_index: bool) -> Page {
    Page {
        source: PathBuf::from("content").join(TAGS_DIR),
        url_path: url_path(key, lang),
        key: key.to_string(),
        lang: lang.to_string(),
        dir: TAGS_DIR.to_string(),
        is_index,
        generated: true,
        fallback: false,
        source_hash: String::new(),
        front: std::sync::Arc::new(FrontMatter {
            title: title.to_string(),
            ..Default::default()
        }),
        body: std::sync::Arc::from(""),
        body_line: 1,
    }
}

/// The tag a generated tag page is for.
pub(crate) fn tag_of<'a>(site: &'a Site, page: &Page) -> Option<&'a Tag> {
    let slug = page.key.strip_prefix("tags/")?;
    if !page.generated || page.is_index {
        return None;
    }
    site.tags.get(&(page.lang.clone(), slug.to_string()))
}

/// Site stage: the paging of each page of `pages` that is a paginated list (a section's own
/// page, not the home page or the tags' index, or a tag's page), `None` for the others; and an
/// error for a page whose URL a list page would take (`content/news/page/2.md`).
pub(crate) fn paging(
    pages: &[Page],
    config: &Config,
    tags: &BTreeMap<(String, String), Tag>,
) -> (Vec<Option<Paging>>, Vec<Diagnostic>) {
    let mut members: FnvMap<(&str, &str), usize> = FnvMap::default();
    for page in pages.iter().filter(|p| !p.is_index && !in_tags_dir(p)) {
        *members.entry((&page.lang, &page.dir)).or_default() += 1;
    }
    let paging: Vec<Option<Paging>> = pages
        .iter()
        .map(|page| {
            let (per_page, items) = if page.is_index && page.key != "_index" && !in_tags_dir(page) {
                let per_page = page.front.paginate.unwrap_or(config.paginate);
                let items = members.get(&(&page.lang, &page.dir)).copied();
                (per_page, items.unwrap_or(0))
            } else if let Some(slug) = page.key.strip_prefix("tags/")
                && page.generated
                && !page.is_index
            {
                let tag = tags.get(&(page.lang.clone(), slug.to_string()));
                (config.paginate, tag.map_or(0, |t| t.pages.len()))
            } else {
                return None;
            };
            (per_page > 0).then(|| Paging {
                per_page,
                items,
                pages: items.div_ceil(per_page).max(1),
            })
        })
        .collect();
    let problems = check_pager_paths(pages, &paging);
    (paging, problems)
}

/// A page below a paginated list's `page/` folder would be overwritten by a list page.
fn check_pager_paths(pages: &[Page], paging: &[Option<Paging>]) -> Vec<Diagnostic> {
    let reserved: BTreeMap<String, &Page> = pages
        .iter()
        .zip(paging)
        .filter(|(_, p)| p.is_some())
        .map(|(page, _)| (format!("{}page/", page.url_path), page))
        .collect();
    let mut problems = Vec::new();
    for page in pages {
        // Each `…/page/` the page's URL passes through, looked up (not every list compared).
        let taken = page.url_path.match_indices("/page/").find_map(|(i, _)| {
            let prefix = &page.url_path[..i + "/page/".len()];
            reserved.get_key_value(prefix)
        });
        if let Some((prefix, list)) = taken {
            problems.push(
                Diagnostic::error(
                    &page.source,
                    format!(
                        "/{} is kept for the list pages of {} (/{prefix}N/)",
                        page.url_path,
                        list.source.display()
                    ),
                )
                .hint("rename the page or its folder: `page` below a paginated section holds its list pages"),
            );
        }
    }
    problems
}

/// Titles the generated tags' index pages with the language's `tags-title` string.
pub(crate) fn title_tag_indexes(site: &mut Site, strings: &Bundles) {
    for page in site.pages.iter_mut() {
        if page.key != TAGS_INDEX || !page.generated {
            continue;
        }
        let title = strings
            .get(&page.lang)
            .and_then(|s| s.get("tags-title", &BTreeMap::new()).ok().flatten());
        if let Some(title) = title {
            std::sync::Arc::make_mut(&mut page.front).title = title;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_slugs_keep_letters_of_every_script() {
        assert_eq!(tag_slug("Bonded logistics"), "bonded-logistics");
        assert_eq!(tag_slug("  Land  quota "), "land-quota");
        assert_eq!(tag_slug("保税物流"), "保税物流");
        assert_eq!(tag_slug("保税 物流"), "保税-物流");
        assert_eq!(tag_slug("Бондовый склад"), "бондовый-склад");
        assert_eq!(tag_slug("R&D, 2023!"), "rd-2023");
        assert_eq!(tag_slug("foreign-invested"), "foreign-invested");
        assert_eq!(tag_slug("a\u{200B}b"), "ab");
        assert_eq!(tag_slug("../x"), "x");
        assert_eq!(tag_slug("हिन्दी"), "हिन्दी");
    }

    #[test]
    fn list_page_paths() {
        assert_eq!(pager_path("en/news/", 1), "en/news/");
        assert_eq!(pager_path("en/news/", 3), "en/news/page/3/");
    }
}
