//! `tcpstate explain [STATE…]`: what each TCP state means, who is in it, how long it lasts and
//! what bounds it on this host (the sysctls read live), and what a large count means.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ExplainArgs;
use crate::cli::explain::StateArg;
use tcpstate::kernel::sysctl::Sysctls;
use tcpstate::render::explain::{self as render, Explained, Setting};
use tcpstate::render::{Format, OutputKind};
use tcpstate::tcp::explain::{LIFE_ORDER, facts};
use tcpstate::tcp::state::TcpState;

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
    let format = format.for_view(OutputKind::Explain)?;
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
        Format::Json => render::json(out, &items, lang)?,
        _ => render::text(out, &items, lang)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `run` for the scope the flags name: the texts are made by a thread inside the one live
/// namespace (`--netns`, or this one), so the sysctl values shown are that namespace's. A
/// capture's host or a set of namespaces has no one set of values: they are named without.
pub fn run_for(
    common: &crate::cli::Common,
    args: &ExplainArgs,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let format = common.format;
    // `explain --state X` (the global filter) explains X, as `explain X` does.
    let from_filter;
    let args = if args.states.is_empty() && !common.state.is_empty() {
        let set = common.states();
        from_filter = ExplainArgs {
            states: vec![StateArg(
                LIFE_ORDER
                    .iter()
                    .copied()
                    .filter(|&s| set.contains(s))
                    .collect(),
            )],
            ..args.clone()
        };
        &from_filter
    } else {
        args
    };
    let mut scope = super::open_scope(common, false)?;
    let (code, buf) = match scope.single_live() {
        Some(one) => one.inside(|| {
            let mut buf = Vec::new();
            run(args, format, &mut buf).map(|code| (code, buf))
        })??,
        _ => {
            let without = ExplainArgs {
                no_sysctl: true,
                ..args.clone()
            };
            let mut buf = Vec::new();
            (run(&without, format, &mut buf)?, buf)
        }
    };
    out.write_all(&buf)?;
    Ok(code)
}
