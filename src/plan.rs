//! The plan's full text, `content/plan/text.yaml`: the one source of every quotation of the
//! plan on the site. In: the data file's text. Out: a validated [`Plan`] (paragraphs with
//! stable ids, sentences in Chinese with their translations) and the quotation block that the
//! `{{ plan(…) }}` shortcode and the `plan_quote(…)` template function print.

use crate::diagnostic::{Diagnostic, nearest};
use crate::i18n::Bundles;
use crate::render::escape_html;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The data file, below the site root.
pub(crate) const FILE: &str = "content/plan/text.yaml";
/// The language the plan is written in: every sentence's `zh` is verbatim from it.
pub(crate) const ORIGINAL: &str = "zh";
/// The page that shows the full text, by key.
pub(crate) const PAGE: &str = "policy/full-text";

const KINDS: [&str; 4] = ["text", "measure", "heading", "lines"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    paragraphs: Vec<RawParagraph>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParagraph {
    id: String,
    #[serde(default)]
    kind: Option<String>,
    sentences: Vec<BTreeMap<String, String>>,
}

/// The plan, paragraph by paragraph, in document order.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) paragraphs: Vec<Paragraph>,
    by_id: BTreeMap<String, usize>,
    /// The tag of the original's language (`zh-Hans`), for `lang` attributes.
    tag: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Paragraph {
    pub(crate) id: String,
    pub(crate) kind: String,
    /// Language code → text, for each sentence.
    pub(crate) sentences: Vec<BTreeMap<String, String>>,
}

/// Which sentences of which paragraph a page quotes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Selection {
    pub(crate) paragraph: usize,
    /// 1-based, inclusive.
    pub(crate) first: usize,
    pub(crate) last: usize,
}

