//! Whole-site results `serve` keeps from one build to the next: the aliases stage's redirects,
//! the link check's problems and the orphans check's warnings. Each is kept with what it was
//! made from (the site's key, see [`super::RenderMemo::start`], and what else it reads) and
//! reused only when that is the same; what they read is compared rather than hashed, which is
//! cheaper over every path and link of a large site.

use super::Urls;
use crate::diagnostic::Diagnostic;
use crate::model::Rendered;
use std::collections::HashMap;
use std::sync::Arc;

/// The aliases stage's redirects and problems, with what they were made from: the site's key
/// (every page's aliases, URL, title and language, each list's paging, `site.yaml`) and every
/// path built before them.
#[derive(Default)]
pub(crate) struct AliasesMemo(Option<(u64, Vec<Arc<str>>, AliasesMade)>);

/// The aliases stage's files and problems.
type AliasesMade = (crate::model::Files, Vec<Diagnostic>);

impl AliasesMemo {
    /// The redirects and problems made from the same inputs as the last build's, or made now.
    pub(crate) fn get(
        &mut self,
        site_key: u64,
        paths: &[Arc<str>],
        make: impl FnOnce() -> AliasesMade,
    ) -> AliasesMade {
        if let Some((key, kept, made)) = &self.0
            && *key == site_key
            && kept.len() == paths.len()
            && (kept.iter().zip(paths)).all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
        {
            return made.clone();
        }
        let made = make();
        self.0 = Some((site_key, paths.to_vec(), made.clone()));
        made
    }
}

/// The link check's problems, with what they were made from: the site's key (every page's
/// URL and source), every built path, and each page's local links and heading ids, compared
/// with this build's rather than hashed (cheaper over every path of a large site).
#[derive(Default)]
pub(crate) struct LinksMemo(Option<LinksKept>);

/// What the link check read, kept beside its problems.
struct LinksKept {
    site_key: u64,
    paths: Vec<Arc<str>>,
    /// Each page's local links (target, line) and heading ids.
    pages: Vec<(Links, Vec<String>)>,
    problems: Vec<Diagnostic>,
}

/// A page's local links: (target as written, line).
type Links = Vec<(String, usize)>;

impl LinksMemo {
    /// The problems made from the same inputs as the last build's, or made now by `check`.
    pub(crate) fn check(
        &mut self,
        site_key: u64,
        paths: &[Arc<str>],
        pages: &[Rendered],
        check: impl FnOnce() -> Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        if let Some(kept) = &self.0
            && kept.site_key == site_key
            && kept.paths.len() == paths.len()
            && kept.pages.len() == pages.len()
            && (kept.paths.iter().zip(paths)).all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
            && (kept.pages.iter().zip(pages)).all(|((links, ids), page)| {
                *links == page.local_links
                    && ids.len() == page.toc.len()
                    && ids.iter().zip(&page.toc).all(|(id, h)| *id == h.id)
            })
        {
            return kept.problems.clone();
        }
        let problems = check();
        let ids = |page: &Rendered| page.toc.iter().map(|h| h.id.clone()).collect();
        self.0 = Some(LinksKept {
            site_key,
            paths: paths.to_vec(),
            pages: (pages.iter())
                .map(|page| (page.local_links.clone(), ids(page)))
                .collect(),
            problems: problems.clone(),
        });
        problems
    }
}

/// The orphans check's warnings, with what they were made from: the site's key and the
/// absolute URLs of each built page (by path; shared with the search memo, so an unchanged
/// page's are the same allocation and are not compared).
#[derive(Default)]
pub(crate) struct OrphansMemo(Option<(u64, HashMap<String, Urls>, Vec<Diagnostic>)>);

impl OrphansMemo {
    /// The warnings made from the same inputs as the last build's, or made now by `check`.
    pub(crate) fn check(
        &mut self,
        site_key: u64,
        urls: Vec<(String, Urls)>,
        check: impl FnOnce(&[(String, Urls)]) -> Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        if let Some((kept, last, warnings)) = &self.0
            && *kept == site_key
            && last.len() == urls.len()
            && urls.iter().all(|(path, urls)| {
                last.get(path)
                    .is_some_and(|last| Arc::ptr_eq(last, urls) || last == urls)
            })
        {
            return warnings.clone();
        }
        let warnings = check(&urls);
        self.0 = Some((site_key, urls.into_iter().collect(), warnings.clone()));
        warnings
    }
}
