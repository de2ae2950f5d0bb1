//! Analyses that consume a socket stream: per-state counts (constant memory), grouping by a
//! key with per-state counts (memory grows with the number of keys, not sockets), and
//! splitting a stream by network namespace.

pub mod count;
pub mod group;
pub mod netns;
