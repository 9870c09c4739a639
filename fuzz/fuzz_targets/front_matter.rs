//! `cargo fuzz run front_matter`: see `invest_guide::fuzzing::front_matter` for what it feeds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| invest_guide::fuzzing::front_matter(data));
