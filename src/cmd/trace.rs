//! `tcpstate trace`: state transitions live, from the kernel tracepoint, one line each, with
//! a summary at the end (or only the summary with `--summary`). Stops after `--duration`,
//! after `--count` transitions, or on Ctrl-C / SIGTERM, always printing the summary.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use super::UsageError;
use super::stdout;
use crate::cli::Common;
use crate::render::trace::{TimeBase, TraceInfo, TraceWriter, summary};
use crate::render::{DataFormat as Format, Style};
use crate::trace::perf::monotonic_ns;
use crate::trace::{NoProcessScan, Options, StateMachine, Tracer, Transition};

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
    #[arg(long, value_parser = parse_duration, value_name = "TIME")]
    pub duration: Option<Duration>,

    /// Stop after N transitions.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Ring buffer size per CPU in 4 KiB pages, a power of two.
    #[arg(long, value_parser = parse_pages, default_value_t = Options::default().buffer_pages, value_name = "N")]
    pub buffer_pages: usize,

    /// Once tracing is running, write tcpstate's process id to this file (for scripts that
    /// start traffic then, and stop the trace with a signal to that pid).
    #[arg(long, value_name = "FILE")]
    pub ready_file: Option<PathBuf>,
}

/// Parse `10s`, `500ms`, `2m`, `1h`, `1.5s` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad = || format!("bad duration '{s}': write 10s, 500ms, 2m or 1h");
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1e3,
        "us" | "µs" => n / 1e6,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
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

/// Hands transitions to the writer and counts them against `--count`.
struct Emitter<'w> {
    writer: TraceWriter<'w>,
    per_event: bool,
    shown: u64,
    limit: u64,
    err: Option<io::Error>,
}

impl Emitter<'_> {
    /// Show one transition; false when the trace should stop (count reached, or output
    /// failed).
    fn emit(&mut self, t: &Transition) -> bool {
        if self.per_event
            && let Err(e) = self.writer.transition(t)
        {
            self.err = Some(e);
            return false;
        }
        self.shown += 1;
        self.shown < self.limit
    }
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Ctrl-C and SIGTERM end the trace cleanly (with its summary). No SA_RESTART, so the wait
/// in poll() returns at once.
fn install_signal_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler that only stores to an atomic.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = 0;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

pub fn run(common: &Common, args: &TraceArgs) -> Result<()> {
    if !common.from.is_empty() {
        return Err(UsageError(
            "trace follows the live kernel; --from (saved captures) does not apply to it".into(),
        )
        .into());
    }
    if common.netns.is_some() || common.all_netns {
        // The tracepoint reports every namespace's sockets and carries nothing that tells
        // them apart, so a namespace filter could only guess.
        return Err(UsageError(
            "trace cannot pick out one network namespace (the kernel's tracepoint does not say \
             which namespace a socket is in); run it inside the namespace instead: \
             `ip netns exec NAME tcpstate trace` (the starting snapshot and TIME_WAIT checks then \
             read that namespace), and narrow the events with --port or --src/--dst"
                .into(),
        )
        .into());
    }
    let filter = common.filter();
    let format = super::data_format("trace", common.format)?;
    install_signal_handlers();
    let opts = Options {
        buffer_pages: args.buffer_pages,
    };
    let mut tracer = Tracer::start(opts, &filter, StateMachine, NoProcessScan)?;
    for n in tracer.take_notices() {
        eprintln!("tcpstate: notice: {n}");
    }
    let info = TraceInfo {
        cpus: tracer.cpus(),
        buffer_pages: args.buffer_pages,
    };
    let time = TimeBase {
        mono: tracer.start,
        wall: tracer.start_wall,
    };
    let deadline = args.duration.map(|d| {
        tracer
            .start
            .saturating_add(d.as_nanos().min(u128::from(u64::MAX)) as u64)
    });
    let per_event = !args.summary;
    let style = Style::for_stdout();
    let mut out = stdout();
    let mut em = Emitter {
        writer: TraceWriter::new(&mut out, format, style, time),
        per_event,
        shown: 0,
        limit: args.count.unwrap_or(u64::MAX),
        err: None,
    };
    if per_event {
        em.writer.begin()?;
    }
    eprintln!(
        "tcpstate: tracing TCP state transitions on {} CPUs ({} pages per CPU, {} existing sockets known); Ctrl-C to stop",
        info.cpus,
        info.buffer_pages,
        tracer.seeded()
    );
    if let Some(path) = &args.ready_file {
        // Written aside and renamed, so a watcher never reads it half-written.
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, format!("{}\n", std::process::id()))
            .and_then(|()| std::fs::rename(&tmp, path))
            .with_context(|| format!("cannot write the ready file {}", path.display()))?;
    }
    let mut stopped_early = em.limit == 0;
    while !stopped_early && !STOP.load(Ordering::SeqCst) {
        let now = monotonic_ns();
        let mut timeout_ms = 100u64;
        if let Some(d) = deadline {
            if now >= d {
                break;
            }
            timeout_ms = timeout_ms.min((d - now) / 1_000_000 + 1);
        }
        stopped_early = !tracer.step(timeout_ms, false, &mut |t| em.emit(t));
        if per_event && em.err.is_none() {
            em.err = em.writer.flush().err();
            stopped_early |= em.err.is_some();
        }
        for n in tracer.take_notices() {
            eprintln!("tcpstate: notice: {n}");
        }
    }
    tracer.stop();
    if !stopped_early {
        tracer.step(0, true, &mut |t| em.emit(t));
    }
    let write_err = em.err.take();
    drop(em);
    if let Some(e) = write_err {
        return Err(anyhow::Error::new(e).context("writing the trace"));
    }
    for n in tracer.take_notices() {
        eprintln!("tcpstate: notice: {n}");
    }
    let sum = tracer.finish();
    if per_event && format == Format::Csv {
        // Keep the CSV one table: the summary goes to stderr for people.
        out.flush().context("writing the trace")?;
        let mut err = io::stderr().lock();
        summary(&mut err, Format::Table, Style::default(), sum, &info)?;
    } else {
        summary(&mut out, format, style, sum, &info)?;
    }
    out.flush().context("writing the trace")?;
    if !sum.complete() {
        eprintln!(
            "tcpstate: warning: {} events were lost; the trace is incomplete",
            sum.lost_total()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert_eq!(parse_pages("512"), Ok(512));
        assert!(parse_pages("500").is_err());
        assert!(parse_pages("0").is_err());
    }
}
