//! `new`: creates a page in every language of the site, with a front-matter skeleton suited
//! to its section, so an editor starts from files that already pass `check`.

use crate::config::{self, BaseType, FieldType, Language};
use crate::diagnostic::{Diagnostic, nearest};
use crate::frontmatter;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where a new page goes: `content/SECTION/SLUG.LANG.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub section: String,
    pub slug: String,
}

impl Target {
    /// Parses `SECTION/SLUG`; the error is a usage message.
    pub fn parse(arg: &str) -> Result<Target, String> {
        let example = "e.g. measures/15-green-energy";
        let Some((section, slug)) = arg.split_once('/') else {
            return Err(format!("`{arg}` is not SECTION/SLUG ({example})"));
        };
        for (what, name) in [("section", section), ("slug", slug)] {
            if !is_url_name(name) {
                return Err(format!(
                    "the {what} `{name}` must be lowercase letters, digits and single hyphens \
                     ({example})"
                ));
            }
        }
        Ok(Target {
            section: section.into(),
            slug: slug.into(),
        })
    }
}

fn is_url_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Writes `content/SECTION/SLUG.LANG.md` for every language of `site.yaml` and returns their
/// paths below the root. Writes nothing if any of them (or `SLUG.md`) already exists.
pub fn create(root: &Path, target: &Target) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let config = config::load(root, None)?;
    let dir = Path::new("content").join(&target.section);
    check_section(root, &target.section)?;
    let no_fields = BTreeMap::new();
    let fields = config.sections.get(&target.section).unwrap_or(&no_fields);
    let known = Known::scan(root, &dir)?;
    let files: Vec<(PathBuf, String)> = config
        .languages
        .iter()
        .map(|lang| {
            let path = dir.join(format!("{}.{}.md", target.slug, lang.code));
            (path, skeleton(root, target, lang, fields, &known))
        })
        .collect();
    let unsuffixed = dir.join(format!("{}.md", target.slug));
    let taken: Vec<Diagnostic> = files
        .iter()
        .map(|(path, _)| path)
        .chain([&unsuffixed])
        .filter(|path| root.join(path).exists())
        .map(|path| {
            Diagnostic::error(path, "already exists; `new` never overwrites a page")
                .hint("edit that file, or pick another SLUG")
        })
        .collect();
    if !taken.is_empty() {
        return Err(taken);
    }
    write_all(root, &dir, &files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// A section folder that does not exist yet is fine (a new section), unless its name is a
/// likely typo of an existing one.
fn check_section(root: &Path, section: &str) -> Result<(), Vec<Diagnostic>> {
    let content = root.join("content");
    if content.join(section).is_dir() {
        return Ok(());
    }
    let entries = match fs::read_dir(&content) {
        Ok(entries) => entries,
        // No content yet: nothing to suggest, the new section is the first.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(vec![content_error(Path::new("content"), "read", e)]),
    };
    let mut existing = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| vec![content_error(Path::new("content"), "read", e)])?;
        if entry.path().is_dir() {
            existing.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    match nearest(section, existing.iter().map(String::as_str)) {
        Some(near) => Err(vec![
            Diagnostic::error(
                Path::new("content").join(section),
                format!("there is no section `{section}`"),
            )
            .hint(format!(
                "did you mean `{near}`? To start a new section, create content/{section}/ first"
            )),
        ]),
        None => Ok(()),
    }
}

fn content_error(path: &Path, action: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot {action}: {e}"))
        .hint("check that it exists (a symbolic link must lead to a file) and the permissions of the content folder")
}

fn write_all(root: &Path, dir: &Path, files: &[(PathBuf, String)]) -> Result<(), Vec<Diagnostic>> {
    let io_error = |path: &Path, action: &str, e: io::Error| vec![content_error(path, action, e)];
    fs::create_dir_all(root.join(dir)).map_err(|e| io_error(dir, "create the folder", e))?;
    for (path, text) in files {
        // `create_new`: never overwrite, even a file that appeared since the check above.
        fs::File::options()
            .write(true)
            .create_new(true)
            .open(root.join(path))
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .map_err(|e| io_error(path, "write", e))?;
    }
    Ok(())
}

/// What the section's existing pages show: whether they are dated, and the highest value of
/// each whole-number field (`weight`, `number`), so a new page can take the next one.
#[derive(Default)]
struct Known {
    dated: bool,
    highest: BTreeMap<String, i64>,
}

impl Known {
    /// Reads the pages of the section folder `dir` (below `root`); one that cannot be read is
    /// an error, since the numbers it holds may be the highest. A page whose front matter is
    /// broken is passed over: `check` names it, and `new` need not be blocked by it.
    fn scan(root: &Path, dir: &Path) -> Result<Known, Vec<Diagnostic>> {
        let mut known = Known::default();
        let entries = match fs::read_dir(root.join(dir)) {
            Ok(entries) => entries,
            // A new section: no pages to learn from yet.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(known),
            Err(e) => return Err(vec![content_error(dir, "read", e)]),
        };
        let mut problems = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    problems.push(content_error(dir, "read", e));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || !name.ends_with(".md") {
                continue;
            }
            match fs::read_to_string(entry.path()) {
                Ok(text) => known.add_page(&text.replace("\r\n", "\n"), &entry.path()),
                Err(e) => problems.push(content_error(&dir.join(&name), "read", e)),
            }
        }
        if problems.is_empty() {
            Ok(known)
        } else {
            Err(problems)
        }
    }

    fn add_page(&mut self, text: &str, path: &Path) {
        let Ok(split) = frontmatter::split(text, path) else {
            return;
        };
        if let Ok(fields) = yaml_serde::from_str::<yaml_serde::Mapping>(split.yaml) {
            self.add(&fields);
        }
    }

    fn add(&mut self, fields: &yaml_serde::Mapping) {
        for (key, value) in fields {
            let Some(key) = key.as_str() else { continue };
            self.dated |= key == "date";
            if let Some(n) = value.as_i64() {
                let highest = self.highest.entry(key.to_string()).or_insert(n);
                *highest = (*highest).max(n);
            }
        }
    }

    fn next(&self, field: &str) -> i64 {
        self.highest.get(field).map_or(1, |n| n + 1)
    }
}

/// The front matter of a new page in one language.
fn skeleton(
    root: &Path,
    target: &Target,
    lang: &Language,
    fields: &BTreeMap<String, FieldType>,
    known: &Known,
) -> String {
    let mut lines = vec![
        "---".to_string(),
        format!(
            "title: \"{}\"  # required: replace with the page title in {}",
            words(&target.slug),
            lang.name
        ),
        "summary: \"\"  # one or two sentences, shown on cards and in search results".into(),
    ];
    if known.dated {
        lines.push(format!("date: {}  # YYYY-MM-DD", today()));
    }
    if known.highest.contains_key("weight") {
        let weight = known.next("weight");
        lines.push(format!(
            "weight: {weight}  # order in the section, lower first"
        ));
    }
    for (name, field) in fields {
        lines.push(field_line(root, name, field, known));
    }
    lines.push("---".into());
    lines.push(String::new());
    lines.push(String::new());
    lines.join("\n")
}

/// One typed field of the section with a valid starting value and what it takes.
fn field_line(root: &Path, name: &str, field: &FieldType, known: &Known) -> String {
    let (value, what) = match (&field.base, field.list) {
        (BaseType::Int, false) => (known.next(name).to_string(), "a whole number".to_string()),
        (BaseType::Int, true) => ("[]".into(), "a list of whole numbers, like [1, 2]".into()),
        (BaseType::String, false) => ("\"\"".into(), "text".into()),
        (BaseType::String, true) => ("[]".into(), "a list of text, like [a, b]".into()),
        (BaseType::Bool, false) => ("false".into(), "true or false".into()),
        (BaseType::Bool, true) => ("[]".into(), "a list of true or false".into()),
        (BaseType::Ref(file), list) => {
            let ids = data_ids(root, file);
            let value = match (list, ids.first()) {
                (true, _) => "[]".to_string(),
                (false, Some(first)) => first.clone(),
                (false, None) => "\"\"".into(),
            };
            let what = if list { "a list of ids" } else { "one id" };
            let from = format!("content/{file}.yaml");
            let what = if ids.is_empty() {
                format!("{what} from {from}")
            } else {
                format!("{what} from {from}: {}", ids.join(", "))
            };
            (value, what)
        }
    };
    format!("{name}: {value}  # {what}")
}

/// The `id`s of the entries of a data file under `content/`; empty if it cannot be read
/// (then `check` names the problem).
fn data_ids(root: &Path, file: &str) -> Vec<String> {
    let path = root.join("content").join(format!("{file}.yaml"));
    let text = fs::read_to_string(path).unwrap_or_default();
    let entries: Vec<yaml_serde::Value> = yaml_serde::from_str(&text).unwrap_or_default();
    entries
        .iter()
        .filter_map(|e| e.get("id").and_then(|id| id.as_str()).map(str::to_string))
        .collect()
}

/// `09-factor-guarantees` → `Factor guarantees`: a title the editor will recognise and replace.
fn words(slug: &str) -> String {
    let mut parts: Vec<&str> = slug.split('-').collect();
    // Numbers and dates in front (`15-`, `2026-12-01-`) are for ordering, not for the title.
    while parts.len() > 1 && parts[0].bytes().all(|b| b.is_ascii_digit()) {
        parts.remove(0);
    }
    let text = parts.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => slug.to_string(),
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_section_slash_slug_in_url_words() {
        let t = Target::parse("measures/15-green-energy").unwrap();
        assert_eq!(
            (t.section.as_str(), t.slug.as_str()),
            ("measures", "15-green-energy")
        );
        for bad in [
            "measures",
            "Measures/x",
            "measures/Green",
            "measures/a_b",
            "measures/_index",
            "measures/-x",
            "measures/a--b",
            "measures/a/b",
            "/x",
            "measures/",
            "measures/ä",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_read_as_words() {
        assert_eq!(words("09-factor-guarantees"), "Factor guarantees");
        assert_eq!(words("land-port"), "Land port");
        assert_eq!(words("2026-12-01-new-rules"), "New rules");
        assert_eq!(words("2024"), "2024");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(19_643), "2023-10-13");
    }
}
