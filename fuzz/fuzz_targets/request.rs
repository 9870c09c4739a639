//! `cargo fuzz run request`: see `invest_guide::fuzzing::request` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::request(data));
