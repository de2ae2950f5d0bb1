//! Analyses that consume a socket stream: per-state counts (constant memory), grouping by a
//! key with per-state counts (memory grows with the number of keys, not sockets), the health check (rules over aggregates built in one pass,
//! kernel counters and sysctls), and the exporter's one-pass scrape (counts, queues,
//! listeners, tracked ports), and the fleet's counts read back from Prometheus.

pub mod check;
pub mod conntrack;
pub mod count;
pub mod fleet;
pub mod group;
pub mod listener;
pub mod order;
pub mod reconcile;
pub mod scrape;
