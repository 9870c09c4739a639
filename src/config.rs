//! `site.yaml`: the site's languages, base URL and the typed fields its sections declare.

mod base_url;

use crate::diagnostic::{Diagnostic, nearest};
use crate::yaml;
use base_url::{check_base_url, normalise_base_url};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use unic_langid::LanguageIdentifier;

/// The site configuration file, below the site root.
pub(crate) const FILE: &str = "site.yaml";

/// `site.yaml`, validated.
#[derive(Clone, Debug)]
pub struct Config {
    pub base_url: String,
    pub default_language: String,
    /// In the order `site.yaml` declares them.
    pub languages: Vec<Language>,
    pub theme: String,
    /// Data file (under `content/`, without `.yaml`) holding the figures `{{ amount() }}` prints.
    pub thresholds: Option<String>,
    /// Section path → field name → type: the extra front-matter fields its pages may carry.
    pub sections: BTreeMap<String, BTreeMap<String, FieldType>>,
    /// Page keys shown in the main navigation, in order (`measures/_index`, `policy`).
    pub menu: Vec<String>,
    /// Data files (under `content/`, without `.yaml`) of the eligibility rules and their cases.
    pub eligibility: Option<EligibilityFiles>,
    /// How translations are held to their source.
    pub translations: TranslationMode,
    /// Sections that get an Atom feed per language (`updates` → `/LANG/updates/atom.xml`).
    pub feeds: Vec<String>,
    /// When a language's search index is split.
    pub search: SearchOptions,
    /// The print edition's reading order (`print:`), page keys each followed by the pages
    /// below it; `None` when `site.yaml` has none (then home and the menu), empty for no print
    /// edition.
    pub print: Option<Vec<String>>,
    /// Line of `print:` in `site.yaml` (0 when absent), for problems with its entries.
    pub print_line: usize,
    /// Pages per list page of a section or tag (0: all on one page); a section's `_index`
    /// may set its own.
    pub paginate: usize,
}

/// `search:` in site.yaml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchOptions {
    /// A language whose single search index would be larger than this many bytes gets the
    /// split form (see `search/split.rs`).
    pub split_over: u64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            split_over: 256 * 1024,
        }
    }
}

/// A language of the site: its code (the key under `languages:`), BCP 47 tag, name, site title
/// and the text of its pages' footer.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    #[serde(skip_deserializing)]
    pub code: String,
    pub name: String,
    pub title: String,
    /// BCP 47 tag for `<html lang>` and hreflang; defaults to the code.
    #[serde(default)]
    pub tag: String,
    /// Plain text the built-in theme prints at the foot of every page (none when unset).
    #[serde(default)]
    pub footer: Option<String>,
}

/// `translations:` in site.yaml.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslationMode {
    /// (default) A page may exist in some languages only; staleness is tracked for
    /// translations that carry `translated_from`.
    Lenient,
    /// Every page in every language; every translation marked with `translated_from`.
    Strict,
    /// A missing translation shows the default-language page with a notice.
    Fallback,
}

/// The type of a typed front-matter field: `int`, `string`, `ref:DATA` or a `[list]` of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldType {
    pub list: bool,
    pub base: BaseType,
}

/// The type of a typed front-matter field, without the list brackets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseType {
    Int,
    String,
    Bool,
    /// A string that must be the `id` of an entry in this data file.
    Ref(String),
}

/// `eligibility: { rules, cases }`: the data files (below `content/`, without `.yaml`) of the checker.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityFiles {
    pub rules: String,
    pub cases: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    base_url: String,
    default_language: String,
    languages: yaml_serde::Mapping,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    thresholds: Option<String>,
    #[serde(default)]
    sections: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    menu: Vec<String>,
    #[serde(default)]
    feeds: Vec<String>,
    #[serde(default)]
    eligibility: Option<EligibilityFiles>,
    #[serde(default)]
    translations: Option<String>,
    /// Any YAML value, checked by [`search_options`] for clearer messages than serde's.
    #[serde(default)]
    search: Option<yaml_serde::Value>,
    #[serde(default)]
    print: Option<Vec<String>>,
    #[serde(default)]
    paginate: usize,
}

fn default_theme() -> String {
    "default".into()
}

/// The fields `site.yaml` may have, for suggestions on a misspelt one.
pub(crate) const KNOWN_FIELDS: &[&str] = &[
    "base_url",
    "default_language",
    "languages",
    "theme",
    "thresholds",
    "sections",
    "menu",
    "feeds",
    "eligibility",
    "translations",
    "search",
    "print",
    "paginate",
];

