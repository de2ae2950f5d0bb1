//! The health check's words in English and Chinese: the text of every [`CheckMsg`]
//! (summaries, evidence, notes, offender lines; in [`en`] and [`zh`], one exhaustive `match`
//! per language so that a message without a translation does not compile), the advice keyed
//! by rule and the labels of the human report ([`advice`]). `analyze::check` holds only the
//! data these are made from.

mod advice;
mod en;
mod zh;

use std::net::IpAddr;

use crate::analyze::check::messages::{CheckMsg, Measure};
use crate::analyze::check::sink::Tuple;
use crate::analyze::check::thresholds::{Level, Limit};
use crate::i18n::Lang;

pub use advice::{Label, advice};

fn pct(n: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}

/// Events per second over `secs` (the count itself when no time passed).
fn rate(count: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        count as f64 / secs
    } else {
        count as f64
    }
}

/// `1 socket`, `2 sockets`.
fn count_of(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn host_port(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    }
}

fn tuple_text(t: &Tuple) -> String {
    format!("{} -> {}", t.local, host_port(t.remote, t.remote_port))
}

fn level_en(l: Level) -> String {
    match l {
        Level::Count(n) => format!("above {n}"),
        Level::Percent(p) => format!("at {p}%"),
    }
}

fn level_zh(l: Level) -> String {
    match l {
        Level::Count(n) => format!("超过 {n}"),
        Level::Percent(p) => format!("达到 {p}%"),
    }
}

fn limit_en(l: &Limit) -> String {
    let mut parts = Vec::new();
    if let Some(w) = l.warn {
        parts.push(format!("warning {}", level_en(w)));
    }
    if let Some(c) = l.crit {
        parts.push(format!("critical {}", level_en(c)));
    }
    if parts.is_empty() {
        "no threshold".to_string()
    } else {
        parts.join(", ")
    }
}

fn limit_zh(l: &Limit) -> String {
    let mut parts = Vec::new();
    if let Some(w) = l.warn {
        parts.push(format!("告警：{}", level_zh(w)));
    }
    if let Some(c) = l.crit {
        parts.push(format!("严重：{}", level_zh(c)));
    }
    if parts.is_empty() {
        "未设阈值".to_string()
    } else {
        parts.join("；")
    }
}

impl CheckMsg {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }
}
