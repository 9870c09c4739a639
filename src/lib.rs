//! invest-guide: a static site generator for multilingual investor guides.
//!
//! A build is a pipeline of stages, each taking data and returning data:
//! config → load → markdown → render → links → write.

mod config;
pub mod diagnostic;
pub mod eligibility;
pub mod format;
mod frontmatter;
mod fsx;
mod hash;
mod i18n;
mod links;
mod load;
mod markdown;
mod model;
mod output;
mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
mod shortcode;
mod theme;
pub mod translations;
mod yaml;

use diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub root: PathBuf,
    /// `None` for `check`: validate everything, write nothing.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a successful build did.
pub struct Report {
    /// Language code → number of pages, in `site.yaml` order.
    pub pages: Vec<(String, usize)>,
    pub warnings: Vec<Diagnostic>,
    /// What `check` says besides problems, e.g. how the eligibility cases were run.
    pub notes: Vec<String>,
    /// Coverage of every page in every language.
    pub translations: Vec<model::Row>,
    /// Links to other sites: (source file, line, URL). Listed by `check`, never fetched.
    pub external_links: Vec<(PathBuf, usize, String)>,
    /// Time spent in each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
    started: Instant,
}

pub use render::Files;

/// A built site, not yet written anywhere: what `serve` holds in memory.
pub struct Built {
    /// Path below the output folder → bytes, sorted by path.
    pub files: Files,
    pub report: Report,
}

/// Runs the whole pipeline and, if `options.out` is set, publishes the result there.
/// On failure returns every problem found, errors and warnings, and writes nothing.
pub fn build(options: &BuildOptions) -> Result<Report, Vec<Diagnostic>> {
    let built = build_in_memory(options)?;
    let mut report = built.report;
    if options.out.is_none() {
        // `check` (not `serve`): the eligibility cases through the theme's rules.js too.
        let (mut problems, note) = eligibility::node::check(options, &built.files);
        report.warnings.append(&mut problems);
        report.notes.extend(note);
        fail_on_errors(&mut report.warnings)?;
    }
    if let Some(out) = &options.out {
        output::publish(out, &built.files).map_err(|d| vec![d])?;
    }
    report.elapsed = report.started.elapsed();
    Ok(report)
}

/// Every stage but writing: config → load → markdown → render → links.
pub fn build_in_memory(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    let started = Instant::now();
    let root = &options.root;
    let config = config::load(root, options.base_url.as_deref())?;
    let load_options = load::Options {
        drafts: options.drafts,
    };
    let (mut site, warnings) = load::load(root, config, &load_options)?;
    let mut timings = Timings::new(started);
    timings.mark("load");
    let theme = theme::load(root, &site.config.theme)?;
    let languages: Vec<(String, String)> = site
        .config
        .languages
        .iter()
        .map(|l| (l.code.clone(), l.tag.clone()))
        .collect();
    let mut problems = warnings;
    let amounts = amounts(&site)?;
    let rules = check_eligibility(root, &site, &amounts, &mut problems);
    timings.mark("eligibility");
    let (strings, mut string_problems) = i18n::load(&theme, &languages)?;
    problems.append(&mut string_problems);
    if let Some(r) = &rules {
        problems.extend(r.check_strings(&strings));
    }
    timings.mark("theme and strings");
    problems.extend(render_markdown(&mut site, &amounts));
    timings.mark("markdown");
    fail_on_errors(&mut problems)?;
    let mut assets = theme::fingerprint(&theme);
    let mut generated = Vec::new();
    if let Some(checked) = rules {
        let json = serde_json::to_vec(&checked.rules).unwrap_or_default();
        generated.push((assets.add("eligibility-rules.json", &json), json));
    }
    let mut files = render::render(&site, &theme, &assets, &strings)?;
    timings.mark("templates");
    files.append(&mut generated);
    output::extras(&site, &theme, &assets, &mut files);
    files.extend(search::build(&site, &files)?);
    timings.mark("search index");
    problems.extend(links::check(&site, &files));
    if options.out.is_none() {
        // An editor's concern: `check` and `serve` report orphans, `build` does not look.
        problems.extend(links::orphans(&site, &files));
    }
    timings.mark("links");
    fail_on_errors(&mut problems)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Built {
        files,
        report: Report {
            pages: pages_per_language(&site),
            warnings: problems,
            notes: Vec::new(),
            translations: site.translations.clone(),
            timings: timings.stages,
            external_links: site
                .pages
                .iter()
                .flat_map(|p| {
                    let source = p.source.clone();
                    p.rendered
                        .external_links
                        .iter()
                        .map(move |(url, line)| (source.clone(), *line, url.clone()))
                })
                .collect(),
            elapsed: started.elapsed(),
            started,
        },
    })
}

