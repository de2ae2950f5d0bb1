//! Renders the TCP state machine of `tcp::fsm` for `tcpstate fsm`: a text table, a Graphviz
//! DOT graph, a Mermaid `stateDiagram-v2`, or JSON. Linux-specific transitions and notes are
//! marked in every format: `L` in text, dashed blue edges in DOT, `(L)` in Mermaid labels,
//! `linux_only` / `linux` in JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::i18n::{Lang, Msg};
use crate::render::text::{WIDTH, pad, width, wrap};
use crate::tcp::explain::{event_text, note_text};
use crate::tcp::fsm::{self, MachineTransition, Note};
use crate::tcp::state::TcpState;

/// A state's name in the state machine: the netstat spelling, CLOSE written CLOSED. It is also
/// its node id in DOT and Mermaid.
pub fn state_name(s: TcpState) -> &'static str {
    match fsm::normalize(s) {
        TcpState::Close => "CLOSED",
        s => s.netstat_name(),
    }
}

/// A note's number in every rendering (`[4]`).
pub fn note_number(n: Note) -> usize {
    Note::ALL.iter().position(|&m| m == n).map_or(0, |i| i + 1)
}

/// One edge of a diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: TcpState,
    pub to: TcpState,
    /// The event, and what is sent after a ` / `.
    pub label: String,
    pub linux: bool,
    pub note: Option<Note>,
}

/// The label of a transition: `receive SYN / SYN+ACK`.
pub fn label(event: fsm::Event, sends: Option<fsm::Segment>, lang: Lang) -> String {
    match sends {
        Some(s) => format!("{} / {}", event_text(event, lang), s.name()),
        None => event_text(event, lang).to_string(),
    }
}

/// The transitions grouped by the state they leave, in the order of a connection's life.
fn sorted_transitions() -> Vec<&'static MachineTransition> {
    let mut rows: Vec<&MachineTransition> = fsm::TRANSITIONS.iter().collect();
    rows.sort_by_key(|t| TcpState::MACHINE.iter().position(|&s| s == t.from));
    rows
}

/// The whole table as edges, in the order of `sorted_transitions`.
pub fn table_edges(lang: Lang) -> Vec<Edge> {
    sorted_transitions()
        .into_iter()
        .map(|t| Edge {
            from: t.from,
            to: t.to,
            label: label(t.event, t.sends, lang),
            linux: t.linux_only,
            note: t.note,
        })
        .collect()
}

/// The notes the edges refer to plus the general ones, in note order.
fn notes_of(edges: &[Edge]) -> Vec<Note> {
    Note::ALL
        .into_iter()
        .filter(|n| edges.iter().any(|e| e.note == Some(*n)) || fsm::GENERAL_NOTES.contains(n))
        .collect()
}

