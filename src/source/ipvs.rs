//! The IPVS connection table's readers: the live `/proc/net/ip_vs_conn` of a namespace
//! (addresses and ports in hex, seconds left in decimal) and saved text of it or of
//! `ipvsadm -lnc` (dotted addresses, `[v6]:port`, `mm:ss` left), one parser for both. Only TCP
//! connections are counted; other protocols are passed over.

use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::{Context, Result, anyhow};

use super::Unread;
use super::table::{TableInput, TableTarget, read_capture, read_text};
use crate::ipvs::{IpvsConn, IpvsState};

/// What one line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Tcp(IpvsConn),
    /// A header, a blank line, another protocol.
    Other,
}

/// A hex address of /proc/net/ip_vs_conn: 8 digits (IPv4) or the eight groups of an IPv6.
fn hex_addr(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    (s.len() == 8)
        .then(|| u32::from_str_radix(s, 16).ok())
        .flatten()
        .map(|n| IpAddr::V4(Ipv4Addr::from(n)))
}

fn hex_port(s: &str) -> Option<u16> {
    u16::from_str_radix(s, 16).ok()
}

/// `mm:ss` of ipvsadm, or plain seconds.
fn expires(s: &str) -> Option<u32> {
    match s.split_once(':') {
        Some((m, sec)) => Some(m.parse::<u32>().ok()? * 60 + sec.parse::<u32>().ok()?),
        None => s.parse().ok(),
    }
}

/// Read one line of either text.
pub fn parse_line(line: &str) -> Result<Line, String> {
    let w: Vec<&str> = line.split_ascii_whitespace().collect();
    let Some(&proto) = w.first() else {
        return Ok(Line::Other);
    };
    match proto {
        "TCP" => {}
        // Headers of both texts, other protocols.
        "Pro" | "pro" | "IPVS" | "UDP" | "SCTP" => return Ok(Line::Other),
        _ => return Err(format!("'{proto}' is not an IPVS protocol")),
    }
    let bad = |what: &str, v: &str| format!("{what} '{v}' cannot be read");
    if w.len() >= 9 {
        // /proc/net/ip_vs_conn: Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires [PE…]
        let addr = |i: usize| -> Result<SocketAddr, String> {
            let ip = hex_addr(w[i]).ok_or_else(|| bad("address", w[i]))?;
            let port = hex_port(w[i + 1]).ok_or_else(|| bad("port", w[i + 1]))?;
            Ok(SocketAddr::new(ip, port))
        };
        let state = IpvsState::parse(w[7]).ok_or_else(|| bad("IPVS TCP state", w[7]))?;
        return Ok(Line::Tcp(IpvsConn {
            state,
            client: addr(1)?,
            service: addr(3)?,
            real: addr(5)?,
            expires: Some(w[8].parse().map_err(|_| bad("expiry", w[8]))?),
        }));
    }
    if w.len() == 6 {
        // ipvsadm -lnc: pro expire state source virtual destination
        let addr = |v: &str| v.parse::<SocketAddr>().map_err(|_| bad("address", v));
        let state = IpvsState::parse(w[2]).ok_or_else(|| bad("IPVS TCP state", w[2]))?;
        return Ok(Line::Tcp(IpvsConn {
            state,
            client: addr(w[3])?,
            service: addr(w[4])?,
            real: addr(w[5])?,
            expires: Some(expires(w[1]).ok_or_else(|| bad("expiry", w[1]))?),
        }));
    }
    Err(format!(
        "{} fields: neither /proc/net/ip_vs_conn's 9 nor ipvsadm -lnc's 6",
        w.len()
    ))
}

/// What a scan says besides its connections.
#[derive(Debug, Clone, Default)]
pub struct IpvsReport {
    pub unread: Vec<Unread>,
}

/// A line of IPVS text as `table::read_text` takes it.
fn tcp_conn(text: &str) -> Result<Option<IpvsConn>, String> {
    parse_line(text).map(|l| match l {
        Line::Tcp(c) => Some(c),
        Line::Other => None,
    })
}

/// The live table of the current namespace.
fn scan_here(each: &mut dyn FnMut(&IpvsConn)) -> Result<IpvsReport> {
    match File::open("/proc/thread-self/net/ip_vs_conn") {
        Ok(f) => {
            let mut report = IpvsReport::default();
            let mut all = |c: &IpvsConn| {
                each(c);
                true
            };
            read_text(
                f,
                "/proc/net/ip_vs_conn",
                true,
                "IPVS",
                tcp_conn,
                &mut all,
                &mut report.unread,
            )?;
            Ok(report)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(anyhow!(
            "this kernel has no IPVS here (no /proc/net/ip_vs_conn: the ip_vs module is not \
             loaded), so there is no IPVS connection table to read"
        )),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Err(anyhow!(
            "reading /proc/net/ip_vs_conn was refused: run tcpstate ipvs as root"
        )),
        Err(e) => Err(e).context("cannot read /proc/net/ip_vs_conn"),
    }
}

impl TableTarget {
    /// Push this target's TCP IPVS connections into `each`.
    pub fn scan_ipvs(&self, each: &mut (dyn FnMut(&IpvsConn) + Send)) -> Result<IpvsReport> {
        match &self.input {
            TableInput::Live(t) => t.inside(|| scan_here(each))?,
            TableInput::Capture { path, strict } => {
                let mut report = IpvsReport::default();
                let mut all = |c: &IpvsConn| {
                    each(c);
                    true
                };
                read_capture(
                    path,
                    *strict,
                    "IPVS",
                    tcp_conn,
                    &mut all,
                    &mut report.unread,
                )?;
                Ok(report)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_and_ipvsadm_lines_give_the_same_connection() {
        let proc =
            parse_line("TCP C0000201 1388 CB00710A 0050 0A000002 0050 ESTABLISHED     899\n")
                .unwrap();
        let tool = parse_line(
            "TCP 14:59  ESTABLISHED 192.0.2.1:5000     203.0.113.10:80    10.0.0.2:80\n",
        )
        .unwrap();
        assert_eq!(proc, tool);
        let Line::Tcp(c) = proc else { panic!() };
        assert_eq!(c.expires, Some(899));
        assert_eq!(c.real, "10.0.0.2:80".parse().unwrap());
    }

    #[test]
    fn headers_and_other_protocols_are_not_connections_and_garbage_says_why() {
        for l in [
            "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData",
            "IPVS connection entries",
            "pro expire state       source             virtual            destination",
            "UDP 04:59  UDP         192.0.2.1:5000     203.0.113.10:53    10.0.0.2:53",
            "",
        ] {
            assert_eq!(parse_line(l), Ok(Line::Other), "{l}");
        }
        assert!(
            parse_line("TCP 14:59 NOSUCH 1.1.1.1:1 2.2.2.2:2 3.3.3.3:3")
                .unwrap_err()
                .contains("state")
        );
        assert!(parse_line("TCP ZZ").unwrap_err().contains("fields"));
    }
}
