//! `tcpstate serve` against real things: a real Prometheus server scrapes the exporter inside a
//! private network namespace holding known IPv6 sockets, and its HTTP API must return exactly
//! the known counts, zeros included. All HTTP traffic (scrapes, API queries) is IPv4, so the
//! IPv6 counts are exactly the sockets the test made. Also: 50 concurrent scrapes share one
//! body, malformed requests get 4xx while serving goes on, SIGTERM and SIGINT end it with 0.
//!
//! The submodules: `server` starts the exporter in a namespace, `http` speaks HTTP/1 to it,
//! `known_sockets` makes the IPv6 sockets whose counts are known, `prometheus` has a real
//! Prometheus scrape them, `exposition` checks the formats and the series bound, and
//! `requests` concurrent, malformed and signalled serving and the `--netns` label, and
//! `namespaces` how `--all-netns` follows namespaces made and deleted while it runs,
//! `slow_clients` idle and trickling connections, the connection limit and stopping with
//! connections open, `listen` the host-name and bare-port forms of `--listen`, `listener_drops` which listener
//! drops, `event_counters` the traced retransmit and reset counters, and `rules` the
//! shipped alerting and recording rules evaluated by that Prometheus.

mod conntrack;
mod event_counters;
mod exposition;
mod http;
mod known_sockets;
mod listen;
mod listener_drops;
mod namespaces;
mod peers;
mod prometheus;
mod requests;
mod rules;
pub(crate) mod server;
mod slow_clients;
