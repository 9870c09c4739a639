//! The one integration-test binary: runs the real `invest-guide` on fixture sites.

mod aliases;
mod bad_input;
mod browser;
mod build;
mod eligibility;
mod eligibility_js;
mod fuzz;
mod guide;
mod harness;
mod neutral;
mod new;
mod plan;
mod porting;
mod preview;
mod print;
mod publish;
mod search;
mod serve;
mod serve_load;
mod translations;
mod weight;
mod xml;
