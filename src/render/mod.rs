//! Rendering: the only place that formats. Summaries, groups and socket lists in four formats —
//! `table` for people (colour only on a terminal, none with NO_COLOR), `plain` (the awk
//! one-liner's `STATE COUNT` lines), `json` and `csv` — plus the shared pieces every format uses
//! (netstat's address and timer notation).

pub mod csv;
pub mod json;
pub mod list;
pub mod plain;
pub mod table;
pub mod trace;

use std::fmt;
use std::io::{self, Write};
use std::net::IpAddr;

use crate::analyze::count::Counts;
use crate::analyze::group::{Group, GroupBy};
use crate::socket::{Endpoint, Socket, Timer, TimerKind};
use crate::tcp::state::TcpState;

/// Output format, shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// `STATE COUNT` lines exactly as the netstat+awk one-liner prints them.
    Plain,
    /// JSON (schema in the README).
    Json,
    /// CSV with a header row.
    Csv,
}

/// How to decorate: colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    /// Colour only when stdout is a terminal and NO_COLOR is unset (anstream's rule, which
    /// also honours CLICOLOR / CLICOLOR_FORCE).
    pub fn for_stdout() -> Style {
        let choice = anstream::AutoStream::choice(&io::stdout());
        Style {
            colour: !matches!(choice, anstream::ColorChoice::Never),
        }
    }

    pub fn header(&self, w: &mut dyn Write, text: &str) -> io::Result<()> {
        if self.colour {
            let st = anstyle::Style::new().bold();
            write!(w, "{}{text}{}", st.render(), st.render_reset())
        } else {
            w.write_all(text.as_bytes())
        }
    }

    pub fn state(&self, w: &mut dyn Write, s: TcpState, width: usize) -> io::Result<()> {
        let name = s.netstat_name();
        if self.colour {
            let colour = match s {
                TcpState::Established | TcpState::Listen => anstyle::AnsiColor::Green,
                TcpState::CloseWait | TcpState::SynRecv | TcpState::FinWait1 => {
                    anstyle::AnsiColor::Yellow
                }
                TcpState::TimeWait | TcpState::FinWait2 => anstyle::AnsiColor::Cyan,
                _ => anstyle::AnsiColor::Magenta,
            };
            let st = anstyle::Style::new().fg_color(Some(colour.into()));
            write!(w, "{}{name:<width$}{}", st.render(), st.render_reset())
        } else {
            write!(w, "{name:<width$}")
        }
    }
}

/// One column of hosts in a summary: a label and its counts.
#[derive(Debug, Clone)]
pub struct HostCounts {
    pub label: String,
    pub counts: Counts,
}

/// Everything a summary renderer needs.
pub struct SummaryView<'a> {
    pub hosts: &'a [HostCounts],
    /// One-line meaning per state, when `--explain` asked for it.
    pub explain: Option<&'a dyn Fn(TcpState) -> &'static str>,
}

impl SummaryView<'_> {
    /// The combined counts of every host.
    pub fn combined(&self) -> Counts {
        let mut c = Counts::new();
        for h in self.hosts {
            c.merge(&h.counts);
        }
        c
    }

    /// States to show as rows: non-zero in any host, by combined count, largest first.
    pub fn row_states(&self) -> Vec<TcpState> {
        self.combined()
            .rows()
            .into_iter()
            .map(|r| r.state)
            .collect()
    }
}

/// Everything a group renderer needs: one grouping per host.
pub struct GroupView<'a> {
    pub by: GroupBy,
    pub hosts: &'a [(String, Vec<Group>)],
}

impl GroupView<'_> {
    pub fn multi(&self) -> bool {
        self.hosts.len() > 1
    }
}

/// Write an endpoint in netstat's notation: `a.b.c.d:port`, IPv6 unbracketed (`::1:631`),
/// `*` for the port of a listener's peer, names from captures as they were.
pub struct NetstatAddr<'a> {
    pub e: &'a Endpoint,
    /// Whether a zero port is a wildcard (`0.0.0.0:*`).
    pub wildcard_port: bool,
}

impl fmt::Display for NetstatAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.e.name {
            return f.write_str(name);
        }
        match self.e.ip {
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                // netstat prints an IPv4-mapped peer of a tcp6 socket as plain IPv4.
                Some(v4) if !v6.is_unspecified() => write!(f, "{v4}")?,
                _ => write!(f, "{v6}")?,
            },
            Some(ip) => write!(f, "{ip}")?,
            None => f.write_str("*")?,
        }
        match self.e.port {
            Some(0) if self.wildcard_port => f.write_str(":*"),
            Some(p) => write!(f, ":{p}"),
            None => f.write_str(":*"),
        }
    }
}

/// The local and remote endpoints of a socket in netstat notation, padded to netstat's 23.
pub fn addr_pair(s: &Socket) -> (NetstatAddr<'_>, NetstatAddr<'_>) {
    let listening = s.state == TcpState::Listen;
    (
        NetstatAddr {
            e: &s.local,
            wildcard_port: listening,
        },
        NetstatAddr {
            e: &s.remote,
            wildcard_port: listening,
        },
    )
}

/// A timer as netstat `-o` prints it: `keepalive (6580.48/0/0)`.
pub struct NetstatTimer<'a>(pub &'a Timer);

impl fmt::Display for NetstatTimer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let secs = if t.kind == TimerKind::Off {
            0.0
        } else {
            t.expires_ms as f64 / 1000.0
        };
        write!(
            f,
            "{} ({secs:.2}/{}/0)",
            t.kind.netstat_name(),
            t.retransmits
        )
    }
}
