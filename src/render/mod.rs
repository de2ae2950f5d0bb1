//! Rendering: the only place that formats. Summaries, groups and socket lists in four formats —
//! `table` for people (colour only on a terminal, none with NO_COLOR), `plain` (the awk
//! one-liner's `STATE COUNT` lines), `json` and `csv` — plus the shared pieces every format uses
//! (netstat's address and timer notation). The health check's report (human, json) is in
//! `check`, its monitoring-plugin status line in `nagios`; the exporter's Prometheus /
//! OpenMetrics exposition in `prometheus`.

pub mod check;
pub mod conntrack;
pub mod conntrack_list;
pub mod csv;
pub mod explain;
pub mod fleet;
pub mod format;
pub mod fsm;
pub mod fsm_path;
pub mod group_stats;
pub mod inside;
pub mod ipvs;
pub mod json;
pub mod kill;
pub mod list;
pub mod nagios;
pub mod plain;
pub mod progress;
pub mod prometheus;
pub mod reconcile;
pub mod table;
pub mod text;
pub mod trace;
pub mod watch;

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::net::IpAddr;

use crate::analyze::count::Counts;
use crate::analyze::group::{Group, GroupBy, Grouping, Key};
use crate::socket::{Endpoint, Socket, Timer, TimerKind};
use crate::source::process::Attribution;
use crate::tcp::state::{StateSet, TcpState};

pub use format::{DataFormat, Format, OutputKind, UnwritableFormat};

/// Write a summary in `format`.
pub fn summary(
    w: &mut dyn Write,
    format: DataFormat,
    style: Style,
    v: &SummaryView,
) -> io::Result<()> {
    match format {
        DataFormat::Table => table::summary(w, style, v),
        DataFormat::Plain => plain::summary(w, v),
        DataFormat::Json => json::summary(w, v),
        DataFormat::Csv => csv::summary(w, v),
    }
}

/// Write grouped counts in `format`.
pub fn groups(
    w: &mut dyn Write,
    format: DataFormat,
    style: Style,
    v: &GroupView,
) -> io::Result<()> {
    match format {
        DataFormat::Table => table::groups(w, style, v),
        DataFormat::Plain => plain::groups(w, v),
        DataFormat::Json => json::groups(w, v),
        DataFormat::Csv => csv::groups(w, v),
    }
}

