//! `Maker`: carries out a population's plans on a thread inside the namespace, in three
//! phases: (1) rules that stop handshakes, then listeners, unanswered connects, TIME_WAIT
//! sockets and connected pairs; (2) rules that stop one direction, then the half closes, and a
//! wait until `ss` shows every pair in its states; (3) rules that silence ports with surplus
//! ends, the aborts, and a wait for the final counts.

use std::collections::BTreeSet;
use std::net::Shutdown;
use std::time::Duration;

use anyhow::{Context, Result};
use socket2::Socket;

use super::plan::Plan;
use super::{Expected, SYN_RECV_PER_LISTENER, wait_for};
use crate::sockets::{self, Pairs, abort, abort_last};
use crate::{Netns, Server};

/// Carries out the plans on a thread inside the namespace.
pub(super) struct Maker<'a> {
    pub(super) ns: &'a Netns,
    pub(super) table: String,
    pub(super) ports: &'a BTreeSet<u16>,
    pub(super) settle: Duration,
}

/// The connections of one family whose ends are driven further after they connect.
#[derive(Default)]
struct Groups {
    established: Pairs,
    half_closed: Pairs,
    fin: Pairs,
    closing: Pairs,
}

impl Maker<'_> {
    pub(super) fn make(
        &self,
        plans: &[Plan],
        before_aborts: &Expected,
        expected: &Expected,
    ) -> Result<Vec<Socket>> {
        for (key, value) in [
            ("net/ipv4/tcp_tw_reuse", "0"),
            ("net/core/somaxconn", "65535"),
            ("net/ipv4/tcp_max_syn_backlog", "65535"),
        ] {
            // This thread is in the namespace, so these are the namespace's sysctls.
            std::fs::write(format!("/proc/sys/{key}"), value)
                .with_context(|| format!("setting {key} in the namespace"))?;
        }
        let mut held = Vec::new();

        // Phase 1: rules that keep handshakes from finishing, then every connection.
        let mut rules = String::new();
        for p in plans {
            if let Some(port) = p.syn_sent {
                rules += &format!("tcp dport {port} drop\n");
            }
            for port in &p.syn_recv {
                rules += &format!("tcp sport {port} tcp flags & (syn | ack) == syn | ack drop\n");
            }
        }
        self.rules(&rules)?;
        let mut groups = Vec::new();
        for p in plans {
            groups.push(
                self.connect(p, &mut held)
                    .with_context(|| format!("{} sockets", p.family))?,
            );
        }

        // Phase 2: block one direction where a FIN must go unanswered, then close halves.
        let mut rules = String::new();
        for p in plans {
            if let Some(port) = p.fin {
                rules += &format!("tcp sport {port} drop\n");
            }
            if let Some(port) = p.closing {
                rules += &format!("tcp dport {port} drop\n");
            }
        }
        self.rules(&rules)?;
        for (p, g) in plans.iter().zip(&groups) {
            close_halves(g).with_context(|| format!("{} sockets", p.family))?;
        }
        self.settle(before_aborts, "connections reaching their states")?;

        // Phase 3: silence ports with surplus ends, abort those ends.
        let mut rules = String::new();
        for p in plans {
            let c = &p.counts;
            let mut silence = |port: Option<u16>| {
                if let Some(port) = port {
                    rules += &format!("tcp sport {port} drop\ntcp dport {port} drop\n");
                }
            };
            if c.established % 2 == 1 {
                silence(p.established);
            }
            if c.fin_wait2 != c.close_wait {
                silence(p.half_closed);
            }
            if c.fin_wait1 != c.last_ack {
                silence(p.fin);
            }
            silence(p.closing);
        }
        self.rules(&rules)?;
        for (p, g) in plans.iter().zip(groups) {
            let c = &p.counts;
            let Groups {
                mut established,
                mut half_closed,
                mut fin,
                closing,
            } = g;
            abort_last(&mut established.clients, c.established % 2);
            // Clients are in FIN_WAIT2, servers in CLOSE_WAIT.
            abort_last(
                &mut half_closed.clients,
                c.close_wait.saturating_sub(c.fin_wait2),
            );
            abort_last(
                &mut half_closed.servers,
                c.fin_wait2.saturating_sub(c.close_wait),
            );
            // Clients are in FIN_WAIT1, servers in LAST_ACK.
            abort_last(&mut fin.clients, c.last_ack.saturating_sub(c.fin_wait1));
            abort_last(&mut fin.servers, c.fin_wait1.saturating_sub(c.last_ack));
            // Clients are in CLOSING, servers in FIN_WAIT1: keep only the CLOSING ends.
            closing.servers.into_iter().for_each(abort);
            held.extend(established.into_sockets());
            held.extend(half_closed.into_sockets());
            held.extend(fin.into_sockets());
            held.extend(closing.clients);
        }
        self.settle(expected, "the final counts")?;
        Ok(held)
    }

    /// Listeners, unanswered connects, TIME_WAIT sockets, and the pairs driven further later.
    fn connect(&self, p: &Plan, held: &mut Vec<Socket>) -> Result<Groups> {
        let f = p.family;
        let c = &p.counts;
        for &port in &p.listen {
            held.push(sockets::listener(Server::new(f, port), 128).context("LISTEN")?);
        }
        if let Some(port) = p.syn_sent {
            let server = Server::new(f, port);
            for i in 0..c.syn_sent {
                held.push(sockets::connect_unanswered(server, i, None).context("SYN_SENT")?);
            }
        }
        let mut left = c.syn_recv;
        for &port in &p.syn_recv {
            let k = left.min(SYN_RECV_PER_LISTENER);
            let server = Server::new(f, port);
            // A listener whose request queue is over half its backlog prunes old requests
            // after 2 SYN-ACK retries (7 s) instead of 5 (63 s): keep it under half.
            let l = sockets::listener(server, 2 * k + 64).context("SYN_RECV listener")?;
            let sources = p.syn_recv_sources.context("SYN_RECV source ports")?;
            for (i, source) in (sources..).take(k).enumerate() {
                // Closing a SYN_SENT socket sends nothing; the request socket stays.
                let c = sockets::connect_unanswered(server, i, Some(source)).context("SYN_RECV")?;
                drop(c);
            }
            held.push(l);
            left -= k;
        }
        if let Some(port) = p.time_wait {
            sockets::time_wait(Server::new(f, port), c.time_wait).context("TIME_WAIT")?;
        }
        let pairs = |port: Option<u16>, n: usize, what: &str| match port {
            Some(port) => {
                sockets::connect_pairs(Server::new(f, port), n).with_context(|| what.to_string())
            }
            None => Ok(Pairs::default()),
        };
        Ok(Groups {
            established: pairs(p.established, c.established_pairs(), "ESTABLISHED")?,
            half_closed: pairs(p.half_closed, c.half_closed_pairs(), "FIN_WAIT2/CLOSE_WAIT")?,
            fin: pairs(p.fin, c.fin_pairs(), "FIN_WAIT1/LAST_ACK")?,
            closing: pairs(p.closing, c.closing, "CLOSING")?,
        })
    }

    /// Adds rules to the population's table (input hook, so packets are sent and then lost,
    /// as on a real network).
    fn rules(&self, rules: &str) -> Result<()> {
        if rules.is_empty() {
            return Ok(());
        }
        let t = &self.table;
        let mut text = format!(
            "add table inet {t}\n\
             add chain inet {t} input {{ type filter hook input priority filter; policy accept; }}\n"
        );
        for rule in rules.lines() {
            text += &format!("add rule inet {t} input {rule}\n");
        }
        self.ns.nft(&text)
    }

    /// Polls `ss` until the population's ports show exactly `want`.
    fn settle(&self, want: &Expected, phase: &str) -> Result<()> {
        wait_for(self.ns, self.ports, want, self.settle)
            .with_context(|| format!("waiting for {phase}"))
    }
}

/// Drives the pairs into their half-closed states (see the module comment).
fn close_halves(g: &Groups) -> Result<()> {
    for c in &g.half_closed.clients {
        c.shutdown(Shutdown::Write).context("FIN_WAIT2: shutdown")?;
    }
    for s in &g.half_closed.servers {
        sockets::read_eof(s).context("CLOSE_WAIT")?;
    }
    for c in &g.fin.clients {
        c.shutdown(Shutdown::Write).context("FIN_WAIT1: shutdown")?;
    }
    for s in &g.fin.servers {
        sockets::read_eof(s).context("LAST_ACK: the client's FIN")?;
        s.shutdown(Shutdown::Write).context("LAST_ACK: shutdown")?;
    }
    for c in &g.closing.clients {
        c.shutdown(Shutdown::Write)
            .context("CLOSING: client shutdown")?;
    }
    for s in &g.closing.servers {
        s.shutdown(Shutdown::Write)
            .context("CLOSING: server shutdown")?;
    }
    Ok(())
}
