//! What a trace follows: the kinds of `--events` (`state`, `retrans`, `reset`, `drop`,
//! `synack`, `error`), their names on the command line and in output, and the tracepoints
//! each needs. The state tracepoint is always read (it names the sockets the other events
//! point at); the kinds decide what is shown and counted.

/// One kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// TCP state transitions (`sock:inet_sock_set_state`).
    State,
    /// Retransmitted segments (`tcp:tcp_retransmit_skb`).
    Retrans,
    /// Resets sent and received (`tcp:tcp_send_reset`, `tcp:tcp_receive_reset`).
    Reset,
    /// Packets the kernel dropped, with the reason (`skb:kfree_skb`).
    Drop,
    /// SYN-ACKs a listener retransmitted (`tcp:tcp_retransmit_synack`).
    SynAck,
    /// Errors sockets reported (`sock:inet_sk_error_report`).
    Error,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::State,
        EventKind::Retrans,
        EventKind::Reset,
        EventKind::Drop,
        EventKind::SynAck,
        EventKind::Error,
    ];

    /// The name on the command line.
    pub fn key(self) -> &'static str {
        match self {
            EventKind::State => "state",
            EventKind::Retrans => "retrans",
            EventKind::Reset => "reset",
            EventKind::Drop => "drop",
            EventKind::SynAck => "synack",
            EventKind::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.key() == s)
    }

    /// The tracepoints (`system:name`) behind the kind, beyond the state tracepoint.
    pub fn tracepoints(self) -> &'static [&'static str] {
        match self {
            EventKind::State => &[],
            EventKind::Retrans => &["tcp:tcp_retransmit_skb"],
            EventKind::Reset => &["tcp:tcp_send_reset", "tcp:tcp_receive_reset"],
            EventKind::Drop => &["skb:kfree_skb"],
            EventKind::SynAck => &["tcp:tcp_retransmit_synack"],
            EventKind::Error => &["sock:inet_sk_error_report"],
        }
    }

    /// The filter the kernel applies before delivering a hit, where one cuts the volume:
    /// drops of IPv4 and IPv6 packets only (ARP, unix sockets and the rest never leave the
    /// kernel).
    pub fn kernel_filter(tracepoint: &str) -> Option<&'static str> {
        (tracepoint == "skb:kfree_skb").then_some("protocol == 2048 || protocol == 34525")
    }
}

/// A set of kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventKinds(u8);

impl EventKinds {
    /// State transitions only: what `trace` follows without `--events`.
    pub const STATE: EventKinds = EventKinds(1);

    pub fn of(kinds: &[EventKind]) -> EventKinds {
        EventKinds(kinds.iter().fold(0, |acc, &k| acc | 1 << k as u8))
    }

    pub fn contains(self, k: EventKind) -> bool {
        self.0 & (1 << k as u8) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = EventKind> {
        EventKind::ALL
            .into_iter()
            .filter(move |&k| self.contains(k))
    }

    /// Whether anything besides state transitions is followed.
    pub fn has_incidents(self) -> bool {
        self.iter().any(|k| k != EventKind::State)
    }

    /// `state,retrans`.
    pub fn label(self) -> String {
        self.iter()
            .map(EventKind::key)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Default for EventKinds {
    fn default() -> EventKinds {
        EventKinds::STATE
    }
}

/// Parse `--events`: a comma-separated list of kinds, or `all`.
pub fn parse_kinds(s: &str) -> Result<EventKinds, String> {
    let mut v = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part == "all" {
            v.extend(EventKind::ALL);
            continue;
        }
        v.push(EventKind::parse(part).ok_or_else(|| {
            format!(
                "unknown event kind '{part}': use state, retrans, reset, drop, synack, error or all"
            )
        })?);
    }
    if v.is_empty() {
        return Err(
            "no event kind given: use state, retrans, reset, drop, synack, error or all".into(),
        );
    }
    Ok(EventKinds::of(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists() {
        let k = parse_kinds("retrans, drop").unwrap();
        assert!(k.contains(EventKind::Retrans) && k.contains(EventKind::Drop));
        assert!(!k.contains(EventKind::State));
        assert_eq!(k.label(), "retrans,drop");
        assert!(k.has_incidents());
        assert!(!EventKinds::STATE.has_incidents());
        assert_eq!(parse_kinds("all").unwrap().iter().count(), 6);
        assert!(
            parse_kinds("retrans,bogus")
                .unwrap_err()
                .contains("'bogus'")
        );
        assert!(parse_kinds(",").is_err());
    }
}
