//! Analyses that consume a socket stream: per-state counts (constant memory), grouping by a
//! key with per-state counts (memory grows with the number of keys, not sockets), and the
//! exporter's one-pass scrape (counts, queues, listeners, tracked ports).

pub mod count;
pub mod group;
pub mod scrape;
