//! Load stage: walks `content/`, reads pages and data files, and checks what can be checked
//! without rendering (front matter, languages, slugs, references, URL clashes).

use crate::config::{BaseType, Config};
use crate::diagnostic::Diagnostic;
use crate::frontmatter;
use crate::fsx;
use crate::hash::{FnvMap, FnvSet};
use crate::incremental::{Listing, LoadMemo, Read, Stamp};
use crate::model::{FrontMatter, Page, Site, page_url_path, url_path};
use rayon::prelude::*;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use walkdir::WalkDir;

/// What the load stage read: every page as written (drafts left out unless asked for) and the
/// data files.
pub(crate) struct Sources {
    pub(crate) pages: Vec<Page>,
    pub(crate) data: Json,
    pub(crate) data_text: BTreeMap<PathBuf, String>,
}

/// Load stage: reads every page and data file under `ROOT/content` and checks what one file,
/// or the files together, can show before anything is rendered: file names, front matter,
/// languages, references to data. With a `memo` (`serve`), a page file whose stamp vouches
/// that it is unchanged since the last build is not read again. Returns what it read and the
/// problems found (errors among them); fails at once only when there is no `content/` folder.
pub(crate) fn load(
    root: &Path,
    config: &Config,
    drafts: bool,
    memo: Option<&mut LoadMemo>,
) -> Result<(Sources, Vec<Diagnostic>), Vec<Diagnostic>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(vec![
            Diagnostic::error("content", "the site root has no `content/` folder")
                .hint("create content/_index.LANG.md, or pass --root pointing at the site root"),
        ]);
    }
    let mut memo = memo;
    let (listing, changed, mut problems) = list(root, &content, memo.as_deref_mut());
    let Listing {
        markdown,
        yaml: yaml_files,
    } = listing;
    let (data, data_text) = load_data(root, &yaml_files, &mut problems);
    let reading = SystemTime::now();
    let context = memo.as_ref().map(|_| LoadMemo::context_key(config, drafts));
    let kept = memo.as_deref();
    let results: Vec<(Option<Stamp>, bool, Read)> = markdown
        .par_iter()
        .map(|rel| {
            // A file no event named since it was read is not even looked at.
            let unchanged = (changed.as_ref().zip(kept).zip(context))
                .filter(|((changed, _), _)| !changed.contains(rel))
                .and_then(|((_, kept), context)| kept.unchanged(rel, context));
            if let Some((stamp, read)) = unchanged {
                return (Some(stamp), true, read);
            }
            // The stamp before the bytes: a write in between changes the next build's stamp.
            let stamp = context.and_then(|_| Stamp::of(&root.join(rel), reading));
            let context = context.unwrap_or_default();
            let known = stamp
                .zip(kept)
                .and_then(|(s, kept)| kept.get(rel, s, context));
            match known {
                Some(read) => (stamp, true, read),
                None => (stamp, false, read_page(root, rel, config, drafts)),
            }
        })
        .collect();
    if let (Some(memo), Some(context)) = (memo, context) {
        let stamped = markdown.iter().zip(&results);
        memo.keep(stamped.map(|(rel, (stamp, reused, read))| {
            let read = (!reused).then_some(read);
            (rel.as_path(), *stamp, context, read)
        }));
    }
    let mut pages = Vec::new();
    for (_, _, result) in results {
        match result {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(mut d) => problems.append(&mut d),
        }
    }
    check_refs(&pages, config, &data, &mut problems);
    let sources = Sources {
        pages,
        data,
        data_text,
    };
    Ok((sources, problems))
}

