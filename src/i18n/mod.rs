//! The languages tcpstate speaks (English and Simplified Chinese) and its user-facing messages:
//! the home of the project's words. No i18n crate: every message is a variant of `Msg` (fixed
//! text) or `Sentence` (text with values), or a data enum of an analysis worded here (the
//! health check's findings and advice, [`check`]), and each language is one exhaustive
//! `match`, so a message without a translation does not compile. `Lang::from_env` picks the
//! language from the locale variables.

pub mod check;

use std::ffi::OsString;
use std::str::FromStr;

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The language of the locale: the first set and non-empty of LC_ALL, LC_MESSAGES and LANG
    /// decides (POSIX precedence); `zh`, `zh_*` (`zh_CN.UTF-8`, …) mean Chinese, anything else
    /// or nothing means English.
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var_os(name))
    }

    /// `from_env` with the variables looked up by `get`.
    pub fn from_vars(get: impl Fn(&str) -> Option<OsString>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| get(name))
            .find(|v| !v.is_empty())
            .map(|v| Lang::from_locale(&v.to_string_lossy()))
            .unwrap_or_default()
    }

    /// The language of one locale name such as `zh_CN.UTF-8`, `en_US`, `C`.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        match l.strip_prefix("zh") {
            Some(rest) if rest.is_empty() || rest.starts_with(['_', '-', '.', '@']) => Lang::Zh,
            _ => Lang::En,
        }
    }

    /// The language's code: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// A fixed message in this language.
    pub fn msg(self, m: Msg) -> &'static str {
        match self {
            Lang::En => en(m),
            Lang::Zh => zh(m),
        }
    }

    /// Items joined as a list is written in this language.
    pub fn list<S: AsRef<str>>(self, items: &[S]) -> String {
        let sep = self.msg(Msg::ListSeparator);
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(sep)
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh_cn" | "chinese" => Ok(Lang::Zh),
            other => Err(format!("unknown language '{other}'; valid: en, zh")),
        }
    }
}

/// A message without values: headings, labels and fixed phrases of `explain` and `fsm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Msg {
    ListSeparator,
    Colon,
    // explain
    AlsoWritten,
    KernelState,
    Who,
    Enters,
    Leaves,
    Lasts,
    Settings,
    Unavailable,
    LargeCount,
    LoadBalancer,
    WebNode,
    Database,
    LookNext,
    Counters,
    // fsm
    FsmTitle,
    From,
    Event,
    To,
    Sends,
    Legend,
    Notes,
    Linux,
    Rfc,
    Client,
    Server,
    LadderTitle,
    Nothing,
}

fn en(m: Msg) -> &'static str {
    match m {
        Msg::ListSeparator => ", ",
        Msg::Colon => ": ",
        Msg::AlsoWritten => "also written",
        Msg::KernelState => "kernel state",
        Msg::Who => "Who is in it",
        Msg::Enters => "How it enters",
        Msg::Leaves => "How it leaves",
        Msg::Lasts => "How long it lasts",
        Msg::Settings => "Kernel settings (sysctl)",
        Msg::Unavailable => "unavailable",
        Msg::LargeCount => "What a large count means",
        Msg::LoadBalancer => "On a load balancer",
        Msg::WebNode => "On a web node",
        Msg::Database => "On a database",
        Msg::LookNext => "What to look at next",
        Msg::Counters => "Counters (/proc/net/netstat, TcpExt)",
        Msg::FsmTitle => "The TCP state machine (RFC 9293, with Linux annotations)",
        Msg::From => "FROM",
        Msg::Event => "EVENT",
        Msg::To => "TO",
        Msg::Sends => "SENDS",
        Msg::Legend => "L = Linux-specific, not in RFC 9293; [n] = note n below",
        Msg::Notes => "Notes",
        Msg::Linux => "Linux",
        Msg::Rfc => "RFC 9293",
        Msg::Client => "CLIENT",
        Msg::Server => "SERVER",
        Msg::LadderTitle => {
            "The normal life of a connection: three-way handshake, then the client closes first"
        }
        Msg::Nothing => "-",
    }
}

