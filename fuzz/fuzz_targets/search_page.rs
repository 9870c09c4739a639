//! `cargo fuzz run search_page`: see `invest_guide::fuzzing::search_page` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::search_page(data));