/// How to decorate: colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    /// Colour only when stdout is a terminal and NO_COLOR is unset, or when CLICOLOR_FORCE
    /// asks for it (see [`colour_wanted`]).
    pub fn for_stdout() -> Style {
        Style {
            colour: colour_wanted(io::stdout().is_terminal()),
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

    /// A socket's state in a list: netstat's spelling, coloured by kind on a terminal; `?`
    /// (uncoloured) when the input did not carry it, as every unknown value in a table.
    pub fn state(&self, w: &mut dyn Write, s: TcpState, width: usize) -> io::Result<()> {
        if s == TcpState::Unknown {
            return write!(w, "{:<width$}", "?");
        }
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

/// Whether an output should be coloured, by the conventions of NO_COLOR and CLICOLOR: read
/// from the environment; `terminal`: the output is a terminal. Every coloured output of
/// tcpstate asks this, the `watch` dashboard included.
pub fn colour_wanted(terminal: bool) -> bool {
    let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    colour_decision(&ColourEnv {
        no_color: var("NO_COLOR"),
        clicolor_force: var("CLICOLOR_FORCE"),
        clicolor: var("CLICOLOR"),
        term: var("TERM"),
        terminal,
    })
}

/// The environment [`colour_decision`] judges.
#[derive(Debug, Default)]
pub struct ColourEnv {
    pub no_color: Option<String>,
    pub clicolor_force: Option<String>,
    pub clicolor: Option<String>,
    pub term: Option<String>,
    pub terminal: bool,
}

/// NO_COLOR set and not empty: never. Else CLICOLOR_FORCE set, not empty and not `0`:
/// always. Else CLICOLOR=0: never. Else only on a terminal whose TERM is not `dumb`.
pub fn colour_decision(env: &ColourEnv) -> bool {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    if set(&env.no_color) {
        return false;
    }
    if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0") {
        return true;
    }
    if env.clicolor.as_deref() == Some("0") {
        return false;
    }
    env.terminal && env.term.as_deref() != Some("dumb")
}

/// One column of hosts in a summary: a label and its counts.
#[derive(Debug, Clone)]
pub struct HostCounts {
    pub label: String,
    pub counts: Counts,
    /// States whose count the input does not carry for this host (a Prometheus series that
    /// is missing): `?` in tables, null in JSON, an empty CSV field, no line in `plain`; the
    /// host's total is then unknown too. Their count in `counts` is 0 and adds nothing to
    /// the combined column.
    pub unknown: StateSet,
    /// Why some counts are unknown, for people (JSON `note`).
    pub note: Option<String>,
}

impl HostCounts {
    /// A host whose every count is known.
    pub fn known(label: String, counts: Counts) -> HostCounts {
        HostCounts {
            label,
            counts,
            unknown: StateSet::EMPTY,
            note: None,
        }
    }

    /// The count of `s`, or `None` when unknown (missing from the input, or a state the
    /// source was not asked for: `Counts::known`).
    pub fn get(&self, s: TcpState) -> Option<u64> {
        if self.unknown.contains(s) {
            return None;
        }
        self.counts.known(s)
    }

    /// The total, or `None` when a count is unknown.
    pub fn total(&self) -> Option<u64> {
        self.unknown.is_empty().then(|| self.counts.total())
    }
}

/// A state as the first column of a summary or group table names it: netstat's spelling, and
/// for sockets whose input carried no state, what they are.
pub fn state_label(s: TcpState) -> &'static str {
    match s {
        TcpState::Unknown => "unknown (no State column)",
        s => s.netstat_name(),
    }
}

/// A count that may be unknown, as a table cell: the number, or `?`.
pub fn cell(n: Option<u64>) -> String {
    n.map_or_else(|| "?".to_string(), |n| n.to_string())
}

/// Everything a summary renderer needs.
pub struct SummaryView<'a> {
    pub hosts: &'a [HostCounts],
    /// One column per host (every namespace, several captures), even when only one was
    /// found: the shape follows what was asked, not what was found.
    pub many: bool,
    /// One-line meaning per state, when `--explain` asked for it.
    pub explain: Option<&'a dyn Fn(TcpState) -> &'static str>,
}

impl SummaryView<'_> {
    /// Whether hosts are shown side by side.
    pub fn multi(&self) -> bool {
        self.many || self.hosts.len() > 1
    }

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
    pub by: &'a Grouping,
    pub hosts: &'a [(String, Vec<Group>)],
    /// A HOST column (every namespace, several captures), as `SummaryView::many`.
    pub many: bool,
    /// The groups carry their figures (`--stats`).
    pub stats: bool,
}

impl GroupView<'_> {
    pub fn multi(&self) -> bool {
        self.many || self.hosts.len() > 1
    }

    /// One row of text fields per group: `[host,] key parts…, total, count per state in
    /// `states``, then what `extra` adds.
    pub fn rows(
        &self,
        states: &[TcpState],
        extra: impl Fn(&Group) -> Vec<String>,
    ) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (label, groups) in self.hosts {
            for g in groups {
                let mut r = Vec::with_capacity(states.len() + 3);
                if self.multi() {
                    r.push(label.clone());
                }
                r.extend(g.key.parts().iter().map(|k| k.to_string()));
                r.push(g.total.to_string());
                r.extend(states.iter().map(|&s| g.count(s).to_string()));
                r.extend(extra(g));
                rows.push(r);
            }
        }
        rows
    }
}

/// Write an endpoint in netstat's notation: `a.b.c.d:port`, IPv6 unbracketed (`::1:631`),
/// `*` for the port of a listener's peer, names from captures as they were, `?` for what a
/// capture redacted.
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
            None => f.write_str("?")?,
        }
        match self.e.port {
            Some(0) if self.wildcard_port => f.write_str(":*"),
            Some(p) => write!(f, ":{p}"),
            None => f.write_str(":?"),
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
pub struct NetstatTimer<'a>(pub &'a Option<Timer>);

