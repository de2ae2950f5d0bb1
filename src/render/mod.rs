//! Renderers: the only place that formats output. Each takes data from the domain and the
//! analyses and writes text, JSON, DOT or Mermaid to a `Write`, in the user's language.

pub mod explain;
pub mod fsm;
pub mod fsm_path;
pub mod text;
