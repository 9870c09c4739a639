//! `cargo fuzz run search`: see `invest_guide::fuzzing::search` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::search(data));
