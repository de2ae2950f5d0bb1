//! What each TCP state means, in English and Chinese: a one-line meaning, a short paragraph,
//! who is in the state, how a socket enters and leaves it, how long it lasts on Linux, what a
//! large count means on a load balancer, a web node and a database, and what to look at next.
//! Also the words for the state machine's events and notes. Texts only, no I/O: the values of
//! the kernel settings named here are read by the command and shown by the renderer.

mod en;
mod terms;
mod zh;

pub use terms::{event_text, knob_about, note_text};

use crate::i18n::Lang;
use crate::tcp::state::TcpState;

/// Everything said about one state, in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateText {
    /// What the state means, in one line.
    pub one_line: &'static str,
    /// A short paragraph.
    pub about: &'static str,
    /// Which side is in it: client or server, active or passive closer, or either.
    pub who: &'static str,
    /// How a socket enters it: segments sent and received, application calls.
    pub enters: &'static str,
    /// How a socket leaves it.
    pub leaves: &'static str,
    /// How long it normally lasts on Linux and what bounds it.
    pub lasts: &'static str,
    /// What a large count means on a load balancer.
    pub load_balancer: &'static str,
    /// … on a web node.
    pub web: &'static str,
    /// … on a database.
    pub database: &'static str,
    /// What to look at next (the commands, settings and counters are in `StateFacts`).
    pub next: &'static str,
}

/// What is said about a state in every language: the kernel settings that bound it, the
/// tcpstate commands to run next, the TcpExt counters to watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateFacts {
    pub knobs: &'static [Knob],
    pub commands: &'static [&'static str],
    /// Field names of the TcpExt lines of /proc/net/netstat.
    pub counters: &'static [&'static str],
}

/// A kernel setting (sysctl) that bounds or shapes a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Knob {
    TcpKeepaliveTime,
    TcpKeepaliveIntvl,
    TcpKeepaliveProbes,
    TcpRetries2,
    TcpSynRetries,
    TcpSynackRetries,
    TcpMaxSynBacklog,
    TcpSyncookies,
    TcpAbortOnOverflow,
    Somaxconn,
    TcpOrphanRetries,
    TcpMaxOrphans,
    TcpFinTimeout,
    TcpMaxTwBuckets,
    TcpTwReuse,
    TcpRfc1337,
    IpLocalPortRange,
}

impl Knob {
    /// The sysctl's dotted name.
    pub fn name(self) -> &'static str {
        match self {
            Knob::TcpKeepaliveTime => "net.ipv4.tcp_keepalive_time",
            Knob::TcpKeepaliveIntvl => "net.ipv4.tcp_keepalive_intvl",
            Knob::TcpKeepaliveProbes => "net.ipv4.tcp_keepalive_probes",
            Knob::TcpRetries2 => "net.ipv4.tcp_retries2",
            Knob::TcpSynRetries => "net.ipv4.tcp_syn_retries",
            Knob::TcpSynackRetries => "net.ipv4.tcp_synack_retries",
            Knob::TcpMaxSynBacklog => "net.ipv4.tcp_max_syn_backlog",
            Knob::TcpSyncookies => "net.ipv4.tcp_syncookies",
            Knob::TcpAbortOnOverflow => "net.ipv4.tcp_abort_on_overflow",
            Knob::Somaxconn => "net.core.somaxconn",
            Knob::TcpOrphanRetries => "net.ipv4.tcp_orphan_retries",
            Knob::TcpMaxOrphans => "net.ipv4.tcp_max_orphans",
            Knob::TcpFinTimeout => "net.ipv4.tcp_fin_timeout",
            Knob::TcpMaxTwBuckets => "net.ipv4.tcp_max_tw_buckets",
            Knob::TcpTwReuse => "net.ipv4.tcp_tw_reuse",
            Knob::TcpRfc1337 => "net.ipv4.tcp_rfc1337",
            Knob::IpLocalPortRange => "net.ipv4.ip_local_port_range",
        }
    }
}

/// The states `explain` covers, in the order of a connection's life ending in CLOSED; the
/// order is defined in [`TcpState::LIFE_CYCLE_ENDING_CLOSED`].
pub const LIFE_ORDER: [TcpState; 12] = TcpState::LIFE_CYCLE_ENDING_CLOSED;

/// Everything said about `state` in `lang`. A request socket (NEW_SYN_RECV) is explained
/// under SYN_RECV.
pub fn text(state: TcpState, lang: Lang) -> StateText {
    match lang {
        Lang::En => en::state(state),
        Lang::Zh => zh::state(state),
    }
}

/// What `state` means, in one line.
pub fn one_line(state: TcpState, lang: Lang) -> &'static str {
    text(state, lang).one_line
}

