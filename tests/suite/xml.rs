//! The sitemap and the Atom feeds read back with an XML parser (quick-xml's reader): every file
//! must be well-formed, and its fields what the pages say.

use crate::harness::TestSite;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;

/// One element: its name, attributes and text (entities resolved), and its child elements.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The attribute `name`; fails the test when it is missing.
    pub fn attr(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no `{name}` attribute", self.name))
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The one child `name`; fails the test unless there is exactly one.
    pub fn one(&self, name: &str) -> &Element {
        let found: Vec<&Element> = self.children.iter().filter(|c| c.name == name).collect();
        assert_eq!(found.len(), 1, "<{}> must have one <{name}>", self.name);
        found[0]
    }
}

/// Parses a whole document; fails the test, naming `what`, unless it is well-formed XML 1.0
/// with one root element, only predefined entities and only characters XML allows.
pub fn parse(what: &str, xml: &str) -> Element {
    let illegal = xml.chars().find(|c| {
        (*c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    });
    assert!(
        illegal.is_none(),
        "{what}: character {illegal:?} is not allowed in XML"
    );
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{what} is not well-formed XML: {e}"));
        match event {
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) => {}
            Event::Start(start) => open.push(element(what, &start)),
            Event::Empty(start) => attach(what, &mut open, &mut root, element(what, &start)),
            Event::End(_) => {
                let done = open
                    .pop()
                    .unwrap_or_else(|| panic!("{what}: stray end tag"));
                attach(what, &mut open, &mut root, done);
            }
            Event::Text(text) => {
                let text = text.xml_content(XmlVersion::Implicit1_0);
                match open.last_mut() {
                    Some(parent) => parent.text.push_str(&text),
                    None => assert!(text.trim().is_empty(), "{what}: text outside the root"),
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.xml_content(XmlVersion::Implicit1_0);
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => resolve_predefined_entity(&name)
                        .unwrap_or_else(|| panic!("{what}: undefined entity &{name};"))
                        .to_string(),
                };
                let parent = open
                    .last_mut()
                    .unwrap_or_else(|| panic!("{what}: &{name}; outside the root"));
                parent.text.push_str(&resolved);
            }
            other => panic!("{what}: unexpected {other:?}"),
        }
    }
    assert!(
        open.is_empty(),
        "{what}: <{}> is never closed",
        open[0].name
    );
    root.unwrap_or_else(|| panic!("{what}: no root element"))
}

fn element(what: &str, start: &BytesStart) -> Element {
    let mut attributes = BTreeMap::new();
    for attribute in start.attributes() {
        let attribute = attribute.unwrap_or_else(|e| panic!("{what}: bad attribute: {e}"));
        let key = attribute.key.as_ref().to_string();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .unwrap_or_else(|e| panic!("{what}: bad value of `{key}`: {e}"))
            .into_owned();
        attributes.insert(key, value);
    }
    Element {
        name: start.name().as_ref().to_string(),
        attributes,
        ..Element::default()
    }
}