/// Site stage: the pages as written, the translation stage's stand-ins for missing
/// translations, and a generated page for each home or section that has no `_index` file,
/// sorted by key and then language order. Reports two files claiming one URL and `site.yaml`
/// entries naming a page that does not exist.
pub(crate) fn assemble(
    config: Config,
    sources: Sources,
    fallbacks: Vec<Page>,
) -> (Site, Vec<Diagnostic>) {
    let mut pages = sources.pages;
    pages.extend(fallbacks);
    add_generated_pages(&mut pages, &config);
    let (tags, mut problems) = crate::listing::add_tag_pages(&mut pages);
    check_unique_urls(&pages, &mut problems);
    check_site_keys(&pages, &config, &mut problems);
    let order = |lang: &str| config.languages.iter().position(|l| l.code == lang);
    pages.sort_by(|a, b| {
        let by_key = a.key.cmp(&b.key);
        by_key.then_with(|| order(&a.lang).cmp(&order(&b.lang)))
    });
    let (paging, found) = crate::listing::paging(&pages, &config, &tags);
    problems.extend(found);
    let site = Site {
        config,
        pages,
        data: sources.data,
        data_text: sources.data_text,
        tags,
        paging,
    };
    (site, problems)
}

/// The Markdown and YAML files below `content/`, with the problems found listing them. With a
/// memo (`serve`), brought up to date from its last listing when the sources changed since are
/// known (then returned too), else walked, and kept in it for the next build.
fn list(
    root: &Path,
    content: &Path,
    memo: Option<&mut LoadMemo>,
) -> (Listing, Option<BTreeSet<PathBuf>>, Vec<Diagnostic>) {
    let Some(memo) = memo else {
        let (listing, _, problems) = list_files(root, content);
        return (listing, None, problems);
    };
    let updated = memo.take_changes().and_then(|(listing, changed)| {
        let listing = update_listing(root, listing, &changed)?;
        Some((listing, changed))
    });
    if let Some((listing, changed)) = updated {
        memo.listed(listing.clone(), true);
        return (listing, Some(changed), Vec::new());
    }
    let (listing, trusted, problems) = list_files(root, content);
    memo.listed(listing.clone(), trusted);
    (listing, None, problems)
}

