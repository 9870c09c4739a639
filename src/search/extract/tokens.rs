//! The tokenizer's pieces under [`super::scan`]: tags with their attributes, and where
//! comments, raw text and scripts end, by the HTML tokenizer's rules as lol_html applies them.

use std::borrow::Cow;

pub(super) struct Tag<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) attrs: Attrs<'a>,
    pub(super) self_closing: bool,
}

impl Tag<'_> {
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

/// `s` in ASCII lower case; borrowed when it has no upper-case letter (as tag and attribute
/// names almost always are).
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b' ' | b'\r')
}

pub(super) fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The end of a construct that runs to the next `>` (bogus comments, doctypes): just past it,
/// or the end of the input.
pub(super) fn past_gt(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'>')
        .map_or(b.len(), |p| from + p + 1)
}

pub(super) fn is_void(name: &str) -> bool {
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

pub(super) fn causes_foreign_exit(name: &str) -> bool {
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
pub(super) fn comment_end(b: &[u8], from: usize) -> usize {
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
pub(super) fn raw_end(b: &[u8], from: usize, name: &str) -> Option<usize> {
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
pub(super) fn script_end(b: &[u8], from: usize) -> Option<usize> {
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

/// The attributes of a tag as read: each name in lower case, with its value.
pub(super) type Attrs<'a> = Vec<(Cow<'a, str>, &'a str)>;

/// Reads a tag whose name starts at `from` (just past `<` or `</`): the tag and the index just
/// past its `>`, or no tag when the input ends inside it. Its attributes go into `attrs` (an
/// empty list: the scanner hands back the last tag's, so that a page's tags share one).
pub(super) fn read_tag<'a>(
    html: &'a str,
    from: usize,
    attrs: Attrs<'a>,
) -> (Option<Tag<'a>>, usize) {
    let b = html.as_bytes();
    let mut j = from;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = lower(&html[from..j]);
    let mut attrs = attrs;
    attrs.clear();
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
        let attr_name = lower(&html[start..j]);
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
