//! `cargo fuzz run rules`: see `invest_guide::fuzzing::rules` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::rules(data));