/// The last listing with the `changed` paths (relative to the root) added or removed, as the
/// walk would list them now; `None` when a path is not a plain file below `content/` nor one
/// that went away (a folder created, removed or renamed, a link, `content/` itself, a path
/// outside it, an error): then only a walk can tell.
fn update_listing(root: &Path, last: Listing, changed: &BTreeSet<PathBuf>) -> Option<Listing> {
    let Listing {
        mut markdown,
        mut yaml,
    } = last;
    for rel in changed {
        let mut parts = rel.components();
        let below = parts.next() == Some(std::path::Component::Normal("content".as_ref()));
        if !below || parts.next().is_none() {
            return None;
        }
        let name = rel.file_name()?.to_string_lossy();
        match std::fs::symlink_metadata(root.join(rel)) {
            Ok(meta) if meta.is_file() => {
                let list = match () {
                    _ if name.starts_with('.') => continue,
                    _ if name.ends_with(".md") => &mut markdown,
                    _ if name.ends_with(".yaml") || name.ends_with(".yml") => &mut yaml,
                    _ => continue,
                };
                if let Err(at) = list.binary_search(rel) {
                    list.insert(at, rel.clone());
                }
            }
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut gone = false;
                for list in [&mut markdown, &mut yaml] {
                    if let Ok(at) = list.binary_search(rel) {
                        list.remove(at);
                        gone = true;
                    }
                }
                // A folder that went away with files listed below it.
                let below = |p: &PathBuf| p.starts_with(rel);
                if !gone && markdown.iter().chain(&yaml).any(below) {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    Some(Listing { markdown, yaml })
}

/// Markdown and YAML files below `content/`, relative to the root and sorted (by file name
/// within each folder, which is the order of the paths themselves); and whether a listing
/// brought up to date from the watcher's paths would be this one: not if some folder could not
/// be read, or a link was followed (a change behind it has another path), or a file lies in a
/// hidden or backup folder (the watcher ignores those).
fn list_files(root: &Path, content: &Path) -> (Listing, bool, Vec<Diagnostic>) {
    let (mut markdown, mut yaml, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    let mut trusted = true;
    for entry in WalkDir::new(content).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(fsx::walk_error(root, &e));
                trusted = false;
                continue;
            }
        };
        trusted &= !entry.path_is_symlink();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || !entry.file_type().is_file() {
            continue;
        }
        let path = rel(root, entry.path());
        let scratch = |part: &std::ffi::OsStr| {
            let part = part.to_string_lossy();
            part.starts_with('.') || part.ends_with('~')
        };
        trusted &= !path.iter().any(scratch);
        if name.ends_with(".md") {
            markdown.push(path);
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            yaml.push(path);
        }
    }
    (Listing { markdown, yaml }, trusted, problems)
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn read_page(
    root: &Path,
    rel: &Path,
    config: &Config,
    drafts: bool,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    let (dir, slug, lang) = name_parts(rel, config)?;
    let is_source = lang == config.default_language;
    let bytes = fsx::read_bytes(&root.join(rel), rel).map_err(|d| vec![d])?;
    let text = fsx::text_of(&bytes, rel).map_err(|d| vec![d])?;
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let split = frontmatter::split(&text, rel).map_err(|d| vec![d])?;
    let is_index = slug == "_index";
    let no_fields = BTreeMap::new();
    let fields = match is_index {
        true => &no_fields,
        false => config.sections.get(&dir).unwrap_or(&no_fields),
    };
    let front = frontmatter::parse(split.yaml, rel, fields)?;
    if is_index && front.slug.is_some() {
        return Err(vec![
            Diagnostic::error(rel, "a section's `_index` file cannot set `slug`")
                .at(front.lines["slug"], 1)
                .hint("a section's URL is its folder's name: rename the folder, and list the old URL under `aliases:`"),
        ]);
    }
    if !is_index && front.paginate.is_some() {
        return Err(vec![
            Diagnostic::error(rel, "`paginate` belongs in a section's `_index` file")
                .at(front.lines.get("paginate").copied().unwrap_or(1), 1)
                .hint(format!(
                    "move it to content/{}/_index.{lang}.md, or set `paginate:` in site.yaml for every section",
                    if dir.is_empty() { "SECTION" } else { &dir }
                )),
        ]);
    }
    if front.draft && !drafts {
        return Ok(None);
    }
    let key = if dir.is_empty() {
        slug.clone()
    } else {
        format!("{dir}/{slug}")
    };
    Ok(Some(Page {
        source: rel.to_path_buf(),
        url_path: page_url_path(&key, &lang, front.slug.as_deref()),
        key,
        lang,
        dir,
        is_index,
        generated: false,
        fallback: false,
        // Only sources are compared against; translations never need their own hash.
        source_hash: if is_source {
            crate::translations::source_hash(&text)
        } else {
            String::new()
        },
        front: std::sync::Arc::new(front),
        body: Arc::from(split.body),
        body_line: split.body_line,
    }))
}

/// `content/measures/01-x.en.md` → (`measures`, `01-x`, `en`); no suffix means the default
/// language.
fn name_parts(rel: &Path, config: &Config) -> Result<(String, String, String), Vec<Diagnostic>> {
    let inside = rel.strip_prefix("content").unwrap_or(rel);
    let stem = inside
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".md").to_string())
        .unwrap_or_default();
    let dir: Vec<String> = inside
        .parent()
        .map(|p| p.iter().map(|c| c.to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let (slug, lang) = match stem.rsplit_once('.') {
        Some((slug, lang)) => (slug.to_string(), lang.to_string()),
        None => (stem.clone(), config.default_language.clone()),
    };
    let mut problems = Vec::new();
    if config.language(&lang).is_none() {
        problems.push(
            Diagnostic::error(
                rel,
                format!("language `{lang}` is not declared in site.yaml"),
            )
            .hint(config.suggest_language(&lang)),
        );
    }
    for part in dir.iter().chain(std::iter::once(&slug)) {
        if !valid_slug(part) {
            problems.push(
                Diagnostic::error(rel, format!("`{part}` cannot be part of a URL"))
                    .hint("name files and folders with lowercase letters a–z, digits and hyphens, e.g. 09-factor-guarantees.en.md"),
            );
        }
    }
    if problems.is_empty() {
        Ok((dir.join("/"), slug, lang))
    } else {
        Err(problems)
    }
}

/// A file or folder name, or a `slug:`, that may be part of a URL.
pub(crate) fn valid_slug(s: &str) -> bool {
    s == "_index"
        || (!s.is_empty()
            && !s.starts_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
}

/// Data files nested by path: `content/eligibility/thresholds.yaml` → `data.eligibility.thresholds`.
fn load_data(
    root: &Path,
    files: &[PathBuf],
    problems: &mut Vec<Diagnostic>,
) -> (Json, BTreeMap<PathBuf, String>) {
    let mut data = serde_json::Map::new();
    let mut texts = BTreeMap::new();
    for rel in files {
        let text = match fsx::read_text(&root.join(rel), rel) {
            Ok(text) => text,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let value: Json = match crate::yaml::parse(&text, rel, 1, &[]) {
            Ok(v) => v,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let inside = rel
            .strip_prefix("content")
            .unwrap_or(rel)
            .with_extension("");
        let parts: Vec<String> = inside
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if !insert_nested(&mut data, &parts, value) {
            problems.push(
                Diagnostic::error(
                    rel,
                    "this data file clashes with another data file of the same name",
                )
                .hint(
                    "rename one of them: `a.yaml` and a folder `a/` holding data cannot both exist",
                ),
            );
        }
        texts.insert(rel.clone(), text);
    }
    (Json::Object(data), texts)
}

fn insert_nested(map: &mut serde_json::Map<String, Json>, parts: &[String], value: Json) -> bool {
    match parts {
        [] => false,
        [last] => map.insert(last.clone(), value).is_none(),
        [first, rest @ ..] => match map
            .entry(first.clone())
            .or_insert_with(|| Json::Object(Default::default()))
        {
            Json::Object(inner) => insert_nested(inner, rest, value),
            _ => false,
        },
    }
}

/// Values of `ref:DATA` fields must be the `id` of an entry of that data file.
fn check_refs(pages: &[Page], config: &Config, data: &Json, problems: &mut Vec<Diagnostic>) {
    for page in pages {
        let Some(fields) = config.sections.get(&page.dir) else {
            continue;
        };
        for (name, t) in fields {
            let BaseType::Ref(file) = &t.base else {
                continue;
            };
            let ids = data_ids(data, file);
            let values = match page.front.fields.get(name) {
                Some(Json::Array(items)) => items.clone(),
                Some(v) => vec![v.clone()],
                None => continue,
            };
            for value in values {
                let id = value.as_str().unwrap_or_default();
                if !ids.contains(id) {
                    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
                    let hint = match crate::diagnostic::nearest(id, known.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("use an `id` from content/{file}.yaml"),
                    };
                    problems.push(
                        Diagnostic::error(
                            &page.source,
                            format!("`{name}`: `{id}` is not an id in content/{file}.yaml"),
                        )
                        .at(page.front.lines.get(name).copied().unwrap_or(1), 1)
                        .hint(hint),
                    );
                }
            }
        }
    }
}

fn data_ids(data: &Json, file: &str) -> BTreeSet<String> {
    let mut node = data;
    for part in file.split('/') {
        node = node.get(part).unwrap_or(&Json::Null);
    }
    node.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("id").and_then(Json::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A home page and section pages for folders that have pages but no `_index` file. A folder
/// whose URL a page `NAME.LANG.md` already makes (`policy.en.md` beside `policy/`) gets none:
/// that page stands for the folder.
fn add_generated_pages(pages: &mut Vec<Page>, config: &Config) {
    // By (folder, language), borrowed from the pages: a folder has its page when a section
    // page `FOLDER/_index` or a page whose key is the folder's path exists.
    let existing: FnvSet<(&str, &str)> = pages
        .iter()
        .filter_map(|p| {
            let folder = match (p.is_index, p.key.as_str()) {
                (true, "_index") => "",
                (true, key) => key.strip_suffix("/_index")?,
                (false, key) => key,
            };
            Some((folder, p.lang.as_str()))
        })
        .collect();
    let mut wanted: FnvSet<(&str, &str)> = FnvSet::default();
    for lang in &config.languages {
        wanted.insert(("", &lang.code));
    }
    for page in pages.iter() {
        let mut dir = page.dir.as_str();
        while !dir.is_empty() && wanted.insert((dir, &page.lang)) {
            dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
    let missing: BTreeSet<(String, String)> = wanted
        .iter()
        .filter(|wanted| !existing.contains(wanted))
        .map(|(dir, lang)| match dir.is_empty() {
            true => ("_index".to_string(), lang.to_string()),
            false => (format!("{dir}/_index"), lang.to_string()),
        })
        .collect();
    for (key, lang) in &missing {
        let dir = key
            .trim_end_matches("_index")
            .trim_end_matches('/')
            .to_string();
        let title = match dir.rsplit('/').next() {
            Some(name) if !name.is_empty() => title_case(name),
            _ => config
                .language(lang)
                .map(|l| l.title.clone())
                .unwrap_or_default(),
        };
        pages.push(Page {
            source: PathBuf::from("content").join(&dir),
            url_path: url_path(key, lang),
            key: key.clone(),
            lang: lang.clone(),
            dir,
            is_index: true,
            generated: true,
            fallback: false,
            source_hash: String::new(),
            front: std::sync::Arc::new(FrontMatter {
                title,
                ..Default::default()
            }),
            body: Arc::from(""),
            body_line: 1,
        });
    }
}

fn title_case(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    words.join(" ")
}

/// Two files may not claim the same URL (e.g. `policy.en.md` and `policy/_index.en.md`).
fn check_unique_urls(pages: &[Page], problems: &mut Vec<Diagnostic>) {
    let mut seen: FnvMap<&str, &Page> = FnvMap::default();
    seen.reserve(pages.len());
    for page in pages {
        if let Some(first) = seen.insert(&page.url_path, page) {
            let (a, b) = if first.source <= page.source {
                (first, page)
            } else {
                (page, first)
            };
            // Where a `slug:` made the clash, the error is at it.
            let slug_line = |p: &Page| match (&p.front.slug, p.fallback) {
                (Some(_), false) => p.front.lines.get("slug").copied(),
                _ => None,
            };
            let (at, other, line) = match (slug_line(b), slug_line(a)) {
                (Some(line), _) => (b, a, Some(line)),
                (None, Some(line)) => (a, b, Some(line)),
                (None, None) => (b, a, None),
            };
            let diagnostic = Diagnostic::error(
                &at.source,
                format!(
                    "this file and {} both make /{}",
                    other.source.display(),
                    page.url_path
                ),
            );
            problems.push(match line {
                Some(line) => diagnostic
                    .at(line, 1)
                    .hint("give one of them another `slug:`; two pages cannot share a URL"),
                None => diagnostic.hint("keep one of them: a page `NAME.LANG.md` and a section `NAME/_index.LANG.md` share a URL"),
            });
        }
    }
}

/// Every page `site.yaml` names (menu entries, feed sections) must exist in every language.
fn check_site_keys(pages: &[Page], config: &Config, problems: &mut Vec<Diagnostic>) {
    let keys: FnvSet<(&str, &str)> = pages
        .iter()
        .map(|p| (p.key.as_str(), p.lang.as_str()))
        .collect();
    let feeds = config
        .feeds
        .iter()
        .map(|f| (format!("{f}/_index"), "feeds"));
    let menu = config.menu.iter().map(|k| (k.clone(), "menu"));
    for (key, field) in menu.chain(feeds) {
        for lang in &config.languages {
            if !keys.contains(&(key.as_str(), lang.code.as_str())) {
                problems.push(
                    Diagnostic::error(
                        crate::config::FILE,
                        format!("{field}: no page `{key}` in language `{}`", lang.code),
                    )
                    .hint(format!(
                        "create content/{key}.{}.md or remove the entry",
                        lang.code
                    )),
                );
            }
        }
    }
}
