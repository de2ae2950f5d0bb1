//! Thresholds of the health check: the defaults, `--warn STATE=N` / `--crit STATE=N` from the
//! command line, and the TOML file of `--config`. A level is a count (`100`: alert above 100)
//! or a share (`"80%"`: alert at 80% of the base or more — of all sockets for a state, of the
//! limit a rule compares with otherwise); `"off"` removes a level. The file is read in
//! `config_file`; its errors are one sentence naming the file and line.

use std::fmt;
#[cfg(test)]
use std::path::Path;

use super::Severity;
pub use super::config_file::ConfigError;
use crate::tcp::state::{STATE_SLOTS, TcpState};

/// One alert level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Level {
    /// Alert when the value is above this count.
    Count(u64),
    /// Alert when the value is this share of the base (percent) or more; zero never alerts.
    Percent(f64),
}

impl Level {
    /// Whether `value` (out of `base`) reaches this level.
    pub fn trips(self, value: u64, base: u64) -> bool {
        match self {
            Level::Count(n) => value > n,
            Level::Percent(p) => value > 0 && value as f64 * 100.0 >= p * base as f64,
        }
    }

    /// The largest value that does not reach this level, for perfdata (whose thresholds
    /// alert above the number given).
    pub fn highest_ok(self, base: u64) -> u64 {
        match self {
            Level::Count(n) => n,
            Level::Percent(p) => ((p * base as f64 / 100.0).ceil() as u64).saturating_sub(1),
        }
    }

    /// Parse `N`, `N%` or `off` (`None`).
    pub fn parse(text: &str) -> Result<Option<Level>, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("off") || t.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        if let Some(p) = t.strip_suffix('%') {
            return match p.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(Level::Percent(v))),
                _ => Err(format!(
                    "'{text}' is not a percentage; write a number followed by %, like 80%"
                )),
            };
        }
        t.parse::<u64>()
            .map(|n| Some(Level::Count(n)))
            .map_err(|_| {
                format!("'{text}' is not a threshold; write a count (100), a share (80%) or off")
            })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Count(n) => write!(f, "{n}"),
            Level::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A warning and a critical level; either may be absent.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limit {
    pub warn: Option<Level>,
    pub crit: Option<Level>,
}

impl Limit {
    pub const NONE: Limit = Limit {
        warn: None,
        crit: None,
    };

    pub const fn counts(warn: u64, crit: u64) -> Limit {
        Limit {
            warn: Some(Level::Count(warn)),
            crit: Some(Level::Count(crit)),
        }
    }

    pub const fn percents(warn: f64, crit: f64) -> Limit {
        Limit {
            warn: Some(Level::Percent(warn)),
            crit: Some(Level::Percent(crit)),
        }
    }

    /// The severity of `value` out of `base`.
    pub fn severity(&self, value: u64, base: u64) -> Severity {
        if self.crit.is_some_and(|l| l.trips(value, base)) {
            Severity::Critical
        } else if self.warn.is_some_and(|l| l.trips(value, base)) {
            Severity::Warning
        } else {
            Severity::Ok
        }
    }

    pub fn is_set(&self) -> bool {
        self.warn.is_some() || self.crit.is_some()
    }
}

