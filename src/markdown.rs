//! Markdown stage: shortcodes, pulldown-cmark, heading ids, table of contents and
//! resolution of `@/path.md` links to the page of the same language.

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::format::Amounts;
use crate::i18n::Bundles;
use crate::incremental::{Made, MarkdownMemo};
use crate::model::{Heading, Page, Rendered, Site};
use crate::plan::Plan;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use unicode_segmentation::UnicodeSegmentation;

/// Each page's source, taken out of `site.pages` (each `body` is left empty), in the same order.
pub(crate) fn take_bodies(site: &mut Site) -> Vec<Arc<str>> {
    (site.pages.iter_mut())
        .map(|p| std::mem::take(&mut p.body))
        .collect()
}

/// Markdown stage: what the render stage needs to make each page's HTML, from each page's
/// source (`bodies[i]` is that of `site.pages[i]`, see [`take_bodies`]). With a `memo` (`serve`), every page
/// is converted here, in parallel, its output reused from the memo when nothing it was made
/// from changed and kept in it for the next build. Without one (a one-off build), nothing is
/// converted yet: the render stage converts each page when it comes to it
/// ([`Markdown::convert`]) and drops its HTML once the page's files are made, so the HTML of
/// the whole site is never held at once. Either way the problems found (shortcodes, `@/`
/// links) come with each page's output, in the render stage.
pub(crate) fn render<'a>(
    site: &'a Site,
    bodies: Vec<Arc<str>>,
    amounts: &'a Amounts,
    plan: Option<&'a Plan>,
    strings: &'a Bundles,
    memo: Option<&mut MarkdownMemo>,
) -> Markdown<'a> {
    let pages: BTreeMap<(&str, &str), &str> = site
        .pages
        .iter()
        .map(|p| ((p.key.as_str(), p.lang.as_str()), p.url_path.as_str()))
        .collect();
    let full_text: Vec<String> = site
        .pages
        .iter()
        .filter(|p| p.key == crate::plan::PAGE)
        .map(|p| p.lang.clone())
        .collect();
    let ctx = Context {
        pages,
        base_path: site.config.base_path(),
        languages: site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect(),
        amounts,
        plan,
        strings,
        full_text,
    };
    let Some(memo) = memo else {
        return Markdown {
            pages: bodies.into_iter().map(Source::Body).collect(),
            ctx,
        };
    };
    let results: Vec<_> = (site.pages.par_iter())
        .zip(bodies.into_par_iter())
        .map(|(p, body)| {
            let (key, hashed) = memo.page_key(p, &body);
            let made = memo.get(p, key);
            let made = made.unwrap_or_else(|| Arc::new(render_page(p, &body, &ctx)));
            (p, key, made, hashed)
        })
        .collect();
    let pages = results
        .iter()
        .map(|(_, _, made, _)| Source::Made(Arc::clone(made)))
        .collect();
    memo.keep(results);
    Markdown { pages, ctx }
}

/// The Markdown stage's output: for each page of `site.pages`, in the same order, its HTML
/// or its source, and what converting a source needs.
pub(crate) struct Markdown<'a> {
    pub(crate) pages: Vec<Source>,
    ctx: Context<'a>,
}

/// A page's Markdown: converted (with the problems found), or still to convert.
pub(crate) enum Source {
    Made(Made),
    Body(Arc<str>),
}

impl Markdown<'_> {
    /// The page's HTML, headings and links, and the problems found making them: converted now
    /// from its source (dropped after), or as the Markdown stage made them.
    pub(crate) fn convert(&self, page: &Page, source: Source) -> (Rendered, Vec<Diagnostic>) {
        match source {
            Source::Body(body) => render_page(page, &body, &self.ctx),
            Source::Made(made) => (made.0.clone(), made.1.clone()),
        }
    }
}

/// What rendering one page needs to know about the rest of the site.
struct Context<'a> {
    /// (key, lang) of every page → its URL path (below the base path).
    pages: BTreeMap<(&'a str, &'a str), &'a str>,
    base_path: &'a str,
    languages: Vec<&'a str>,
    /// Named figures for `{{ amount(name="…") }}`.
    amounts: &'a Amounts,
    /// The plan, the strings and the languages that have the plan's full text, for
    /// `{{ plan(…) }}`.
    plan: Option<&'a Plan>,
    strings: &'a Bundles,
    full_text: Vec<String>,
}

