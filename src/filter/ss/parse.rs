//! The parser of ss's filter words: an optional STATE-FILTER (`state S`, `exclude S`,
//! repeatable, ss's state names and groups) followed by an EXPRESSION (`sport`, `dport`,
//! `src`, `dst`, `dev`, `mark`/`fwmark`, `cgroup`, `autobound`; `not`, `and`, `or`,
//! parentheses, juxtaposition as `and`; `and` and `or` read left to right without precedence,
//! as ss does). Every error names the word it stopped at.

use std::net::IpAddr;

use super::expr::{Cond, Expr, HostCond, Side};
use super::lexer::{Cmp, Kind, Token, tokens};
use crate::filter::service_port;
use crate::tcp::state::StateSet;

/// Why the filter words could not be read, and the word at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad filter at '{at}' (filter word {n}): {why}", n = .word + 1)]
pub struct SsError {
    /// The token at fault (the last one when the words stopped too early).
    pub at: String,
    /// Index of the command-line word (0-based).
    pub word: usize,
    pub why: String,
}

/// The states and the expression the words name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SsFilter {
    /// `None` when no `state`/`exclude` word was given.
    pub states: Option<StateSet>,
    pub expr: Option<Expr>,
}

/// The most tokens an expression may have: it keeps the parser's, the evaluator's and the
/// compiler's recursion (one level per nested condition) far from the stack's end.
const MAX_TOKENS: usize = 2000;

const STARTS: &str = "expected sport, dport, src, dst, dev, mark, cgroup, autobound, not or '('";

struct Parser {
    toks: Vec<Token>,
    at: usize,
    /// Word index reported when the input ends.
    end_word: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn err_at(&self, t: Option<&Token>, why: impl Into<String>) -> SsError {
        match t {
            Some(t) => SsError {
                at: t.text.clone(),
                word: t.word,
                why: why.into(),
            },
            // The words ended: point at the last one.
            None => match self.toks.last() {
                Some(t) => SsError {
                    at: t.text.clone(),
                    word: t.word,
                    why: why.into(),
                },
                None => SsError {
                    at: String::new(),
                    word: self.end_word,
                    why: why.into(),
                },
            },
        }
    }

