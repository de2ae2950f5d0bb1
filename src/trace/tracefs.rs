//! Finding the tracepoint in tracefs: `/sys/kernel/tracing` (never the old debugfs path),
//! mounted by us when it is missing and we are root; the tracepoint's id (what
//! `perf_event_open` needs) and its `format` file (what the decoder needs). Every way this can
//! fail ends in one sentence that says what is missing and how to get it.

use std::io;
use std::path::Path;

use super::event::{FormatError, Layout, parse_format};
use super::format::EventFormat;
use super::incident::IncidentLayout;

/// Where tracefs lives on every kernel since 4.1.
pub const TRACEFS: &str = "/sys/kernel/tracing";
/// The tracepoint's directory inside tracefs.
pub const EVENT_DIR: &str = "events/sock/inet_sock_set_state";

/// Why the tracepoint cannot be found.
#[derive(Debug, thiserror::Error)]
pub enum TracefsError {
    #[error(
        "tracefs is not mounted at {TRACEFS} and only root can mount it; run tcpstate as root, or mount it first with `sudo mount -t tracefs tracefs {TRACEFS}`"
    )]
    NotMounted,
    #[error(
        "tracefs is not mounted at {TRACEFS} and mounting it failed ({0}); mount it with `mount -t tracefs tracefs {TRACEFS}` (the kernel needs CONFIG_TRACING)"
    )]
    MountFailed(io::Error),
    #[error(
        "this kernel has no sock:inet_sock_set_state tracepoint ({TRACEFS}/{EVENT_DIR} is missing); it needs Linux 4.16 or later built with CONFIG_TRACEPOINTS"
    )]
    NoTracepoint,
    #[error("this kernel has no {name} tracepoint")]
    NoEvent { name: &'static str },
    #[error(
        "this kernel has no {name} tracepoint (it needs Linux {since} or later built with CONFIG_TRACEPOINTS); leave its kind out of --events"
    )]
    NoIncidentEvent {
        name: &'static str,
        since: &'static str,
    },
    #[error(
        "cannot read {path}: permission denied; tracing needs root (or CAP_PERFMON with read access to tracefs): run tcpstate with sudo"
    )]
    Permission { path: String },
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: io::Error },
    #[error("cannot understand {path}: {err}")]
    Format { path: String, err: FormatError },
}