/// Every threshold of every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Sockets in one state; shares are of all sockets. Indexed by kernel state number.
    pub states: [Limit; STATE_SLOTS],
    /// Local ports used towards one (local address, remote address, remote port), of the size
    /// of `ip_local_port_range`.
    pub ephemeral_tuple: Limit,
    /// TIME_WAIT sockets of `tcp_max_tw_buckets`.
    pub tw_buckets: Limit,
    /// Increase of TcpExt TCPTimeWaitOverflow over the interval.
    pub tw_overflow: Limit,
    /// CLOSE_WAIT sockets present in both samples.
    pub close_wait_persistent: Limit,
    /// SYN_RECV sockets of one listening port, of its backlog.
    pub syn_backlog: Limit,
    /// Increase of TcpExt SyncookiesSent over the interval.
    pub syncookies_sent: Limit,
    /// Increase of TcpExt ListenDrops over the interval.
    pub listen_drops: Limit,
    /// A listener's accept queue (Recv-Q) of its backlog (Send-Q).
    pub accept_queue: Limit,
    /// Increase of TcpExt ListenOverflows over the interval.
    pub listen_overflows: Limit,
    /// Orphaned sockets of `tcp_max_orphans`.
    pub orphans: Limit,
    /// Warn when TCP memory is above the pressure threshold (`tcp_mem[1]`).
    pub memory_pressure: bool,
    /// TCP memory of `tcp_mem[2]` (the hard limit).
    pub memory: Limit,
    /// A connected socket whose Send-Q or Recv-Q holds this many bytes or more is stuck.
    pub stuck_bytes: u64,
    /// Number of stuck sockets.
    pub stuck_sockets: Limit,
    /// A peer's 99th percentile rtt, in milliseconds.
    pub peer_rtt_p99_ms: Limit,
    /// A peer's retransmitted bytes, of the bytes sent to it.
    pub peer_retrans: Limit,
    /// A peer's retransmitted share is judged once this many bytes were sent to it.
    pub peer_min_bytes: u64,
    /// Increase of one listener's drops between the two samples.
    pub listener_drops: Limit,
    /// Sockets limited by their send buffer for most of their busy time.
    pub sndbuf_limited: Limit,
    /// Entries of the conntrack table of `nf_conntrack_max`.
    pub conntrack_fill: Limit,
    /// Increase of the conntrack statistic insert_failed over the interval.
    pub conntrack_insert_failed: Limit,
    /// Increase of the conntrack statistic drop over the interval.
    pub conntrack_drop: Limit,
    /// Stale conntrack entries (ESTABLISHED, no socket); none by default: judging them costs
    /// two more socket dumps, so only a configured limit asks for it.
    pub conntrack_stale: Limit,
    /// Lost flows (ESTABLISHED socket, no conntrack entry); none by default, likewise.
    pub conntrack_lost: Limit,
    /// Segments retransmitted to one peer, per second (traced).
    pub peer_retransmits: Limit,
    /// Packets dropped for one reason, per second (traced).
    pub kernel_drops: Limit,
    /// Drop reasons not judged (the kernel's names).
    pub drops_ignored: Vec<String>,
    /// Resets sent, per second (traced).
    pub resets_sent: Limit,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        let mut states = [Limit::NONE; STATE_SLOTS];
        for (s, l) in [
            (TcpState::CloseWait, Limit::counts(100, 1000)),
            (TcpState::FinWait1, Limit::counts(100, 1000)),
            (TcpState::LastAck, Limit::counts(100, 1000)),
            (TcpState::Closing, Limit::counts(50, 500)),
            (TcpState::FinWait2, Limit::counts(500, 5000)),
        ] {
            states[usize::from(s.kernel())] = l;
        }
        Thresholds {
            states,
            ephemeral_tuple: Limit::percents(50.0, 80.0),
            tw_buckets: Limit::percents(80.0, 95.0),
            conntrack_fill: Limit::percents(80.0, 95.0),
            conntrack_insert_failed: Limit {
                warn: Some(Level::Count(0)),
                crit: None,
            },
            conntrack_drop: Limit {
                warn: None,
                crit: Some(Level::Count(0)),
            },
            conntrack_stale: Limit::NONE,
            conntrack_lost: Limit::NONE,
            tw_overflow: Limit {
                warn: Some(Level::Count(0)),
                crit: None,
            },
            close_wait_persistent: Limit::counts(10, 100),
            syn_backlog: Limit::percents(50.0, 90.0),
            syncookies_sent: Limit {
                warn: Some(Level::Count(0)),
                crit: None,
            },
            listen_drops: Limit::counts(0, 100),
            accept_queue: Limit::percents(80.0, 100.0),
            listen_overflows: Limit::counts(0, 100),
            orphans: Limit::percents(50.0, 80.0),
            memory_pressure: true,
            memory: Limit {
                warn: None,
                crit: Some(Level::Percent(90.0)),
            },
            stuck_bytes: 1 << 20,
            stuck_sockets: Limit::counts(10, 100),
            peer_rtt_p99_ms: Limit::counts(500, 2000),
            peer_retrans: Limit::percents(5.0, 20.0),
            peer_min_bytes: 1 << 20,
            listener_drops: Limit::counts(0, 100),
            sndbuf_limited: Limit::counts(10, 100),
            peer_retransmits: Limit::counts(10, 100),
            kernel_drops: Limit::counts(10, 1000),
            drops_ignored: Vec::new(),
            resets_sent: Limit::counts(10, 100),
        }
    }
}

impl Thresholds {
    /// The limit of a state (request sockets share SYN_RECV's).
    pub fn state(&self, s: TcpState) -> Limit {
        self.states[usize::from(s.reported().kernel())]
    }

    /// Whether the check must reconcile the conntrack table with the sockets.
    pub fn wants_reconcile(&self) -> bool {
        self.conntrack_stale != Limit::NONE || self.conntrack_lost != Limit::NONE
    }

    pub fn state_mut(&mut self, s: TcpState) -> &mut Limit {
        &mut self.states[usize::from(s.reported().kernel())]
    }

