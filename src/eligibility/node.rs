//! `check`'s second evaluator: every eligibility case through the theme's `rules.js` in Node,
//! so the browser's evaluator is held to the cases as the Rust one is.
//! In: the checked rules and cases, the theme, and the rules JSON the site ships (Node is fed
//! it byte for byte).
//! Out: an error at a case's line where `rules.js` disagrees with it, and a note for the
//! summary: how many cases passed both evaluators, or that `node` was not found.

use super::{Answers, Case, Checked, Outcome, line_containing};
use crate::diagnostic::Diagnostic;
use crate::fsx;
use crate::theme::Theme;
use serde::Deserialize;
use std::fs;
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The ES module Node runs; it imports `static/rules.js` from its own folder.
const RUNNER: &str = include_str!("run_cases.mjs");

/// Far longer than the cases take; a `rules.js` that never returns is stopped.
const TIMEOUT: Duration = Duration::from_secs(60);

const SKIPPED: &str =
    "eligibility cases: the JavaScript evaluator was skipped: `node` was not found on PATH";

/// What Node is given, and what its answers are compared with.
struct Inputs<'a> {
    /// The rules as the site ships them (`assets/eligibility-rules.HASH.json`).
    rules_json: &'a [u8],
    /// The effective theme: `rules.js` and the scripts it may import.
    theme: &'a Theme,
    cases: &'a [Case],
    /// The cases file's text and path below the root, for the line of each case.
    text: &'a str,
    path: &'a Path,
}

/// What the runner writes to `reply.json`: Node's version and one value per case.
#[derive(Deserialize)]
struct Reply {
    node: String,
    outcomes: Vec<serde_json::Value>,
}

/// Node stage (`check` only, after the Rust evaluator passed every case): every case of
/// `checked` through the theme's `rules.js` in Node, fed `rules_json`, the rules exactly as the
/// site ships them. Returns the problems and a note for the summary: how many cases passed
/// both evaluators, or that there is no `node` on PATH.
pub(crate) fn check(
    checked: &Checked,
    theme: &Theme,
    rules_json: &[u8],
) -> (Vec<Diagnostic>, Option<String>) {
    let inputs = Inputs {
        rules_json,
        theme,
        cases: &checked.cases,
        text: &checked.cases_text,
        path: &checked.cases_path,
    };
    let mut problems = Vec::new();
    let note = match run(&inputs, &mut problems) {
        Ok(Some(reply)) => Some(compare(&inputs, &reply, &mut problems)),
        Ok(None) => Some(SKIPPED.to_string()),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    (problems, note)
}

impl Inputs<'_> {
    /// Where the effective `rules.js` comes from: the embedded default or the site's theme.
    fn origin(&self) -> PathBuf {
        self.theme.statics.get("rules.js").map_or_else(
            || PathBuf::from("builtin/theme/static/rules.js"),
            |f| f.origin.clone(),
        )
    }

    /// Node's stdin: `{"rules": RULES, "answers": [...]}`, RULES being the shipped bytes.
    fn stdin(&self) -> serde_json::Result<Vec<u8>> {
        let answers: Vec<&Answers> = self.cases.iter().map(|c| &c.answers).collect();
        let mut input = br#"{"rules":"#.to_vec();
        input.extend_from_slice(self.rules_json);
        input.extend_from_slice(br#","answers":"#);
        input.append(&mut serde_json::to_vec(&answers)?);
        input.push(b'}');
        Ok(input)
    }
}

/// Runs Node in a scratch folder of our own, which is removed afterwards whatever happened;
/// `Ok(None)` when there is no `node` on PATH.
fn run(inputs: &Inputs, problems: &mut Vec<Diagnostic>) -> Result<Option<Reply>, Diagnostic> {
    let dir = scratch().map_err(|e| {
        failed(
            &inputs.origin(),
            format!(
                "cannot create a folder under {}: {e}",
                std::env::temp_dir().display()
            ),
        )
    })?;
    let result = run_in(&dir, inputs);
    if let Err(e) = fs::remove_dir_all(&dir) {
        problems.push(
            Diagnostic::warning(&dir, format!("cannot remove this temporary folder: {e}"))
                .hint("delete it by hand"),
        );
    }
    result
}

/// A new folder under the system's temporary folder, readable by this user only.
fn scratch() -> io::Result<PathBuf> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let mut attempt = 0;
    loop {
        let name = format!(
            "invest-guide-rules-{}-{stamp:x}-{attempt}",
            std::process::id()
        );
        let dir = std::env::temp_dir().join(name);
        match builder.create(&dir) {
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            created => return created.map(|()| dir),
        }
    }
}

