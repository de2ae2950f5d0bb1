//! Value parsers for state words (`--state`, `--assume-state`) that also tell clap the words
//! to offer: shell completions and manual pages list every state and group in one spelling,
//! while parsing still accepts every spelling `TcpState::parse_word` and `StateSet::parse`
//! know (netstat, ss, RFC, BSD, Windows, any case, comma-separated lists).

use std::ffi::OsStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use tcpstate::tcp::state::{StateSet, TcpState};

/// Every reported state in the spelling completions offer, with a few words on it.
pub const STATE_WORDS: &[(&str, &str)] = &[
    ("established", "open, data flows both ways"),
    ("syn-sent", "connect() sent SYN, waiting for the answer"),
    ("syn-recv", "SYN received, handshake not finished"),
    ("fin-wait-1", "closed here, FIN not yet acknowledged"),
    ("fin-wait-2", "closed here, waiting for the peer's FIN"),
    ("time-wait", "closed both ways, waiting out old segments"),
    ("close", "closed or unconnected"),
    ("close-wait", "the peer closed, this application has not"),
    ("last-ack", "closed last, waiting for the FIN's ACK"),
    ("listen", "waiting for connections"),
    ("closing", "both closed at once, waiting for the ACK"),
    ("bound-inactive", "bound, neither listening nor connected"),
];

/// The groups `StateSet::group` knows, in the spelling completions offer.
pub const GROUP_WORDS: &[(&str, &str)] = &[
    ("all", "every state"),
    ("connected", "every state but listen and close"),
    ("synchronized", "connected, without syn-sent"),
    ("bucket", "the mini-sockets: time-wait and syn-recv"),
    ("big", "every state but the mini-sockets"),
    ("closing-all", "every state of a connection being torn down"),
];

fn offered(words: &'static [(&'static str, &'static str)]) -> impl Iterator<Item = PossibleValue> {
    words.iter().map(|(w, h)| PossibleValue::new(*w).help(*h))
}

/// `--state S[,S…]`: states in any spelling and groups.
#[derive(Debug, Clone, Copy)]
pub struct StateSetParser;

impl TypedValueParser for StateSetParser {
    type Value = StateSet;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<StateSet, clap::Error> {
        StringValueParser::new()
            .try_map(|s| s.parse::<StateSet>())
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(offered(STATE_WORDS).chain(offered(GROUP_WORDS))))
    }
}

/// One state word in any spelling (`--assume-state`).
#[derive(Debug, Clone, Copy)]
pub struct StateParser;

impl TypedValueParser for StateParser {
    type Value = TcpState;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<TcpState, clap::Error> {
        StringValueParser::new()
            .try_map(|s| s.parse::<TcpState>())
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(offered(STATE_WORDS)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_words_name_every_reported_state_once_in_order() {
        let parsed: Vec<TcpState> = STATE_WORDS
            .iter()
            .map(|(w, _)| TcpState::parse_word(w).expect("a state word"))
            .collect();
        assert_eq!(parsed, TcpState::REPORTED.to_vec());
    }

    #[test]
    fn offered_groups_are_groups() {
        for (w, _) in GROUP_WORDS {
            assert!(StateSet::group(w).is_some(), "{w}");
        }
    }
}