/// Stage timings, as Zola prints them.
struct Timings {
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn new(started: Instant) -> Self {
        Timings {
            last: started,
            stages: Vec::new(),
        }
    }

    fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

fn fail_on_errors(problems: &mut Vec<Diagnostic>) -> Result<(), Vec<Diagnostic>> {
    if problems.iter().any(Diagnostic::is_error) {
        Err(std::mem::take(problems))
    } else {
        Ok(())
    }
}

/// Markdown → HTML for every page, in parallel.
fn render_markdown(
    site: &mut model::Site,
    amounts: &BTreeMap<String, format::Amount>,
) -> Vec<Diagnostic> {
    let keys: BTreeSet<(String, String)> = site
        .pages
        .iter()
        .map(|p| (p.key.clone(), p.lang.clone()))
        .collect();
    let ctx = markdown::Context {
        pages: &keys,
        base_path: site.config.base_path(),
        languages: site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect(),
        amounts,
    };
    let results: Vec<_> = site
        .pages
        .par_iter()
        .map(|p| markdown::render(p, &ctx))
        .collect();
    let mut problems = Vec::new();
    for (page, (rendered, mut diagnostics)) in site.pages.iter_mut().zip(results) {
        page.rendered = rendered;
        problems.append(&mut diagnostics);
    }
    problems
}

/// The named figures of the data file `thresholds` in `site.yaml`.
fn amounts(site: &model::Site) -> Result<BTreeMap<String, format::Amount>, Vec<Diagnostic>> {
    let Some(name) = &site.config.thresholds else {
        return Ok(BTreeMap::new());
    };
    let mut node = &site.data;
    for part in name.split('/') {
        node = node.get(part).unwrap_or(&serde_json::Value::Null);
    }
    let path = format!("content/{name}.yaml");
    if node.is_null() {
        return Err(vec![
            Diagnostic::error("site.yaml", format!("thresholds: no data file {path}"))
                .hint("create it or fix the `thresholds:` entry in site.yaml"),
        ]);
    }
    serde_json::from_value(node.clone()).map_err(|e| {
        vec![
            Diagnostic::error(
                &path,
                format!("a figure is not `amount:` plus `currency: USD|CNY`: {e}"),
            )
            .hint("write each figure as `name: {amount: 50000000, currency: USD}`"),
        ]
    })
}

/// Marks translations as reviewed against their current source (all of them if `files` is
/// empty); returns the files that changed.
pub fn mark_translations(
    root: &std::path::Path,
    files: &[PathBuf],
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let config = config::load(root, None)?;
    translations::mark_reviewed(root, &config, files)
}

/// Validates the eligibility rules and runs their test vectors, if the site has them.
fn check_eligibility(
    root: &std::path::Path,
    site: &model::Site,
    amounts: &BTreeMap<String, format::Amount>,
    problems: &mut Vec<Diagnostic>,
) -> Option<eligibility::Checked> {
    let files = site.config.eligibility.as_ref()?;
    let read = |name: &str| {
        let rel = PathBuf::from(format!("content/{name}.yaml"));
        fsx::read_text(&root.join(&rel), &rel).map(|text| (rel, text))
    };
    let ((rules_path, rules_text), (cases_path, cases_text)) =
        match (read(&files.rules), read(&files.cases)) {
            (Ok(r), Ok(c)) => (r, c),
            (r, c) => {
                problems.extend(r.err().into_iter().chain(c.err()));
                return None;
            }
        };
    let rules = match eligibility::load(&rules_text, &rules_path, amounts) {
        Ok(rules) => rules,
        Err(mut d) => {
            problems.append(&mut d);
            return None;
        }
    };
    match yaml::parse::<Vec<eligibility::Case>>(&cases_text, &cases_path, 1, &[]) {
        Ok(cases) => problems.extend(eligibility::run_cases(
            &rules,
            &cases,
            &cases_text,
            &cases_path,
        )),
        Err(d) => problems.push(d),
    }
    Some(eligibility::Checked {
        rules,
        text: rules_text,
        path: rules_path,
    })
}

fn pages_per_language(site: &model::Site) -> Vec<(String, usize)> {
    site.config
        .languages
        .iter()
        .map(|l| {
            let n = site.pages.iter().filter(|p| p.lang == l.code).count();
            (l.code.clone(), n)
        })
        .collect()
}