/// Writes the runner and the theme's scripts into `dir`, runs Node there and reads its reply.
fn run_in(dir: &Path, inputs: &Inputs) -> Result<Option<Reply>, Diagnostic> {
    let origin = inputs.origin();
    let write = |rel: &str, bytes: &[u8]| fsx::write(&dir.join(rel), bytes);
    // `rules.js` is an ES module whatever the folders above the scratch folder say.
    write("package.json", br#"{ "type": "module" }"#)?;
    write("run_cases.mjs", RUNNER.as_bytes())?;
    for (name, file) in &inputs.theme.statics {
        if name.ends_with(".js") || name.ends_with(".mjs") {
            write(&format!("static/{name}"), &file.bytes)?;
        }
    }
    let input = inputs
        .stdin()
        .map_err(|e| failed(&origin, format!("cannot write its input: {e}")))?;
    let status = match node(dir, &input) {
        Ok(Some(status)) => status,
        Ok(None) => return Ok(None),
        Err(e) => return Err(failed(&origin, format!("cannot run `node`: {e}"))),
    };
    let shown = |text: &str| in_theme(text, dir, &origin);
    if !status.success() {
        let stderr = fs::read_to_string(dir.join("stderr.txt"))
            .unwrap_or_else(|e| format!("(its error output cannot be read: {e})"));
        let why = format!("`node` stopped ({status}): {}", shown(&stderr));
        return Err(failed(&origin, why));
    }
    let mut reply: Reply = fs::read(dir.join("reply.json"))
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|e| failed(&origin, format!("its answer is not the runner's JSON: {e}")))?;
    if reply.outcomes.len() != inputs.cases.len() {
        let why = format!(
            "it answered {} outcomes for {} cases",
            reply.outcomes.len(),
            inputs.cases.len()
        );
        return Err(failed(&origin, why));
    }
    for value in &mut reply.outcomes {
        if let Some(serde_json::Value::String(error)) = value.get_mut("error") {
            *error = shown(error);
        }
    }
    Ok(Some(reply))
}

