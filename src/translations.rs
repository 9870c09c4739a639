//! Translation coverage and staleness: every page in every language, each translation marked
//! with the hash of the default-language source it was last reviewed against.

use crate::config::{Config, TranslationMode};
use crate::diagnostic::Diagnostic;
use crate::model::{Page, page_url_path};
pub use crate::model::{Row, Status};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Short content hash of a source file, ignoring line endings, a BOM and its own
/// `translated_from` line.
pub fn source_hash(text: &str) -> String {
    let mut hash = crate::hash::Fnv64::default();
    use std::hash::Hasher as _;
    for line in text.trim_start_matches('\u{feff}').lines() {
        if !line.starts_with("translated_from:") {
            hash.write(line.trim_end_matches('\r').as_bytes());
            hash.write(b"\n");
        }
    }
    format!("{:08x}", hash.finish() as u32)
}

/// The file of `key` in `lang`, as an editor would name it.
fn file_of(key: &str, lang: &str) -> PathBuf {
    PathBuf::from(format!("content/{key}.{lang}.md"))
}

/// The translation stage's findings.
pub(crate) struct Coverage {
    /// Every page in every language, with its status.
    pub(crate) rows: Vec<Row>,
    /// Copies of default-language pages standing in for missing translations (sites with
    /// `translations: fallback` only).
    pub(crate) fallbacks: Vec<Page>,
}

/// Translation stage: checks every page against its default-language source (missing, stale,
/// not marked as reviewed) and makes a stand-in copy of the source for each missing
/// translation where the site allows it. Returns the coverage and the problems found.
pub(crate) fn check(pages: &[Page], config: &Config) -> (Coverage, Vec<Diagnostic>) {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        by_key.entry(&page.key).or_default().insert(&page.lang, i);
    }
    let mut coverage = Coverage {
        rows: Vec::new(),
        fallbacks: Vec::new(),
    };
    let mut problems = Vec::new();
    for (key, langs) in &by_key {
        check_key(key, langs, pages, config, &mut coverage, &mut problems);
    }
    (coverage, problems)
}

/// The rows of one page in every language; a fallback copy or a problem for each missing one.
fn check_key(
    key: &str,
    langs: &BTreeMap<&str, usize>,
    pages: &[Page],
    config: &Config,
    coverage: &mut Coverage,
    problems: &mut Vec<Diagnostic>,
) {
    let default = config.default_language.as_str();
    let Some(&source) = langs.get(default) else {
        let (lang, &i) = langs.iter().next().expect("a key has a page");
        problems.push(
            Diagnostic::warning(
                &pages[i].source,
                format!("no {default} source for this {lang} page"),
            )
            .hint(format!(
                "create {} (the default language is the source of every translation)",
                file_of(key, default).display()
            )),
        );
        return;
    };
    coverage.rows.push(Row {
        key: key.to_string(),
        lang: default.into(),
        status: Status::Source,
        file: pages[source].source.clone(),
    });
    for lang in config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .filter(|l| *l != default)
    {
        let row = match langs.get(lang) {
            Some(&i) => compare(&pages[i], &pages[source], config.translations, problems),
            None if config.translations == TranslationMode::Lenient => continue,
            None if config.translations == TranslationMode::Fallback => {
                coverage.fallbacks.push(fallback_copy(&pages[source], lang));
                Row {
                    key: key.to_string(),
                    lang: lang.into(),
                    status: Status::Fallback,
                    file: file_of(key, lang),
                }
            }
            None => {
                let missing = file_of(key, lang);
                problems.push(
                    Diagnostic::error(&missing, "this translation is missing")
                        .hint(format!("translate {} into it, then run `invest-guide translations --mark-reviewed {}`", pages[source].source.display(), missing.display())),
                );
                Row {
                    key: key.to_string(),
                    lang: lang.into(),
                    status: Status::Missing,
                    file: missing,
                }
            }
        };
        coverage.rows.push(row);
    }
}

fn compare(
    translation: &Page,
    source: &Page,
    mode: TranslationMode,
    problems: &mut Vec<Diagnostic>,
) -> Row {
    let current = translation.front.translated_from.as_deref() == Some(source.source_hash.as_str());
    let tracked = translation.front.translated_from.is_some() || mode == TranslationMode::Strict;
    if !current && tracked {
        let what = match translation.front.translated_from {
            Some(_) => format!("is stale: its {} source changed", source.lang),
            None => format!(
                "is not marked as reviewed against its {} source",
                source.lang
            ),
        };
        problems.push(
            Diagnostic::warning(&translation.source, format!("{} {what}", translation.source.display()))
                .hint(format!(
                    "compare it with {}, update it, then run `invest-guide translations --mark-reviewed {}`",
                    source.source.display(),
                    translation.source.display()
                )),
        );
    }
    Row {
        key: translation.key.clone(),
        lang: translation.lang.clone(),
        status: match (current, tracked) {
            (true, _) => Status::Ok,
            (false, true) => Status::Stale,
            (false, false) => Status::Untracked,
        },
        file: translation.source.clone(),
    }
}

fn fallback_copy(source: &Page, lang: &str) -> Page {
    let mut page = source.clone();
    page.lang = lang.to_string();
    page.url_path = page_url_path(&page.key, lang, page.front.slug.as_deref());
    page.fallback = true;
    page
}

