//! Command line of invest-guide: parses arguments, runs the pipeline, prints diagnostics.

use clap::{Parser, Subcommand};
use invest_guide::diagnostic::{self, Diagnostic};
use invest_guide::{BuildOptions, build};
use invest_guide::{scaffold, serve};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc, built without transparent huge pages: with glibc's allocator a `serve` rebuild of
/// a 30,000-page site spent about half its time on the chunks the last build freed (sorting and
/// merging them on the next allocations), and `build` a fifth (README, issue #12's rounds). With
/// huge pages mimalloc's peak there was about 420 MB instead of 394.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "invest-guide",
    version,
    about = "Builds multilingual investor guides from Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Site root: the folder holding site.yaml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from site.yaml, e.g. https://host/guide/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Replace an existing output folder even if no build wrote it (it has no
        /// .invest-guide-build file); never the site root or its content/, themes/, i18n/.
        #[arg(long)]
        force: bool,
    },
    /// Validate everything a build validates, plus links; writes nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site with live reload: builds in memory, serves it, rebuilds on change.
    Serve {
        /// Site root: the folder holding site.yaml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on; anything but loopback shows the preview to your network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Look at the sources at intervals instead of listening for file events: for folders
        /// whose changes the system does not report (some network and VM shares).
        #[arg(long)]
        poll: bool,
    },
    /// Create a page in every language, with the front matter its section takes.
    New {
        /// Where the page goes: SECTION/SLUG, e.g. measures/15-green-energy.
        #[arg(value_name = "SECTION/SLUG", value_parser = scaffold::Target::parse)]
        target: scaffold::Target,
        /// Site root: the folder holding site.yaml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Show translation coverage, or mark translations as reviewed against their source.
    Translations {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Record that these translation files match their current source (all if none given).
        #[arg(long, num_args = 0..)]
        mark_reviewed: Option<Vec<PathBuf>>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            force,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = BuildOptions {
                root,
                out: Some(out.clone()),
                base_url,
                drafts,
                force,
                node_cases: false,
            };
            run(&options, false, &format!("into {}", out.display()))
        }
        Command::Check { root, strict } => {
            let options = BuildOptions {
                root,
                out: None,
                base_url: None,
                drafts: false,
                force: false,
                node_cases: true,
            };
            run(&options, strict, "checked, nothing written")
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            poll,
        } => serve(&serve::Options {
            root,
            bind,
            port,
            drafts,
            poll,
        }),
        Command::New { target, root } => new_page(&root, &target),
        Command::Translations {
            root,
            mark_reviewed: Some(files),
        } => mark(&root, &files),
        Command::Translations {
            root,
            mark_reviewed: None,
        } => {
            let options = BuildOptions {
                root,
                out: None,
                base_url: None,
                drafts: false,
                force: false,
                node_cases: false,
            };
            match build(&options) {
                Ok(report) => {
                    print_translations(&report.translations);
                    ExitCode::SUCCESS
                }
                Err(mut problems) => {
                    print(&mut problems);
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn run(options: &BuildOptions, strict: bool, what: &str) -> ExitCode {
    match build(options) {
        Ok(report) => {
            let mut warnings = report.warnings;
            print(&mut warnings);
            let pages: Vec<String> = report
                .pages
                .iter()
                .map(|(lang, n)| format!("{lang} {n}"))
                .collect();
            println!(
                "{} pages ({}), {} warning(s), {:.0?} — {what}",
                report.pages.iter().map(|(_, n)| n).sum::<usize>(),
                pages.join(", "),
                warnings.len(),
                report.elapsed,
            );
            for note in &report.notes {
                println!("{note}");
            }
            if std::env::var_os("INVEST_GUIDE_TIMINGS").is_some() {
                print_timings(&report.timings);
            }
            if !what.starts_with("into") {
                print_translations(&report.translations);
                print_external(&report.external_links);
            }
            if strict && !warnings.is_empty() {
                eprintln!("--strict: warnings count as errors");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(mut problems) => {
            print(&mut problems);
            let errors = problems.iter().filter(|d| d.is_error()).count();
            eprintln!("failed: {errors} error(s); nothing was written");
            ExitCode::from(1)
        }
    }
}

fn print(diagnostics: &mut [Diagnostic]) {
    diagnostic::sort(diagnostics);
    for d in diagnostics.iter() {
        eprintln!("{d}");
    }
}

fn mark(root: &std::path::Path, files: &[PathBuf]) -> ExitCode {
    match invest_guide::mark_translations(root, files) {
        Ok(marked) => {
            for file in &marked {
                println!("marked as reviewed: {}", file.display());
            }
            println!(
                "{} file(s) marked; run `invest-guide check` to see the coverage",
                marked.len()
            );
            ExitCode::SUCCESS
        }
        Err(mut problems) => {
            print(&mut problems);
            ExitCode::from(1)
        }
    }
}

/// One line per page: its status in each language, and the files to edit.
fn print_translations(rows: &[invest_guide::translations::Row]) {
    use invest_guide::translations::Status;
    let mut langs: Vec<&str> = Vec::new();
    let mut pages: Vec<(&str, Vec<&invest_guide::translations::Row>)> = Vec::new();
    for row in rows {
        if !langs.contains(&row.lang.as_str()) {
            langs.push(&row.lang);
        }
        match pages.last_mut() {
            Some((key, group)) if *key == row.key => group.push(row),
            _ => pages.push((&row.key, vec![row])),
        }
    }
    let width = pages.iter().map(|(k, _)| k.len()).max().unwrap_or(4).max(4);
    println!("translations:");
    println!(
        "  {:width$}  {}",
        "page",
        langs.iter().map(|l| format!("{l:9}")).collect::<String>()
    );
    for (key, group) in pages {
        let cells: String = langs
            .iter()
            .map(|l| {
                group
                    .iter()
                    .find(|r| r.lang == *l)
                    .map_or("-", |r| r.status.label())
            })
            .map(|s| format!("{s:9}"))
            .collect();
        let todo: Vec<String> = group
            .iter()
            .filter(|r| matches!(r.status, Status::Missing | Status::Stale | Status::Fallback))
            .map(|r| r.file.display().to_string())
            .collect();
        let todo = if todo.is_empty() {
            String::new()
        } else {
            format!("→ {}", todo.join(", "))
        };
        println!("  {key:width$}  {cells}{todo}");
    }
}

fn serve(options: &serve::Options) -> ExitCode {
    let mut shown = Vec::new();
    match serve::run(options, |event| print_serve_event(event, &mut shown)) {
        Ok(never) => match never {},
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Prints what the server reports; `shown` holds the warnings printed last, so that an
/// unchanged list is not printed again on every save.
fn print_serve_event(event: serve::Event, shown: &mut Vec<Diagnostic>) {
    let changed =
        |path: Option<&Path>| path.map_or(String::new(), |p| format!("{}: ", p.display()));
    match event {
        serve::Event::Listening { url, exposed } => {
            println!(
                "serving {url} — watching {}; Ctrl-C to stop",
                serve::WATCHED.join(", ")
            );
            if exposed {
                eprintln!(
                    "warning: {url} is open to other machines that can reach this address \
                     (drafts included); leave out --bind to serve on loopback only"
                );
            }
        }
        serve::Event::Built {
            report,
            changed: path,
        } => {
            let mut warnings = report.warnings.clone();
            diagnostic::sort(&mut warnings);
            let repeated = !warnings.is_empty() && warnings == *shown;
            if !repeated {
                print(&mut warnings);
                *shown = warnings;
            }
            let pages: Vec<String> = report
                .pages
                .iter()
                .map(|(l, n)| format!("{l} {n}"))
                .collect();
            println!(
                "{}built {} pages ({}), {} warning(s){} in {:.0?}",
                changed(path),
                report.pages.iter().map(|(_, n)| n).sum::<usize>(),
                pages.join(", "),
                shown.len(),
                if repeated { " (as before)" } else { "" },
                report.elapsed,
            );
            if std::env::var_os("INVEST_GUIDE_TIMINGS").is_some() {
                print_timings(&report.timings);
            }
        }
        serve::Event::Failed {
            problems,
            changed: path,
        } => {
            for d in problems {
                eprintln!("{d}");
            }
            let errors = problems.iter().filter(|d| d.is_error()).count();
            println!(
                "{}build failed: {errors} error(s); still serving the last good version",
                changed(path)
            );
        }
        serve::Event::Polling { why: None } => {
            eprintln!("note: polling the sources for changes (--poll)");
        }
        serve::Event::Polling { why: Some(why) } => eprintln!(
            "warning: cannot watch the sources through file events: {why}; polling them \
             instead (saves show a little later, and an idle server uses some CPU)"
        ),
    }
}

fn new_page(root: &Path, target: &scaffold::Target) -> ExitCode {
    match scaffold::create(root, target) {
        Ok(paths) => {
            for path in &paths {
                let shown = if root == Path::new(".") {
                    path.clone()
                } else {
                    root.join(path)
                };
                println!("created {}", shown.display());
            }
            println!(
                "next: in each file, replace the title, write the summary and the text in that \
                 language, and set the fields as their comments say; then run `invest-guide \
                 check` (or watch the pages live with `invest-guide serve`)"
            );
            ExitCode::SUCCESS
        }
        Err(mut problems) => {
            print(&mut problems);
            eprintln!("nothing was written");
            ExitCode::from(1)
        }
    }
}

fn print_external(links: &[(PathBuf, usize, String)]) {
    if links.is_empty() {
        return;
    }
    println!("external links (listed, not fetched):");
    for (path, line, url) in links {
        println!("  {}:{line}: {url}", path.display());
    }
}

/// The stages' times (`INVEST_GUIDE_TIMINGS`), in milliseconds: fine enough to compare builds.
fn print_timings(timings: &[(&'static str, std::time::Duration)]) {
    for (stage, time) in timings {
        eprintln!("  {stage:<22} {:>9.1} ms", time.as_secs_f64() * 1000.0);
    }
}