/// Reads and validates `ROOT/site.yaml`; `base_url` may be overridden from the command line.
pub(crate) fn load(root: &Path, base_url: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(FILE);
    if !path.exists() {
        return Err(vec![
            Diagnostic::error(FILE, "no site.yaml in the site root")
                .hint(format!("create {} or pass --root DIR", path.display())),
        ]);
    }
    let text = crate::fsx::read_text(&path, Path::new(FILE)).map_err(|d| vec![d])?;
    let base_url_from_cli = base_url.is_some();
    let raw: Raw = yaml::parse(&text, Path::new(FILE), 1, KNOWN_FIELDS).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let languages = languages(raw.languages, &raw.default_language, &text, &mut problems);
    let base_url = normalise_base_url(base_url.unwrap_or(&raw.base_url));
    if let Err(why) = check_base_url(&base_url) {
        let (path, line) = match base_url_from_cli {
            true => (Path::new("--base-url"), 0),
            false => (Path::new(FILE), yaml::line_of_key(&text, "base_url")),
        };
        problems.push(
            Diagnostic::error(path, format!("base_url `{base_url}` is not usable: {why}"))
                .at(line, 1)
                .hint("write an absolute http(s) URL with a host, like https://invest.example.org/ or https://host/sub-path/"),
        );
    }
    if !is_plain_name(&raw.theme) {
        problems.push(
            Diagnostic::error(FILE, format!("theme `{}` is not a folder name", raw.theme))
                .at(yaml::line_of_key(&text, "theme"), 1)
                .hint("name a folder under themes/ with letters, digits, `-`, `_` and `.` (`theme: mine` for themes/mine/), or remove `theme:` for the built-in theme"),
        );
    }
    let translations = translation_mode(raw.translations.as_deref(), &text, &mut problems);
    let search = search_options(raw.search, &text).unwrap_or_else(|d| {
        problems.push(d);
        SearchOptions::default()
    });
    let sections = sections(raw.sections, &text, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Config {
        base_url,
        default_language: raw.default_language,
        languages,
        theme: raw.theme,
        thresholds: raw.thresholds,
        sections,
        menu: raw.menu,
        feeds: raw.feeds,
        eligibility: raw.eligibility,
        translations,
        search,
        print: raw.print,
        print_line: yaml::line_of_key(&text, "print"),
        paginate: raw.paginate,
    })
}

