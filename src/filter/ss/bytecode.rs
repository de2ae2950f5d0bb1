//! The compiler of an ss expression into the kernel's inet_diag bytecode, the program sent
//! as `INET_DIAG_REQ_BYTECODE` with a dump request so the kernel skips non-matching sockets
//! before copying them. Each op is `{code, yes, no}`; the kernel walks the program, moving by
//! `yes` when a test holds and by `no` when it fails, and keeps the socket when it lands
//! exactly on the end (a jump 4 bytes past the end rejects it). Code here always falls
//! through on success (`yes` = the op's length, which the kernel's audit requires to reach
//! every op) and jumps forward on failure, with `JMP` (which always fails) for `or`/`not`.

use std::net::IpAddr;

use super::expr::{Cond, Expr, HostCond, Side};

pub const NOP: u8 = 0;
pub const JMP: u8 = 1;
pub const S_GE: u8 = 2;
pub const S_LE: u8 = 3;
pub const D_GE: u8 = 4;
pub const D_LE: u8 = 5;
pub const AUTO: u8 = 6;
pub const S_COND: u8 = 7;
pub const D_COND: u8 = 8;
pub const DEV_COND: u8 = 9;
pub const MARK_COND: u8 = 10;
pub const CGROUP_COND: u8 = 13;

/// The attribute type of the program in a dump request.
pub const INET_DIAG_REQ_BYTECODE: u16 = 1;

/// Address families as the kernel numbers them in `inet_diag_hostcond`.
pub const AF_UNSPEC: u8 = 0;
pub const AF_INET: u8 = 2;
pub const AF_INET6: u8 = 10;

/// The longest program: jumps are 16-bit, and so is the attribute's length.
const MAX_LEN: usize = 65_000;

/// Where a failed test goes.
type Label = usize;

struct Emitter {
    code: Vec<u8>,
    /// Byte offset of each placed label.
    labels: Vec<Option<usize>>,
    /// (offset of an op, the label its `no` jumps to).
    fixups: Vec<(usize, Label)>,
}

impl Emitter {
    fn label(&mut self) -> Label {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn place(&mut self, l: Label) {
        self.labels[l] = Some(self.code.len());
    }

    /// An op of `code` followed by `payload`; `no` jumps to `fail`.
    fn op(&mut self, code: u8, payload: &[u8], fail: Label) {
        let at = self.code.len();
        let len = 4 + payload.len();
        self.code.push(code);
        self.code.push(len as u8);
        self.code.extend_from_slice(&[0, 0]);
        self.code.extend_from_slice(payload);
        self.fixups.push((at, fail));
    }

    fn cond(&mut self, c: &Cond, fail: Label) {
        match c {
            Cond::Host(side, h) => {
                let code = match side {
                    Side::Local => S_COND,
                    Side::Remote => D_COND,
                };
                self.op(code, &hostcond(h), fail);
            }
            Cond::PortGe(side, p) | Cond::PortLe(side, p) => {
                let ge = matches!(c, Cond::PortGe(..));
                let code = match (side, ge) {
                    (Side::Local, true) => S_GE,
                    (Side::Local, false) => S_LE,
                    (Side::Remote, true) => D_GE,
                    (Side::Remote, false) => D_LE,
                };
                // The port travels in the `no` field of a second op.
                let mut arg = vec![0u8, 0];
                arg.extend_from_slice(&p.to_ne_bytes());
                self.op(code, &arg, fail);
            }
            Cond::Dev(i) => self.op(DEV_COND, &i.to_ne_bytes(), fail),
            Cond::Mark { value, mask } => {
                let mut arg = value.to_ne_bytes().to_vec();
                arg.extend_from_slice(&mask.to_ne_bytes());
                self.op(MARK_COND, &arg, fail);
            }
            Cond::Cgroup(id) => self.op(CGROUP_COND, &id.to_ne_bytes(), fail),
            Cond::Autobound => self.op(AUTO, &[], fail),
        }
    }

    /// Code that falls through when `e` holds and jumps to `fail` when it does not.
    fn expr(&mut self, e: &Expr, fail: Label) {
        match e {
            Expr::Cond(c) => self.cond(c, fail),
            Expr::And(a, b) => {
                self.expr(a, fail);
                self.expr(b, fail);
            }
            Expr::Or(a, b) => {
                let try_b = self.label();
                let done = self.label();
                self.expr(a, try_b);
                self.op(JMP, &[], done);
                self.place(try_b);
                self.expr(b, fail);
                self.place(done);
            }
            Expr::Not(a) => {
                let held_not = self.label();
                self.expr(a, held_not);
                self.op(JMP, &[], fail);
                self.place(held_not);
            }
        }
    }
}

/// `struct inet_diag_hostcond`: family, prefix length, port (-1: any), then the address.
fn hostcond(h: &HostCond) -> Vec<u8> {
    let port: i32 = h.port.map_or(-1, i32::from);
    let (family, len, addr): (u8, u8, Vec<u8>) = match h.net {
        None => (AF_UNSPEC, 0, Vec::new()),
        Some((IpAddr::V4(a), l)) => (AF_INET, l, a.octets().to_vec()),
        Some((IpAddr::V6(a), l)) => (AF_INET6, l, a.octets().to_vec()),
    };
    let mut b = vec![family, len, 0, 0];
    b.extend_from_slice(&port.to_ne_bytes());
    b.extend_from_slice(&addr);
    b
}

/// The program for `e`, or `None` when it would exceed what the kernel takes (the caller
/// then filters in user space).
pub fn compile(e: &Expr) -> Option<Vec<u8>> {
    let mut em = Emitter {
        code: Vec::new(),
        labels: Vec::new(),
        fixups: Vec::new(),
    };
    let reject = em.label();
    em.expr(e, reject);
    if em.code.len() > MAX_LEN {
        return None;
    }
    // Rejection: 4 bytes past the end.
    em.labels[reject] = Some(em.code.len() + 4);
    for (at, l) in std::mem::take(&mut em.fixups) {
        let target = em.labels[l]?;
        let no = u16::try_from(target - at).ok()?;
        em.code[at + 2..at + 4].copy_from_slice(&no.to_ne_bytes());
    }
    Some(em.code)
}

#[cfg(test)]
#[path = "bytecode_tests.rs"]
mod tests;