fn render_page(page: &Page, body: &str, ctx: &Context) -> (Rendered, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let options = options(&page.lang);
    let quotes = crate::shortcode::Quotes {
        plan: ctx.plan,
        strings: ctx.strings,
        base_path: ctx.base_path,
        full_text: &ctx.full_text,
    };
    let body = crate::shortcode::expand(page, body, ctx.amounts, &quotes, options, &mut problems);
    let lines = LineIndex::new(&body, page.body_line);
    let mut local_links = Vec::new();
    let mut external_links = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for (mut event, range) in Parser::new_ext(&body, options).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &mut event {
            let dest = std::mem::replace(dest_url, CowStr::Borrowed(""));
            let line = lines.line(range.start);
            let links = (&mut local_links, &mut external_links);
            *dest_url = link(page, ctx, dest, line, links, &mut problems);
        }
        events.push(event);
    }
    let toc = assign_heading_ids(&mut events);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (
        Rendered {
            html,
            toc,
            local_links,
            external_links,
        },
        problems,
    )
}

/// The Markdown a page of `lang` is written in: smart quotes and dashes except in Chinese,
/// Japanese and Korean, which have their own punctuation.
pub(crate) fn options(lang: &str) -> Options {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if is_cjk(lang) {
        options
    } else {
        options | Options::ENABLE_SMART_PUNCTUATION
    }
}

fn is_cjk(lang: &str) -> bool {
    ["zh", "ja", "ko"]
        .iter()
        .any(|p| lang == *p || lang.starts_with(&format!("{p}-")))
}

/// Links found in a page: (target as written, line).
type Links = Vec<(String, usize)>;

/// Rewrites `@/…` links to URLs and records every local link for the link check.
fn link<'a>(
    page: &Page,
    ctx: &Context,
    dest: CowStr<'a>,
    line: usize,
    (local, external): (&mut Links, &mut Links),
    problems: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    if let Some(target) = dest.strip_prefix("@/") {
        return match resolve_internal(target, &page.lang, ctx) {
            Ok(url) => {
                local.push((url.clone(), line));
                url.into()
            }
            Err(hint) => {
                problems.push(
                    Diagnostic::error(&page.source, format!("link to a missing page `{dest}`"))
                        .at(line, 1)
                        .hint(hint),
                );
                dest
            }
        };
    }
    if is_local(&dest) {
        local.push((dest.to_string(), line));
    } else if !dest.is_empty() {
        external.push((dest.to_string(), line));
    }
    dest
}

/// Links without a scheme (`../policy/`, `/en/`, `#anchor`) are ours to check.
pub(crate) fn is_local(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with("//") && !dest.contains(':')
}

fn resolve_internal(target: &str, lang: &str, ctx: &Context) -> Result<String, String> {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let Some(stem) = path.strip_suffix(".md") else {
        return Err(
            "write internal links by source path, e.g. `@/measures/09-factor-guarantees.md`".into(),
        );
    };
    let (key, lang) = match stem.rsplit_once('.') {
        Some((key, l)) if ctx.languages.contains(&l) => (key, l),
        _ => (stem, lang),
    };
    let Some(path) = ctx.pages.get(&(key, lang)) else {
        let any_lang = ctx.pages.keys().any(|(k, _)| *k == key);
        return Err(match any_lang {
            true => format!("content/{key}.{lang}.md does not exist yet: translate the page"),
            false => format!(
                "no file content/{key}.{lang}.md: check the path (it starts below content/)"
            ),
        });
    };
    let mut url = format!("{}{path}", ctx.base_path);
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    Ok(url)
}

