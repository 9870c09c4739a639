//! The built site as `serve` holds it in memory. In: the files of a good build (path below the
//! output root → bytes) and a parsed request. Out: the response for that request: the file,
//! with its content type, the host's headers from the site's `_headers` and, in pages, the
//! reload script; or a redirect, a 400, the site's 404 page, or a placeholder before any build
//! succeeded. The filesystem is never read.

use super::RESERVED;
use super::http::{Request, Response};
use std::path::Path;

/// A built site as served.
pub(crate) struct Site {
    /// Names this build in reload messages and in the script tag of its pages.
    pub(crate) generation: String,
    /// Path below the output folder → bytes, sorted by path (as a build hands them over):
    /// looked up by binary search, so that publishing a build makes no map of its files.
    pub(crate) files: crate::model::SharedFiles,
    /// Headers a host adds (from the site's `_headers`): path pattern, name, value.
    pub(crate) headers: Vec<(String, String, String)>,
}

impl Site {
    /// The answer to a GET or HEAD of a site path: the file, a redirect to the folder's `/`, or 404.
    pub(crate) fn response(&self, request: &Request) -> Response {
        let rel = match site_path(&request.path) {
            Ok(rel) => rel,
            Err(status) => return Response::plain(status),
        };
        let key = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.clone()
        };
        if let Some(bytes) = self.get(&key) {
            return self.file(200, &key, bytes);
        }
        if self.get(&format!("{rel}/index.html")).is_some() {
            let mut moved = Response::plain(301);
            let location = format!("{}/{}", request.path, request.query);
            moved.headers.push(("Location".into(), location));
            return moved;
        }
        match self.get("404.html") {
            Some(bytes) => self.file(404, "404.html", bytes),
            None => self.placeholder(),
        }
    }

    /// The bytes of the file at `path`, if the build made it.
    fn get(&self, path: &str) -> Option<&crate::model::Shared> {
        let at = self.files.binary_search_by(|(p, _)| p.as_str().cmp(path));
        at.ok().map(|i| &self.files[i].1)
    }

    /// A site file, with the host's headers and, in pages, the reload script.
    fn file(&self, status: u16, key: &str, bytes: &[u8]) -> Response {
        let content_type = content_type(key);
        let body = if content_type.starts_with("text/html") {
            inject(bytes, &self.generation)
        } else {
            bytes.to_vec()
        };
        let mut response = Response::ok(body, content_type);
        response.status = status;
        let path = format!("/{key}");
        for (pattern, name, value) in &self.headers {
            let matches = match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == *pattern,
            };
            if matches
                && !response
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                response.headers.push((name.clone(), value.clone()));
            }
        }
        response
    }

    /// What a tab gets before any build succeeded: a page that shows the errors and reloads.
    fn placeholder(&self) -> Response {
        let html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
            <title>No site yet</title></head><body><h1>No site yet</h1>\
            <p>The site has not built yet. Fix the errors shown in the terminal; this page \
            reloads by itself.</p></body></html>\n";
        let mut response = Response::ok(
            inject(html.as_bytes(), &self.generation),
            "text/html; charset=utf-8",
        );
        response.status = 503;
        response
    }
}

/// The headers the published site gets from its `_headers` file (Content-Security-Policy and
/// the rest), so the preview runs under the same policy. Caching headers are left out: the
/// preview is never cached.
pub(crate) fn host_headers(files: &crate::model::SharedFiles) -> Vec<(String, String, String)> {
    let Some((_, text)) = files.iter().find(|(path, _)| path == "_headers") else {
        return Vec::new();
    };
    let mut rules = Vec::new();
    let mut pattern = String::new();
    for line in String::from_utf8_lossy(text).lines() {
        if !line.starts_with(char::is_whitespace) {
            pattern = line.trim().to_string();
        } else if let Some((name, value)) = line.trim().split_once(':')
            && !name.eq_ignore_ascii_case("cache-control")
        {
            rules.push((pattern.clone(), name.trim().into(), value.trim().into()));
        }
    }
    rules
}

/// The path of a site file below the output root, decoded from a request path. Anything that
/// could name a file outside the site, or hide a separator, is a 400.
fn site_path(raw: &str) -> Result<String, u16> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || raw.contains('\\') {
        return Err(400);
    }
    let decoded = percent_decode(raw)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or(400u16)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err(400);
    }
    let rel = decoded.strip_prefix('/').ok_or(400u16)?;
    if rel
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(400);
    }
    Ok(rel.to_string())
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn content_type(key: &str) -> &'static str {
    let ext = Path::new(key).extension().and_then(|e| e.to_str());
    match ext.unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script before `</body>` (or at the end of a page without one).
fn inject(html: &[u8], generation: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{RESERVED}livereload.js\" data-generation=\"{generation}\" defer></script>"
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    [&html[..at], tag.as_bytes(), &html[at..]].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_refuse_traversal_and_hidden_separators() {
        assert_eq!(site_path("/en/a%20b/"), Ok("en/a b/".into()));
        assert_eq!(site_path("/"), Ok(String::new()));
        for bad in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/..%5csite.yaml",
            "/\\..\\site.yaml",
            "/en/%00",
            "/en/./x",
            "/%zz",
            "/%+1",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), Err(400), "{bad}");
        }
    }

    #[test]
    fn script_goes_before_the_last_closing_body() {
        let out = inject(b"<body><p>x</p></BODY></html>", "r-1");
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("<body><p>x</p><script src=\"/__invest-guide/livereload.js\""));
        assert!(out.contains("data-generation=\"r-1\" defer></script></BODY>"));
    }

    #[test]
    fn host_headers_come_from_the_sites_headers_file() {
        let files = vec![(
            "_headers".to_string(),
            b"/*\n  Content-Security-Policy: default-src 'self'\n/assets/*\n  Cache-Control: immutable\n"
                .to_vec()
                .into(),
        )];
        let rules = host_headers(&files);
        assert_eq!(
            rules,
            vec![(
                "/*".to_string(),
                "Content-Security-Policy".to_string(),
                "default-src 'self'".to_string()
            )]
        );
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("en/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/a.1.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("_headers"), "application/octet-stream");
    }
}