/// `languages:` in file order, each with its code (and its tag, the code unless set); the
/// default language must be one of them.
fn languages(
    raw: yaml_serde::Mapping,
    default: &str,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Language> {
    let mut languages = Vec::new();
    for (key, value) in raw {
        let code = match key {
            yaml_serde::Value::String(code) => code,
            other => yaml_serde::to_string(&other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let line = [code.clone(), format!("\"{code}\""), format!("'{code}'")]
            .iter()
            .map(|key| yaml::line_of_key(text, key))
            .find(|line| *line > 0)
            .unwrap_or_else(|| yaml::line_of_key(text, "languages"));
        if let Err(why) = check_code(&code) {
            problems.push(
                Diagnostic::error(FILE, format!("language code `{code}` {why}"))
                    .at(line, 1)
                    .hint("use a lowercase BCP 47 tag such as `en`, `zh` or `pt-br`: it becomes /CODE/ in every URL and the suffix of NAME.CODE.md; set `tag:` for the exact tag (`zh-Hans`)"),
            );
        }
        match yaml_serde::from_value::<Language>(value) {
            Ok(mut lang) => {
                if lang.tag.is_empty() {
                    lang.tag = code.clone();
                } else if let Err(why) = check_tag(&lang.tag) {
                    problems.push(
                        Diagnostic::error(FILE, format!("language `{code}`: tag `{}` {why}", lang.tag))
                            .at(line, 1)
                            .hint("write a BCP 47 tag: language, then optional script, region and variants, joined by `-` (`zh-Hans`, `en-GB`, `sr-Latn-RS`)"),
                    );
                }
                lang.code = code;
                languages.push(lang);
            }
            Err(e) => problems.push(
                Diagnostic::error(FILE, format!("language `{code}`: {e}"))
                    .at(line, 1)
                    .hint(
                        "each language needs `name` and `title` (and may set `tag` and `footer`)",
                    ),
            ),
        }
    }
    if !languages.iter().any(|l| l.code == default) {
        problems.push(
            Diagnostic::error(
                FILE,
                format!("default_language `{default}` is not one of the languages"),
            )
            .at(yaml::line_of_key(text, "default_language"), 1)
            .hint("add it under `languages:` or pick a declared one"),
        );
    }
    languages
}

/// `translations:` as a mode; lenient when absent.
fn translation_mode(
    raw: Option<&str>,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> TranslationMode {
    match raw {
        None => TranslationMode::Lenient,
        Some("strict") => TranslationMode::Strict,
        Some("fallback") => TranslationMode::Fallback,
        Some(other) => {
            problems.push(
                Diagnostic::error(FILE, format!("translations: `{other}` is not a mode"))
                    .at(yaml::line_of_key(text, "translations"), 1)
                    .hint("write `translations: strict` (every page in every language) or `translations: fallback`"),
            );
            TranslationMode::Lenient
        }
    }
}

/// `sections:` with each field's type parsed.
fn sections(
    raw: BTreeMap<String, BTreeMap<String, String>>,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, BTreeMap<String, FieldType>> {
    let mut sections = BTreeMap::new();
    for (section, fields) in raw {
        let mut typed = BTreeMap::new();
        for (name, spec) in fields {
            match FieldType::parse(&spec) {
                Some(t) => {
                    typed.insert(name, t);
                }
                None => problems.push(
                    Diagnostic::error(FILE, format!("field `{name}` of section `{section}` has an unknown type `{spec}`"))
                        .at(yaml::line_of_key(text, &name), 1)
                        .hint("use int, string, bool, ref:DATA_FILE, or one of them in brackets for a list, e.g. \"[ref:departments]\""),
                ),
            }
        }
        sections.insert(section, typed);
    }
    sections
}

/// `search:` checked: a mapping whose only field, `split_over`, is a whole number of bytes.
fn search_options(raw: Option<yaml_serde::Value>, text: &str) -> Result<SearchOptions, Diagnostic> {
    let example = format!(
        "write e.g. `search: {{ split_over: {} }}` (256 KiB, the default); a language whose \
         search index is larger is split into files a query fetches only as it needs them",
        SearchOptions::default().split_over
    );
    let error = |key: &str, message: String, hint: String| {
        let line = match yaml::line_of_key(text, key) {
            0 => yaml::line_of_key(text, "search"),
            n => n,
        };
        Diagnostic::error(FILE, message).at(line, 1).hint(hint)
    };
    let Some(raw) = raw.filter(|r| !r.is_null()) else {
        return Ok(SearchOptions::default());
    };
    let Some(fields) = raw.as_mapping() else {
        return Err(error(
            "search",
            "search: must hold `split_over`".into(),
            example,
        ));
    };
    let mut options = SearchOptions::default();
    for (key, value) in fields {
        let key = key.as_str().unwrap_or_default(); // text: `yaml::parse` refused others
        if key != "split_over" {
            let message = format!("search: unknown field `{key}`");
            return Err(error(key, message, "did you mean `split_over`?".into()));
        }
        options.split_over = value.as_u64().ok_or_else(|| {
            let shown = yaml_serde::to_string(value).unwrap_or_default();
            let message = format!(
                "search: split_over must be a whole number of bytes, not `{}`",
                shown.trim()
            );
            error("split_over", message, example.clone())
        })?;
    }
    Ok(options)
}

/// A language code becomes a URL segment and a file suffix: a BCP 47 tag written in lowercase
/// letters, digits and hyphens only.
fn check_code(code: &str) -> Result<(), &'static str> {
    let safe = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !safe {
        return Err("must be lowercase letters a–z, digits and `-`: it is part of every URL");
    }
    check_tag(code)
}

/// A BCP 47 language tag as `<html lang>` and `hreflang` want it (unic-langid reads it; it
/// also takes `_`, which BCP 47 does not).
fn check_tag(tag: &str) -> Result<(), &'static str> {
    match tag.parse::<LanguageIdentifier>() {
        Ok(_) if !tag.contains('_') => Ok(()),
        _ => Err("is not a BCP 47 language tag"),
    }
}

/// `theme:` names a folder right under `themes/`: a plain name, never a path (no `/`, `\`,
/// `..`, drive or absolute path), so the theme is read from inside the site root only.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/guide/`).
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The declared language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// A hint for an undeclared language code: the nearest declared one, and all of them.
    pub fn suggest_language(&self, code: &str) -> String {
        let codes: Vec<&str> = self.languages.iter().map(|l| l.code.as_str()).collect();
        match nearest(code, codes.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Declared: {}", codes.join(", ")),
            None => format!(
                "declare it under `languages:` in site.yaml, or rename the file to one of: {}",
                codes.join(", ")
            ),
        }
    }
}

impl FieldType {
    fn parse(spec: &str) -> Option<FieldType> {
        let spec = spec.trim();
        let (list, inner) = match spec.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(inner) => (true, inner.trim()),
            None => (false, spec),
        };
        let base = match inner {
            "int" => BaseType::Int,
            "string" => BaseType::String,
            "bool" => BaseType::Bool,
            _ => BaseType::Ref(inner.strip_prefix("ref:")?.trim().to_string()),
        };
        Some(FieldType { list, base })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_parse() {
        assert_eq!(
            FieldType::parse("[ref:departments]"),
            Some(FieldType {
                list: true,
                base: BaseType::Ref("departments".into())
            })
        );
        assert_eq!(
            FieldType::parse("int"),
            Some(FieldType {
                list: false,
                base: BaseType::Int
            })
        );
        assert_eq!(FieldType::parse("float"), None);
    }

    #[test]
    fn base_urls_must_be_absolute_http_urls_with_a_host() {
        for good in [
            "https://invest.example.org/",
            "http://localhost:1111/",
            "https://host/guide/",
            "https://host/a-b/c_d.e~f/%E6%94%BF/",
            "https://xn--fiqs8s.example/",
            "https://127.0.0.1:8080/",
            "https://[::1]:8080/",
            "https://[2001:db8::1]/",
            "https://Example.ORG/",
        ] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("/guide/", "does not start with"),
            ("ftp://host/", "does not start with"),
            ("javascript:alert(1)//", "does not start with"),
            ("https:///", "no host"),
            ("https://:80/", "no host"),
            ("https://user:pw@host/", "user name"),
            ("https://host:/", "not a port"),
            ("https://[::1]:/", "not a port"),
            ("https://[::1]x/", "after the `]`"),
            ("https://host:0/", "not a port"),
            ("https://host:99999/", "not a port"),
            ("https://host:8o/", "not a port"),
            ("https://exa mple.org/", "not a host name"),
            ("https://-host.org/", "not a host name"),
            ("https://host..org/", "not a host name"),
            ("https://host\"><x>/", "not a host name"),
            ("https://政府.cn/", "punycode"),
            ("https://300.1.1.1/", "not an IPv4 address"),
            ("https://[::g]/", "not an IPv6 address"),
            ("https://[::1/", "no `]`"),
            ("https://host/a b/", "has ` `"),
            ("https://host/a\"b/", "has `\"`"),
            ("https://host/<x>/", "has `<`"),
            ("https://host/a&b/", "has `&`"),
            ("https://host/%zz/", "two hex digits"),
            ("https://host/../", "`..` part"),
            ("https://host/a//b/", "empty"),
            ("https://host/?q=1/", "query or fragment"),
            ("https://host/#x/", "query or fragment"),
        ] {
            let err = check_base_url(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn language_codes_are_bcp47_and_safe_in_urls() {
        for good in ["en", "zh", "ru", "pt-br", "zh-hans", "sr-latn-rs", "yue"] {
            assert_eq!(check_code(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "EN",
            "zh_CN",
            "en/",
            "../x",
            "e n",
            "en.",
            "x",
            "en-abcdefghi",
            "1",
            "-en",
        ] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
        for good in ["zh-Hans", "en-GB", "sr-Latn-RS"] {
            assert_eq!(check_tag(good), Ok(()), "{good}");
        }
        for bad in ["zh_Hans", "en\"><x", "", "toolongtag"] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_theme_is_a_plain_folder_name() {
        for good in ["default", "my-theme", "theme_2", "v1.2"] {
            assert!(is_plain_name(good), "{good}");
        }
        for bad in [
            "", "/", ".", "..", "../x", "a/b", "a\\b", "/etc", "C:", ".hidden", "a b",
        ] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    #[test]
    fn base_path_of_a_sub_path_site() {
        let mut config = Config {
            base_url: "https://host/guide/".into(),
            default_language: "en".into(),
            languages: vec![],
            theme: "default".into(),
            thresholds: None,
            sections: BTreeMap::new(),
            menu: vec![],
            feeds: vec![],
            eligibility: None,
            translations: TranslationMode::Lenient,
            paginate: 0,
            search: SearchOptions::default(),
            print: None,
            print_line: 0,
        };
        assert_eq!(config.base_path(), "/guide/");
        config.base_url = "https://host/".into();
        assert_eq!(config.base_path(), "/");
    }
}
