//! Renders `tcpstate explain`: the texts of `tcp::explain` for each asked state, with the
//! kernel settings that bound it and, when they were read, their values on this host; as
//! wrapped text or as JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::i18n::{Lang, Msg};
use crate::render::text::{WIDTH, block, wrap};
use crate::tcp::explain::{self, Knob, knob_about};
use crate::tcp::state::TcpState;

/// A kernel setting's value as read on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// Values were not asked for (`--no-sysctl`).
    NotRead,
    /// The value, as the kernel prints it.
    Value(String),
    /// The value could not be read (no /proc, no permission, an older kernel).
    Unavailable,
}

/// One state to explain, with its settings' values in the order of `facts(state).knobs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub state: TcpState,
    pub settings: Vec<(Knob, Setting)>,
}

/// The spellings of `state` other tools use, apart from the netstat one.
fn other_spellings(state: TcpState) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for n in [
        state.ss_name(),
        state.rfc_name(),
        state.bsd_name(),
        state.windows_name(),
    ] {
        if n != state.netstat_name() && !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// The states explained as text, one after another, separated by a blank line.
pub fn text(out: &mut dyn Write, items: &[Explained], lang: Lang) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        one_text(out, item, lang)?;
    }
    Ok(())
}

fn one_text(out: &mut dyn Write, item: &Explained, lang: Lang) -> io::Result<()> {
    let s = item.state;
    let t = explain::text(s, lang);
    let f = explain::facts(s);
    let colon = lang.msg(Msg::Colon);
    let head = format!("{} — ", s.netstat_name());
    out.write_all(block(&head, t.one_line, 4).as_bytes())?;
    let also = format!(
        "{}{colon}{} · {} {}",
        lang.msg(Msg::AlsoWritten),
        lang.list(&other_spellings(s)),
        lang.msg(Msg::KernelState),
        s.kernel()
    );
    writeln!(out, "  {also}")?;
    writeln!(out)?;
    for l in wrap(t.about, WIDTH - 2) {
        writeln!(out, "  {l}")?;
    }
    writeln!(out)?;
    for (label, body) in [
        (Msg::Who, t.who),
        (Msg::Enters, t.enters),
        (Msg::Leaves, t.leaves),
        (Msg::Lasts, t.lasts),
    ] {
        writeln!(out, "  {}", lang.msg(label))?;
        out.write_all(block("    ", body, 4).as_bytes())?;
    }
    if !item.settings.is_empty() {
        writeln!(out, "  {}", lang.msg(Msg::Settings))?;
        for (knob, value) in &item.settings {
            let head = match value {
                Setting::NotRead => format!("    {} — ", knob.name()),
                Setting::Value(v) => format!("    {} = {v} — ", knob.name()),
                Setting::Unavailable => {
                    format!("    {} = {} — ", knob.name(), lang.msg(Msg::Unavailable))
                }
            };
            out.write_all(block(&head, knob_about(*knob, lang), 6).as_bytes())?;
        }
    }
    writeln!(out, "  {}", lang.msg(Msg::LargeCount))?;
    for (label, body) in [
        (Msg::LoadBalancer, t.load_balancer),
        (Msg::WebNode, t.web),
        (Msg::Database, t.database),
    ] {
        let head = format!("    {}{colon}", lang.msg(label));
        out.write_all(block(&head, body, 6).as_bytes())?;
    }
    writeln!(out, "  {}", lang.msg(Msg::LookNext))?;
    out.write_all(block("    ", t.next, 4).as_bytes())?;
    for c in f.commands {
        writeln!(out, "    $ {c}")?;
    }
    if !f.counters.is_empty() {
        let head = format!("    {}{colon}", lang.msg(Msg::Counters));
        out.write_all(block(&head, &lang.list(f.counters), 6).as_bytes())?;
    }
    Ok(())
}

fn setting_json(knob: Knob, value: &Setting, lang: Lang) -> Value {
    let mut v = json!({ "name": knob.name(), "about": knob_about(knob, lang) });
    match value {
        Setting::NotRead => {}
        Setting::Value(s) => v["value"] = json!(s),
        Setting::Unavailable => v["value"] = Value::Null,
    }
    v
}

/// The states explained as a JSON array, one object per state. A setting's `value` is a
/// string, `null` when it could not be read, and absent when values were not asked for.
pub fn json(out: &mut dyn Write, items: &[Explained], lang: Lang) -> io::Result<()> {
    let states: Vec<Value> = items
        .iter()
        .map(|item| {
            let s = item.state;
            let t = explain::text(s, lang);
            let f = explain::facts(s);
            json!({
                "state": s.netstat_name(),
                "key": s.key(),
                "kernel": s.kernel(),
                "spellings": {
                    "netstat": s.netstat_name(),
                    "ss": s.ss_name(),
                    "rfc": s.rfc_name(),
                    "bsd": s.bsd_name(),
                    "windows": s.windows_name(),
                },
                "lang": lang.code(),
                "one_line": t.one_line,
                "about": t.about,
                "who": t.who,
                "enters": t.enters,
                "leaves": t.leaves,
                "lasts": t.lasts,
                "sysctls": item
                    .settings
                    .iter()
                    .map(|(k, v)| setting_json(*k, v, lang))
                    .collect::<Vec<_>>(),
                "large_count": {
                    "load_balancer": t.load_balancer,
                    "web": t.web,
                    "database": t.database,
                },
                "next": {
                    "text": t.next,
                    "commands": f.commands,
                    "counters": f.counters,
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &states)?;
    writeln!(out)
}
