//! `tcpstate trace` against the real kernel: connections made in a private network namespace,
//! traced by the binary (run inside the namespace, so its snapshot and TIME_WAIT lookups see
//! the same sockets), its JSON Lines output parsed and compared with what the connections
//! must have done. The tracepoint is global, so each test uses its own port (and a loopback
//! address of its own) and filters on it. Needs root; skips with a reason otherwise.
//!
//! The submodules: `tracer` runs the binary and retries incomplete traces, `events` reads its
//! JSON lines, `lifecycle` follows whole connections through their states, `options` checks
//! filters, owners, seeding and the unprivileged error, and `causes` checks retransmits,
//! resets, drops and socket errors against the kernel's counters.

/// Fail the check with a message unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

mod causes;
mod decode_fuzz;
mod events;
mod lifecycle;
mod options;
mod tracer;