fn attach(what: &str, open: &mut [Element], root: &mut Option<Element>, done: Element) {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None => {
            assert!(
                root.is_none(),
                "{what}: a second root element <{}>",
                done.name
            );
            *root = Some(done);
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` naming a real moment: RFC 3339 as Atom requires
/// it (upper-case `T` and `Z`, seconds present).
pub fn assert_rfc3339(what: &str, text: &str) {
    let shape = text.len() >= 20
        && text.bytes().enumerate().take(19).all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    let rest = text.get(19..).unwrap_or("");
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let offset = rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 0 || i == 3 || b.is_ascii_digit()));
    assert!(
        shape && offset && text.parse::<jiff::Timestamp>().is_ok(),
        "{what}: `{text}` is not an RFC 3339 timestamp"
    );
}

/// `YYYY-MM-DD` on the calendar: the W3C date the sitemap's `lastmod` uses.
pub fn assert_w3c_date(what: &str, text: &str) {
    let shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    assert!(
        shape && text.parse::<jiff::civil::Date>().is_ok(),
        "{what}: `{text}` is not a W3C date"
    );
}

// A title and a site title full of markup characters come out escaped and read back exactly;
// every kind of date is written as RFC 3339.
#[test]
fn a_feed_reads_back_with_every_field() {
    let site = TestSite::with("feeds");
    site.build_ok(&[]);
    let feed = parse("en/news/atom.xml", &site.read_out("en/news/atom.xml"));
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attr("xmlns"), "http://www.w3.org/2005/Atom");
    assert_eq!(feed.attr("xml:lang"), "en");
    assert_eq!(feed.one("title").text, "News · Example & <Co>");
    assert_eq!(feed.one("id").text, "https://example.org/en/news/");
    assert_eq!(feed.one("author").one("name").text, "Example & <Co>");
    let links: Vec<_> = feed
        .all("link")
        .map(|l| (l.attr("rel"), l.attr("href")))
        .collect();
    assert_eq!(
        links,
        [
            ("self", "https://example.org/en/news/atom.xml"),
            ("alternate", "https://example.org/en/news/")
        ]
    );
    assert_eq!(feed.one("updated").text, "2024-03-05T10:00:00Z");
    let entries: Vec<_> = feed.all("entry").collect();
    let titles: Vec<_> = entries
        .iter()
        .map(|e| e.one("title").text.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            r#"Profits < costs & "quotes" aren't <b>bold</b>"#,
            "Second post",
            "First post"
        ]
    );
    let third = entries[0];
    assert_eq!(third.one("id").text, "https://example.org/en/news/third/");
    assert_eq!(
        third.one("link").attr("href"),
        "https://example.org/en/news/third/"
    );
    assert_eq!(third.one("updated").text, "2024-03-05T10:00:00Z");
    assert_eq!(third.one("summary").text, "A & B < C");
    assert!(
        third
            .one("content")
            .text
            .contains("<em>emphasis</em> &amp; text")
    );
    assert_eq!(entries[2].one("updated").text, "2024-01-02T00:00:00Z");
    for entry in &entries {
        assert_rfc3339("entry updated", &entry.one("updated").text);
    }
    let raw = site.read_out("en/news/atom.xml");
    assert!(raw.contains("<title>Profits &lt; costs &amp; &quot;quotes&quot; aren't &lt;b&gt;bold&lt;/b&gt;</title>"), "{raw}");
}

// The sitemap lists every page with its day of change and every translation as an alternate.
#[test]
fn the_sitemap_reads_back_with_every_field() {
    let site = TestSite::with("feeds");
    site.build_ok(&[]);
    let sitemap = parse("sitemap.xml", &site.read_out("sitemap.xml"));
    assert_eq!(sitemap.name, "urlset");
    assert_eq!(sitemap.attr("xmlns:xhtml"), "http://www.w3.org/1999/xhtml");
    let urls: BTreeMap<&str, _> = sitemap
        .all("url")
        .map(|u| (u.one("loc").text.as_str(), u))
        .collect();
    // 9 pages, and the English tags' index and pages of tags `a` and `b`.
    assert_eq!(urls.len(), 12);
    let third = urls["https://example.org/en/news/third/"];
    assert_eq!(third.one("lastmod").text, "2024-03-05");
    let first = urls["https://example.org/zh/news/first/"];
    assert_eq!(first.one("lastmod").text, "2024-01-02");
    let alternates: Vec<_> = first
        .all("xhtml:link")
        .map(|l| (l.attr("rel"), l.attr("hreflang"), l.attr("href")))
        .collect();
    assert_eq!(
        alternates,
        [
            ("alternate", "en", "https://example.org/en/news/first/"),
            ("alternate", "zh-Hans", "https://example.org/zh/news/first/"),
            (
                "alternate",
                "x-default",
                "https://example.org/en/news/first/"
            ),
        ]
    );
    for url in urls.values() {
        for lastmod in url.all("lastmod") {
            assert_w3c_date("lastmod", &lastmod.text);
        }
    }
}
