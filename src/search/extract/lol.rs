//! The lol_html extractor that `extract.rs` replaced, kept for the tests that show the
//! hand-written scanner gives the same output on every built page.

use super::{Doc, Field, Section, finish};
use lol_html::{AsciiCompatibleEncoding, HtmlRewriter, RewriteStrSettings, element, end_tag, text};
use std::cell::RefCell;
use std::rc::Rc;

/// Elements whose text never goes into the index, even inside a marked region.
const IGNORED: &str = "nav, script, style, template, [data-index-ignore]";

/// Elements that separate words, so `<li>a</li><li>b</li>` does not read as `ab`.
const BLOCKS: &str = "p, li, td, th, dt, dd, div, section, br, tr, blockquote, pre, figcaption, \
                      caption, h4, h5, h6, ul, ol, table, header, footer, aside";

/// Whether elements named `tag` separate words: one of [`BLOCKS`]. One handler for every
/// element of the region that asks this is cheaper than a selector per block element.
fn is_block(tag: &str) -> bool {
    BLOCKS
        .split(',')
        .any(|b| b.trim().eq_ignore_ascii_case(tag))
}

/// `[data-index] X` for each X of a selector list.
fn inside_region(list: &str) -> String {
    list.split(',')
        .map(|x| format!("[data-index] {}", x.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

type Shared = Rc<RefCell<Doc>>;

/// Counts `el` in or out of a state with a counter: in now, out at its end tag.
fn enter(
    el: &mut lol_html::html_content::Element,
    doc: &Shared,
    counter: fn(&mut Doc) -> &mut usize,
) {
    *counter(&mut doc.borrow_mut()) += 1;
    let shared = doc.clone();
    let ended = el.on_end_tag(end_tag!(move |_| {
        *counter(&mut shared.borrow_mut()) -= 1;
        Ok(())
    }));
    if ended.is_err() {
        *counter(&mut doc.borrow_mut()) -= 1;
    }
}

fn set_field(el: &mut lol_html::html_content::Element, doc: &Shared, field: Field) {
    doc.borrow_mut().field = field;
    let doc = doc.clone();
    let _no_end_tag_means_no_text = el.on_end_tag(end_tag!(move |_| {
        doc.borrow_mut().field = Field::Body;
        Ok(())
    }));
}

type Settings = RewriteStrSettings<'static, 'static>;

/// The title and sections of one page, or `None` for `noindex` pages and pages without a
/// marked region.
pub(super) fn extract(html: &str) -> Result<Option<(String, Vec<Section>)>, String> {
    let doc: Shared = Rc::default();
    let settings: lol_html::Settings =
        text_handlers(structure_handlers(RewriteStrSettings::new(), &doc), &doc).into();
    let settings = settings
        .with_adjust_charset_on_meta_tag(false)
        .with_encoding(AsciiCompatibleEncoding::utf_8());
    // Only what the handlers collect matters: the rewritten HTML is dropped as it streams out.
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).map_err(|e| e.to_string())?;
    rewriter.end().map_err(|e| e.to_string())?;
    let doc = std::mem::take(&mut *doc.borrow_mut());
    Ok(finish(doc))
}

/// Handlers that track where we are: `noindex`, the marked region, ignored elements,
/// title and headings.
fn structure_handlers(settings: Settings, doc: &Shared) -> Settings {
    settings
        .append_element_content_handler(element!("meta[name=robots]", {
            let doc = doc.clone();
            move |el| {
                let content = el.get_attribute("content").unwrap_or_default();
                doc.borrow_mut().noindex |= content.to_ascii_lowercase().contains("noindex");
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index]", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().sections.is_empty() {
                    doc.borrow_mut().sections.push(Section::default());
                }
                enter(el, &doc, |d| &mut d.regions);
                Ok(())
            }
        }))
        .append_element_content_handler(element!(&inside_region(IGNORED), {
            let doc = doc.clone();
            move |el| {
                enter(el, &doc, |d| &mut d.ignored);
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index] h1", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().ignored == 0 {
                    set_field(el, &doc, Field::Title);
                }
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index] h2, [data-index] h3", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().ignored == 0 {
                    let id = el.get_attribute("id").unwrap_or_default();
                    doc.borrow_mut()
                        .sections
                        .push((id, String::new(), String::new()));
                    set_field(el, &doc, Field::Heading);
                }
                Ok(())
            }
        }))
}

/// Handlers that collect text: the document's `<title>`, the region's text, and a space at
/// each block boundary.
fn text_handlers(settings: Settings, doc: &Shared) -> Settings {
    settings
        .append_element_content_handler(text!("head > title", {
            let doc = doc.clone();
            move |t| {
                doc.borrow_mut().html_title.push_str(t.as_str());
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index] *", {
            let doc = doc.clone();
            move |el| {
                if !is_block(&el.tag_name()) {
                    return Ok(());
                }
                doc.borrow_mut().push_text(" ");
                let doc = doc.clone();
                let _void_elements_have_no_end = el.on_end_tag(end_tag!(move |_| {
                    doc.borrow_mut().push_text(" ");
                    Ok(())
                }));
                Ok(())
            }
        }))
        .append_element_content_handler(text!("[data-index]", {
            let doc = doc.clone();
            move |t| {
                doc.borrow_mut().push_text(t.as_str());
                Ok(())
            }
        }))
}
