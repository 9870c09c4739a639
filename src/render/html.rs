//! The HTML of the render stage's files, besides tera's: the escaping of template output, and
//! the mark that stands for a page's Markdown HTML until it is put in after rendering.

use crate::theme::Theme;

/// Stands for a page's HTML in the template context when templates only insert it whole
/// (`{{ page.content | safe }}`): the HTML is put in its place after rendering, which spares
/// tera copying the largest value of every page several times.
pub(super) const CONTENT_MARK: &str = "\u{E000}invest-guide:page.content\u{E000}";

/// Whether every use of a `content` field in the theme is `{{ page.content | safe }}`.
pub(super) fn content_is_only_inserted(theme: &Theme) -> bool {
    theme.templates.values().all(|file| {
        let text = String::from_utf8_lossy(&file.bytes);
        text.matches(".content").count() == text.matches("{{ page.content | safe }}").count()
            && !text.contains("[\"content\"]")
            && !text.contains("['content']")
    })
}

/// HTML escaping for template output: the five characters that matter, nothing more.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
