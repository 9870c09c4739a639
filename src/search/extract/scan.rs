//! The HTML scanner behind [`super::extract`]: one pass that tokenises a page as lol_html did
//! (text, tags, comments, raw text, script states, CDATA in foreign content), keeps the element
//! stack and namespaces as lol_html's selector matching kept them, and feeds the indexed text
//! to the page's [`Doc`].

use super::tokens::{
    Attrs, Tag, causes_foreign_exit, comment_end, find, is_void, past_gt, raw_end, read_tag,
    script_end,
};
use super::{Doc, Field, Section, is_block, is_ignored};
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq)]
enum Ns {
    Html,
    Svg,
    MathMl,
}

/// What an element's end tag undoes, in the order it was set up (and undone): leaving a
/// region, leaving an ignored element, back to the body field, a space after a block.
#[derive(Clone, Copy, Default)]
struct Undo {
    region: bool,
    ignored: bool,
    field: bool,
    space: bool,
}

struct Open<'a> {
    name: Cow<'a, str>,
    region: bool,
    title: bool,
    undo: Undo,
}

/// lol_html's `AmbiguityGuard`: where a streaming parser cannot tell raw text from markup.
#[derive(Clone, Copy)]
enum Guard {
    Default,
    InSelect,
    InTemplateInSelect(u64),
    InOrAfterFrameset,
}

#[derive(Clone, Copy, PartialEq)]
enum TextType {
    Data,
    RcData,
    RawText,
    ScriptData,
    PlainText,
}

const AMBIGUOUS: &[&str] = &[
    "textarea",
    "title",
    "plaintext",
    "script",
    "style",
    "iframe",
    "xmp",
    "noembed",
    "noframes",
    "noscript",
];

