//! invest-guide: a static site generator for multilingual investor guides.
//!
//! A build is a pipeline of stages, each a function from data to data (`ARCHITECTURE.md`
//! draws it with each stage's input and output):
//!
//! 1. [`config::load`]: `site.yaml` → `Config`
//! 2. [`load::load`]: `content/` → `Sources` (pages as written, data files)
//! 3. [`translations::check`]: pages → `Coverage` (a row per page and language; stand-ins for
//!    missing translations where the site allows them)
//! 4. [`load::assemble`]: sources and stand-ins → `Site` (generated section pages, unique URLs,
//!    fixed order)
//! 5. [`theme::load`], [`i18n::load`]: the embedded theme with the site's files over it →
//!    `Theme`, UI strings
//! 6. [`format::thresholds`], [`eligibility::check`]: the named figures; the checker's rules,
//!    validated and run against their test cases (and, for `check`, [`eligibility::node::check`]
//!    runs the cases again through the theme's `rules.js` in Node)
//! 7. [`markdown::render`]: `Site` → one `Rendered` per page (HTML, headings, links)
//! 8. [`render::render`]: pages through their templates → page files
//! 9. [`output::extras`], [`output::statics`], [`output::aliases`]: sitemap, feeds, robots,
//!    headers; the theme's static files; a redirect page per alias and `_redirects`
//! 10. [`search::build`]: the final HTML → one search index per language
//! 11. [`links::check`]: every local link and anchor must lead to a built file
//! 12. [`output::publish`]: all files into a staging folder, swapped in whole (`build` first
//!     checks, with [`output::target`], that `--out` is its own to replace)
//!
//! Every stage returns the problems it found; the pipeline stops where going on would make no
//! sense, and nothing is written unless every stage succeeded.
#![warn(unreachable_pub)]

mod config;
mod date;
pub mod diagnostic;
pub mod eligibility;
pub mod format;
mod frontmatter;
mod fsx;
#[doc(hidden)]
pub mod fuzzing;
mod hash;
mod i18n;
mod incremental;
mod links;
mod listing;
mod load;
mod markdown;
mod model;
mod output;
mod plan;
mod print;
mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
mod shortcode;
mod theme;
pub mod translations;
mod yaml;

use diagnostic::Diagnostic;
pub use model::Files;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build, from the command line.
pub struct BuildOptions {
    pub root: PathBuf,
    /// `None` for `check`: validate everything, write nothing.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Replace an existing output folder that holds files no build wrote (never the site root
    /// or its sources).
    pub force: bool,
    /// Also run the eligibility test cases through the theme's `rules.js` in Node, when Node is
    /// on PATH (`check`; `serve` leaves it off to rebuild quickly).
    pub node_cases: bool,
}

/// What a successful build did.
pub struct Report {
    /// Language code → number of pages, in `site.yaml` order.
    pub pages: Vec<(String, usize)>,
    pub warnings: Vec<Diagnostic>,
    /// What `check` says besides problems, e.g. how the eligibility cases were run.
    pub notes: Vec<String>,
    /// Coverage of every page in every language.
    pub translations: Vec<translations::Row>,
    /// Links to other sites: (source file, line, URL). Listed by `check`, never fetched.
    pub external_links: Vec<(PathBuf, usize, String)>,
    /// Time spent in each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
}

/// A built site, not yet written anywhere: what `serve` holds in memory.
pub struct Built {
    /// Path below the output folder → bytes, sorted by path.
    pub files: Files,
    pub report: Report,
}

/// What one build may keep for the next: `serve` holds one between rebuilds, made by
/// [`Cache::serving`]; `Cache::default()` keeps only the compiled templates.
#[derive(Default)]
pub(crate) struct Cache {
    templates: render::TemplateCache,
    /// Each stage's results for each page, with what they were made from (`incremental.rs`).
    memo: incremental::Memo,
}

impl Cache {
    /// A cache that keeps each page's results for the next build (`incremental.rs`).
    pub(crate) fn serving() -> Cache {
        Cache {
            templates: render::TemplateCache::default(),
            memo: incremental::Memo::serving(),
        }
    }
}

