//! Random and mutated inputs to every parser, through the entry points the fuzz targets use
//! (`invest_guide::fuzzing`): each must end in a located problem or a value, never a panic.
//! Bounded and seeded, so it runs in seconds and a failure repeats; `fuzz/README.md` says how
//! to search longer with `cargo fuzz`. `FUZZ_SEED` and `FUZZ_CASES` override the defaults.

use invest_guide::fuzzing;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Cases per parser by default: a few seconds in all for a debug build on a busy machine.
const CASES: usize = 400;

/// Fragments that parsers treat specially, inserted at random places.
const TOKENS: &[&[u8]] = &[
    b"---\n",
    b"---",
    b"{{",
    b"}}",
    b"{{ amount(name=\"land_energy_total_usd\") }}",
    b"(",
    b")",
    b"=\"",
    b"\t",
    b"\0",
    b"\r\n",
    b"\n",
    b"\xff\xfe",
    b"\xc3",
    b"\xe4\xb8",
    b"99999999999999999999999999",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"1e999",
    b".nan",
    b"-.inf",
    b": ",
    b"- ",
    b"[",
    b"{",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"'",
    b"\"",
    b"\\",
    b"#",
    b"%00",
    b"%2e%2e/",
    b"\r\n\r\n",
    b"Host: ",
    b"[::1]",
    b"\xe5\xa4\x96\xe8\xb5\x84",
    b"\xd0\xb8\xd0\xbd-",
    b"\xef\xbc\xa1",
    b"-",
    b"&",
    b"2023-02-31",
    b"when: ",
    b"answer: ",
    b"gte: ",
    b"all: ",
];

/// xorshift64*: enough randomness to mutate inputs, and the same cases for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One to four mutations of `seed`: byte flips, truncation, a deleted or repeated range, an
/// inserted token or run of brackets.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 => bytes.truncate(at),
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy.repeat(1 + rng.below(8)));
            }
            4 => {
                let run = rng
                    .pick(&[&b"["[..], b"{", b"- ", b"{{", b"(", b"---\n"])
                    .repeat(1 + rng.below(300));
                bytes.splice(at..at, run);
            }
            _ => {
                let token = *rng.pick(TOKENS);
                bytes.splice(at..at, token.iter().copied());
            }
        }
    }
    bytes
}

/// Input made of tokens and random bytes only.
fn random(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = Vec::new();
    for _ in 0..rng.below(40) {
        if rng.below(3) == 0 {
            bytes.push(rng.next() as u8);
        } else {
            let token: &&[u8] = rng.pick(TOKENS);
            bytes.extend_from_slice(token);
        }
    }
    bytes
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Feeds `target` its seeds unchanged, then mutations of them and random inputs; on a panic,
/// fails naming the input so that it can be kept as a regression case.
fn run(name: &str, target: fn(&[u8]), seeds: &[Vec<u8>]) {
    assert!(!seeds.is_empty(), "{name}: no seed inputs");
    let seed = env_or("FUZZ_SEED", 0x1e57_f0cc_5eed_0013);
    let cases = env_or("FUZZ_CASES", CASES as u64) as usize;
    let mut rng = Rng(seed ^ name.len() as u64 | 1);
    let inputs = seeds.iter().cloned().chain((0..cases).map(|i| match i % 4 {
        0 => random(&mut rng),
        _ => {
            let seed = rng.pick(seeds).clone();
            mutate(&mut rng, &seed)
        }
    }));
    for input in inputs {
        if panic::catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            panic!(
                "{name} panicked (FUZZ_SEED={seed}) on the input {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

/// Files below `dir` (recursively) whose names end with one of `suffixes`.
fn files(dir: &str, suffixes: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| suffixes.iter().any(|s| p.to_string_lossy().ends_with(s)))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn pages() -> Vec<Vec<u8>> {
    let mut seeds = files("tests/fixtures", &[".md"]);
    seeds.extend(files("content/measures", &[".md"]));
    seeds
}

#[test]
fn front_matter_never_panics() {
    run("front_matter", fuzzing::front_matter, &pages());
}

#[test]
fn shortcodes_never_panic() {
    run("shortcodes", fuzzing::shortcodes, &pages());
}

#[test]
fn the_rules_language_never_panics() {
    let mut seeds = files("content/eligibility", &["rules.yaml", "cases.yaml"]);
    seeds.extend(files("tests/fixtures", &[".yaml"]));
    run("rules", fuzzing::rules, &seeds);
}

#[test]
fn figures_are_written_for_any_amount_and_language() {
    let mut seeds = files("tests/vectors", &["amounts.json"]);
    seeds.extend(files("content/eligibility", &["thresholds.yaml"]));
    seeds.push(u64::MAX.to_le_bytes().to_vec());
    seeds.push(b"\x80\xf0\xfa\x02\0\0\0\0\x01zh-Hans".to_vec());
    run("amount", fuzzing::amount, &seeds);
}

#[test]
fn search_normalisation_never_panics() {
    let mut seeds = files("tests/vectors", &["normalise.json"]);
    seeds.extend(files("content", &["search.zh.md", "policy.ru.md"]));
    run("search", fuzzing::search, &seeds);
}

#[test]
fn search_text_extraction_never_panics() {
    let mut seeds = files("builtin/theme/templates", &[".html"]);
    seeds.push(
        b"<html><head><title>T &amp; t</title></head><body><main data-index><h1>H</h1>\
          <nav>n</nav><h2 id='a>b'>A</h2><p>x<br/>y</p><svg><title>s</title><path/></svg>\
          <!-- c --><script>if (a</b) {}</script><textarea><b></textarea></main></body></html>"
            .to_vec(),
    );
    run("search_page", fuzzing::search_page, &seeds);
}

#[test]
fn request_heads_never_panic() {
    let seeds: Vec<Vec<u8>> = [
        &b"GET /en/?q=1 HTTP/1.1\r\nHost: 127.0.0.1:1111"[..],
        b"HEAD / HTTP/1.0",
        b"GET /__invest-guide/events HTTP/1.1\r\nHost: [::1]:8080\r\nAccept: text/event-stream",
        b"GET /zh/%E6%94%BF%E7%AD%96/ HTTP/1.1\nHost: localhost",
        b"POST / HTTP/1.1\r\nHost: guide.lan",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect();
    run("request", fuzzing::request, &seeds);
}
