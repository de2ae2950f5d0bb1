//! Flags and long help of `tcpstate trace`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tcpstate::trace::TraceOptions;
use tcpstate::trace::kinds::{EventKinds, parse_kinds};

pub const TRACE_ABOUT: &str = "\
Trace TCP state transitions live, from the kernel tracepoint sock:inet_sock_set_state (read
through perf; needs root or CAP_PERFMON, and tracefs at /sys/kernel/tracing, which tcpstate
mounts when run as root).

Each line: time, local and remote address, old → new state, the time spent in the old state
(≥ when the socket already existed at the start), and the socket's owner: the process that
called connect() or listen() on it, the owner of the listener for accepted connections, or
else only the task that was on the CPU (\"on-CPU:\", often not the owner).

Linux never reports a move into TIME_WAIT: the closing side shows FIN_WAIT2 → CLOSE while a
TIME_WAIT mini-socket takes its place. tcpstate looks such sockets up and shows
\"→ TIME_WAIT (inferred)\" only when a snapshot confirms it. Moves the TCP state machine does
not allow are marked with !. Events the kernel dropped (full ring buffer) or counted without
delivering them (some kernels do, for hits while a CPU idles) are counted, and the summary then
says the trace is INCOMPLETE.

The filters of every command apply; a transition matches --state when its old or its new
state does. The tracepoint sees every network namespace; the starting snapshot and the TIME_WAIT
confirmation see the current one.

--events adds what says why connections fail, merged in time order with the transitions:
  retrans  segments retransmitted (tcp:tcp_retransmit_skb), with the socket's state
  synack   SYN-ACKs a listener retransmitted: clients that never finish the handshake
  reset    resets sent (with the kernel's reason, Linux 6.10+) and received
  drop     packets the kernel dropped (skb:kfree_skb) with its reason (named from the
           tracepoint's format file) and the kernel function (from /proc/kallsyms); tied to a
           socket, and so to addresses and owner, only when an event showed that socket
  error    errors sockets reported (sock:inet_sk_error_report): ECONNREFUSED, ETIMEDOUT …
The summary then ranks retransmits per peer and per local port, resets per peer and reason,
drops per reason, place and listener, SYN-ACK retransmits per listener and errors per peer.
--state selects transitions only; --port, --src, --dst and the family select events by their
addresses, and a drop the kernel tied to no socket is shown only without them.";

/// Flags of `trace`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// Print only the summary (transitions matrix, time in state, slowest handshakes and
    /// closes, CLOSE_WAIT left behind; with --events, the ranked retransmits, resets, drops
    /// and errors), not every event.
    #[arg(long)]
    pub summary: bool,

    /// Stop after this long: 10s, 500ms, 2m, 1h (a bare number is seconds).
    #[arg(long, value_parser = super::duration::trace, value_name = "TIME")]
    pub duration: Option<Duration>,

    /// What to trace, comma-separated: state, retrans, reset, drop, synack, error, or all.
    #[arg(long, value_parser = parse_kinds, default_value = "state", value_name = "KINDS")]
    pub events: EventKinds,

    /// Stop after N events shown (transitions and incidents).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Ring buffer size per CPU in 4 KiB pages, a power of two.
    #[arg(long, value_parser = parse_pages, default_value_t = TraceOptions::default().buffer_pages, value_name = "N")]
    pub buffer_pages: usize,

    /// Once tracing is running, write tcpstate's process id to this file (for scripts that
    /// start traffic then, and stop the trace with a signal to that pid).
    #[arg(long, value_name = "FILE")]
    pub ready_file: Option<PathBuf>,

    #[command(flatten)]
    pub ss: super::SsFilterArgs,
}

/// Parse `--buffer-pages`: a power of two from 1 to 1048576.
pub fn parse_pages(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n.is_power_of_two() && n <= 1 << 20 => Ok(n),
        _ => Err(format!(
            "bad page count '{s}': a power of two such as 64, 512 or 4096"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        assert_eq!(parse_pages("512"), Ok(512));
        assert!(parse_pages("500").is_err());
        assert!(parse_pages("0").is_err());
    }
}