/// Runs the whole pipeline and, if `options.out` is set, publishes the result there: first
/// checks that the output folder is the build's to replace (not the site or its sources, not a
/// folder of other files unless `force`). On failure returns every problem found, errors and
/// warnings, and writes nothing.
pub fn build(options: &BuildOptions) -> Result<Report, Vec<Diagnostic>> {
    let started = Instant::now();
    let out = options
        .out
        .as_deref()
        .map(|out| output::target(&options.root, out, options.force))
        .transpose()
        .map_err(|d| vec![d])?;
    let built = build_in_memory(options)?;
    let mut report = built.report;
    if let Some(out) = &out {
        output::publish(out, &built.files).map_err(|d| vec![d])?;
        report
            .timings
            .push(("write", started.elapsed() - report.elapsed));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Every stage but writing.
pub fn build_in_memory(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    build_with(options, &mut Cache::default())
}

/// Every stage but writing, in pipeline order, reusing what `cache` holds.
pub(crate) fn build_with(
    options: &BuildOptions,
    cache: &mut Cache,
) -> Result<Built, Vec<Diagnostic>> {
    let root = options.root.as_path();
    let mut run = Run::start();
    let config = run.stage("config", || config::load(root, options.base_url.as_deref()))?;
    let sources = run.collect_from("load", || load::load(root, &config, options.drafts))?;
    let coverage = run.collect("translations", || {
        translations::check(&sources.pages, &config)
    });
    let mut site = run.collect("site", || {
        load::assemble(config, sources, coverage.fallbacks)
    });
    run.stop_on_errors()?;
    let theme = run.stage("theme", || theme::load(root, &site.config.theme))?;
    let strings = run.collect_from("strings", || i18n::load(&theme, &site.config.languages))?;
    listing::title_tag_indexes(&mut site, &strings);
    let amounts = run.stage("thresholds", || format::thresholds(&site))?;
    let rules = run.collect("eligibility", || {
        eligibility::check(&site, &amounts, &strings)
    });
    let plan = run.stage("plan", || {
        let codes: Vec<String> = site
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        let tag = site
            .config
            .language(plan::ORIGINAL)
            .map_or("zh-Hans", |l| l.tag.as_str());
        plan::load(&site.data_text, &codes, tag)
    })?;
    let pages = run.collect("markdown", || {
        let memo = &mut cache.memo.markdown;
        memo.start(&site, &amounts, plan.as_ref(), &theme);
        markdown::render(&site, &amounts, plan.as_ref(), &strings, memo)
    });
    run.stop_on_errors()?;
    let templates = run.stage("templates", || cache.templates.compile(&theme))?;
    let mut assets = theme::fingerprint(&theme);
    let rules_file = run.stage("rules file", || {
        let file = rules.as_ref().map(|checked| checked.file(&mut assets));
        file.transpose().map_err(|d| vec![d])
    })?;
    let mut notes = Vec::new();
    if let (Some(checked), Some((_, json)), true) = (&rules, &rules_file, options.node_cases) {
        let (problems, note) = run.timed("eligibility in node", || {
            eligibility::node::check(checked, &theme, json)
        });
        run.problems.extend(problems);
        notes.extend(note);
        run.stop_on_errors()?;
    }
    let inputs = render::Inputs {
        theme: &theme,
        assets: &assets,
        strings: &strings,
        templates: &templates,
        plan: plan.as_ref(),
    };
    let mut files = run.stage("render", || {
        render::render(&site, &pages, &inputs, &mut cache.memo.render)
    })?;
    files.extend(rules_file);
    files.extend(run.timed("extras", || output::extras(&site, &pages)));
    files.extend(output::statics(&theme, &assets));
    let redirects = run.collect("aliases", || output::aliases(&site, &files));
    files.extend(redirects);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let index = run.stage("search index", || {
        search::build(&site, &files, &mut cache.memo.search)
    })?;
    files.extend(index);
    run.check("links", || links::check(&site, &pages, &files));
    if options.out.is_none() {
        // An editor's concern: `check` and `serve` report orphans, `build` does not look.
        run.check("orphans", || links::orphans(&site, &files));
    }
    run.stop_on_errors()?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let report = Report {
        pages: pages_per_language(&site),
        translations: coverage.rows,
        external_links: external_links(&site, &pages),
        warnings: std::mem::take(&mut run.problems),
        notes,
        elapsed: run.started.elapsed(),
        timings: run.timings,
    };
    Ok(Built { files, report })
}

/// Marks translations as reviewed against their current source (all of them if `files` is
/// empty); returns the files that changed.
pub fn mark_translations(root: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let config = config::load(root, None)?;
    translations::mark_reviewed(root, &config, files)
}

/// Around the stages: the time each took and the problems found so far.
struct Run {
    started: Instant,
    last: Instant,
    timings: Vec<(&'static str, Duration)>,
    problems: Vec<Diagnostic>,
}

impl Run {
    fn start() -> Self {
        let now = Instant::now();
        Run {
            started: now,
            last: now,
            timings: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.last));
        self.last = now;
    }

    /// A stage that either succeeds or fails with its problems (and those found before).
    fn stage<T>(
        &mut self,
        name: &'static str,
        stage: impl FnOnce() -> Result<T, Vec<Diagnostic>>,
    ) -> Result<T, Vec<Diagnostic>> {
        let result = stage();
        self.mark(name);
        result.map_err(|mut found| {
            self.problems.append(&mut found);
            std::mem::take(&mut self.problems)
        })
    }

    /// A stage that always has an output and reports problems beside it.
    fn collect<T>(
        &mut self,
        name: &'static str,
        stage: impl FnOnce() -> (T, Vec<Diagnostic>),
    ) -> T {
        let (value, mut found) = stage();
        self.mark(name);
        self.problems.append(&mut found);
        value
    }

    /// A stage that only reports problems.
    fn check(&mut self, name: &'static str, stage: impl FnOnce() -> Vec<Diagnostic>) {
        self.collect(name, || ((), stage()));
    }

    /// A stage that finds no problems.
    fn timed<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        self.collect(name, || (stage(), Vec::new()))
    }

    /// A stage that may fail at once, or succeed with problems beside its output.
    fn collect_from<T>(
        &mut self,
        name: &'static str,
        stage: impl FnOnce() -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>>,
    ) -> Result<T, Vec<Diagnostic>> {
        self.stage(name, stage).map(|(value, mut found)| {
            self.problems.append(&mut found);
            value
        })
    }

    /// Fails with every problem found so far if one of them is an error.
    fn stop_on_errors(&mut self) -> Result<(), Vec<Diagnostic>> {
        if self.problems.iter().any(Diagnostic::is_error) {
            Err(std::mem::take(&mut self.problems))
        } else {
            Ok(())
        }
    }
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

fn external_links(site: &model::Site, pages: &[model::Rendered]) -> Vec<(PathBuf, usize, String)> {
    site.pages
        .iter()
        .zip(pages)
        .flat_map(|(page, rendered)| {
            rendered
                .external_links
                .iter()
                .map(|(url, line)| (page.source.clone(), *line, url.clone()))
        })
        .collect()
}
