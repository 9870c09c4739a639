//! Baseline for `bench/run.sh`: the bare Markdown work of a build, and nothing else.
//!
//! `cargo run --release --example bare_markdown -- DIR OUTDIR` walks `DIR/content` for
//! `*.md` files, strips the front matter (the lines between the first two `---` lines),
//! renders each body with pulldown-cmark (tables, footnotes, strikethrough, heading
//! attributes) in parallel with rayon, and writes the HTML to `OUTDIR`, mirroring the paths
//! (`content/s01/page-00001.en.md` → `OUTDIR/s01/page-00001.en.html`). No templates, no link
//! check, no front-matter parsing. Prints the number of pages and the elapsed milliseconds.

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: bare_markdown DIR OUTDIR   (renders DIR/content/**/*.md into OUTDIR)");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let content = Path::new(dir).join("content");
    if !content.is_dir() {
        eprintln!("no folder {}", content.display());
        return ExitCode::from(2);
    }
    let files = match markdown_files(&content) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("cannot list {}: {e}", content.display());
            return ExitCode::from(1);
        }
    };
    let out = Path::new(out);
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|rel| render_one(&content, rel, out).err())
        .collect();
    let elapsed = started.elapsed();
    for failure in &failures {
        eprintln!("{failure}");
    }
    println!(
        "{} pages, {} ms",
        files.len() - failures.len(),
        elapsed.as_millis()
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Every `*.md` below `content`, relative to it, in a stable order.
fn markdown_files(content: &Path) -> walkdir::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in WalkDir::new(content).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
            files.push(rel.to_path_buf());
        }
    }
    Ok(files)
}

fn render_one(content: &Path, rel: &Path, out: &Path) -> Result<(), String> {
    let source = content.join(rel);
    let text = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let body = strip_front_matter(&text);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut html_text = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_text, Parser::new_ext(body, options));
    let dest = out.join(rel).with_extension("html");
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(&dest, html_text).map_err(|e| format!("{}: {e}", dest.display()))
}

/// The text after the second line that is exactly `---`; the whole text if there are fewer
/// than two such lines.
fn strip_front_matter(text: &str) -> &str {
    let mut fences = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            fences += 1;
            if fences == 2 {
                return &text[offset..];
            }
        }
    }
    text
}
