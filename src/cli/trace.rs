//! Flags and long help of `tcpstate trace`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tcpstate::trace::TraceOptions;

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
confirmation see the current one.";

/// Flags of `trace`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// Print only the summary (transitions matrix, time in state, slowest handshakes and
    /// closes, CLOSE_WAIT left behind), not every transition.
    #[arg(long)]
    pub summary: bool,

    /// Stop after this long: 10s, 500ms, 2m, 1h (a bare number is seconds).
    #[arg(long, value_parser = super::duration::trace, value_name = "TIME")]
    pub duration: Option<Duration>,

    /// Stop after N transitions.
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
