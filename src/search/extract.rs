//! Text extraction: what search indexes of a page is read from the final HTML, the regions
//! templates mark with `data-index` (Pagefind's lesson), so search never depends on the
//! content model.
//!
//! In: the HTML of one built page. Out: its title (the region's `h1`, else the document's
//! `<title>`) and its sections (the text before the first `h2`/`h3`, then one per heading, with
//! the heading's id for the link), entities decoded and white space collapsed; nothing for a
//! `noindex` page or a page without a marked region. Navigation, scripts and
//! `data-index-ignore` elements inside the region are left out.

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
    let mut scanner = Scanner {
        doc: Doc::default(),
        stack: Vec::new(),
        region_depth: 0,
        title_depth: 0,
        ns: vec![Ns::Html],
        guard: Guard::Default,
    };
    scanner.run(html)?;
    Ok(finish(scanner.doc))
}

#[derive(Clone, Copy, PartialEq)]
enum Ns {
    Html,
    Svg,
    MathMl,
}

/// What an element's end tag undoes, in the order it was set up.
#[derive(Clone, Copy)]
enum Undo {
    Region,
    Ignored,
    Field,
    Space,
}

struct Open {
    name: String,
    region: bool,
    title: bool,
    undo: Vec<Undo>,
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

struct Tag<'a> {
    name: String,
    attrs: Vec<(String, &'a str)>,
    self_closing: bool,
}

impl Tag<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

struct Scanner {
    doc: Doc,
    stack: Vec<Open>,
    /// Open elements with a `data-index` attribute.
    region_depth: usize,
    /// Open `head > title` elements.
    title_depth: usize,
    ns: Vec<Ns>,
    guard: Guard,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b' ' | b'\r')
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The end of a construct that runs to the next `>` (bogus comments, doctypes): just past it,
/// or the end of the input.
fn past_gt(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'>')
        .map_or(b.len(), |p| from + p + 1)
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

impl Scanner {
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

