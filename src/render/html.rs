//! The HTML of the render stage's files, besides tera's: the escaping of template output, and
//! the mark that stands for a page's Markdown HTML until it is put in after rendering.

use crate::theme::Theme;

/// Stands for a page's HTML in the template context when templates only insert it whole
/// (`{{ page.content | safe }}`): the HTML is put in its place after rendering, which spares
/// tera copying the largest value of every page several times.
pub(super) const CONTENT_MARK: &str = "\u{E000}invest-guide:page.content\u{E000}";

/// Whether every use of a `content` field in the theme is `{{ page.content | safe }}`.
pub(crate) fn content_is_only_inserted(theme: &Theme) -> bool {
    theme.templates.values().all(|file| {
        let text = String::from_utf8_lossy(&file.bytes);
        text.matches(".content").count() == text.matches("{{ page.content | safe }}").count()
            && !text.contains("[\"content\"]")
            && !text.contains("['content']")
    })
}

/// `text` with `html` in place of each [`CONTENT_MARK`], made in one buffer of the final size
/// (a page's HTML is most of its file). The marks are found by `memchr`'s substring search,
/// once: std's `matches` and `split` made a searcher for each of two passes over every file.
pub(super) fn put_content(text: &[u8], html: &str) -> Vec<u8> {
    let marks: Vec<usize> = memchr::memmem::find_iter(text, CONTENT_MARK).collect();
    let size = text.len() - marks.len() * CONTENT_MARK.len() + marks.len() * html.len();
    let mut out = Vec::with_capacity(size);
    let mut from = 0;
    for at in marks {
        out.extend_from_slice(&text[from..at]);
        out.extend_from_slice(html.as_bytes());
        from = at + CONTENT_MARK.len();
    }
    out.extend_from_slice(&text[from..]);
    out
}

/// HTML escaping for template output: the five characters that matter, nothing more; the runs
/// between them are copied whole.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut copied = 0;
    for (i, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a> — 汉字 ё"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; — 汉字 ё"
        );
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn content_goes_where_each_mark_stands() {
        let text = format!("<main>{CONTENT_MARK}</main><p>{CONTENT_MARK}</p>");
        let made = put_content(text.as_bytes(), "<h1>Ж</h1>");
        assert_eq!(made, "<main><h1>Ж</h1></main><p><h1>Ж</h1></p>".as_bytes());
        assert_eq!(made.capacity(), made.len());
        assert_eq!(put_content(b"no mark", "<p>x</p>"), b"no mark");
    }
}
