//! `tcpstate explain [STATE…]`: what each TCP state means, who is in it, how long it lasts and
//! what bounds it on this host (the sysctls read live), and what a large count means.

use std::io::Write;
use std::process::ExitCode;

use super::UsageError;
use crate::i18n::Lang;
use crate::kernel::sysctl::Sysctls;
use crate::render::Format;
use crate::render::explain::{self as render, Explained, Setting};
use crate::tcp::explain::{LIFE_ORDER, facts};
use crate::tcp::state::{StateSet, TcpState, UnknownState};

/// The states of one command-line word: a state in any spelling, a group, or a comma list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateWords(pub Vec<TcpState>);

/// Parse a `STATE` argument. Groups expand in the order of a connection's life; request
/// sockets (NEW_SYN_RECV) become SYN_RECV.
pub fn parse_state_words(arg: &str) -> Result<StateWords, UnknownState> {
    let mut out = Vec::new();
    for word in arg.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match StateSet::group(word) {
            Some(set) => out.extend(LIFE_ORDER.iter().copied().filter(|&s| set.contains(s))),
            None => out.push(word.parse::<TcpState>()?.reported()),
        }
    }
    if out.is_empty() {
        return Err(UnknownState(arg.to_string()));
    }
    Ok(StateWords(out))
}

/// Output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExplainFormat {
    #[default]
    Text,
    Json,
}

impl TryFrom<Format> for ExplainFormat {
    type Error = UsageError;
    fn try_from(f: Format) -> Result<Self, UsageError> {
        match f {
            Format::Table => Ok(ExplainFormat::Text),
            Format::Json => Ok(ExplainFormat::Json),
            other => Err(UsageError::format("explain", other, "text, json")),
        }
    }
}

/// Explain TCP states: meaning, who is in them, how they begin and end, how long they last
/// (with this host's sysctls) and what a large count means.
#[derive(Debug, Clone, clap::Args)]
pub struct ExplainArgs {
    /// States or groups in any spelling (TIME_WAIT, time-wait, FIN_WAIT_1, closing-all, …);
    /// all states when none is given.
    #[arg(value_name = "STATE", value_parser = parse_state_words)]
    pub states: Vec<StateWords>,

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

/// The states asked for, each once, in the order given; all of them when none was given.
pub fn chosen_states(args: &ExplainArgs) -> Vec<TcpState> {
    if args.states.is_empty() {
        return LIFE_ORDER.to_vec();
    }
    let mut out: Vec<TcpState> = Vec::new();
    for s in args.states.iter().flat_map(|w| w.0.iter().copied()) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

pub fn run(args: &ExplainArgs, format: Format, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let format = ExplainFormat::try_from(format)?;
    let lang = super::lang_or_env(args.lang);
    let sysctls = Sysctls::new();
    let items: Vec<Explained> = chosen_states(args)
        .into_iter()
        .map(|state| Explained {
            state,
            settings: facts(state)
                .knobs
                .iter()
                .map(|&k| {
                    let v = if args.no_sysctl {
                        Setting::NotRead
                    } else {
                        sysctls
                            .read(k.name())
                            .map_or(Setting::Unavailable, Setting::Value)
                    };
                    (k, v)
                })
                .collect(),
        })
        .collect();
    match format {
        ExplainFormat::Text => render::text(out, &items, lang)?,
        ExplainFormat::Json => render::json(out, &items, lang)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `run` for the namespace the flags name: with `--netns`, the texts are made by a thread
/// inside that namespace, so the sysctl values shown are that namespace's.
pub fn run_for(
    common: &crate::cli::Common,
    args: &ExplainArgs,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let Some(spec) = &common.netns else {
        return run(args, common.format, out);
    };
    use crate::source::netns::{self, Namespace, NetnsSpec};
    let ns = Namespace::open(&NetnsSpec::parse(spec))?;
    let format = common.format;
    let made = netns::within(&[&ns], |_| {
        let mut buf = Vec::new();
        run(args, format, &mut buf).map(|code| (code, buf))
    });
    let (code, buf) = made
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("entering {spec} failed"))???;
    out.write_all(&buf)?;
    Ok(code)
}