/// Writes the current source hash into each translation's `translated_from` field, after an
/// editor reviewed it. With no files given, marks every translation of the site.
pub fn mark_reviewed(
    root: &Path,
    config: &Config,
    files: &[PathBuf],
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let files = if files.is_empty() {
        all_translations(root, config, &mut problems)
    } else {
        files.to_vec()
    };
    let mut marked = Vec::new();
    for file in &files {
        match mark_one(root, config, file) {
            Ok(true) => marked.push(file.clone()),
            Ok(false) => {}
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(marked)
    } else {
        Err(problems)
    }
}

/// Every translation below `content/`; a folder or link that cannot be read is a problem.
fn all_translations(root: &Path, config: &Config, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let suffixes: Vec<String> = config
        .languages
        .iter()
        .filter(|l| l.code != config.default_language)
        .map(|l| format!(".{}.md", l.code))
        .collect();
    // Links are followed, as the build follows them.
    walkdir::WalkDir::new(root.join("content"))
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| {
            entry
                .map_err(|e| problems.push(crate::fsx::walk_error(root, &e)))
                .ok()
        })
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            suffixes
                .iter()
                .any(|s| e.file_name().to_string_lossy().ends_with(s.as_str()))
        })
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf()
        })
        .collect()
}

/// Whether the file changed.
fn mark_one(root: &Path, config: &Config, file: &Path) -> Result<bool, Diagnostic> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((stem, lang)) = name.strip_suffix(".md").and_then(|s| s.rsplit_once('.')) else {
        return Err(Diagnostic::error(rel, "not a translation file")
            .hint("name a file like content/policy.en.md"));
    };
    if lang == config.default_language || config.language(lang).is_none() {
        return Err(Diagnostic::error(
            rel,
            format!("`{lang}` is not a translation language of this site"),
        )
        .hint(format!(
            "{} is the source language; mark its translations instead",
            config.default_language
        )));
    }
    let source = source_of(root, rel, stem, &config.default_language)?;
    let source_text = crate::fsx::read_text(&root.join(&source), &source)?;
    let hash = source_hash(&source_text);
    let text = crate::fsx::read_text(&root.join(rel), rel)?;
    let updated = set_field(&text, &hash).ok_or_else(|| {
        Diagnostic::error(rel, "no front matter to mark").hint("the file must start with `---`")
    })?;
    if updated == text {
        return Ok(false);
    }
    crate::fsx::write(&root.join(rel), updated.as_bytes())?;
    Ok(true)
}

/// The default-language file that translation `rel` (named `STEM.LANG.md`) translates:
/// `STEM.DEFAULT.md`, or `STEM.md` (a file without a language suffix is in the default language).
fn source_of(root: &Path, rel: &Path, stem: &str, default: &str) -> Result<PathBuf, Diagnostic> {
    let names = [format!("{stem}.{default}.md"), format!("{stem}.md")];
    let candidates: Vec<PathBuf> = names.iter().map(|n| rel.with_file_name(n)).collect();
    candidates
        .iter()
        .find(|path| root.join(path).is_file())
        .cloned()
        .ok_or_else(|| {
            Diagnostic::error(rel, format!("no {default} source for this translation")).hint(
                format!(
                    "the source is {} or {}; create it, or check the file name",
                    candidates[0].display(),
                    candidates[1].display()
                ),
            )
        })
}

/// The text with `translated_from: HASH` set inside its front matter. A hash of digits and `e`
/// alone (`87077e61`, `00012345`) is quoted: YAML would read it as a number and lose it.
fn set_field(text: &str, hash: &str) -> Option<String> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let line = if hash.chars().all(|c| c.is_ascii_digit() || c == 'e') {
        format!("translated_from: \"{hash}\"")
    } else {
        format!("translated_from: {hash}")
    };
    let mut lines: Vec<&str> = text.split(newline).collect();
    if lines.first()?.trim_end() != "---" {
        return None;
    }
    let close = lines.iter().skip(1).position(|l| l.trim_end() == "---")? + 1;
    match lines[1..close]
        .iter()
        .position(|l| l.starts_with("translated_from:"))
    {
        Some(i) => lines[i + 1] = &line,
        None => lines.insert(close, &line),
    }
    Some(lines.join(newline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_line_endings_and_its_own_field() {
        let a = source_hash("---\ntitle: a\n---\nbody\n");
        assert_eq!(a, source_hash("---\r\ntitle: a\r\n---\r\nbody\r\n"));
        assert_eq!(
            a,
            source_hash("---\ntitle: a\ntranslated_from: 1234abcd\n---\nbody\n")
        );
        assert_ne!(a, source_hash("---\ntitle: a\n---\nbody!\n"));
    }

    #[test]
    fn set_field_inserts_or_replaces() {
        let text = "---\ntitle: a\n---\nbody\n";
        assert_eq!(
            set_field(text, "00ff00ff").unwrap(),
            "---\ntitle: a\ntranslated_from: 00ff00ff\n---\nbody\n"
        );
        let marked = "---\ntitle: a\ntranslated_from: 11111111\n---\nbody\n";
        assert_eq!(
            set_field(marked, "2222222f").unwrap(),
            "---\ntitle: a\ntranslated_from: 2222222f\n---\nbody\n"
        );
        // Hashes YAML would read as numbers are quoted.
        for hash in ["87077e61", "00012345"] {
            assert_eq!(
                set_field(marked, hash).unwrap(),
                format!("---\ntitle: a\ntranslated_from: \"{hash}\"\n---\nbody\n")
            );
        }
        assert_eq!(set_field("no front matter", "x"), None);
    }
}
