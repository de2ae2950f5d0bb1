//! Closing sockets the way `ss -K` does: one `SOCK_DESTROY` request per socket, naming it by
//! its exact endpoints and its cookie (so a socket that has gone and been replaced by another
//! with the same addresses is not touched), many requests per system call, and the kernel's
//! answer to each kept: closed, gone meanwhile, or refused with its reason.

use std::io;

use netlink_packet_core::{NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR};

use super::SourceError;
use super::diag_request::exact_request;
use super::netlink::{LOOKUP_BATCH, NetlinkSource, SLOT, error_code, read_answers};
use crate::socket::Socket;

/// `SOCK_DESTROY`, the sock_diag message that closes one socket.
const SOCK_DESTROY: u16 = 21;

/// What became of one socket asked to be closed.
#[derive(Debug)]
pub enum Destroyed {
    Closed,
    /// No socket has its endpoints and cookie any more.
    Gone,
    /// The kernel refused (its error: no CAP_NET_ADMIN, a kernel without
    /// `CONFIG_INET_DIAG_DESTROY`, a state it does not close…).
    Refused(io::Error),
    /// The socket lacks the addresses or ports a request needs (never from sock_diag).
    Unnamed,
}

impl Destroyed {
    fn of_errno(code: i32) -> Destroyed {
        match -code {
            0 => Destroyed::Closed,
            libc::ENOENT | libc::ESTALE => Destroyed::Gone,
            e => Destroyed::Refused(io::Error::from_raw_os_error(e)),
        }
    }
}

impl NetlinkSource {
    /// Close each socket; one outcome per socket, in order.
    pub fn destroy(&mut self, sockets: &[Socket]) -> Result<Vec<Destroyed>, SourceError> {
        let mut out: Vec<Destroyed> = Vec::with_capacity(sockets.len());
        let mut req = Vec::with_capacity(LOOKUP_BATCH * 72);
        let mut slots = vec![0u8; LOOKUP_BATCH * SLOT];
        for chunk in sockets.chunks(LOOKUP_BATCH) {
            req.clear();
            let first_seq = self.seq.wrapping_add(1);
            let base = out.len();
            let mut asked = vec![false; chunk.len()];
            for (i, s) in chunk.iter().enumerate() {
                self.seq = self.seq.wrapping_add(1);
                out.push(Destroyed::Unnamed);
                let (Some(lip), Some(lp), Some(rip), Some(rp)) =
                    (s.local.ip, s.local.port, s.remote.ip, s.remote.port)
                else {
                    continue;
                };
                let id = (
                    s.family,
                    std::net::SocketAddr::new(lip, lp),
                    std::net::SocketAddr::new(rip, rp),
                    s.cookie,
                );
                exact_request(
                    &mut req,
                    SOCK_DESTROY,
                    NLM_F_REQUEST | NLM_F_ACK,
                    id,
                    self.seq,
                );
                asked[i] = true;
            }
            let want = asked.iter().filter(|a| **a).count();
            if want == 0 {
                continue;
            }
            self.socks[0].send(&req, 0).map_err(SourceError::Netlink)?;
            read_answers(&self.socks[0], &mut slots, want, first_seq, |i, nl| {
                if i >= chunk.len() || !asked[i] || nl.message_type() != NLMSG_ERROR {
                    return Ok(false);
                }
                out[base + i] = Destroyed::of_errno(error_code(nl)?);
                asked[i] = false;
                Ok(true)
            })?;
        }
        Ok(out)
    }
}
