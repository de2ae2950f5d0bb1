//! The commands: each has a clap `Args` struct and a `run` that reads what it needs, hands it
//! to a renderer and returns the exit code. The binary's cli wires them in.

pub mod explain;
pub mod fsm;

use crate::i18n::Lang;

/// The language asked for with `--lang`, else the locale's.
pub fn lang_or_env(lang: Option<Lang>) -> Lang {
    lang.unwrap_or_else(Lang::from_env)
}
