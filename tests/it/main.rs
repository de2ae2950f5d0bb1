//! tcpstate's integration tests, built as one test binary (`cargo test --test it`; one module
//! per area, e.g. `cargo test --test it fixture::`). `common` is the shared fixture: private
//! network namespaces, socket populations in known states (built with the workspace's
//! `tcpstate-population` crate), child processes, terminals and `ss`. Tests that need root or
//! an external tool skip with a reason unless `TCPSTATE_REQUIRE_NETNS=1`.

mod common;

mod capture;
mod capture_every_row;
mod capture_fuzz;
mod capture_fuzz_rows;
mod capture_handmade;
mod capture_layouts;
mod capture_locales;
mod capture_parallel;
mod capture_progress;
mod capture_unknown_state;
mod capture_utf16;
mod check;
mod cli;
mod conntrack;
mod docs;
mod explain_fsm;
mod fixture;
mod fleet;
mod group_stats;
mod inside;
mod ipvs;
mod kill;
mod list_order;
mod live;
mod netns;
mod prometheus_rules;
mod serve;
mod shape;
mod ss_filter;
mod ss_filter_fuzz;
mod trace;
mod watch;
mod watch_drops;
mod watch_events;
