//! Analyses that consume a socket stream: per-state counts (constant memory), grouping by a
//! key with per-state counts and, on request, each group's figures from tcp_info (`stats`,
//! with the log-linear histograms of `hist`; memory grows with the number of keys, not
//! sockets), the health check (rules over aggregates built in one pass, kernel counters and
//! sysctls), the exporter's one-pass scrape (counts, queues, listeners, tracked ports, the
//! busiest peers), the fleet's counts read back from Prometheus, and which sockets stayed
//! between two samples.

pub mod check;
pub mod conntrack;
pub mod count;
pub mod event_counts;
pub mod fleet;
pub mod group;
pub mod hist;
pub mod listener;
pub mod order;
pub mod persist;
pub mod reconcile;
pub mod scrape;
pub mod stats;