    fn run(&mut self, html: &str) -> Result<(), String> {
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
            let Some(lt) = b[i..].iter().position(|&c| c == b'<').map(|p| p + i) else {
                break;
            };
            let next = b.get(lt + 1).copied();
            match next {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.text(&html[text_start..lt]);
                    let (tag, end) = read_tag(html, lt + 1);
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
                        let (tag, end) = read_tag(html, lt + 2);
                        let Some(tag) = tag else {
                            return Ok(());
                        };
                        i = end;
                        text_start = end;
                        self.end_tag(&tag.name);
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
        tag: Tag<'_>,
        last_start: &mut String,
    ) -> Result<Option<TextType>, String> {
        let name = tag.name.as_str();
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
        let mut undo = Vec::new();
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
                undo.push(Undo::Region);
            } else {
                doc.regions -= 1;
            }
        }
        if in_region {
            if is_ignored(name) || tag.attr("data-index-ignore").is_some() {
                doc.ignored += 1;
                if with_content {
                    undo.push(Undo::Ignored);
                } else {
                    doc.ignored -= 1;
                }
            }
            if name == "h1" && doc.ignored == 0 {
                doc.field = Field::Title;
                if with_content {
                    undo.push(Undo::Field);
                }
            }
            if matches!(name, "h2" | "h3") && doc.ignored == 0 {
                let id = tag.attr("id").unwrap_or_default().to_string();
                doc.sections.push((id, String::new(), String::new()));
                doc.field = Field::Heading;
                if with_content {
                    undo.push(Undo::Field);
                }
            }
            if is_block(name) {
                doc.push_text(" ");
                if with_content {
                    undo.push(Undo::Space);
                }
            }
        }
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
        let name = tag.name.as_str();
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
                .any(|(n, _)| matches!(n.as_str(), "color" | "size" | "face"))
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
        let popped: Vec<Open> = self.stack.drain(at..).collect();
        for open in popped.iter().rev() {
            self.region_depth -= usize::from(open.region);
            self.title_depth -= usize::from(open.title);
        }
        for open in popped.iter().rev() {
            for undo in &open.undo {
                match undo {
                    Undo::Region => self.doc.regions -= 1,
                    Undo::Ignored => self.doc.ignored -= 1,
                    Undo::Field => self.doc.field = Field::Body,
                    Undo::Space => self.doc.push_text(" "),
                }
            }
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn causes_foreign_exit(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Where a comment whose text starts at `from` (just past `<!--`) ends: just past it.
fn comment_end(b: &[u8], from: usize) -> usize {
    let rest = &b[from..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut j = from;
    while j < b.len() {
        if b[j] == b'-' && b.get(j + 1) == Some(&b'-') {
            if b.get(j + 2) == Some(&b'>') {
                return j + 3;
            }
            if b.get(j + 2) == Some(&b'!') && b.get(j + 3) == Some(&b'>') {
                return j + 4;
            }
        }
        j += 1;
    }
    b.len()
}

/// Whether `b[at..]` is `</NAME` (ASCII case-insensitive) followed by white space, `/` or `>`:
/// the end tag that closes raw text opened by `<NAME>`.
fn is_end_tag_of(b: &[u8], at: usize, name: &str) -> bool {
    let n = name.len();
    b.get(at..at + 2) == Some(b"</")
        && b.get(at + 2..at + 2 + n)
            .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
        && b.get(at + 2 + n)
            .is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
}

/// Where the RCDATA or RAWTEXT content of `<name>` starting at `from` ends: the `<` of its end
/// tag, or `None` when it runs to the end of the input.
fn raw_end(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut j = from;
    while let Some(p) = b[j..].iter().position(|&c| c == b'<') {
        let at = j + p;
        if is_end_tag_of(b, at, name) {
            return Some(at);
        }
        j = at + 1;
    }
    None
}

/// Where the content of a `<script>` starting at `from` ends, with the tokenizer's escaped and
/// double-escaped states (`<!--` and a nested `<script>` in a script).
fn script_end(b: &[u8], from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum S {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = S::Data;
    // Dashes just seen in the escaped states (0, 1, 2 or more).
    let mut dashes = 0;
    let mut j = from;
    while j < b.len() {
        let c = b[j];
        match state {
            S::Data => {
                if c == b'<' {
                    if is_end_tag_of(b, j, "script") {
                        return Some(j);
                    }
                    if b.get(j + 1..j + 4) == Some(b"!--") {
                        state = S::Escaped;
                        // `<!--` leaves the tokenizer in "escaped dash dash".
                        dashes = 2;
                        j += 4;
                        continue;
                    }
                }
                j += 1;
            }
            S::Escaped | S::DoubleEscaped => {
                if c == b'-' {
                    dashes += 1;
                    j += 1;
                    continue;
                }
                if c == b'>' && dashes >= 2 {
                    state = S::Data;
                    dashes = 0;
                    j += 1;
                    continue;
                }
                dashes = 0;
                if c == b'<' {
                    if state == S::Escaped {
                        if is_end_tag_of(b, j, "script") {
                            return Some(j);
                        }
                        if let Some(end) = script_word(b, j + 1) {
                            state = S::DoubleEscaped;
                            j = end;
                            continue;
                        }
                    } else if b.get(j + 1) == Some(&b'/')
                        && let Some(end) = script_word(b, j + 2)
                    {
                        state = S::Escaped;
                        j = end;
                        continue;
                    }
                }
                j += 1;
            }
        }
    }
    None
}

/// If `b[at..]` is `script` (any case) followed by white space, `/` or `>`: the index of that
/// following byte.
fn script_word(b: &[u8], at: usize) -> Option<usize> {
    let word = b.get(at..at + 6)?;
    let after = *b.get(at + 6)?;
    (word.eq_ignore_ascii_case(b"script") && (is_ws(after) || after == b'/' || after == b'>'))
        .then_some(at + 6)
}

/// Reads a tag whose name starts at `from` (just past `<` or `</`): the tag and the index just
/// past its `>`, or no tag when the input ends inside it.
fn read_tag(html: &str, from: usize) -> (Option<Tag<'_>>, usize) {
    let b = html.as_bytes();
    let mut j = from;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = html[from..j].to_ascii_lowercase();
    let mut attrs: Vec<(String, &str)> = Vec::new();
    let mut self_closing = false;
    loop {
        // Before attribute name.
        while j < b.len() && (is_ws(b[j]) || b[j] == b'/') {
            if b[j] == b'/' && b.get(j + 1) == Some(&b'>') {
                self_closing = true;
                j += 1;
                break;
            }
            j += 1;
        }
        if j >= b.len() {
            return (None, b.len());
        }
        if b[j] == b'>' {
            let tag = Tag {
                name,
                attrs,
                self_closing,
            };
            return (Some(tag), j + 1);
        }
        // Attribute name: a leading `=` belongs to it.
        let start = j;
        j += 1;
        while j < b.len() && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let attr_name = html[start..j].to_ascii_lowercase();
        // After attribute name.
        while j < b.len() && is_ws(b[j]) {
            j += 1;
        }
        let mut value = "";
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && is_ws(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vstart = j + 1;
                    let Some(p) = b[vstart..].iter().position(|&c| c == q) else {
                        return (None, b.len());
                    };
                    value = &html[vstart..vstart + p];
                    j = vstart + p + 1;
                }
                Some(b'>') => {}
                Some(_) => {
                    let vstart = j;
                    while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = &html[vstart..j];
                }
                None => return (None, b.len()),
            }
        }
        if !attrs.iter().any(|(n, _)| *n == attr_name) {
            attrs.push((attr_name, value));
        }
    }
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

/// Entities decoded, white space collapsed.
fn clean(html_text: &str) -> String {
    let decoded = decode_entities(html_text);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
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
mod lol;

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

    #[test]
    fn decodes_the_entities_templates_write() {
        assert_eq!(
            decode_entities("a&amp;b &lt;&gt; &quot;&#39; &#20013;&#x6587; &bogus; & x"),
            "a&b <> \"' 中文 &bogus; & x"
        );
    }
}

/// The scanner against the lol_html extractor it replaced, on every HTML file of real builds.
#[cfg(test)]
mod same_as_lol_html {
    use super::{extract, lol};
    use crate::BuildOptions;
    use std::path::{Path, PathBuf};

    fn built_html(root: &Path, drafts: bool) -> Vec<(String, String)> {
        let options = BuildOptions {
            root: root.to_path_buf(),
            out: None,
            base_url: None,
            drafts,
            force: false,
            node_cases: false,
        };
        let built = crate::build_in_memory(&options)
            .unwrap_or_else(|problems| panic!("{} does not build: {problems:?}", root.display()));
        built
            .files
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
            .collect()
    }

    /// Asserts both extractors agree on every page; returns how many pages had a region.
    fn same(pages: &[(String, String)]) -> usize {
        let mut indexed = 0;
        for (path, html) in pages {
            let new = extract(html);
            assert_eq!(new, lol::extract(html), "{path}");
            indexed += usize::from(matches!(new, Ok(Some(_))));
        }
        indexed
    }

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn on_every_page_of_the_guide() {
        for drafts in [false, true] {
            let pages = built_html(&repo(), drafts);
            assert!(pages.len() > 50, "{}", pages.len());
            assert!(same(&pages) > 50);
        }
    }

    #[test]
    fn on_every_page_of_a_generated_tree_with_search() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        let status = std::process::Command::new("python3")
            .arg(repo().join("bench/gen_tree.py"))
            .arg("300")
            .arg(&tree)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs bench/gen_tree.py");
        assert!(status.success());
        for lang in ["zh", "en", "ru"] {
            std::fs::write(
                tree.join(format!("content/search.{lang}.md")),
                "---\ntitle: \"Search\"\n---\n\nSearch the site.\n",
            )
            .unwrap();
        }
        let pages = built_html(&tree, false);
        assert!(pages.len() > 900, "{}", pages.len());
        assert!(same(&pages) > 900);
    }

    /// Markup that exercises the tokenizer's corners, spliced into real pages at many places.
    const SPLICES: &[&str] = &[
        "<",
        ">",
        "</",
        "</>",
        "</p>",
        "</div>",
        "</article>",
        "<p>",
        "<br/>",
        "<img data-index>",
        "<svg><title>t</title><path/><p>x</svg>",
        "<math><mi>x</mi><annotation-xml encoding=\"text/html\"><b>y</b></annotation-xml></math>",
        "<svg><![CDATA[a<b]]></svg>",
        "<!-- a > b -->",
        "<!-->",
        "<!--->",
        "<!---->",
        "<!-- x --!>",
        "<!doctype html>",
        "<?php x ?>",
        "<![CDATA[x]]>",
        "<script>if (a</b) x('</scr'+'ipt>')</script>",
        "<script><!--<script></script>x--></script>",
        "<style>p{}</style >",
        "<title>&amp; x</title>",
        "<textarea><b>x</b></textarea>",
        "<noscript><p>n</p></noscript>",
        "<h2 id=\"x&amp;y\" class='a>b'>H</h2>",
        "<h1>T</h1>",
        "<h3 id=q data-index-ignore>I</h3>",
        "<nav>N</nav>",
        "<template><p>t</p></template>",
        "<div data-index>R</div>",
        "<a href=x/>l</a>",
        "<p a=\"",
        "<p a='>'>",
        "<P ID=Up>",
        "<font color=red>f</font>",
        "<select><option>o</select>",
        "<select><style>",
        "<frameset>",
        "<meta name=robots content=NOINDEX>",
        "&amp;&lt;&#x4E2D;&bogus;",
        "保税",
        "<svg/>",
        "<svg><foreignObject><p>f</p></foreignObject><desc/><rect/></svg>",
        "<math><mtext>m</mtext></math>",
        "<h2>",
        "</h2>",
        "<h1 data-index-ignore>",
        "<iframe>i</iframe>",
        "<xmp><p></xmp>",
        "<a b=c d e = 'f' g=\"h\"/>",
        "<p/ q>",
        "<li>",
        "<script>",
        "<plaintext>",
        "</template>",
        "</select>",
        "\u{0}",
    ];

    #[test]
    fn on_real_pages_with_markup_spliced_in() {
        let pages = built_html(&repo(), false);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for (path, html) in pages
            .iter()
            .filter(|(p, _)| p.ends_with("index.html"))
            .take(400)
        {
            for _ in 0..100 {
                let mut page = html.clone();
                for _ in 0..1 + next() % 8 {
                    let mut at = (next() % (page.len() as u64 + 1)) as usize;
                    while !page.is_char_boundary(at) {
                        at -= 1;
                    }
                    page.insert_str(at, SPLICES[(next() % SPLICES.len() as u64) as usize]);
                }
                assert_eq!(extract(&page), lol::extract(&page), "{path}: {page}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    /// Pages made only of those splices and bits of text, inside and outside a region.
    #[test]
    fn on_pages_made_of_markup_corners() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let cases: usize = std::env::var("EXTRACT_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3000);
        for _ in 0..cases {
            let mut page = String::from("<html><head><title>T</title></head><body>");
            if next() % 4 != 0 {
                page.push_str("<main data-index>");
            }
            for _ in 0..next() % 24 {
                page.push_str(SPLICES[(next() % SPLICES.len() as u64) as usize]);
                if next() % 2 == 0 {
                    page.push_str(["a b", " ", "中文", "x\n", "-", "--"][(next() % 6) as usize]);
                }
            }
            assert_eq!(extract(&page), lol::extract(&page), "{page}");
        }
    }
}
