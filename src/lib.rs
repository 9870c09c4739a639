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
//! 7. [`markdown::render`]: each page's source, to be converted by the render stage (or, with
//!    `serve`'s memo, converted here: HTML, headings, links)
//! 8. [`output::extras`]: sitemap, robots, headers
//! 9. [`render::render`]: each page's Markdown to HTML, then through its template → page files,
//!    each handed as soon as it is made to the [`sink`], which writes it (`build`), keeps it
//!    (`serve`) or drops it (`check`), noting only what the stages below need: paths, search
//!    text, links; the page's HTML is dropped then (a feed's pages' kept for
//!    [`output::feeds`], the Atom feeds, made right after)
//! 10. [`output::statics`], [`output::aliases`]: the theme's static files; a redirect page per
//!     alias and `_redirects`
//! 11. [`search::build`]: the search text the sink noted → one search index per language
//! 12. [`links::check`]: every local link and anchor must lead to a built file
//! 13. the write stage: `build` checks first, with [`output::target`], that `--out` is its own
//!     to replace, and makes a staging folder beside it ([`output::Staging`]) that the sink
//!     fills; once every stage succeeded the staging folder is swapped in whole
//!
//! Every stage returns the problems it found; the pipeline stops where going on would make no
//! sense, and nothing outside the staging folder changes unless every stage succeeded (a failed
//! build removes it).
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
mod sink;
mod theme;
pub mod translations;
mod yaml;

use diagnostic::Diagnostic;
pub use model::Files;
use model::Put as _;
use sink::{Dest, Sink};
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
    /// Time spent in each stage, in pipeline order; under `render`, marked `·`, the worker
    /// threads' time added up extracting search text and writing files (inside that stage).
    pub timings: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
}

/// A built site, not yet written anywhere: what `serve` holds in memory.
pub struct Built {
    /// Path below the output folder → bytes, sorted by path.
    pub files: Files,
    pub report: Report,
}

/// A built site as `serve` holds it: each file's bytes shared with the [`Cache`], so that the
/// next build hands on a file it leaves unchanged without copying it.
pub(crate) struct Served {
    /// Path below the output folder → bytes, sorted by path.
    pub(crate) files: model::SharedFiles,
    pub(crate) report: Report,
}

/// What one build may keep for the next: `serve` holds one between rebuilds.
#[derive(Default)]
pub(crate) struct Cache {
    templates: render::TemplateCache,
    /// Each stage's results for each page, with what they were made from (`incremental.rs`).
    memo: incremental::Memo,
}

impl Cache {
    /// A cache that also keeps each stage's results for the next build to reuse (`serve`).
    pub(crate) fn reusing() -> Cache {
        let mut cache = Cache::default();
        cache.memo.on = true;
        cache
    }
}

