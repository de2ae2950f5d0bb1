//! Flags of `tcpstate explain`: the states to explain (any spelling, groups expanded in the
//! order of a connection's life) and whether to read this host's sysctls.

use tcpstate::i18n::Lang;
use tcpstate::tcp::explain::LIFE_ORDER;
use tcpstate::tcp::state::{StateSet, TcpState, UnknownState};

/// The states of one command-line word: a state in any spelling, a group, or a comma list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateArg(pub Vec<TcpState>);

/// Parse a `STATE` argument. Groups expand in the order of a connection's life; request
/// sockets (NEW_SYN_RECV) become SYN_RECV.
pub fn parse_state_words(arg: &str) -> Result<StateArg, UnknownState> {
    let mut out = Vec::new();
    for word in arg.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match StateSet::group(word) {
            Some(set) => out.extend(LIFE_ORDER.iter().copied().filter(|&s| set.contains(s))),
            None => out.push(
                TcpState::parse_word(word)
                    .ok_or_else(|| UnknownState::in_set(word))?
                    .reported(),
            ),
        }
    }
    if out.is_empty() {
        return Err(UnknownState::in_set(arg));
    }
    Ok(StateArg(out))
}

/// Explain TCP states: meaning, who is in them, how they begin and end, how long they last
/// (with this host's sysctls) and what a large count means.
#[derive(Debug, Clone, clap::Args)]
pub struct ExplainArgs {
    /// States or groups in any spelling (TIME_WAIT, time-wait, FIN_WAIT_1, closing-all, …);
    /// all states when none is given.
    #[arg(value_name = "STATE", value_parser = parse_state_words)]
    pub states: Vec<StateArg>,

    /// Do not read this host's sysctls; name them without values (for stable output).
    #[arg(
        long,
        env = "TCPSTATE_NO_SYSCTL",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_sysctl: bool,

    /// Language (set by the global --lang).
    #[arg(from_global)]
    pub lang: Option<Lang>,
}