/// Loads and validates the plan when the site has `content/plan/text.yaml` (`Ok(None)`
/// otherwise). `languages` are the site's language codes and `tag` the original's language
/// tag. Every problem is reported at its line: a duplicate or malformed id, an unknown kind,
/// a sentence that is empty or lacks a language.
pub(crate) fn load(
    data_text: &BTreeMap<PathBuf, String>,
    languages: &[String],
    tag: &str,
) -> Result<Option<Plan>, Vec<Diagnostic>> {
    let Some(text) = data_text.get(Path::new(FILE)) else {
        return Ok(None);
    };
    let raw: Raw =
        crate::yaml::parse(text, Path::new(FILE), 1, &["paragraphs"]).map_err(|d| vec![d])?;
    let lines = Lines::of(text);
    let mut problems = Vec::new();
    let mut by_id = BTreeMap::new();
    let mut paragraphs = Vec::new();
    for (i, p) in raw.paragraphs.into_iter().enumerate() {
        let line = lines.paragraph(i);
        if !valid_id(&p.id) {
            problems.push(
                Diagnostic::error(FILE, format!("`{}` cannot be a paragraph id", p.id))
                    .at(line, 1)
                    .hint("use lowercase letters a–z, digits and hyphens, e.g. `m9` or `part-1`"),
            );
        }
        if let Some(first) = by_id.insert(p.id.clone(), i) {
            problems.push(
                Diagnostic::error(FILE, format!("paragraph id `{}` is used twice", p.id))
                    .at(line, 1)
                    .hint(format!(
                        "ids must be unique: the first `{}` is at line {}; rename one of them",
                        p.id,
                        lines.paragraph(first)
                    )),
            );
        }
        let kind = p.kind.unwrap_or_else(|| "text".to_string());
        if !KINDS.contains(&kind.as_str()) {
            problems.push(
                Diagnostic::error(FILE, format!("`{kind}` is not a paragraph kind"))
                    .at(line, 1)
                    .hint(format!("use one of: {}", KINDS.join(", "))),
            );
        }
        if p.sentences.is_empty() {
            problems.push(
                Diagnostic::error(FILE, format!("paragraph `{}` has no sentences", p.id))
                    .at(line, 1)
                    .hint("add `sentences:` with at least one `- zh: …` and its translations"),
            );
        }
        for (n, sentence) in p.sentences.iter().enumerate() {
            let at = lines.sentence(i, n).unwrap_or(line);
            let wanted = std::iter::once(ORIGINAL).chain(
                languages
                    .iter()
                    .map(String::as_str)
                    .filter(|l| *l != ORIGINAL),
            );
            for lang in wanted {
                match sentence.get(lang) {
                    None => problems.push(
                        Diagnostic::error(
                            FILE,
                            format!("sentence {} of `{}` has no `{lang}`", n + 1, p.id),
                        )
                        .at(at, 1)
                        .hint(format!(
                            "add `{lang}: …`: every sentence is given in every language of the site"
                        )),
                    ),
                    Some(s) if s.trim().is_empty() => problems.push(
                        Diagnostic::error(
                            FILE,
                            format!("sentence {} of `{}` has an empty `{lang}`", n + 1, p.id),
                        )
                        .at(at, 1)
                        .hint("write the sentence, or remove the entry"),
                    ),
                    Some(_) => {}
                }
            }
            for lang in sentence.keys() {
                if lang != ORIGINAL && !languages.contains(lang) {
                    problems.push(
                        Diagnostic::error(
                            FILE,
                            format!(
                                "sentence {} of `{}`: `{lang}` is not a language of the site",
                                n + 1,
                                p.id
                            ),
                        )
                        .at(at, 1)
                        .hint(
                            match nearest(lang, languages.iter().map(String::as_str)) {
                                Some(near) => format!("did you mean `{near}`?"),
                                None => format!("the site's languages: {}", languages.join(", ")),
                            },
                        ),
                    );
                }
            }
        }
        paragraphs.push(Paragraph {
            id: p.id,
            kind,
            sentences: p.sentences,
        });
    }
    if problems.is_empty() {
        Ok(Some(Plan {
            paragraphs,
            by_id,
            tag: tag.to_string(),
        }))
    } else {
        Err(problems)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Lines of the paragraphs (`- id:`) and of their sentences (the `- ` items after
/// `sentences:`), in order: where to point a problem.
struct Lines {
    paragraphs: Vec<(usize, Vec<usize>)>,
}

impl Lines {
    fn of(text: &str) -> Self {
        let mut paragraphs: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut paragraph_indent = None;
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if !trimmed.starts_with("- ") {
                continue;
            }
            if trimmed.starts_with("- id:") && paragraph_indent.is_none_or(|p| p == indent) {
                paragraph_indent = Some(indent);
                paragraphs.push((i + 1, Vec::new()));
            } else if let Some(last) = paragraphs.last_mut() {
                last.1.push(i + 1);
            }
        }
        Lines { paragraphs }
    }

    fn paragraph(&self, i: usize) -> usize {
        self.paragraphs.get(i).map_or(1, |p| p.0)
    }

    fn sentence(&self, i: usize, n: usize) -> Option<usize> {
        self.paragraphs.get(i).and_then(|p| p.1.get(n)).copied()
    }
}

impl Plan {
    /// The paragraph `id`, or an error message and a hint naming the nearest id.
    pub(crate) fn paragraph(&self, id: &str) -> Result<usize, (String, String)> {
        self.by_id.get(id).copied().ok_or_else(|| {
            (
                format!("the plan has no paragraph `{id}`"),
                match nearest(id, self.by_id.keys().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`? The ids are in {FILE}"),
                    None => format!("use an `id` from {FILE}, e.g. `m9` or `preamble`"),
                },
            )
        })
    }

    /// What `p` (a paragraph id, optional when `text` is given), `s` (`N` or `N-M`) and `text`
    /// (a passage that must be verbatim in the original) select.
    pub(crate) fn select(
        &self,
        p: Option<&str>,
        s: Option<&str>,
        text: Option<&str>,
    ) -> Result<Selection, (String, String)> {
        let paragraph = match (p, text) {
            (Some(id), _) => self.paragraph(id)?,
            (None, Some(passage)) => self.find(passage)?,
            (None, None) => {
                return Err((
                    "`plan` needs a paragraph `p` or a passage `text`".into(),
                    "write {{ plan(p=\"m9\") }}, {{ plan(p=\"m9\", s=\"2-3\") }} or {{ plan(text=\"…\") }}".into(),
                ));
            }
        };
        let count = self.paragraphs[paragraph].sentences.len();
        let id = &self.paragraphs[paragraph].id;
        let (mut first, mut last) = match s {
            None => (1, count),
            Some(range) => parse_range(range).ok_or_else(|| {
                (
                    format!("`s=\"{range}\"` is not a sentence number or range"),
                    "write s=\"3\" for sentence 3, or s=\"2-4\" for sentences 2 to 4".to_string(),
                )
            })?,
        };
        if first == 0 || last < first || last > count {
            return Err((
                format!(
                    "paragraph `{id}` has no sentence {}",
                    if last > count { last } else { first }
                ),
                format!("`{id}` has sentences 1 to {count}; see {FILE}"),
            ));
        }
        if let Some(passage) = text {
            let sentences = &self.paragraphs[paragraph].sentences;
            let joined: String = sentences[first - 1..last]
                .iter()
                .map(|s| s[ORIGINAL].as_str())
                .collect();
            let Some(at) = joined.find(passage).filter(|_| !passage.is_empty()) else {
                return Err((
                    format!(
                        "the quoted passage «{passage}» is not verbatim in paragraph `{id}` of the plan"
                    ),
                    format!(
                        "copy the passage exactly from the `zh` sentences of `{id}` in {FILE}, or quote by number with s=\"N\""
                    ),
                ));
            };
            if s.is_none() {
                // Narrow the quote to the sentences the passage spans.
                let (mut start, end) = (0, at + passage.len());
                for (n, sentence) in sentences.iter().enumerate() {
                    let len = sentence[ORIGINAL].len();
                    if start <= at && at < start + len {
                        first = n + 1;
                    }
                    if start < end && end <= start + len {
                        last = n + 1;
                    }
                    start += len;
                }
            }
        }
        Ok(Selection {
            paragraph,
            first,
            last,
        })
    }

    /// The paragraph whose original contains `passage`.
    fn find(&self, passage: &str) -> Result<usize, (String, String)> {
        self.paragraphs
            .iter()
            .position(|p| {
                !passage.is_empty()
                    && p.sentences
                        .iter()
                        .map(|s| s[ORIGINAL].as_str())
                        .collect::<String>()
                        .contains(passage)
            })
            .ok_or_else(|| {
                (
                    format!("the quoted passage «{passage}» is not verbatim in the plan"),
                    format!("copy the passage exactly from a `zh` sentence of {FILE}"),
                )
            })
    }

    /// The quotation block of `selection` for a page in `lang`: the original in a
    /// `<blockquote>` (with its language tag on pages in another language), the guide's
    /// translation beside it, and a caption linking to the paragraph in the full text.
    /// `full_text` is the URL of the full-text page in `lang`. Every text is escaped.
    pub(crate) fn quote_html(
        &self,
        selection: &Selection,
        lang: &str,
        full_text: &str,
        strings: &Bundles,
    ) -> Result<String, (String, String)> {
        let paragraph = &self.paragraphs[selection.paragraph];
        let href = format!("{full_text}#{}", paragraph.id);
        let place = place(paragraph, lang, strings)?;
        let chosen = &paragraph.sentences[selection.first - 1..selection.last];
        let whole = selection.first == 1 && selection.last == paragraph.sentences.len();
        // Out of the search index: the quotation repeats the full-text page, which is indexed
        // (the plan's words found once, on their own page, and the index kept small).
        let mut html = String::from("<figure class=\"plan-quote\" data-index-ignore>");
        let lang_attr = if lang == ORIGINAL {
            String::new()
        } else {
            // The search index of a page in another language leaves the original out: its
            // results would show Chinese excerpts the reader did not search for.
            format!(" lang=\"{}\" data-index-ignore", escape_html(&self.tag))
        };
        html.push_str(&format!(
            "<blockquote cite=\"{}\"{lang_attr}>",
            escape_html(&href)
        ));
        push_sentences(&mut html, paragraph, chosen, selection.first, ORIGINAL, "");
        html.push_str("</blockquote>");
        if lang != ORIGINAL {
            html.push_str("<div class=\"plan-quote-translation\">");
            push_sentences(&mut html, paragraph, chosen, selection.first, lang, " ");
            html.push_str("</div>");
        }
        let which = if whole {
            place
        } else {
            let key = if selection.first == selection.last {
                "plan-place-sentence"
            } else {
                "plan-place-sentences"
            };
            let mut args = BTreeMap::new();
            args.insert("place".to_string(), serde_json::Value::from(place));
            args.insert("first".to_string(), selection.first.into());
            args.insert("last".to_string(), selection.last.into());
            string(strings, lang, key, &args)?
        };
        html.push_str(&format!(
            "<figcaption><a href=\"{}\">{}</a>",
            escape_html(&href),
            escape_html(&which)
        ));
        if lang != ORIGINAL {
            let note = string(strings, lang, "plan-unofficial", &BTreeMap::new())?;
            html.push_str(&format!(
                " <span class=\"plan-quote-note\">{}</span>",
                escape_html(&note)
            ));
        }
        html.push_str("</figcaption></figure>");
        Ok(html)
    }
}

/// The sentences `chosen` (the first being sentence `first`) of `paragraph` in `lang`, as
/// paragraphs: a measure's own heading in bold, its responsible units on a line of their own.
fn push_sentences(
    html: &mut String,
    paragraph: &Paragraph,
    chosen: &[BTreeMap<String, String>],
    first: usize,
    lang: &str,
    joiner: &str,
) {
    let count = paragraph.sentences.len();
    let measure = paragraph.kind == "measure";
    html.push_str("<p>");
    for (i, sentence) in chosen.iter().enumerate() {
        let n = first + i;
        let text = escape_html(&sentence[lang]);
        if measure && n == count && count > 1 {
            if i > 0 {
                html.push_str("</p><p class=\"plan-units\">");
            } else {
                html.replace_range(html.len() - 3.., "<p class=\"plan-units\">");
            }
            html.push_str(&text);
            continue;
        }
        if i > 0 {
            html.push_str(joiner);
        }
        if measure && n == 1 {
            html.push_str(&format!("<strong>{text}</strong>"));
        } else {
            html.push_str(&text);
        }
    }
    html.push_str("</p>");
}

/// "Measure 9 of the plan", "the plan's preamble": where a paragraph is, in `lang`.
fn place(paragraph: &Paragraph, lang: &str, strings: &Bundles) -> Result<String, (String, String)> {
    let mut args = BTreeMap::new();
    let key = match paragraph
        .id
        .strip_prefix('m')
        .and_then(|n| n.parse::<u32>().ok())
    {
        Some(n) => {
            args.insert("number".to_string(), serde_json::Value::from(n));
            "plan-place-measure".to_string()
        }
        None => format!("plan-place-{}", paragraph.id),
    };
    let key = if strings.get(lang).is_some_and(|s| s.has(&key)) {
        key
    } else {
        "plan-place-other".to_string()
    };
    string(strings, lang, &key, &args)
}

fn string(
    strings: &Bundles,
    lang: &str,
    key: &str,
    args: &BTreeMap<String, serde_json::Value>,
) -> Result<String, (String, String)> {
    match strings.get(lang).map(|s| s.get(key, args)) {
        Some(Ok(Some(text))) => Ok(text),
        _ => Err((
            format!("no UI string `{key}` for `{lang}`, which the plan's quotations need"),
            format!(
                "add `{key} = …` to i18n/{lang}/plan.ftl (the built-in ones are in builtin/i18n/{lang}/plan.ftl)"
            ),
        )),
    }
}

/// `3` → (3, 3); `2-4` → (2, 4).
fn parse_range(range: &str) -> Option<(usize, usize)> {
    let range = range.trim();
    match range.split_once(['-', '–']) {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = range.parse().ok()?;
            Some((n, n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(yaml: &str) -> Result<Option<Plan>, Vec<Diagnostic>> {
        let mut texts = BTreeMap::new();
        texts.insert(PathBuf::from(FILE), yaml.to_string());
        load(&texts, &["zh".into(), "en".into()], "zh-Hans")
    }

    const GOOD: &str = "paragraphs:\n  - id: m1\n    kind: measure\n    sentences:\n      - zh: \"1. 甲。\"\n        en: \"1. A.\"\n      - zh: \"乙，丙。\"\n        en: \"B, C.\"\n      - zh: \"（丁）\"\n        en: \"(D)\"\n";

    #[test]
    fn selects_by_number_range_and_passage() {
        let plan = plan(GOOD).unwrap().unwrap();
        let sel = |p, s, t| plan.select(p, s, t);
        assert_eq!(
            sel(Some("m1"), None, None).unwrap(),
            Selection {
                paragraph: 0,
                first: 1,
                last: 3
            }
        );
        assert_eq!(
            sel(Some("m1"), Some("2"), None).unwrap(),
            Selection {
                paragraph: 0,
                first: 2,
                last: 2
            }
        );
        assert_eq!(
            sel(Some("m1"), Some("1-2"), None).unwrap(),
            Selection {
                paragraph: 0,
                first: 1,
                last: 2
            }
        );
        assert_eq!(
            sel(None, None, Some("丙。（丁")).unwrap(),
            Selection {
                paragraph: 0,
                first: 2,
                last: 3
            }
        );
        assert!(
            sel(Some("m1"), Some("4"), None)
                .unwrap_err()
                .0
                .contains("no sentence 4")
        );
        assert!(sel(Some("m2"), None, None).unwrap_err().1.contains("`m1`"));
        assert!(
            sel(Some("m1"), Some("1"), Some("乙"))
                .unwrap_err()
                .0
                .contains("not verbatim")
        );
        assert!(sel(None, None, Some("戊")).is_err());
    }

    #[test]
    fn located_errors_for_bad_files() {
        let dup = GOOD.to_string()
            + "  - id: m1\n    sentences:\n      - zh: \"戊\"\n        en: \"E\"\n";
        let e = plan(&dup).unwrap_err();
        assert_eq!((e[0].line, e[0].message.contains("used twice")), (11, true));
        let missing = GOOD.replace("        en: \"B, C.\"\n", "");
        let e = plan(&missing).unwrap_err();
        assert_eq!(e[0].line, 7);
        assert!(e[0].message.contains("sentence 2 of `m1` has no `en`"));
        let empty = GOOD.replace("\"(D)\"", "\" \"");
        let e = plan(&empty).unwrap_err();
        assert_eq!(e[0].line, 9);
        assert!(e[0].message.contains("empty `en`"));
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("3"), Some((3, 3)));
        assert_eq!(parse_range("2-4"), Some((2, 4)));
        assert_eq!(parse_range("x"), None);
    }
}
