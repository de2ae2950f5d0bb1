//! Renders paths through the TCP state machine: the normal life of a client and of a server
//! (`tcpstate fsm --role`), side by side with the segments they exchange, and the verdict of
//! `tcpstate fsm --check` on a sequence of states.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::i18n::{Lang, Msg, Sentence};
use crate::render::fsm::{Edge, label, state_name};
use crate::render::text::{pad, width};
use crate::tcp::explain::event_text;
use crate::tcp::fsm::{self, ImpossibleStep, PossiblePath, Role, Step};
use crate::tcp::state::TcpState;

fn role_title(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Client => lang.msg(Msg::Client),
        Role::Server => lang.msg(Msg::Server),
    }
}

fn step_text(s: &Step, lang: Lang) -> String {
    format!("{} -> {}", event_text(s.event, lang), state_name(s.to))
}

/// The arrow for the segment a step sends, pointing from its sender.
fn arrow(s: &Step) -> String {
    match (s.sends, s.role) {
        (None, _) => String::new(),
        (Some(g), Role::Client) => format!("-- {} -->", g.name()),
        (Some(g), Role::Server) => format!("<-- {} --", g.name()),
    }
}

/// The ladder as text: with both roles, client and server in two columns and the segments
/// between them; with one role, that side's steps as a numbered table.
pub fn ladder_text(out: &mut dyn Write, roles: &[Role], lang: Lang) -> io::Result<()> {
    writeln!(out, "{}", lang.msg(Msg::LadderTitle))?;
    writeln!(out)?;
    if let [role] = roles {
        return one_side(out, *role, lang);
    }
    let cell = |s: &Step, role: Role| {
        if s.role == role {
            step_text(s, lang)
        } else {
            String::new()
        }
    };
    let start = state_name(TcpState::Close).to_string();
    let wl = fsm::LADDER
        .iter()
        .map(|s| width(&cell(s, Role::Client)))
        .chain([width(role_title(Role::Client, lang)), width(&start)])
        .max()
        .unwrap_or(0);
    let wm = fsm::LADDER
        .iter()
        .map(|s| width(&arrow(s)))
        .max()
        .unwrap_or(0);
    let row = |l: &str, m: &str, r: &str| {
        let line = format!("  {}  {}  {}", pad(l, wl), pad(m, wm), r);
        line.trim_end().to_string()
    };
    writeln!(
        out,
        "{}",
        row(
            role_title(Role::Client, lang),
            "",
            role_title(Role::Server, lang)
        )
    )?;
    writeln!(out, "{}", row(&start, "", &start))?;
    for s in &fsm::LADDER {
        writeln!(
            out,
            "{}",
            row(&cell(s, Role::Client), &arrow(s), &cell(s, Role::Server))
        )?;
    }
    Ok(())
}

