//! Command line of invest-guide: parses arguments, runs the pipeline, prints diagnostics.

use clap::{Parser, Subcommand};
use invest_guide::diagnostic::{self, Diagnostic};
use invest_guide::{BuildOptions, build};
use std::path::PathBuf;
use std::process::ExitCode;

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
    },
    /// Validate everything a build validates, plus links; writes nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
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
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = BuildOptions {
                root,
                out: Some(out.clone()),
                base_url,
                drafts,
            };
            run(&options, false, &format!("into {}", out.display()))
        }
        Command::Check { root, strict } => {
            let options = BuildOptions {
                root,
                out: None,
                base_url: None,
                drafts: false,
            };
            run(&options, strict, "checked, nothing written")
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