fn zh(m: Msg) -> &'static str {
    match m {
        Msg::ListSeparator => "、",
        Msg::Colon => "：",
        Msg::AlsoWritten => "其他写法",
        Msg::KernelState => "内核状态号",
        Msg::Who => "哪一方处于此状态",
        Msg::Enters => "如何进入",
        Msg::Leaves => "如何离开",
        Msg::Lasts => "持续多久",
        Msg::Settings => "内核参数（sysctl）",
        Msg::Unavailable => "不可用",
        Msg::LargeCount => "数量很多意味着什么",
        Msg::LoadBalancer => "在负载均衡器上",
        Msg::WebNode => "在 Web 节点上",
        Msg::Database => "在数据库上",
        Msg::LookNext => "下一步看什么",
        Msg::Counters => "计数器（/proc/net/netstat，TcpExt）",
        Msg::FsmTitle => "TCP 状态机（RFC 9293，附 Linux 注释）",
        Msg::From => "起始状态",
        Msg::Event => "事件",
        Msg::To => "目标状态",
        Msg::Sends => "发送",
        Msg::Legend => "L = Linux 特有，RFC 9293 中没有；[n] = 见下方注释 n",
        Msg::Notes => "注释",
        Msg::Linux => "Linux",
        Msg::Rfc => "RFC 9293",
        Msg::Client => "客户端",
        Msg::Server => "服务端",
        Msg::LadderTitle => "一条连接的正常生命周期：三次握手，然后由客户端先关闭",
        Msg::Nothing => "-",
    }
}

/// A message with values in it. Word order differs between languages, so each language
/// writes the whole sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sentence<'a> {
    /// `fsm --check` found the sequence possible.
    PathPossible { path: &'a str },
    /// A step of a possible sequence that only Linux makes.
    LinuxOnlyStep {
        step: usize,
        from: &'a str,
        to: &'a str,
    },
    /// `fsm --check` found an impossible step.
    PathImpossible {
        step: usize,
        from: &'a str,
        to: &'a str,
    },
    /// The states reachable from the one before an impossible step.
    Reachable { from: &'a str, list: &'a str },
}

impl Sentence<'_> {
    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                Sentence::PathPossible { path } => {
                    format!("possible: {path} is a possible life of one socket.")
                }
                Sentence::LinuxOnlyStep { step, from, to } => format!(
                    "note: step {step}, {from} -> {to}, is a Linux transition, not one of RFC 9293."
                ),
                Sentence::PathImpossible { step, from, to } => format!(
                    "impossible: step {step}, {from} -> {to}, is not a TCP state transition."
                ),
                Sentence::Reachable { from, list } => {
                    format!("From {from} a socket can go to: {list}.")
                }
            },
            Lang::Zh => match self {
                Sentence::PathPossible { path } => {
                    format!("可能：{path} 是一个套接字可能经历的状态序列。")
                }
                Sentence::LinuxOnlyStep { step, from, to } => {
                    format!(
                        "注意：第 {step} 步 {from} -> {to} 是 Linux 的状态转换，RFC 9293 中没有。"
                    )
                }
                Sentence::PathImpossible { step, from, to } => {
                    format!("不可能：第 {step} 步 {from} -> {to} 不是 TCP 状态转换。")
                }
                Sentence::Reachable { from, list } => {
                    format!("套接字从 {from} 可以进入：{list}。")
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh_TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale("zhx"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
    }

    #[test]
    fn locale_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_SG")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
    }

    #[test]
    fn chinese_is_chinese() {
        assert!(Lang::Zh.msg(Msg::Who).chars().any(|c| c > '\u{2e80}'));
        assert_eq!(Lang::Zh.list(&["A", "B"]), "A、B");
        assert_eq!(Lang::En.list(&["A", "B"]), "A, B");
        assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
    }
}
