//! The built-in theme's scripts and stylesheets as published: without their comments,
//! indentation and blank lines, which are most of what they would cost a reader over the wire
//! beyond the code itself. Only the embedded theme's own files go through here (a site's own
//! theme files are published as written), and each transform is the least that is obviously
//! safe for how those files are written:
//!
//! - JavaScript, line by line: a line that starts with `//` is dropped, and so is a block that
//!   starts a line with `/*` and ends a line with `*/`; every other line loses its leading and
//!   trailing whitespace, and blank lines go. Inside a line, only spaces in code beside
//!   punctuation go (`a = b` is `a=b`; `a - -b` stays, as two operators would merge); strings,
//!   template literals, regular expressions and comments after code stay as they are, and every
//!   kept line keeps its line break (automatic semicolon insertion sees the same breaks between
//!   the same code). Names are never changed.
//!   A file this reading could get wrong is left as it is: one with a template literal or a
//!   string that runs over a line break (a line with an odd number of backquotes, or ending in
//!   a backslash), or a block comment that does not end its line.
//! - CSS: comments go (outside strings, which may escape their quote), each run of whitespace
//!   outside strings becomes one space, and the spaces at the start, beside `{`, `}`, `;` and
//!   `,` and after `:` go, where whitespace never separates anything (a space before `:` can:
//!   `.a :hover`): the file becomes one line. Strings are kept as written. An unterminated
//!   comment or string leaves the file as it is.

/// `source` without its comment lines, indentation and blank lines (see the module's notes);
/// `source` itself when it is written in a way these rules do not cover.
pub(crate) fn js(source: &str) -> String {
    js_lines(source).unwrap_or_else(|| source.to_string())
}

fn js_lines(source: &str) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let line = line.trim();
        if in_block || line.starts_with("/*") {
            let from = if in_block { 0 } else { 2 };
            let end = line[from..].find("*/").map(|at| from + at + 2);
            // A block ends at the end of a line, or the file is not one this reads.
            if end.is_some_and(|end| end != line.len()) {
                return None;
            }
            in_block = end.is_none();
            continue;
        }
        if line.starts_with("//") || line.is_empty() {
            continue;
        }
        if line.matches('`').count() % 2 == 1 || line.ends_with('\\') {
            return None;
        }
        out.push_str(&tight(line));
        out.push('\n');
    }
    (!in_block).then_some(out)
}

/// Characters beside which a space in code separates nothing (`a = b` is `a=b`), unless it
/// stands between two of [`OPERATOR`]s (`a - -b` is not `a--b`).
const PUNCTUATION: &str = "{}()[];,=:<>?!&|+-*/%~^";
/// Characters of operators, which together can make another one (`- -`, `+ +`, `? .5`, `/ /`).
const OPERATOR: &str = "=:<>?!&|+-*/%~^.";
/// Words after which a `/` starts a regular expression rather than a division.
const BEFORE_REGEX: [&str; 13] = [
    "return", "typeof", "case", "in", "of", "void", "delete", "throw", "new", "yield", "await",
    "else", "do",
];

/// One line of JavaScript (trimmed, not a comment line) without the spaces in its code that
/// separate nothing: those beside [`PUNCTUATION`] but not between two [`OPERATOR`]s. Strings,
/// template literals, regular expressions and a trailing comment are copied as written; where
/// a string or expression does not end on the line, the rest of it is copied as written too.
fn tight(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let literal_end = match c {
            '"' | '\'' | '`' => literal(&chars, i, c, false),
            '/' if matches!(next, Some('/' | '*')) => None,
            '/' if regex_may_start(&out) => literal(&chars, i, '/', true),
            ' ' | '\t' => {
                let mut j = i;
                while matches!(chars.get(j), Some(' ' | '\t')) {
                    j += 1;
                }
                let before = out.chars().next_back();
                if let (Some(b), Some(&a)) = (before, chars.get(j)) {
                    let idle = PUNCTUATION.contains(b) || PUNCTUATION.contains(a);
                    if !idle || (OPERATOR.contains(b) && OPERATOR.contains(a)) {
                        out.push(' ');
                    }
                }
                i = j;
                continue;
            }
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        // A literal up to its end, or the rest of the line (a comment, or a literal that does
        // not end here).
        let end = literal_end.unwrap_or(chars.len());
        out.extend(&chars[i..end]);
        i = end;
    }
    out
}

