//! `cargo fuzz run shortcodes`: see `invest_guide::fuzzing::shortcodes` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::shortcodes(data));
