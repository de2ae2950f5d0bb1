//! `tcpstate kill`: select sockets with the filter (twice, `--older-than` apart, keeping
//! those that stayed in their state), show them (`--dry-run`, or the question on a
//! terminal), then close them through each target's sock_diag and print what became of each.
//! Exit 0 when every socket was closed (or had gone), 1 when some were refused, 2 on bad usage.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{UsageError, open_scope, stdout};
use crate::cli::{Common, KillArgs};
use tcpstate::analyze::persist::FirstSample;
use tcpstate::filter::Filter;
use tcpstate::render::Format;
use tcpstate::sink::Collected;
use tcpstate::source::scope::{Order, Scope};

fn sample(scope: &mut Scope, filter: &Filter) -> Result<Collected> {
    let mut kept = Collected::default();
    scope.scan(filter, &mut kept, Order::Any)?;
    Ok(kept)
}

/// Ask on the terminal; true for yes.
fn ask(n: usize) -> Result<bool> {
    eprint!("Close {n} socket{}? [y/N] ", if n == 1 { "" } else { "s" });
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

pub fn run(common: &Common, args: &KillArgs) -> Result<ExitCode> {
    if !common.from.is_empty() {
        return Err(UsageError(
            "kill closes live sockets; --from reads saved captures: leave it out".into(),
        )
        .into());
    }
    if common.format != Format::Table {
        return Err(UsageError("kill writes text lines; --format is not for it".into()).into());
    }
    if !args.all && args.ss.filter.is_empty() && !args.ss.listening && !common.selects() {
        return Err(UsageError(
            "kill needs a filter (`tcpstate kill dst 10.2.3.4`, `--state close-wait --sport 8080`) \
             or --all to close every socket"
                .into(),
        )
        .into());
    }
    let filter = common.filter(&args.ss)?;
    let mut scope = open_scope(common, false)?;
    let mut picked = sample(&mut scope, &filter)?;
    if let Some(wait) = args.older_than {
        let mut first = FirstSample::default();
        for s in picked.per_target.iter().flatten() {
            first.add(s);
        }
        std::thread::sleep(wait);
        picked = sample(&mut scope, &filter)?;
        for v in &mut picked.per_target {
            v.retain(|s| first.stayed(s));
        }
    }
    let labels: Vec<Option<String>> = scope
        .targets()
        .iter()
        .map(|t| (scope.targets().len() > 1).then(|| t.label.clone()))
        .collect();
    let listed: Vec<(Option<&str>, &tcpstate::socket::Socket)> = picked
        .per_target
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            let l = labels.get(i).and_then(|l| l.as_deref());
            v.iter().map(move |s| (l, s))
        })
        .collect();
    let n = listed.len();
    let mut out = stdout();
    if n == 0 {
        eprintln!("tcpstate: no socket matches; nothing to close");
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        let heading = format!("would close {n} socket{}:", if n == 1 { "" } else { "s" });
        tcpstate::render::kill::candidates(&mut out, &heading, &listed)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(UsageError(format!(
                "kill would close {n} socket{}: without a terminal to ask on, give --yes \
                 (or --dry-run to list them)",
                if n == 1 { "" } else { "s" }
            ))
            .into());
        }
        let mut err = std::io::stderr().lock();
        tcpstate::render::kill::candidates(&mut err, "tcpstate kill would close:", &listed)?;
        if !ask(n)? {
            eprintln!("tcpstate: nothing closed");
            return Ok(ExitCode::SUCCESS);
        }
    }
    drop(listed);
    let mut refused = false;
    for (i, target) in scope.targets_mut().iter_mut().enumerate() {
        let Some(socks) = picked.per_target.get(i).filter(|v| !v.is_empty()) else {
            continue;
        };
        let label = labels.get(i).and_then(|l| l.as_deref());
        let what = target.label.clone();
        let Some(source) = target.live_source() else {
            continue;
        };
        let outcomes = source
            .destroy(socks)
            .with_context(|| format!("closing sockets in {what}"))?;
        for (s, o) in socks.iter().zip(&outcomes) {
            refused |= tcpstate::render::kill::outcome(&mut out, label, s, o)?;
        }
    }
    out.flush()?;
    Ok(if refused {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
