//! ss's filter language for TCP: the trailing words `state S`/`exclude S` and an expression
//! over ports, addresses, device, mark, cgroup and autobound, as `ss` takes them — one quoted
//! argument or many. `parse` reads them; `eval` answers them in user space (captures,
//! /proc); `bytecode` compiles them for the kernel, which then skips what does not match.

pub mod bytecode;
pub mod eval;
pub mod expr;
pub mod lexer;
pub mod parse;

pub use expr::{Cond, Expr, HostCond, Side};
pub use parse::{SsError, SsFilter, parse};
