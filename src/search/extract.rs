//! Text extraction: what search indexes of a page is read from the final HTML, the regions
//! templates mark with `data-index` (Pagefind's lesson), so search never depends on the
//! content model.
//!
//! In: the HTML of one built page. Out: its title (the region's `h1`, else the document's
//! `<title>`) and its sections (the text before the first `h2`/`h3`, then one per heading, with
//! the heading's id for the link), entities decoded and white space collapsed; nothing for a
//! `noindex` page or a page without a marked region. Navigation, scripts and
//! `data-index-ignore` elements inside the region are left out.

#[cfg(test)]
mod lol;
#[cfg(test)]
mod same_as_lol;
mod scan;
mod tokens;

use scan::Scanner;
use std::borrow::Cow;

/// The indexed parts of one page: title and sections (text before the first heading, then one
/// per `h2`/`h3`).
#[derive(Debug, Default)]
struct Doc {
    noindex: bool,
    regions: usize,
    ignored: usize,
    field: Field,
    title: String,
    html_title: String,
    sections: Vec<Section>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Field {
    #[default]
    Body,
    Title,
    Heading,
}

/// One section of a page as stored in the index: anchor id (empty for none), heading, text.
pub(crate) type Section = (String, String, String);

impl Doc {
    fn push_text(&mut self, s: &str) {
        if self.regions == 0 || self.ignored > 0 {
            return;
        }
        if self.field == Field::Title {
            self.title.push_str(s);
        } else if let Some((_, heading, text)) = self.sections.last_mut() {
            let target = if self.field == Field::Heading {
                heading
            } else {
                text
            };
            target.push_str(s);
        }
    }
}

/// Elements whose text never goes into the index, even inside a marked region (besides
/// `[data-index-ignore]` ones).
fn is_ignored(tag: &str) -> bool {
    matches!(tag, "nav" | "script" | "style" | "template")
}

/// Elements that separate words, so `<li>a</li><li>b</li>` does not read as `ab`.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "li"
            | "td"
            | "th"
            | "dt"
            | "dd"
            | "div"
            | "section"
            | "br"
            | "tr"
            | "blockquote"
            | "pre"
            | "figcaption"
            | "caption"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "table"
            | "header"
            | "footer"
            | "aside"
    )
}

/// The title and sections of one page, or `None` for `noindex` pages and pages without a
/// marked region.
///
/// A single pass over the HTML that tokenises it as lol_html did before (which this replaced,
/// for speed): the HTML tokenizer's states for text, tags, comments and the raw text of
/// `script`, `style`, `title` and the like; an element stack closed by end tags as lol_html's
/// selector matching closes it (an end tag closes everything opened after its element; a
/// stray one is ignored; void elements, and self-closing ones in SVG or MathML, never open);
/// lol_html's simulation of the tree builder's namespace changes; and its refusal of the
/// markup it cannot parse unambiguously as a stream.
pub(crate) fn extract(html: &str) -> Result<Option<(String, Vec<Section>)>, String> {
    let mut scanner = Scanner::new();
    scanner.run(html)?;
    Ok(finish(scanner.doc))
}

fn finish(doc: Doc) -> Option<(String, Vec<Section>)> {
    if doc.noindex || doc.sections.is_empty() {
        return None;
    }
    let mut title = clean(&doc.title);
    if title.is_empty() {
        title = clean(&doc.html_title);
    }
    let mut sections: Vec<Section> = doc
        .sections
        .into_iter()
        .map(|(id, heading, text)| (id, clean(&heading), clean(&text)))
        .filter(|(_, heading, text)| !heading.is_empty() || !text.is_empty())
        .collect();
    if sections.is_empty() {
        // The title marks the page's first section, so every page keeps one.
        sections.push(Section::default());
    }
    Some((title, sections))
}