/// Runs the whole pipeline and, if `options.out` is set, publishes the result there: first
/// checks that the output folder is the build's to replace (not the site or its sources, not a
/// folder of other files unless `force`), then writes each file into a staging folder beside
/// it as soon as it is made, and swaps the staging folder in once every stage succeeded. On
/// failure returns every problem found, errors and warnings, removes the staging folder and
/// leaves the output folder as it was.
pub fn build(options: &BuildOptions) -> Result<Report, Vec<Diagnostic>> {
    let started = Instant::now();
    let out = options
        .out
        .as_deref()
        .map(|out| output::target(&options.root, out, options.force))
        .transpose()
        .map_err(|d| vec![d])?;
    let staging = out
        .as_deref()
        .map(output::Staging::create)
        .transpose()
        .map_err(|d| vec![d])?;
    let dest = match &staging {
        Some(staging) => Dest::Folder(staging.dir().to_path_buf()),
        None => Dest::Nowhere,
    };
    // On failure `staging` is dropped here, which removes the staging folder.
    let (mut report, _) = pipeline(options, &mut Cache::default(), dest)?;
    if let Some(staging) = staging {
        let swapping = Instant::now();
        staging.swap().map_err(|d| vec![d])?;
        report.timings.push(("swap", swapping.elapsed()));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Every stage, the files kept in memory rather than written.
pub fn build_in_memory(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    let Served { files, report } = build_with(options, &mut Cache::default(), None)?;
    // Nothing else holds the bytes of a build without a memo: taken out, not copied.
    let files = files.into_iter();
    let files = files.map(|(path, bytes)| (path, std::sync::Arc::unwrap_or_clone(bytes)));
    Ok(Built {
        files: files.collect(),
        report,
    })
}

/// Every stage, the files kept in memory, reusing what `cache` holds: what `serve` runs.
/// `changed` names the sources (relative to the root) that changed since the last build, when
/// `serve`'s watcher can tell; `None` when it cannot, and every source is listed again.
pub(crate) fn build_with(
    options: &BuildOptions,
    cache: &mut Cache,
    changed: Option<&[PathBuf]>,
) -> Result<Served, Vec<Diagnostic>> {
    cache.memo.load.changed(changed);
    let (report, sink) = pipeline(options, cache, Dest::Memory)?;
    Ok(Served {
        files: sink.into_files(),
        report,
    })
}

/// Every stage in pipeline order, each file handed to a [`Sink`] bound for `dest` as soon as
/// it is made; returns the report and the sink (which holds the files for [`Dest::Memory`]).
fn pipeline(
    options: &BuildOptions,
    cache: &mut Cache,
    dest: Dest,
) -> Result<(Report, Sink), Vec<Diagnostic>> {
    let root = options.root.as_path();
    let mut run = Run::start();
    let config = run.stage("config", || config::load(root, options.base_url.as_deref()))?;
    let sources = run.collect_from("load", || {
        let memo = cache.memo.on.then_some(&mut cache.memo.load);
        load::load(root, &config, options.drafts, memo)
    })?;
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
    run.stop_on_errors()?;
    // The sources leave the site: each is dropped once its page's HTML is made.
    let bodies = markdown::take_bodies(&mut site);
    let markdown = run.timed("markdown", || {
        let mut memo = cache.memo.on.then_some(&mut cache.memo.markdown);
        if let Some(memo) = &mut memo {
            memo.start(&site, &amounts, plan.as_ref(), &theme);
        }
        markdown::render(&site, bodies, &amounts, plan.as_ref(), &strings, memo)
    });
    if cache.memo.on {
        // Which pages' Markdown output is the last build's: their files may be too.
        let keys = cache.memo.markdown.keys(&site.pages);
        cache.memo.render.set_markdown(keys);
    }
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
    // `check` and `serve` report orphans (an editor's concern), `build` does not look.
    let orphans = options.out.is_none();
    let reused = cache
        .memo
        .on
        .then(|| std::mem::take(&mut cache.memo.search));
    let mut sink = Sink::new(dest, search::languages(&site), orphans, reused);
    // `serve` makes the site's key here, for the render stage too, and reuses the extras
    // (which read no page's body) when it is the last build's.
    let mut site_key = None;
    run.timed("extras", || match cache.memo.on {
        true => {
            let memo = &mut cache.memo.render;
            site_key = Some(memo.start(&site, &theme, &assets, plan.as_ref()));
            for (path, bytes) in memo.extras(|| output::extras(&site)) {
                sink.put_shared(path, bytes, false);
            }
        }
        false => sink.put_all(output::extras(&site)),
    });
    // What the stages before freed (the files' text as read, the sitemap just written) goes
    // back to the system before the render stage makes its values over the whole site, when
    // the build's memory peaks (with every page's source still held).
    // `serve` keeps every page in memory between builds and builds into the same memory
    // again: trimming would hand the system pages the next build asks back for (about 6% of a
    // body edit's CPU at 30,000 pages).
    let serving = cache.memo.on;
    let release = || {
        if !serving {
            release_freed_memory();
        }
    };
    run.timed("release before render", release);
    // Each page's Markdown is converted as the page is rendered, its HTML dropped once its
    // files are made (the feeds' pages' kept for the feeds): the problems found in the
    // Markdown come out of this stage.
    let mut pages = run.collect("render", || {
        let memo = cache.memo.on.then_some(&mut cache.memo.render);
        let (pages, mut problems) = render::render(&site, markdown, &inputs, &sink, memo);
        problems.extend(sink.written().err().into_iter().flatten());
        (pages, problems)
    });
    run.stop_on_errors()?;
    let rendered = run.timings.len();
    sink.put_all(run.timed("feeds", || output::feeds(&site, &pages)));
    for page in &mut pages {
        page.html = String::new();
    }
    sink.put_all(rules_file.into_iter().collect());
    sink.put_all(output::statics(&theme, &assets));
    let redirects = run.collect("aliases", || {
        let paths = sink.paths();
        let make = || output::aliases(&site, &paths);
        match site_key {
            Some(key) => cache.memo.aliases.get(key, &paths, make),
            None => make(),
        }
    });
    sink.put_all(redirects);
    // What the render stage held (the sources, the lists, each page's HTML) is free now.
    run.timed("release", release);
    let unreadable = sink.take_unreadable();
    run.stage("search index", || {
        let memo = (cache.memo.on).then(|| (&mut cache.memo.index, sink.reads()));
        // Each language's index is made from its pages' text alone, into the memory the last
        // one freed: given back first, or the threads' arenas would each keep their share.
        let texts = |lang: &str| {
            release();
            sink.take_texts(lang)
        };
        search::build(&site, &sink.paths(), &texts, unreadable, &sink, memo)
    })?;
    sink.remove_spilled();
    if let Some(memo) = sink.take_memo() {
        cache.memo.search = memo;
    }
    let paths = sink.paths();
    // `serve` reuses the last build's findings when what they were made from is the same.
    run.check("links", || {
        let check = || links::check(&site, &pages, &paths);
        match site_key {
            Some(key) => cache.memo.links.check(key, &paths, &pages, check),
            None => check(),
        }
    });
    if orphans {
        let urls = sink.take_urls();
        run.check("orphans", || match site_key {
            Some(key) => cache
                .memo
                .orphans
                .check(key, urls, |urls| links::orphans(&site, urls)),
            None => links::orphans(&site, &urls),
        });
    }
    run.problems
        .extend(sink.written().err().into_iter().flatten());
    run.stop_on_errors()?;
    // Inside the render stage (and the few files made after it): the worker threads' time,
    // added up, spent extracting search text and writing files.
    let (extracting, writing) = sink.thread_times();
    run.timings.splice(
        rendered..rendered,
        [("· search text", extracting), ("· writing", writing)],
    );
    let report = Report {
        pages: pages_per_language(&site),
        translations: coverage.rows,
        external_links: external_links(&site, &pages),
        warnings: std::mem::take(&mut run.problems),
        notes,
        elapsed: run.started.elapsed(),
        timings: run.timings,
    };
    if serving {
        // What this build made over every page is freed beside the reload, not before it.
        let made = (site, pages, theme, strings, templates, assets);
        std::thread::spawn(move || drop(made));
    }
    Ok((report, sink))
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

/// Hands memory the allocator holds free back to the system, so that the stages after render
/// grow into it rather than beside it. glibc keeps freed memory resident in the arena it came
/// from, where threads attached to another arena cannot use it; `malloc_trim` gives back every
/// whole free page of every arena (at 30,000 pages with search: the peak from about 615 MB to
/// 480 MB, in a few milliseconds; called before render, during it by the sink, before the
/// index and before each language's, with the search text on disk: 497 MB to about 398 MB).
/// Elsewhere it does nothing. The command line allocates with mimalloc (`main.rs`), which hands
/// freed memory back by itself, so this matters where the library runs on glibc's allocator (its
/// tests). Calling mimalloc's `mi_collect` here too took the 30,000-page peak only from 395 to
/// 394 MB while the peak was in render; once it had moved to the last language's search index,
/// the same call before each language took it from about 370 to 325 MB, at about 0.1 s of the
/// build, and was not kept (README, Benchmarks).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn release_freed_memory() {
    unsafe extern "C" {
        /// glibc's `int malloc_trim(size_t pad)`: takes no pointer, only releases free memory.
        safe fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    malloc_trim(0);
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed_memory() {}

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
