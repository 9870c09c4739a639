//! `cargo fuzz run amount`: see `invest_guide::fuzzing::amount` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::amount(data));