/// The transition table as aligned text, then the notes.
pub fn text(out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let table = sorted_transitions();
    writeln!(out, "{}", lang.msg(Msg::FsmTitle))?;
    writeln!(out)?;
    let rows: Vec<[String; 5]> = table
        .iter()
        .map(|t| {
            [
                state_name(t.from).to_string(),
                event_text(t.event, lang).to_string(),
                state_name(t.to).to_string(),
                t.sends
                    .map_or(lang.msg(Msg::Nothing), |s| s.name())
                    .to_string(),
                t.note
                    .map_or(String::new(), |n| format!("[{}]", note_number(n))),
            ]
        })
        .collect();
    let head = [
        lang.msg(Msg::From),
        lang.msg(Msg::Event),
        lang.msg(Msg::To),
        lang.msg(Msg::Sends),
        "",
    ];
    let mut w = [0usize; 5];
    for r in rows
        .iter()
        .map(|r| r.each_ref().map(String::as_str))
        .chain([head])
    {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |mark: &str, cells: [&str; 5]| {
        let mut s = format!("{mark} ");
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&pad(c, w[i] + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(" ", head))?;
    for (t, r) in table.iter().zip(&rows) {
        let mark = if t.linux_only { "L" } else { " " };
        writeln!(out, "{}", line(mark, r.each_ref().map(String::as_str)))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", lang.msg(Msg::Legend))?;
    writeln!(out)?;
    notes_text(out, &notes_of(&table_edges(lang)), lang)
}

/// The notes as a numbered list, Linux ones marked `L`.
pub fn notes_text(out: &mut dyn Write, notes: &[Note], lang: Lang) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", lang.msg(Msg::Notes))?;
    for &n in notes {
        let mark = if n.is_linux() { "L" } else { " " };
        let head = format!("{mark} [{}] ", note_number(n));
        let indent = width(&head);
        for (i, l) in wrap(note_text(n, lang), WIDTH - indent).iter().enumerate() {
            if i == 0 {
                writeln!(out, "{head}{l}")?;
            } else {
                writeln!(out, "{}{l}", " ".repeat(indent))?;
            }
        }
    }
    Ok(())
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Edges as a Graphviz digraph. CLOSED is drawn twice, at the top where sockets start and at
/// the bottom where they end, and parallel edges of one kind are merged into one with a line
/// per event, so that the many ways into CLOSED do not knot the graph. Notes go in one box.
pub fn dot(out: &mut dyn Write, title: &str, edges: &[Edge], lang: Lang) -> io::Result<()> {
    const END: &str = "CLOSED_END";
    let split = edges.iter().any(|e| e.from == TcpState::Close)
        && edges.iter().any(|e| e.to == TcpState::Close);
    writeln!(out, "digraph tcp_states {{")?;
    writeln!(out, "  label=\"{}\";", dot_escape(title))?;
    writeln!(out, "  labelloc=t;")?;
    writeln!(out, "  rankdir=TB;")?;
    writeln!(out, "  node [shape=box, style=rounded];")?;
    writeln!(out, "  edge [fontsize=10];")?;
    for s in TcpState::MACHINE {
        if edges.iter().any(|e| e.from == s || e.to == s) {
            writeln!(out, "  \"{0}\" [label=\"{0}\"];", state_name(s))?;
        }
    }
    if split {
        writeln!(out, "  \"{END}\" [label=\"CLOSED\"];")?;
        writeln!(out, "  {{ rank=sink; \"{END}\"; }}")?;
    }
    // One edge per (from, to, kind), its label one line per event.
    let mut merged: Vec<(&Edge, Vec<String>)> = Vec::new();
    for e in edges {
        let mut label = e.label.clone();
        if let Some(n) = e.note {
            label = format!("{label} [{}]", note_number(n));
        }
        match merged
            .iter_mut()
            .find(|(m, _)| m.from == e.from && m.to == e.to && m.linux == e.linux)
        {
            Some((_, labels)) => labels.push(label),
            None => merged.push((e, vec![label])),
        }
    }
    for (e, labels) in merged {
        let to = if split && e.to == TcpState::Close {
            END
        } else {
            state_name(e.to)
        };
        let mut text: Vec<String> = labels.iter().map(|l| dot_escape(l)).collect();
        let style = if e.linux {
            text = text.into_iter().map(|l| format!("(L) {l}")).collect();
            ", style=dashed, color=blue, fontcolor=blue"
        } else {
            ""
        };
        writeln!(
            out,
            "  \"{}\" -> \"{to}\" [label=\"{}\"{style}];",
            state_name(e.from),
            text.join("\\n"),
        )?;
    }
    let notes = notes_of(edges);
    if !notes.is_empty() {
        let mut text = format!("{}\\l", dot_escape(lang.msg(Msg::Legend)));
        for n in notes {
            let mark = if n.is_linux() { "(L) " } else { "" };
            let body = format!("[{}] {mark}{}", note_number(n), note_text(n, lang));
            for l in wrap(&body, 60) {
                text.push_str(&dot_escape(&l));
                text.push_str("\\l");
            }
        }
        writeln!(out, "  notes [shape=note, label=\"{text}\"];")?;
    }
    writeln!(out, "}}")
}

/// In a Mermaid transition label `;` ends the statement and `#` starts an entity.
fn mermaid_label(s: &str) -> String {
    s.replace([';', '#'], ",")
}

/// Edges as a Mermaid `stateDiagram-v2`; CLOSED is entered from `[*]`, notes hang beside
/// the state they are about.
pub fn mermaid(out: &mut dyn Write, title: &str, edges: &[Edge], lang: Lang) -> io::Result<()> {
    writeln!(out, "stateDiagram-v2")?;
    writeln!(out, "    %% {title}")?;
    if edges.iter().any(|e| e.from == TcpState::Close) {
        writeln!(out, "    [*] --> CLOSED")?;
    }
    for e in edges {
        let mut label = e.label.clone();
        if let Some(n) = e.note {
            label = format!("{label} [{}]", note_number(n));
        }
        if e.linux {
            label = format!("(L) {label}");
        }
        writeln!(
            out,
            "    {} --> {} : {}",
            state_name(e.from),
            state_name(e.to),
            mermaid_label(&label)
        )?;
    }
    let notes = notes_of(edges);
    for s in TcpState::MACHINE {
        let here: Vec<Note> = notes.iter().copied().filter(|n| n.anchor() == s).collect();
        if here.is_empty() {
            continue;
        }
        writeln!(out, "    note right of {}", state_name(s))?;
        for n in here {
            let mark = if n.is_linux() { "(L) " } else { "" };
            let body = format!("[{}] {mark}{}", note_number(n), note_text(n, lang));
            for l in wrap(&body, 50) {
                writeln!(out, "        {l}")?;
            }
        }
        writeln!(out, "    end note")?;
    }
    Ok(())
}

fn note_json(n: Note, lang: Lang) -> Value {
    json!({
        "id": n.key(),
        "number": note_number(n),
        "linux": n.is_linux(),
        "state": state_name(n.anchor()),
        "text": note_text(n, lang),
    })
}

/// The machine as JSON: states, transitions (table order) and notes.
pub fn json(out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let transitions: Vec<Value> = fsm::TRANSITIONS
        .iter()
        .map(|t| {
            json!({
                "from": state_name(t.from),
                "to": state_name(t.to),
                "event": t.event.key(),
                "event_text": event_text(t.event, lang),
                "sends": t.sends.map(|s| s.name()),
                "linux_only": t.linux_only,
                "note": t.note.map(|n| n.key()),
            })
        })
        .collect();
    let v = json!({
        "title": lang.msg(Msg::FsmTitle),
        "lang": lang.code(),
        "states": TcpState::MACHINE.iter().map(|&s| state_name(s)).collect::<Vec<_>>(),
        "transitions": transitions,
        "notes": Note::ALL.iter().map(|&n| note_json(n, lang)).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
