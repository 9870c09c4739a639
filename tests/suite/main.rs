//! The one integration-test binary: runs the real `invest-guide` on fixture sites.

mod bad_input;
mod build;
mod eligibility;
mod guide;
mod harness;