fn one_side(out: &mut dyn Write, role: Role, lang: Lang) -> io::Result<()> {
    writeln!(out, "{}", role_title(role, lang))?;
    let rows: Vec<[String; 5]> = fsm::path(role)
        .enumerate()
        .map(|(i, s)| {
            [
                format!("{}.", i + 1),
                state_name(s.from).to_string(),
                event_text(s.event, lang).to_string(),
                state_name(s.to).to_string(),
                s.sends
                    .map_or(lang.msg(Msg::Nothing), |g| g.name())
                    .to_string(),
            ]
        })
        .collect();
    let head: [String; 5] = [
        String::new(),
        lang.msg(Msg::From).to_string(),
        lang.msg(Msg::Event).to_string(),
        lang.msg(Msg::To).to_string(),
        lang.msg(Msg::Sends).to_string(),
    ];
    let mut w = [0usize; 5];
    for r in rows.iter().chain([&head]) {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    for r in [&head].into_iter().chain(rows.iter()) {
        let mut line = String::from("  ");
        for (i, c) in r.iter().enumerate() {
            line.push_str(&pad(c, w[i] + 2));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn step_json(s: &Step, lang: Lang) -> Value {
    json!({
        "from": state_name(s.from),
        "event": s.event.key(),
        "event_text": event_text(s.event, lang),
        "to": state_name(s.to),
        "sends": s.sends.map(|g| g.name()),
    })
}

/// The ladder as JSON: one array of steps per asked role, keyed `client` and `server`, plus
/// `ladder`, both sides' steps in time order.
pub fn ladder_json(out: &mut dyn Write, roles: &[Role], lang: Lang) -> io::Result<()> {
    let mut v = json!({ "title": lang.msg(Msg::LadderTitle), "lang": lang.code() });
    for &role in roles {
        v[role.key()] = fsm::path(role).map(|s| step_json(s, lang)).collect();
    }
    if roles.len() > 1 {
        v["ladder"] = fsm::LADDER
            .iter()
            .map(|s| {
                let mut j = step_json(s, lang);
                j["role"] = json!(s.role.key());
                j
            })
            .collect();
    }
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

/// The steps of the asked roles as diagram edges.
pub fn ladder_edges(roles: &[Role], lang: Lang) -> Vec<Edge> {
    fsm::LADDER
        .iter()
        .filter(|s| roles.contains(&s.role))
        .map(|s| Edge {
            from: s.from,
            to: s.to,
            label: label(s.event, s.sends, lang),
            linux: false,
            note: None,
        })
        .collect()
}

/// The title of a ladder diagram.
pub fn ladder_title(lang: Lang) -> &'static str {
    lang.msg(Msg::LadderTitle)
}

fn path_text(states: &[TcpState]) -> String {
    states
        .iter()
        .map(|&s| state_name(s))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The verdict of `fsm --check` as text: one sentence for a possible sequence (and one per
/// Linux-only step), two for an impossible one.
pub fn check_text(
    out: &mut dyn Write,
    states: &[TcpState],
    verdict: &Result<PossiblePath, ImpossibleStep>,
    lang: Lang,
) -> io::Result<()> {
    match verdict {
        Ok(p) => {
            let path = path_text(states);
            writeln!(out, "{}", Sentence::PathPossible { path: &path }.text(lang))?;
            for &step in &p.linux_only_steps {
                let (from, to) = (states[step - 1], states[step]);
                let s = Sentence::LinuxOnlyStep {
                    step,
                    from: state_name(from),
                    to: state_name(to),
                };
                writeln!(out, "{}", s.text(lang))?;
            }
        }
        Err(e) => {
            let s = Sentence::PathImpossible {
                step: e.step,
                from: state_name(e.from),
                to: state_name(e.to),
            };
            writeln!(out, "{}", s.text(lang))?;
            let names: Vec<&str> = e.reachable.iter().map(|&s| state_name(s)).collect();
            let list = lang.list(&names);
            let s = Sentence::Reachable {
                from: state_name(e.from),
                list: &list,
            };
            writeln!(out, "{}", s.text(lang))?;
        }
    }
    Ok(())
}

/// The verdict of `fsm --check` as JSON.
pub fn check_json(
    out: &mut dyn Write,
    states: &[TcpState],
    verdict: &Result<PossiblePath, ImpossibleStep>,
    lang: Lang,
) -> io::Result<()> {
    let path: Vec<&str> = states.iter().map(|&s| state_name(s)).collect();
    let mut text = Vec::new();
    check_text(&mut text, states, verdict, lang)?;
    let message = String::from_utf8_lossy(&text).trim_end().to_string();
    let v = match verdict {
        Ok(p) => json!({
            "possible": true,
            "path": path,
            "linux_only_steps": p.linux_only_steps,
            "message": message,
        }),
        Err(e) => json!({
            "possible": false,
            "path": path,
            "step": e.step,
            "from": state_name(e.from),
            "to": state_name(e.to),
            "reachable": e.reachable.iter().map(|&s| state_name(s)).collect::<Vec<_>>(),
            "message": message,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