impl fmt::Display for NetstatTimer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A timer the input did not carry.
        let Some(t) = self.0 else {
            return f.write_str("-");
        };
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

/// A number the input may not carry: the number, or `-`.
pub struct Known<T>(pub Option<T>);

impl<T: fmt::Display> fmt::Display for Known<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => fmt::Display::fmt(v, f),
            None => f.pad("-"),
        }
    }
}

/// Processes as `1874/nginx,1875/nginx` (pid/command, comma-separated).
pub fn write_owner_list<'a>(
    f: &mut dyn fmt::Write,
    owners: impl Iterator<Item = (u32, &'a str)>,
) -> fmt::Result {
    for (i, (pid, command)) in owners.enumerate() {
        if i > 0 {
            f.write_char(',')?;
        }
        write!(f, "{pid}/{command}")?;
    }
    Ok(())
}

/// The heading of a group's key column.
pub fn group_heading(by: GroupBy) -> &'static str {
    match by {
        GroupBy::RemoteIp => "REMOTE-IP",
        GroupBy::RemotePort => "REMOTE-PORT",
        GroupBy::LocalIp => "LOCAL-IP",
        GroupBy::LocalPort => "LOCAL-PORT",
        GroupBy::State => "STATE",
        GroupBy::Process => "PID/PROGRAM",
        GroupBy::Netns => "NETNS",
    }
}

/// A group's key as every renderer writes it: an address, a port, a state's netstat name,
/// `pid/command` owners (`unattributed` for none), `?` when unknown.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Ip(ip) => write!(f, "{ip}"),
            Key::Port(p) => write!(f, "{p}"),
            Key::State(s) => f.write_str(s.netstat_name()),
            Key::Name(n) => f.write_str(n),
            Key::Tuple(parts) => {
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
            Key::Processes(p) if p.is_empty() => f.write_str("unattributed"),
            Key::Processes(p) => write_owner_list(f, p.iter().map(|(pid, c)| (*pid, &**c))),
            Key::Unknown => f.write_str("?"),
        }
    }
}

/// The owners of one socket as the PID/Program column shows them: `1874/nginx,1875/nginx`,
/// followed by ` (via listener)` for a mini-socket credited to its port's listener, or `-`
/// when no process could be credited.
pub struct OwnersText<'a>(pub &'a Attribution<'a>);

impl fmt::Display for OwnersText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("-");
        }
        write_owner_list(f, self.0.owners().map(|o| (o.pid, o.command)))?;
        if self.0.via_listener {
            f.write_str(" (via listener)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod colour_tests {
    use super::*;

    fn env(pairs: &[(&str, &str)], terminal: bool) -> ColourEnv {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        };
        ColourEnv {
            no_color: get("NO_COLOR"),
            clicolor_force: get("CLICOLOR_FORCE"),
            clicolor: get("CLICOLOR"),
            term: get("TERM").or(Some("xterm-256color".into())),
            terminal,
        }
    }

    #[test]
    fn no_color_wins_then_clicolor_force_then_the_terminal() {
        assert!(colour_decision(&env(&[], true)));
        assert!(!colour_decision(&env(&[], false)));
        assert!(!colour_decision(&env(&[("NO_COLOR", "1")], true)));
        // An empty NO_COLOR is unset, by its convention.
        assert!(colour_decision(&env(&[("NO_COLOR", "")], true)));
        assert!(colour_decision(&env(&[("CLICOLOR_FORCE", "1")], false)));
        assert!(!colour_decision(&env(&[("CLICOLOR_FORCE", "0")], false)));
        assert!(!colour_decision(&env(
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
            true
        )));
        assert!(!colour_decision(&env(&[("CLICOLOR", "0")], true)));
        assert!(!colour_decision(&env(&[("TERM", "dumb")], true)));
    }
}