/// Runs `node run_cases.mjs` from `dir` with `input` on its stdin and its stderr in
/// `dir/stderr.txt`; `Ok(None)` when there is no `node` on PATH.
fn node(dir: &Path, input: &[u8]) -> io::Result<Option<ExitStatus>> {
    let stderr = fs::File::create(dir.join("stderr.txt"))?;
    let spawned = Command::new("node")
        .arg(dir.join("run_cases.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn();
    let mut child = match spawned {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        spawned => spawned?,
    };
    let stdin = child.stdin.take();
    std::thread::scope(|s| {
        // A separate writer, so a `node` that stops reading cannot block the timeout.
        let writer = s.spawn(move || stdin.map_or(Ok(()), |mut w| w.write_all(input)));
        let status = wait(&mut child)?;
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the thread writing to `node` failed")));
        match written {
            // A crashed `node` closes its stdin early: its exit status says why.
            Err(e) if status.success() => Err(e),
            _ => Ok(Some(status)),
        }
    })
}

/// Waits for `child`, stopping it after `TIMEOUT`.
fn wait(child: &mut Child) -> io::Result<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > TIMEOUT {
            child.kill()?;
            child.wait()?;
            let message = format!("stopped after {} s", TIMEOUT.as_secs());
            return Err(io::Error::new(ErrorKind::TimedOut, message));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Node's words with the scratch folder's files named as the user knows them: the theme's
/// scripts by the theme's folder, the runner by what it is; Node's version line left out.
fn in_theme(text: &str, dir: &Path, origin: &Path) -> String {
    let theme = origin
        .parent()
        .unwrap_or(Path::new(""))
        .display()
        .to_string();
    let mut text = text.trim().to_string();
    for (copy, name) in [
        (
            dir.join("run_cases.mjs"),
            "invest-guide's case runner".to_string(),
        ),
        (dir.join("static"), theme),
    ] {
        let copy = copy.display().to_string();
        text = text
            .replace(&format!("file://{copy}"), &name)
            .replace(&copy, &name);
    }
    match text.rsplit_once('\n') {
        Some((rest, last)) if last.starts_with("Node.js v") => rest.trim_end().to_string(),
        _ => text,
    }
}

/// An error at each case whose outcome from `rules.js` is not the one it expects; returns
/// the note saying how many passed.
fn compare(inputs: &Inputs, reply: &Reply, problems: &mut Vec<Diagnostic>) -> String {
    let origin = inputs.origin();
    let origin = origin.display();
    let mut passed = 0;
    for (case, value) in inputs.cases.iter().zip(&reply.outcomes) {
        let want = Outcome {
            verdict: case.verdict.clone(),
            measures: case.measures.clone(),
            benefits: case.benefits.clone(),
        };
        let gave = match outcome(value) {
            Ok(got) if got == want => {
                passed += 1;
                continue;
            }
            Ok(got) => format!("gives {}", show(&got)),
            Err(why) => why,
        };
        problems.push(
            Diagnostic::error(
                inputs.path,
                format!(
                    "case `{}`: the JavaScript evaluator ({origin}) {gave}, the case expects {}",
                    case.name,
                    show(&want)
                ),
            )
            .at(line_containing(inputs.text, &case.name), 1)
            .hint(format!(
                "the Rust evaluator gives what the case expects: fix {origin}, or the rules if \
                 they rely on something the two evaluators read differently"
            )),
        );
    }
    format!(
        "eligibility cases: {passed} of {} passed through both evaluators, Rust and JavaScript \
         ({origin} in Node {})",
        inputs.cases.len(),
        reply.node
    )
}

/// One case's value from the runner as an outcome, or what it was instead.
fn outcome(value: &serde_json::Value) -> Result<Outcome, String> {
    if let Some(error) = value.get("error").and_then(|e| e.as_str()) {
        let mut lines = error.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().unwrap_or("an error");
        // A stack's first frame in rules.js says where.
        let at = lines
            .find(|l| l.contains("rules.js:"))
            .map_or("", str::trim);
        return Err(format!("throws {first} {at}").trim_end().to_string());
    }
    serde_json::from_value(value.clone())
        .map_err(|e| format!("returns {value}, which is not an outcome ({e})"))
}

fn show(o: &Outcome) -> String {
    format!("{} {:?} {:?}", o.verdict, o.measures, o.benefits)
}

fn failed(origin: &Path, why: String) -> Diagnostic {
    Diagnostic::error(
        origin,
        format!("the JavaScript evaluator could not run the eligibility cases: {why}"),
    )
    .hint("rules.js must be an ES module whose `evaluate(rules, answers)` returns for every case")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_scratch_copy_as_the_theme_folder() {
        let dir = Path::new("/tmp/invest-guide-rules-1-2-0");
        let origin = Path::new("themes/mine/static/rules.js");
        let stack = "TypeError: x\n    at evaluate (file:///tmp/invest-guide-rules-1-2-0/static/rules.js:3:9)";
        assert_eq!(
            in_theme(stack, dir, origin),
            "TypeError: x\n    at evaluate (themes/mine/static/rules.js:3:9)"
        );
        let crash = "file:///tmp/invest-guide-rules-1-2-0/run_cases.mjs:6\nSyntaxError: no `evaluate`\n\nNode.js v20.20.2\n";
        assert_eq!(
            in_theme(crash, dir, origin),
            "invest-guide's case runner:6\nSyntaxError: no `evaluate`"
        );
    }

    #[test]
    fn tells_a_thrown_error_and_a_wrong_value_from_an_outcome() {
        let thrown = serde_json::json!({"error": "TypeError: x\n    at evaluate (themes/mine/static/rules.js:3:9)"});
        assert_eq!(
            outcome(&thrown).unwrap_err(),
            "throws TypeError: x at evaluate (themes/mine/static/rules.js:3:9)"
        );
        assert!(
            outcome(&serde_json::json!(null))
                .unwrap_err()
                .starts_with("returns null, which is not an outcome")
        );
        let good = serde_json::json!({"verdict": "permitted", "measures": [1], "benefits": {}});
        assert_eq!(outcome(&good).unwrap().measures, vec![1]);
    }

    #[test]
    fn scratch_folders_are_new_and_distinct() {
        let a = scratch().unwrap();
        let b = scratch().unwrap();
        assert_ne!(a, b);
        assert!(a.is_dir() && b.is_dir());
        fs::remove_dir_all(&a).unwrap();
        fs::remove_dir_all(&b).unwrap();
    }
}