/// One page's scan: the element stack and what it has gathered so far.
pub(super) struct Scanner<'a> {
    pub(super) doc: Doc,
    stack: Vec<Open<'a>>,
    /// Open elements with a `data-index` attribute.
    region_depth: usize,
    /// Open `head > title` elements.
    title_depth: usize,
    ns: Vec<Ns>,
    guard: Guard,
    /// The last tag's attribute list, emptied, for the next tag to fill.
    spare: Attrs<'a>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new() -> Self {
        Scanner {
            doc: Doc::default(),
            stack: Vec::new(),
            region_depth: 0,
            title_depth: 0,
            ns: vec![Ns::Html],
            guard: Guard::Default,
            spare: Vec::new(),
        }
    }

    fn current_ns(&self) -> Ns {
        *self.ns.last().unwrap_or(&Ns::Html)
    }

    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.title_depth > 0 {
            self.doc.html_title.push_str(s);
        }
        if self.region_depth > 0 {
            self.doc.push_text(s);
        }
    }

    pub(super) fn run(&mut self, html: &'a str) -> Result<(), String> {
        let b = html.as_bytes();
        let mut i = 0;
        let mut text_start = 0;
        let mut text_type = TextType::Data;
        let mut last_start = String::new();
        while i < b.len() {
            match text_type {
                TextType::Data => {}
                TextType::PlainText => {
                    self.text(&html[i..]);
                    return Ok(());
                }
                _ => {
                    let end = if text_type == TextType::ScriptData {
                        script_end(b, i)
                    } else {
                        raw_end(b, i, &last_start)
                    };
                    match end {
                        Some(at) => {
                            self.text(&html[i..at]);
                            i = at;
                            text_start = at;
                            text_type = TextType::Data;
                            // Falls through to the end tag at `at`.
                        }
                        None => {
                            self.text(&html[i..]);
                            return Ok(());
                        }
                    }
                }
            }
            // Data state: text up to the next `<` that starts markup.
            let Some(lt) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) else {
                break;
            };
            let next = b.get(lt + 1).copied();
            match next {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.text(&html[text_start..lt]);
                    let (tag, end) = read_tag(html, lt + 1, std::mem::take(&mut self.spare));
                    let Some(tag) = tag else {
                        // A tag cut off by the end of the input is no tag.
                        return Ok(());
                    };
                    i = end;
                    text_start = end;
                    if let Some(switch) = self.start_tag(tag, &mut last_start)? {
                        text_type = switch;
                    }
                }
                Some(b'/') => match b.get(lt + 2).copied() {
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.text(&html[text_start..lt]);
                        let (tag, end) = read_tag(html, lt + 2, std::mem::take(&mut self.spare));
                        let Some(tag) = tag else {
                            return Ok(());
                        };
                        i = end;
                        text_start = end;
                        self.end_tag(&tag.name);
                        self.spare = tag.attrs;
                    }
                    Some(b'>') => {
                        self.text(&html[text_start..lt]);
                        i = lt + 3;
                        text_start = i;
                    }
                    Some(_) => {
                        self.text(&html[text_start..lt]);
                        i = past_gt(b, lt + 2);
                        text_start = i;
                    }
                    None => break,
                },
                Some(b'!') => {
                    self.text(&html[text_start..lt]);
                    let rest = &b[lt + 2..];
                    if rest.starts_with(b"--") {
                        i = comment_end(b, lt + 4);
                    } else if self.current_ns() != Ns::Html && rest.starts_with(b"[CDATA[") {
                        let from = lt + 9;
                        match find(b, from, b"]]>") {
                            Some(at) => {
                                self.text(&html[from..at]);
                                i = at + 3;
                            }
                            None => {
                                self.text(&html[from..]);
                                i = b.len();
                            }
                        }
                    } else {
                        i = past_gt(b, lt + 2);
                    }
                    text_start = i;
                }
                Some(b'?') => {
                    self.text(&html[text_start..lt]);
                    i = past_gt(b, lt + 1);
                    text_start = i;
                }
                _ => i = lt + 1,
            }
        }
        if text_type == TextType::Data {
            self.text(&html[text_start.min(b.len())..]);
        }
        Ok(())
    }

    /// Handles a start tag; returns the text type its content switches to, if any.
    fn start_tag(
        &mut self,
        tag: Tag<'a>,
        last_start: &mut String,
    ) -> Result<Option<TextType>, String> {
        let name = tag.name.as_ref();
        self.track_guard_start(name)?;
        // The tree builder simulation: namespace and text type.
        let mut switch = None;
        if name == "svg" {
            self.ns.push(Ns::Svg);
        } else if name == "math" {
            self.ns.push(Ns::MathMl);
        } else if self.current_ns() != Ns::Html {
            self.foreign_start(&tag);
        } else {
            switch = match name {
                "textarea" | "title" => Some(TextType::RcData),
                "plaintext" => Some(TextType::PlainText),
                "script" => Some(TextType::ScriptData),
                "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => {
                    Some(TextType::RawText)
                }
                _ => None,
            };
        }
        last_start.clear();
        last_start.push_str(name);
        let with_content = if self.current_ns() == Ns::Html {
            !is_void(name)
        } else {
            !tag.self_closing
        };

        // The handlers lol_html ran, in their order.
        let in_region = self.region_depth > 0;
        let doc = &mut self.doc;
        let mut undo = Undo::default();
        if name == "meta" && tag.attr("name") == Some("robots") {
            let content = tag.attr("content").unwrap_or_default();
            doc.noindex |= content.to_ascii_lowercase().contains("noindex");
        }
        let region = tag.attr("data-index").is_some();
        if region {
            if doc.sections.is_empty() {
                doc.sections.push(Section::default());
            }
            doc.regions += 1;
            if with_content {
                undo.region = true;
            } else {
                doc.regions -= 1;
            }
        }
        if in_region {
            if is_ignored(name) || tag.attr("data-index-ignore").is_some() {
                doc.ignored += 1;
                if with_content {
                    undo.ignored = true;
                } else {
                    doc.ignored -= 1;
                }
            }
            if name == "h1" && doc.ignored == 0 {
                doc.field = Field::Title;
                if with_content {
                    undo.field = true;
                }
            }
            if matches!(name, "h2" | "h3") && doc.ignored == 0 {
                let id = tag.attr("id").unwrap_or_default().to_string();
                doc.sections.push((id, String::new(), String::new()));
                doc.field = Field::Heading;
                if with_content {
                    undo.field = true;
                }
            }
            if is_block(name) {
                doc.push_text(" ");
                if with_content {
                    undo.space = true;
                }
            }
        }
        self.spare = tag.attrs;
        if with_content {
            let title = name == "title" && self.stack.last().is_some_and(|o| o.name == "head");
            self.region_depth += usize::from(region);
            self.title_depth += usize::from(title);
            self.stack.push(Open {
                name: tag.name,
                region,
                title,
                undo,
            });
        }
        Ok(switch)
    }

    fn foreign_start(&mut self, tag: &Tag<'_>) {
        let name = tag.name.as_ref();
        let ns = self.current_ns();
        if causes_foreign_exit(name) {
            self.leave_ns();
        } else if ns == Ns::Svg && matches!(name, "desc" | "title" | "foreignobject")
            || ns == Ns::MathMl && matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
        {
            if !tag.self_closing {
                self.ns.push(Ns::Html);
            }
        } else if name == "font" {
            if tag
                .attrs
                .iter()
                .any(|(n, _)| matches!(n.as_ref(), "color" | "size" | "face"))
            {
                self.leave_ns();
            }
        } else if ns == Ns::MathMl && name == "annotation-xml" && !tag.self_closing {
            let html = tag.attrs.iter().any(|(n, v)| {
                n == "encoding"
                    && (v.eq_ignore_ascii_case("text/html")
                        || v.eq_ignore_ascii_case("application/xhtml+xml"))
            });
            if html {
                self.ns.push(Ns::Html);
            }
        }
    }

    fn leave_ns(&mut self) {
        if self.ns.len() > 1 {
            self.ns.pop();
        }
    }

    fn track_guard_start(&mut self, name: &str) -> Result<(), String> {
        let ambiguous = |name: &str| {
            if AMBIGUOUS.contains(&name) {
                Err(format!(
                    "The parser has encountered a text content tag (`<{name}>`) in the context \
                     where it is ambiguous whether this tag should be ignored or not. And, thus, \
                     it is unclear whether consequent content should be parsed as raw text or \
                     HTML markup.\n\nThis error occurs due to the limited capabilities of the \
                     streaming parsing. However, almost all of the cases of this error are caused \
                     by a non-conforming markup (e.g. a `<script>` element in `<select>` element)."
                ))
            } else {
                Ok(())
            }
        };
        match self.guard {
            Guard::Default => {
                if name == "select" {
                    self.guard = Guard::InSelect;
                } else if name == "frameset" {
                    self.guard = Guard::InOrAfterFrameset;
                }
            }
            Guard::InSelect => {
                if matches!(name, "select" | "textarea" | "input" | "keygen") {
                    self.guard = Guard::Default;
                } else if name == "template" {
                    self.guard = Guard::InTemplateInSelect(1);
                } else if name != "script" {
                    ambiguous(name)?;
                }
            }
            Guard::InTemplateInSelect(depth) => {
                if name == "template" {
                    self.guard = Guard::InTemplateInSelect(depth + 1);
                } else {
                    ambiguous(name)?;
                }
            }
            Guard::InOrAfterFrameset => {
                if name != "noframes" {
                    ambiguous(name)?;
                }
            }
        }
        Ok(())
    }

    fn end_tag(&mut self, name: &str) {
        match self.guard {
            Guard::InSelect if name == "select" => self.guard = Guard::Default,
            Guard::InTemplateInSelect(depth) if name == "template" => {
                self.guard = if depth == 1 {
                    Guard::InSelect
                } else {
                    Guard::InTemplateInSelect(depth - 1)
                };
            }
            _ => {}
        }
        let ns = self.current_ns();
        if ns == Ns::Html {
            let len = self.ns.len();
            if len >= 2 {
                let prev = self.ns[len - 2];
                if prev == Ns::MathMl && matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
                    || prev == Ns::Svg && matches!(name, "desc" | "title" | "foreignobject")
                    || prev == Ns::MathMl && name == "annotation-xml"
                {
                    self.leave_ns();
                }
            }
        } else if ns == Ns::Svg && name == "svg"
            || ns == Ns::MathMl && name == "math"
            || matches!(name, "p" | "br")
        {
            self.leave_ns();
        }
        let Some(at) = self.stack.iter().rposition(|o| o.name == name) else {
            return;
        };
        for open in self.stack[at..].iter().rev() {
            self.region_depth -= usize::from(open.region);
            self.title_depth -= usize::from(open.title);
        }
        for open in self.stack[at..].iter().rev() {
            let undo = open.undo;
            if undo.region {
                self.doc.regions -= 1;
            }
            if undo.ignored {
                self.doc.ignored -= 1;
            }
            if undo.field {
                self.doc.field = Field::Body;
            }
            if undo.space {
                self.doc.push_text(" ");
            }
        }
        self.stack.truncate(at);
    }
}
