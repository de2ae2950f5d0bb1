//! ss's trailing filter words on every command that selects sockets: `state S`, `exclude S`
//! and an expression, as one quoted argument or many (`tcpstate list state established
//! '( dport = :5432 or sport = :5432 )'`). They combine with the `--state/--sport…` flags:
//! a socket must satisfy both. With them the flags an ss user types without thinking: `-l`
//! (listening only), `-a` (every state, the default) and `-t` (TCP, the only protocol).

use clap::Args;

/// The trailing words, and ss's one-letter habits that select.
#[derive(Debug, Clone, Default, Args)]
pub struct SsFilterArgs {
    /// Listening sockets only, as ss -l and netstat -l; with list -m, each listener's accept
    /// queue, backlog and drops: which listener drops.
    #[arg(short = 'l', long)]
    pub listening: bool,

    /// Every state (the default; accepted for ss's -a).
    #[arg(short = 'a', long = "all-sockets")]
    pub all_sockets: bool,

    /// TCP (the only protocol; accepted for ss's -t).
    #[arg(short = 't', long)]
    pub tcp: bool,

    /// ss's filter: `state S` / `exclude S` (repeatable; ss's states and groups: all,
    /// connected, synchronized, bucket, big, established, listening, time-wait…), then an
    /// expression: `sport`/`dport` (= != < > <= >= or eq neq lt gt le ge) `:PORT`,
    /// `src`/`dst` `ADDR[/LEN][:PORT]`, `[V6]:PORT`, `*`; `dev`, `mark`, `cgroup`,
    /// `autobound`; `and` `or` `not` `( )`. The live kernel filters with it (bytecode).
    #[arg(
        value_name = "FILTER",
        trailing_var_arg = true,
        allow_hyphen_values = false
    )]
    pub filter: Vec<String>,
}