    /// Apply `--warn` / `--crit` settings.
    pub fn apply_cli(&mut self, warn: &[StateLevel], crit: &[StateLevel]) {
        for sl in warn {
            self.state_mut(sl.state).warn = sl.level;
        }
        for sl in crit {
            self.state_mut(sl.state).crit = sl.level;
        }
    }
}

/// `STATE=LEVEL` from `--warn` / `--crit`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateLevel {
    pub state: TcpState,
    /// `None` for `off`.
    pub level: Option<Level>,
}

/// Parse `STATE=N`, `STATE=N%` or `STATE=off`, the state in any spelling.
pub fn parse_state_level(text: &str) -> Result<StateLevel, String> {
    let (state, level) = text.split_once('=').ok_or_else(|| {
        format!("'{text}' is not STATE=N; write e.g. close-wait=100 or time-wait=80%")
    })?;
    let state = state
        .trim()
        .parse::<TcpState>()
        .map_err(|e| e.to_string())?;
    Ok(StateLevel {
        state,
        level: Level::parse(level)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_trip() {
        assert_eq!(Level::parse("5"), Ok(Some(Level::Count(5))));
        assert_eq!(Level::parse("80%"), Ok(Some(Level::Percent(80.0))));
        assert_eq!(Level::parse("off"), Ok(None));
        assert!(Level::parse("-3").is_err());
        assert!(Level::parse("lots").is_err());
        assert!(!Level::Count(5).trips(5, 0));
        assert!(Level::Count(5).trips(6, 0));
        assert!(Level::Percent(80.0).trips(8, 10));
        assert!(!Level::Percent(80.0).trips(7, 10));
        assert!(Level::Percent(80.0).trips(1, 0), "a full zero-sized queue");
        assert!(!Level::Percent(80.0).trips(0, 0));
        assert_eq!(Level::Percent(80.0).highest_ok(10), 7);
        assert_eq!(Level::Count(9).highest_ok(10), 9);
    }

    #[test]
    fn state_levels_from_the_command_line() {
        let sl = parse_state_level("CLOSE_WAIT=5").unwrap();
        assert_eq!(sl.state, TcpState::CloseWait);
        assert_eq!(sl.level, Some(Level::Count(5)));
        let sl = parse_state_level("time-wait=10%").unwrap();
        assert_eq!(sl.state, TcpState::TimeWait);
        assert!(
            parse_state_level("bogus=5")
                .unwrap_err()
                .contains("'bogus'")
        );
        assert!(parse_state_level("close-wait").is_err());
        let mut t = Thresholds::default();
        t.apply_cli(&[sl], &[parse_state_level("syn-rcvd=3").unwrap()]);
        assert_eq!(t.state(TcpState::TimeWait).warn, Some(Level::Percent(10.0)));
        assert_eq!(t.state(TcpState::NewSynRecv).crit, Some(Level::Count(3)));
    }

    #[test]
    fn toml_applies_over_defaults() {
        let mut t = Thresholds::default();
        let text = r#"
[states]
CLOSE-WAIT = { warn = 5 }
time_wait = { warn = "50%", crit = "off" }

[accept_queue]
listener = { warn = "70%" }

[memory]
pressure = false

[stuck_queues]
bytes = 4096
"#;
        t.apply_toml(text, Path::new("t.toml")).unwrap();
        assert_eq!(t.state(TcpState::CloseWait), Limit::counts(5, 1000));
        assert_eq!(t.state(TcpState::TimeWait).warn, Some(Level::Percent(50.0)));
        assert_eq!(t.state(TcpState::TimeWait).crit, None);
        assert_eq!(t.accept_queue.warn, Some(Level::Percent(70.0)));
        assert_eq!(t.accept_queue.crit, Some(Level::Percent(100.0)));
        assert!(!t.memory_pressure);
        assert_eq!(t.stuck_bytes, 4096);
    }

    #[test]
    fn toml_errors_name_file_and_line() {
        let mut t = Thresholds::default();
        let cases = [
            (
                "[states]\nclose_wait = { warn = 5 }\nbogus = { warn = 1 }\n",
                3,
                "bogus",
            ),
            ("[states]\n\nclose_wait = { warm = 5 }\n", 3, "warm"),
            (
                "[accept_queue]\nlistener = { warn = \"lots\" }\n",
                2,
                "lots",
            ),
            ("[nope]\nx = 1\n", 1, "nope"),
            ("[states\n", 1, ""),
        ];
        for (text, line, word) in cases {
            let e = t.apply_toml(text, Path::new("/etc/t.toml")).unwrap_err();
            let prefix = format!("/etc/t.toml:{line}: ");
            assert!(e.message.starts_with(&prefix), "{text:?} gave {e}");
            assert!(e.message.contains(word), "{text:?} gave {e}");
            assert!(!e.message.contains('\n'), "{e}");
        }
    }
}