    /// A list of conditions joined by `and`, `or` or nothing (`and`), read left to right
    /// with no precedence between `and` and `or`, as ss reads them: `A or B and C` is
    /// `(A or B) and C`. `not` binds to the one condition after it.
    fn list(&mut self) -> Result<Expr, SsError> {
        let mut e = self.unary()?;
        loop {
            match self.peek().map(|t| t.kind) {
                Some(Kind::And) => {
                    self.at += 1;
                    e = Expr::and(e, self.unary()?);
                }
                Some(Kind::Or) => {
                    self.at += 1;
                    e = Expr::or(e, self.unary()?);
                }
                // Juxtaposition: two conditions side by side are both required.
                Some(Kind::Word | Kind::Not | Kind::Open) => e = Expr::and(e, self.unary()?),
                _ => return Ok(e),
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, SsError> {
        let Some(t) = self.next() else {
            return Err(self.err_at(
                None,
                format!("the expression ends after this word: {STARTS}"),
            ));
        };
        match t.kind {
            Kind::Not => Ok(Expr::negate(self.unary()?)),
            Kind::Open => {
                let e = self.list()?;
                match self.next() {
                    Some(c) if c.kind == Kind::Close => Ok(e),
                    other => Err(self.err_at(
                        other.as_ref().or(Some(&t)),
                        "this '(' is not closed by a ')'",
                    )),
                }
            }
            Kind::Word => self.condition(&t),
            _ => Err(self.err_at(Some(&t), STARTS)),
        }
    }

    /// An optional comparison operator after a keyword (`sport = :80`, `sport :80`).
    fn cmp(&mut self) -> Cmp {
        match self.peek().map(|t| t.kind) {
            Some(Kind::Cmp(c)) => {
                self.at += 1;
                c
            }
            _ => Cmp::Eq,
        }
    }

    fn value(&mut self, key: &Token, what: &str) -> Result<Token, SsError> {
        match self.next() {
            Some(v) if v.kind == Kind::Word => Ok(v),
            other => Err(self.err_at(
                other.as_ref().or(Some(key)),
                format!("'{}' needs {what} after it", key.text),
            )),
        }
    }

    /// `=`/`!=` only: the other comparisons make no sense for the key.
    fn equality(&self, key: &Token, c: Cmp, e: Expr) -> Result<Expr, SsError> {
        match c {
            Cmp::Eq => Ok(e),
            Cmp::Ne => Ok(Expr::negate(e)),
            _ => Err(self.err_at(
                Some(key),
                format!("'{}' takes only = or != (eq, neq)", key.text),
            )),
        }
    }

    fn condition(&mut self, key: &Token) -> Result<Expr, SsError> {
        let side = |s: &str| {
            if s.starts_with('s') {
                Side::Local
            } else {
                Side::Remote
            }
        };
        match key.text.as_str() {
            "sport" | "dport" => {
                let side = side(&key.text);
                let c = self.cmp();
                let v = self.value(key, "a port (:80, :http)")?;
                let host = host_cond(&v.text, true).map_err(|w| self.err_at(Some(&v), w))?;
                let port_only = || match (host.net, host.port) {
                    (None, Some(p)) => Ok(p),
                    _ => Err(self.err_at(
                        Some(&v),
                        "<, >, <= and >= compare a port alone: write :PORT",
                    )),
                };
                let cond = |c: Cond| Expr::Cond(c);
                Ok(match c {
                    Cmp::Eq => cond(Cond::Host(side, host)),
                    Cmp::Ne => Expr::negate(cond(Cond::Host(side, host))),
                    Cmp::Ge => cond(Cond::PortGe(side, port_only()?)),
                    Cmp::Le => cond(Cond::PortLe(side, port_only()?)),
                    Cmp::Gt => Expr::negate(cond(Cond::PortLe(side, port_only()?))),
                    Cmp::Lt => Expr::negate(cond(Cond::PortGe(side, port_only()?))),
                })
            }
            "src" | "dst" => {
                let side = side(&key.text);
                let c = self.cmp();
                let v = self.value(key, "an address (10.0.0.0/8, [::1]:80, *:22)")?;
                let host = host_cond(&v.text, false).map_err(|w| self.err_at(Some(&v), w))?;
                self.equality(key, c, Expr::Cond(Cond::Host(side, host)))
            }
            "dev" => {
                let c = self.cmp();
                let v = self.value(key, "an interface name or index")?;
                let idx = interface_index(&v.text).map_err(|w| self.err_at(Some(&v), w))?;
                self.equality(key, c, Expr::Cond(Cond::Dev(idx)))
            }
            "mark" | "fwmark" => {
                let c = self.cmp();
                let v = self.value(key, "a mark (0x10 or 0x10/0xff)")?;
                let (value, mask) = mark(&v.text).map_err(|w| self.err_at(Some(&v), w))?;
                self.equality(key, c, Expr::Cond(Cond::Mark { value, mask }))
            }
            "cgroup" => {
                let c = self.cmp();
                let v = self.value(key, "a cgroup path (/system.slice/nginx.service)")?;
                let id = cgroup_id(&v.text).map_err(|w| self.err_at(Some(&v), w))?;
                self.equality(key, c, Expr::Cond(Cond::Cgroup(id)))
            }
            // As ss means it: the kernel says the port was not bound by the application,
            // and it lies in this namespace's ephemeral range (an accepted connection
            // inherits the listener's port without its bind lock).
            "autobound" => {
                let (lo, hi) = ephemeral_range();
                Ok(Expr::and(
                    Expr::Cond(Cond::Autobound),
                    Expr::and(
                        Expr::Cond(Cond::PortGe(Side::Local, lo)),
                        Expr::Cond(Cond::PortLe(Side::Local, hi)),
                    ),
                ))
            }
            "state" | "exclude" | "excl" => Err(self.err_at(
                Some(key),
                "state words come before the expression, as in ss (state established '( dport = :80 )')",
            )),
            _ => Err(self.err_at(Some(key), STARTS)),
        }
    }
}

/// A port: a number, `*` (any) or a service name from /etc/services.
fn port(s: &str) -> Result<Option<u16>, String> {
    if s == "*" {
        return Ok(None);
    }
    if let Ok(p) = s.parse::<u16>() {
        return Ok(Some(p));
    }
    if !s.is_empty()
        && !s.bytes().all(|b| b.is_ascii_digit())
        && let Some(p) = service_port(s)
    {
        return Ok(Some(p));
    }
    Err(format!(
        "'{s}' is not a port: give a number 0-65535 or a tcp service name from /etc/services"
    ))
}

/// An address with an optional `/PREFIX`, kept in the family it is written in.
fn net(s: &str) -> Result<(IpAddr, u8), String> {
    let (a, l) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let a = a.trim_start_matches('[').trim_end_matches(']');
    let addr: IpAddr = a
        .parse()
        .map_err(|_| format!("'{a}' is not an IPv4 or IPv6 address"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = match l {
        None => max,
        Some(l) => l
            .parse::<u8>()
            .ok()
            .filter(|&n| n <= max)
            .ok_or_else(|| format!("prefix length '/{l}' must be a number from 0 to {max}"))?,
    };
    Ok((addr, len))
}

/// `*`, `:PORT`, `*:PORT`, `ADDR[/LEN]`, `ADDR[/LEN]:PORT`, `[V6][/LEN]:PORT`, `V6[/LEN]`;
/// with `port_first` (after sport/dport) a bare number or name is a port.
fn host_cond(s: &str, port_first: bool) -> Result<HostCond, String> {
    let any = HostCond {
        net: None,
        port: None,
    };
    if s == "*" {
        return Ok(any);
    }
    if let Some(p) = s.strip_prefix("*:").or_else(|| s.strip_prefix(':'))
        && !p.contains(':')
    {
        return Ok(HostCond {
            port: port(p)?,
            ..any
        });
    }
    if port_first && !s.contains(['.', ':', '[', '/']) {
        return Ok(HostCond {
            port: port(s)?,
            ..any
        });
    }
    if s.starts_with('[') {
        let close = s
            .find(']')
            .ok_or_else(|| format!("'{s}' opens '[' without closing it"))?;
        let rest = &s[close + 1..];
        let (len, port_part) = match rest.split_once(':') {
            Some((l, p)) => (l, Some(p)),
            None => (rest, None),
        };
        let net = net(&format!("{}{len}", &s[1..close]))?;
        let port = match port_part {
            Some(p) => port(p)?,
            None => None,
        };
        return Ok(HostCond {
            net: Some(net),
            port,
        });
    }
    if s.matches(':').count() > 1 {
        return Ok(HostCond {
            net: Some(net(s)?),
            port: None,
        });
    }
    let (a, p) = match s.rsplit_once(':') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let net = if a == "*" || a.is_empty() {
        None
    } else {
        Some(net(a)?)
    };
    let port = match p {
        Some(p) => port(p)?,
        None => None,
    };
    Ok(HostCond { net, port })
}

fn interface_index(s: &str) -> Result<u32, String> {
    if let Ok(n) = s.parse::<u32>() {
        return Ok(n);
    }
    let name = std::ffi::CString::new(s).map_err(|_| format!("'{s}' is not an interface"))?;
    // SAFETY: `name` is a valid NUL-terminated string for the call's duration.
    let idx = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if idx == 0 {
        return Err(format!(
            "no interface '{s}' in this network namespace (see `ip link`)"
        ));
    }
    Ok(idx)
}

fn number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn mark(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{s}' is not a mark: write 0x10 or 0x10/0xff");
    match s.split_once('/') {
        Some((v, m)) => Ok((number(v).ok_or_else(bad)?, number(m).ok_or_else(bad)?)),
        None => Ok((number(s).ok_or_else(bad)?, u32::MAX)),
    }
}

/// Where the cgroup v2 hierarchy is mounted: `/sys/fs/cgroup` on a unified system,
/// `/sys/fs/cgroup/unified` on a hybrid one.
fn cgroup2_mount() -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let (_, dir, fstype) = (f.next()?, f.next()?, f.next()?);
        (fstype == "cgroup2").then(|| dir.to_string())
    })
}

/// The id of a cgroup v2 directory: its inode in the cgroup2 hierarchy (the id the kernel
/// gives its sockets).
fn cgroup_id(s: &str) -> Result<u64, String> {
    use std::os::unix::fs::MetadataExt;
    let mount = cgroup2_mount().ok_or_else(|| "no cgroup2 hierarchy is mounted".to_string())?;
    let path = format!("{mount}/{}", s.trim_start_matches('/'));
    std::fs::metadata(&path)
        .map(|m| m.ino())
        .map_err(|e| format!("cannot read cgroup {path}: {e}"))
}

/// The ephemeral port range of the calling thread's namespace (the kernel's default when it
/// cannot be read).
fn ephemeral_range() -> (u16, u16) {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| {
            let mut w = t.split_whitespace().map(|n| n.parse::<u16>().ok());
            Some((w.next()??, w.next()??))
        })
        .unwrap_or((32768, 60999))
}

/// Parse the trailing filter words of a command line.
pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<SsFilter, SsError> {
    let toks = tokens(words);
    if let Some(t) = toks.get(MAX_TOKENS) {
        return Err(SsError {
            at: t.text.clone(),
            word: t.word,
            why: format!("the filter is longer than {MAX_TOKENS} words and operators"),
        });
    }
    let mut p = Parser {
        toks,
        at: 0,
        end_word: words.len().saturating_sub(1),
    };
    let mut states: Option<StateSet> = None;
    while let Some(t) = p.peek().cloned()
        && t.kind == Kind::Word
        && matches!(t.text.as_str(), "state" | "exclude" | "excl")
    {
        p.at += 1;
        let v = p.value(&t, "a state or group (established, connected, bucket…)")?;
        let set = ss_state_word(&v.text).map_err(|w| p.err_at(Some(&v), w))?;
        states = Some(if t.text == "state" {
            states.unwrap_or(StateSet::EMPTY).union(set)
        } else {
            StateSet::from_bits(states.unwrap_or(StateSet::ALL).bits() & !set.bits())
        });
    }
    let expr = if p.peek().is_some() {
        let e = p.list()?;
        if let Some(t) = p.peek() {
            let why = if t.kind == Kind::Close {
                "this ')' closes no '('".to_string()
            } else {
                STARTS.to_string()
            };
            return Err(p.err_at(Some(t), why));
        }
        Some(e)
    } else {
        None
    };
    Ok(SsFilter { states, expr })
}

/// One of ss's state words: its names (`listening`, `closed`, `syn-recv`…) and groups.
fn ss_state_word(w: &str) -> Result<StateSet, String> {
    use crate::tcp::state::TcpState;
    let set = match w {
        "listening" => StateSet::of(&[TcpState::Listen]),
        "closed" => StateSet::of(&[TcpState::Close]),
        _ => w.parse::<StateSet>().map_err(|e| e.to_string())?,
    };
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::state::TcpState;

    fn port(side: Side, p: u16) -> Expr {
        Expr::Cond(Cond::Host(
            side,
            HostCond {
                net: None,
                port: Some(p),
            },
        ))
    }

    #[test]
    fn and_or_read_left_to_right_and_not_binds_tight() {
        let e = parse(&["sport = :1 or sport = :2 and not dport = :3"])
            .unwrap()
            .expr
            .unwrap();
        let want = Expr::and(
            Expr::or(port(Side::Local, 1), port(Side::Local, 2)),
            Expr::negate(port(Side::Remote, 3)),
        );
        assert_eq!(e, want);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash() {
        let deep = "(".repeat(100_000);
        let e = parse(&[deep.as_str()]).unwrap_err();
        assert!(e.why.contains("longer than"), "{e}");
        let long = vec!["sport = :1 or"; 50_000].join(" ");
        assert!(parse(&[long.as_str()]).is_err());
        let ok = vec!["sport = :1"; 400].join(" or ");
        assert!(parse(&[ok.as_str()]).is_ok());
    }

    #[test]
    fn state_words_add_and_exclude_as_ss() {
        let f = parse(&["state", "listening", "state", "bucket"]).unwrap();
        let s = f.states.unwrap();
        assert!(s.contains(TcpState::Listen) && s.contains(TcpState::TimeWait));
        assert!(!s.contains(TcpState::Established));
        let f = parse(&["exclude", "established"]).unwrap();
        let s = f.states.unwrap();
        assert!(!s.contains(TcpState::Established) && s.contains(TcpState::Listen));
        assert!(f.expr.is_none());
    }

    #[test]
    fn addresses_keep_their_family_and_ports_their_names() {
        let h = host_cond("[::ffff:10.0.0.1]:5432", false).unwrap();
        assert_eq!(h.net, Some(("::ffff:10.0.0.1".parse().unwrap(), 128)));
        assert_eq!(h.port, Some(5432));
        assert_eq!(
            host_cond("10.0.0.0/8:80", false).unwrap().net,
            Some(("10.0.0.0".parse().unwrap(), 8))
        );
        assert_eq!(host_cond("::1", false).unwrap().port, None);
        assert_eq!(host_cond("*:22", false).unwrap().net, None);
        assert_eq!(host_cond("http", true).unwrap().port, Some(80));
    }
}