/// The tracepoint as perf needs it: its id and the layout of its raw records.
#[derive(Debug, Clone, Copy)]
pub struct Tracepoint {
    pub id: u64,
    pub layout: Layout,
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Whether tracefs (not an empty mount point) is at `TRACEFS`.
fn mounted() -> bool {
    Path::new(TRACEFS).join("events").is_dir()
        || std::fs::read_to_string("/proc/self/mounts").is_ok_and(|m| {
            m.lines().any(|l| {
                let mut w = l.split_whitespace();
                let (_, dir, fstype) = (w.next(), w.next(), w.next());
                dir == Some(TRACEFS) && fstype == Some("tracefs")
            })
        })
}

/// Mount tracefs at `TRACEFS` if it is not there. Only root may.
pub fn ensure_mounted() -> Result<(), TracefsError> {
    if mounted() {
        return Ok(());
    }
    if !is_root() {
        return Err(TracefsError::NotMounted);
    }
    let src = c"tracefs";
    let dir = c"/sys/kernel/tracing";
    // SAFETY: valid NUL-terminated strings and no mount data.
    let r = unsafe {
        libc::mount(
            src.as_ptr(),
            dir.as_ptr(),
            src.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if r != 0 {
        return Err(TracefsError::MountFailed(io::Error::last_os_error()));
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, TracefsError> {
    std::fs::read_to_string(path).map_err(|err| {
        let p = path.display().to_string();
        match err.kind() {
            io::ErrorKind::PermissionDenied => TracefsError::Permission { path: p },
            io::ErrorKind::NotFound => TracefsError::NoTracepoint,
            _ => TracefsError::Io { path: p, err },
        }
    })
}

/// Read the id and the `format` file of the tracepoint in `dir` (`events/sock/…` under
/// tracefs). `name` (`sock:inet_sock_set_state`) is for messages.
pub fn read_event(dir: &str, name: &'static str) -> Result<(u64, EventFormat), TracefsError> {
    let dir = Path::new(TRACEFS).join(dir);
    let id_path = dir.join("id");
    let id_text = read(&id_path).map_err(|e| match e {
        TracefsError::NoTracepoint => TracefsError::NoEvent { name },
        e => e,
    })?;
    let id = id_text
        .trim()
        .parse::<u64>()
        .map_err(|_| TracefsError::Io {
            path: id_path.display().to_string(),
            err: io::Error::other(format!("'{}' is not a tracepoint id", id_text.trim())),
        })?;
    let fmt_path = dir.join("format");
    let text = read(&fmt_path)?;
    Ok((id, EventFormat::parse(name, &text)))
}

/// Find `sock:inet_sock_set_state`: mount tracefs if needed, read its id and format.
pub fn open() -> Result<Tracepoint, TracefsError> {
    ensure_mounted()?;
    let fmt_path = Path::new(TRACEFS).join(EVENT_DIR).join("format");
    let (id, _) = read_event(EVENT_DIR, "sock:inet_sock_set_state").map_err(|e| match e {
        TracefsError::NoEvent { .. } => TracefsError::NoTracepoint,
        e => e,
    })?;
    let text = read(&fmt_path)?;
    let layout = parse_format(&text).map_err(|err| TracefsError::Format {
        path: fmt_path.display().to_string(),
        err,
    })?;
    Ok(Tracepoint { id, layout })
}

/// The tracepoint behind each kind of incident, and the kernel that brought it.
pub const INCIDENT_EVENTS: &[(&str, &str, &str)] = &[
    (
        "events/tcp/tcp_retransmit_skb",
        "tcp:tcp_retransmit_skb",
        "4.15",
    ),
    (
        "events/tcp/tcp_retransmit_synack",
        "tcp:tcp_retransmit_synack",
        "4.16",
    ),
    ("events/tcp/tcp_send_reset", "tcp:tcp_send_reset", "4.15"),
    (
        "events/tcp/tcp_receive_reset",
        "tcp:tcp_receive_reset",
        "4.15",
    ),
    ("events/skb/kfree_skb", "skb:kfree_skb", "2.6.32"),
    (
        "events/sock/inet_sk_error_report",
        "sock:inet_sk_error_report",
        "5.13",
    ),
];

/// An incident tracepoint as perf needs it: its id, name, decoder and its format (for the
/// names of values).
#[derive(Debug, Clone)]
pub struct IncidentTracepoint {
    pub id: u64,
    pub name: &'static str,
    pub layout: IncidentLayout,
    pub format: EventFormat,
}

/// Find the incident tracepoint `name` (one of [`INCIDENT_EVENTS`]).
pub fn open_incident(name: &str) -> Result<IncidentTracepoint, TracefsError> {
    ensure_mounted()?;
    let Some(&(dir, name, since)) = INCIDENT_EVENTS.iter().find(|(_, n, _)| *n == name) else {
        return Err(TracefsError::Io {
            path: name.to_string(),
            err: io::Error::other("not a tracepoint tcpstate knows"),
        });
    };
    let (id, format) = read_event(dir, name).map_err(|e| match e {
        TracefsError::NoEvent { name } => TracefsError::NoIncidentEvent { name, since },
        e => e,
    })?;
    let layout = IncidentLayout::from_format(&format).map_err(|err| TracefsError::Format {
        path: Path::new(TRACEFS)
            .join(dir)
            .join("format")
            .display()
            .to_string(),
        err,
    })?;
    Ok(IncidentTracepoint {
        id,
        name,
        layout,
        format,
    })
}