/// Gives every heading a stable, unique, readable id and returns the table of contents.
fn assign_heading_ids(events: &mut [Event]) -> Vec<Heading> {
    let mut toc = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let explicit = id.as_ref().map(|s| s.to_string());
            let (title, end) = heading_text(events, i + 1);
            let base = explicit.unwrap_or_else(|| slugify(&title));
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(unique.clone().into());
            }
            toc.push(Heading {
                level: level_number(level),
                id: unique,
                title,
            });
            i = end;
        }
        i += 1;
    }
    toc
}

fn heading_text(events: &[Event], from: usize) -> (String, usize) {
    let mut text = String::new();
    let mut i = from;
    while i < events.len() {
        match &events[i] {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
        i += 1;
    }
    (text, i)
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Lowercase letters and digits of any script, words joined by `-`:
/// `What it offers` → `what-it-offers`, `适用条件` → `适用条件`, `Кто может` → `кто-может`,
/// `हिन्दी भाषा` → `हिन्दी-भाषा`. A character is kept whole with the marks written on it (a
/// grapheme) when it starts with a letter or digit; anything else (spaces, punctuation, `/`,
/// `.`, `%`, controls) separates words, and invisible format characters are dropped, so a slug
/// is always safe as a URL path segment and a file name.
pub(crate) fn slugify(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut slug = String::with_capacity(lower.len());
    for grapheme in lower.graphemes(true) {
        if grapheme.chars().next().is_some_and(char::is_alphanumeric) {
            slug.extend(grapheme.chars().filter(|c| !is_invisible(*c)));
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "section".into()
    } else {
        slug.to_string()
    }
}

/// Unicode's default-ignorable code points: zero-width spaces and joiners, direction marks and
/// overrides, variation selectors, fillers, tags. Invisible in a URL, so never part of a slug.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_in_every_script() {
        assert_eq!(slugify("What it offers"), "what-it-offers");
        assert_eq!(slugify("适用条件（含本数）"), "适用条件-含本数");
        assert_eq!(
            slugify("Кто может воспользоваться?"),
            "кто-может-воспользоваться"
        );
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(slugify("हिन्दी भाषा"), "हिन्दी-भाषा");
        assert_eq!(slugify("العربية"), "العربية");
        // A letter written with a combining accent stays one letter, not `re-sume`.
        assert_eq!(slugify("Re\u{301}sume\u{301}"), "re\u{301}sume\u{301}");
    }

    // Slugs become path segments (tags/SLUG/, #ids): nothing in one may lead elsewhere or hide.
    #[test]
    fn slugs_are_safe_as_a_path_segment_whatever_the_input() {
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("..\\..\\windows"), "windows");
        assert_eq!(slugify("100% sure"), "100-sure");
        assert_eq!(slugify("%2e%2e%2f"), "2e-2e-2f");
        assert_eq!(slugify("  many   spaces\there \n"), "many-spaces-here");
        assert_eq!(slugify("a?b#c:d"), "a-b-c-d");
        assert_eq!(slugify("right\u{202E}txt.exe"), "right-txt-exe");
        assert_eq!(slugify("zero\u{200B}width"), "zero-width");
        assert_eq!(slugify("joi\u{200D}ned"), "joined");
        assert_eq!(slugify("\u{3164}"), "section");
        assert_eq!(slugify(".."), "section");
        let inputs = [
            "../x",
            "a/b",
            "a\\b",
            "%00",
            "\u{0}\u{1}x",
            "C:\\",
            "x\u{FE0F}y",
            "👍 ok",
            "İstanbul",
            "ǅemal",
            "Ⅻ century",
            "ａｂｃ／ｄ",
            "a\u{2215}b",
            "\u{E0041}tag",
        ];
        for input in inputs {
            let slug = slugify(input);
            assert!(
                !slug.is_empty() && !slug.starts_with('-') && !slug.ends_with('-'),
                "{input:?} → {slug:?}"
            );
            for c in slug.chars() {
                assert!(
                    !c.is_control()
                        && !c.is_whitespace()
                        && !is_invisible(c)
                        && !matches!(
                            c,
                            '/' | '\\' | '.' | '%' | '?' | '#' | ':' | '\u{FF0F}' | '\u{2215}'
                        ),
                    "{input:?} → {slug:?} holds {c:?}"
                );
            }
        }
    }
}