/// Entities decoded, white space collapsed: the words of `str::split_whitespace`, joined by
/// one space. Read a byte at a time: white space is ASCII or starts with one of four lead
/// bytes ([`space_len`]), which never occur inside another character, so the text between
/// is copied whole, a run of words at a time (one plain space between two words stays as it
/// is; only other white space and runs of it are collapsed).
fn clean(html_text: &str) -> String {
    let decoded = if html_text.contains('&') {
        Cow::Owned(decode_entities(html_text))
    } else {
        Cow::Borrowed(html_text)
    };
    let text: &str = &decoded;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out = String::with_capacity(n);
    let mut i = 0;
    while let Some(len) = space_len(bytes, i) {
        i += len;
    }
    // The text from `copied` on is not in `out` yet: it goes in whole up to the next white
    // space that is not one plain space between two words.
    let mut copied = i;
    while i < n {
        if !MAY_START_SPACE[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let Some(len) = space_len(bytes, i) else {
            // A lead byte such as that of `—` or `。`, which starts no white space.
            i += 1;
            continue;
        };
        if len == 1 && bytes[i] == b' ' && i + 1 < n && space_len(bytes, i + 1).is_none() {
            i += 1;
            continue;
        }
        out.push_str(&text[copied..i]);
        while let Some(len) = space_len(bytes, i) {
            i += len;
        }
        if i < n {
            out.push(' ');
        }
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
}

/// The bytes [`space_len`] can find white space at: ASCII white space and the lead bytes of
/// the other white space characters.
const MAY_START_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    table
};

/// The length in bytes of the white space character (`char::is_whitespace`, Unicode's
/// `White_Space`) that starts at byte `i` of `bytes`, if one does.
fn space_len(bytes: &[u8], i: usize) -> Option<usize> {
    let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    let len = match bytes.get(i)? {
        b'\t'..=b'\r' | b' ' => 1,
        // U+0085, U+00A0.
        0xC2 if matches!(next(1), 0x85 | 0xA0) => 2,
        // U+1680.
        0xE1 if next(1) == 0x9A && next(2) == 0x80 => 3,
        // U+2000–U+200A, U+2028, U+2029, U+202F; U+205F.
        0xE2 if next(1) == 0x80 && matches!(next(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        0xE2 if next(1) == 0x81 && next(2) == 0x9F => 3,
        // U+3000.
        0xE3 if next(1) == 0x80 && next(2) == 0x80 => 3,
        _ => return None,
    };
    Some(len)
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let c = match &rest[1..end] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                e => e
                    .strip_prefix("#x")
                    .or_else(|| e.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<html><head><title>T · Site</title></head><body><nav>Menu</nav><article data-index>{body}</article><footer>Foot</footer></body></html>"
        )
    }

    #[test]
    fn extracts_title_sections_and_anchors_from_the_marked_region_only() {
        let html = page(
            "<h1>Bonded &amp; free</h1><p>Intro.</p><nav class=\"toc\"><h2 id=\"toc\">On this page</h2></nav>\
             <h2 id=\"a\">First</h2><p>One</p><p>two</p><h3 id=\"b\">Second &lt;x&gt;</h3><ul><li>x</li><li>y&#39;s &#x4E2D;</li></ul>",
        );
        let (title, sections) = extract(&html).unwrap().unwrap();
        assert_eq!(title, "Bonded & free");
        assert_eq!(
            sections,
            vec![
                ("".into(), "".into(), "Intro.".into()),
                ("a".into(), "First".into(), "One two".into()),
                ("b".into(), "Second <x>".into(), "x y's 中".into()),
            ]
        );
    }

    #[test]
    fn inline_elements_do_not_split_a_han_run() {
        let (_, sections) = extract(&page(
            "<p><strong>保税</strong>物流<a href=\"#\">中心</a></p>",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(sections[0].2, "保税物流中心");
    }

    #[test]
    fn skips_noindex_pages_and_pages_without_a_region() {
        let noindex =
            page("<p>x</p>").replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">");
        assert!(extract(&noindex).unwrap().is_none());
        assert!(
            extract("<html><body><p>x</p></body></html>")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn falls_back_to_the_html_title_and_keeps_one_section() {
        let (title, sections) = extract(&page("")).unwrap().unwrap();
        assert_eq!(title, "T · Site");
        assert_eq!(sections.len(), 1);
    }

    // Guards the white-space collapsing of `clean` against `split_whitespace`.
    #[test]
    fn clean_collapses_white_space_as_split_whitespace_does() {
        let alphabet: Vec<char> = "a ж保\t\n\r\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{1680}\u{2003}\u{200b}\u{2028}\u{202f}\u{3000}😀;#&"
            .chars()
            .collect();
        let mut next = crate::search::normalise::test_numbers(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5000 {
            let len = next(12);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let decoded = decode_entities(&text);
            let want = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(clean(&text), want, "{text:?}");
        }
    }

    // Guards the byte-level white space test against `char::is_whitespace`.
    #[test]
    fn white_space_is_found_by_its_bytes_as_by_its_character() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let text = format!("{c}x");
            let want = c.is_whitespace().then_some(c.len_utf8());
            assert_eq!(space_len(text.as_bytes(), 0), want, "U+{:04X}", c as u32);
            if want.is_some() {
                let lead = usize::from(text.as_bytes()[0]);
                assert!(MAY_START_SPACE[lead], "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn decodes_the_entities_templates_write() {
        assert_eq!(
            decode_entities("a&amp;b &lt;&gt; &quot;&#39; &#20013;&#x6587; &bogus; & x"),
            "a&b <> \"' 中文 &bogus; & x"
        );
    }
}
