//! Finding the tracepoint in tracefs: `/sys/kernel/tracing` (never the old debugfs path),
//! mounted by us when it is missing and we are root; the tracepoint's id (what
//! `perf_event_open` needs) and its `format` file (what the decoder needs). Every way this can
//! fail ends in one sentence that says what is missing and how to get it.

use std::io;
use std::path::Path;

use super::event::{FormatError, Layout, parse_format};

/// Where tracefs lives on every kernel since 4.1.
pub const TRACEFS: &str = "/sys/kernel/tracing";
/// The tracepoint's directory inside tracefs.
pub const EVENT_DIR: &str = "events/sock/inet_sock_set_state";

/// Why the tracepoint cannot be found.
#[derive(Debug, thiserror::Error)]
pub enum TracefsError {
    #[error(
        "tracefs is not mounted at {TRACEFS} and only root can mount it; run tcpstate trace as root, or mount it first with `sudo mount -t tracefs tracefs {TRACEFS}`"
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
    #[error(
        "cannot read {path}: permission denied; tracing needs root (or CAP_PERFMON with read access to tracefs): run tcpstate trace with sudo"
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

/// Find `sock:inet_sock_set_state`: mount tracefs if needed, read its id and format.
pub fn open() -> Result<Tracepoint, TracefsError> {
    ensure_mounted()?;
    let dir = Path::new(TRACEFS).join(EVENT_DIR);
    let id_path = dir.join("id");
    let id_text = read(&id_path)?;
    let id = id_text
        .trim()
        .parse::<u64>()
        .map_err(|_| TracefsError::Io {
            path: id_path.display().to_string(),
            err: io::Error::other(format!("'{}' is not a tracepoint id", id_text.trim())),
        })?;
    let fmt_path = dir.join("format");
    let layout = parse_format(&read(&fmt_path)?).map_err(|err| TracefsError::Format {
        path: fmt_path.display().to_string(),
        err,
    })?;
    Ok(Tracepoint { id, layout })
}