/// Where the string, template literal or regular expression starting at `chars[start]` (its
/// `quote`) ends, one past its closing quote; `None` when it does not end on the line.
fn literal(chars: &[char], start: usize, quote: char, regex: bool) -> Option<usize> {
    let mut escaped = false;
    let mut class = false;
    for (i, &c) in chars.iter().enumerate().skip(start + 1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if regex => class = true,
            ']' if regex => class = false,
            _ if c == quote && !class => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Whether a `/` after `code` starts a regular expression: after an operator or an opening
/// bracket, at the start, or after a keyword such as `return`; not after a name, a number or a
/// closing bracket (a division).
fn regex_may_start(code: &str) -> bool {
    let code = code.trim_end();
    let Some(last) = code.chars().next_back() else {
        return true;
    };
    let name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '$');
    if name(last) {
        let word_start = code
            .char_indices()
            .rev()
            .take_while(|(_, c)| name(*c))
            .last()
            .map_or(code.len(), |(at, _)| at);
        return BEFORE_REGEX.contains(&&code[word_start..]);
    }
    !matches!(last, ')' | ']' | '}')
}

/// `source` without its comments and without the whitespace that separates nothing; `source`
/// itself when a comment or string does not end.
pub(crate) fn css(source: &str) -> String {
    css_squeezed(source).unwrap_or_else(|| source.to_string())
}

fn css_squeezed(source: &str) -> Option<String> {
    let mut out = Squeezed::default();
    let mut rest = source;
    while let Some(at) = rest.find(['/', '"', '\'']) {
        let (before, from) = rest.split_at(at);
        before.chars().for_each(|c| out.push(c));
        if let Some(comment) = from.strip_prefix("/*") {
            // Gone without a trace: `.a/**/.b` is `.a.b` (whitespace around it stays whitespace).
            rest = &comment[comment.find("*/")? + 2..];
            continue;
        }
        let quote = from.chars().next()?;
        if quote == '/' {
            out.push('/');
            rest = &from[1..];
            continue;
        }
        // A string, as written: up to its closing quote, past any escaped character.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in from.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == quote => {
                    end = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        let end = end?;
        out.push_str(&from[..end]);
        rest = &from[end..];
    }
    rest.chars().for_each(|c| out.push(c));
    let mut text = out.text;
    text.push('\n');
    Some(text)
}

/// CSS outside strings and comments, written with each run of whitespace as one space, and
/// none at the start, beside `{`, `}`, `;` and `,`, or after `:` (where whitespace never
/// separates anything).
#[derive(Default)]
struct Squeezed {
    text: String,
    /// Whitespace was read and not yet written.
    space: bool,
}

impl Squeezed {
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
            return;
        }
        let tight = |c: char| matches!(c, '{' | '}' | ';' | ',');
        // After a colon too (`b: c`, `(min-width: 40rem)`), never before one (`.a :hover`).
        let tight_after = |c: char| tight(c) || c == ':';
        if self.space && !tight(c) && !self.text.ends_with(tight_after) && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push(c);
    }

    /// A string: written as it is, after the whitespace before it.
    fn push_str(&mut self, string: &str) {
        let mut chars = string.chars();
        if let Some(quote) = chars.next() {
            self.push(quote);
        }
        self.text.push_str(chars.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_loses_comment_lines_indentation_and_blank_lines_only() {
        let source = "// header\n/**\n * Doc.\n */\nexport function f(a) {\n  // note\n  \
                      const url = \"https://x/\"; // kept\n\n  return /\\/\\/x/.test(a) && url;\n}\n\
                      /* one line */\nf(1);\n";
        assert_eq!(
            js(source),
            "export function f(a){\nconst url=\"https://x/\";// kept\n\
             return/\\/\\/x/.test(a)&&url;\n}\nf(1);\n"
        );
    }

    // Guards what a space inside a line may be dropped from: never inside a literal or a
    // trailing comment, never between two operators, never between two words.
    #[test]
    fn js_spaces_go_only_where_they_separate_nothing() {
        for (line, want) in [
            ("const a = b - -c + +d;", "const a=b- -c+ +d;"),
            ("x = -1, y = a ? .5 : 1;", "x= -1,y=a? .5:1;"),
            (
                "if (a && b) { f(x => x * 2); } else return g;",
                "if(a&&b){f(x=>x*2);}else return g;",
            ),
            (
                "const s = \"a = b; \" + 'c , d' + `${a + b} = c`;",
                "const s=\"a = b; \"+'c , d'+`${a + b} = c`;",
            ),
            (
                "return / a = [/ ]/g.test(x) ? 1 : 2;",
                "return/ a = [/ ]/g.test(x)?1:2;",
            ),
            ("const q = a / b / c; // a = b", "const q=a/b/c;// a = b"),
            ("f(/ x /, i / 2);", "f(/ x /,i/2);"),
            ("const t = typeof / y /;", "const t=typeof/ y /;"),
            ("const u = \"open = ;", "const u=\"open = ;"),
            (
                "a < !b; c-- > 0; d ** e; i++ + j;",
                "a< !b;c-- >0;d**e;i++ +j;",
            ),
        ] {
            assert_eq!(tight(line), want, "{line:?}");
        }
    }

    #[test]
    fn js_that_the_rules_do_not_cover_is_left_as_it_is() {
        for source in [
            "const s = `a\n  // not a comment\n`;\n",
            "const s = \"a\\\n  b\";\n",
            "/* a */ f();\n",
            "/* open\nf();\n",
            "/*/ f();\n",
        ] {
            assert_eq!(js(source), source, "{source:?}");
        }
    }

    #[test]
    fn css_loses_comments_and_idle_whitespace_but_not_strings() {
        let source = "/* The plan's */\na { b: c; } /* x */\n\n  .q::before { content: \"/* \\\"  */\"; }\n\
                      .u { background: url(//x/a.png); }\n@media (min-width: 40rem) {\n  .a .b,\n  .c/**/.d { e: f g }\n}\n .x :hover {}\n";
        assert_eq!(
            css(source),
            "a{b:c;}.q::before{content:\"/* \\\"  */\";}.u{background:url(//x/a.png);}\
             @media (min-width:40rem){.a .b,.c.d{e:f g}}.x :hover{}\n"
        );
    }

    #[test]
    fn css_with_an_open_comment_or_string_is_left_as_it_is() {
        for source in ["a { b: c; } /* open\n", "a::before { content: \"open; }\n"] {
            assert_eq!(css(source), source, "{source:?}");
        }
    }
}