/// The language-free facts about `state`.
pub fn facts(state: TcpState) -> StateFacts {
    use Knob as K;
    use TcpState as S;
    let (knobs, commands, counters): (&[Knob], &[&str], &[&str]) = match state {
        S::Established => (
            &[
                K::TcpKeepaliveTime,
                K::TcpKeepaliveIntvl,
                K::TcpKeepaliveProbes,
                K::TcpRetries2,
            ],
            &[
                "tcpstate summary --by remote-ip --state established",
                "tcpstate summary --by local-port --state established",
            ],
            &["TCPTimeouts", "TCPAbortOnTimeout", "TCPKeepAlive"],
        ),
        S::SynSent => (
            &[K::TcpSynRetries, K::IpLocalPortRange],
            &[
                "tcpstate summary --by remote-ip --state syn-sent",
                "tcpstate list --state syn-sent -p",
            ],
            &["TCPSynRetrans", "TCPTimeouts"],
        ),
        S::SynRecv | S::NewSynRecv => (
            &[
                K::TcpSynackRetries,
                K::TcpMaxSynBacklog,
                K::Somaxconn,
                K::TcpSyncookies,
                K::TcpAbortOnOverflow,
            ],
            &[
                "tcpstate summary --by local-port --state syn-recv",
                "tcpstate list --state listen -p",
                "tcpstate check",
            ],
            &[
                "ListenOverflows",
                "ListenDrops",
                "TCPReqQFullDrop",
                "TCPReqQFullDoCookies",
                "SyncookiesSent",
                "TCPSynRetrans",
            ],
        ),
        S::FinWait1 => (
            &[K::TcpOrphanRetries, K::TcpMaxOrphans, K::TcpRetries2],
            &[
                "tcpstate list --state fin-wait-1",
                "tcpstate summary --by remote-ip --state fin-wait-1",
            ],
            &["TCPAbortOnMemory", "TCPAbortOnTimeout"],
        ),
        S::FinWait2 => (
            &[K::TcpFinTimeout],
            &["tcpstate summary --by remote-ip --state fin-wait-2"],
            &[],
        ),
        S::Closing => (
            &[K::TcpOrphanRetries, K::TcpRetries2],
            &["tcpstate summary --by remote-ip --state closing"],
            &["TCPTimeouts", "TCPAbortOnTimeout"],
        ),
        S::TimeWait => (
            &[
                K::TcpMaxTwBuckets,
                K::TcpTwReuse,
                K::IpLocalPortRange,
                K::TcpRfc1337,
            ],
            &[
                "tcpstate summary --by remote-ip --state time-wait",
                "tcpstate check",
            ],
            &["TW", "TWRecycled", "TWKilled", "TCPTimeWaitOverflow"],
        ),
        S::CloseWait => (
            &[],
            &[
                "tcpstate list --state close-wait -p",
                "tcpstate summary --by remote-ip --state close-wait",
            ],
            &[],
        ),
        S::LastAck => (
            &[K::TcpOrphanRetries, K::TcpRetries2],
            &["tcpstate summary --by remote-ip --state last-ack"],
            &["TCPTimeouts", "TCPAbortOnTimeout"],
        ),
        S::Listen => (
            &[K::Somaxconn, K::TcpMaxSynBacklog, K::TcpAbortOnOverflow],
            &["tcpstate list --state listen -p", "tcpstate check"],
            &["ListenOverflows", "ListenDrops"],
        ),
        S::Close => (&[], &[], &[]),
        S::BoundInactive => (
            &[K::IpLocalPortRange],
            &["tcpstate list --state bound-inactive -p"],
            &[],
        ),
        S::Unknown => (&[], &[], &[]),
    };
    StateFacts {
        knobs,
        commands,
        counters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::fsm::{self, Event, Note};

    fn is_chinese(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_state_has_every_text_in_both_languages() {
        for s in TcpState::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let t = text(s, lang);
                for (field, v) in [
                    ("one_line", t.one_line),
                    ("about", t.about),
                    ("who", t.who),
                    ("enters", t.enters),
                    ("leaves", t.leaves),
                    ("lasts", t.lasts),
                    ("load_balancer", t.load_balancer),
                    ("web", t.web),
                    ("database", t.database),
                    ("next", t.next),
                ] {
                    assert!(!v.trim().is_empty(), "{s} {lang:?} {field} empty");
                    assert_eq!(is_chinese(v), lang == Lang::Zh, "{s} {lang:?} {field}: {v}");
                }
                assert!(!t.one_line.contains('\n'));
            }
        }
    }

    #[test]
    fn request_sockets_are_explained_under_syn_recv() {
        assert_eq!(
            text(TcpState::NewSynRecv, Lang::En),
            text(TcpState::SynRecv, Lang::En)
        );
        assert!(
            text(TcpState::SynRecv, Lang::En)
                .about
                .contains("NEW_SYN_RECV")
        );
        assert!(
            text(TcpState::SynRecv, Lang::Zh)
                .about
                .contains("NEW_SYN_RECV")
        );
    }

    #[test]
    fn the_bounds_the_issue_names_are_mentioned() {
        let lasts = |s| text(s, Lang::En).lasts;
        assert!(lasts(TcpState::TimeWait).contains("60 s"));
        assert!(lasts(TcpState::FinWait2).contains("tcp_fin_timeout"));
        assert!(lasts(TcpState::SynRecv).contains("tcp_synack_retries"));
        assert!(lasts(TcpState::SynSent).contains("tcp_syn_retries"));
        for s in [TcpState::FinWait1, TcpState::LastAck, TcpState::Closing] {
            assert!(lasts(s).contains("tcp_orphan_retries"), "{s}");
        }
        assert!(lasts(TcpState::Established).contains("keepalive"));
        assert!(facts(TcpState::TimeWait).commands[0].contains("--state time-wait"));
        assert!(
            facts(TcpState::CloseWait)
                .commands
                .contains(&"tcpstate list --state close-wait -p")
        );
    }

    #[test]
    fn events_notes_and_knobs_have_words_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            for t in fsm::TRANSITIONS {
                assert!(!event_text(t.event, lang).is_empty());
            }
            assert!(is_chinese(event_text(Event::Abort, Lang::Zh)));
            for n in Note::ALL {
                assert_eq!(is_chinese(note_text(n, lang)), lang == Lang::Zh, "{n:?}");
            }
            for s in TcpState::ALL {
                for k in facts(s).knobs {
                    assert_eq!(is_chinese(knob_about(*k, lang)), lang == Lang::Zh, "{k:?}");
                    assert!(k.name().starts_with("net."));
                }
            }
        }
    }
}
