//! The one reader of conntrack's text: a line of `/proc/net/nf_conntrack` (which starts with
//! the family, `ipv4     2 tcp      6 …`) or of `conntrack -L` (which starts at the protocol,
//! `tcp      6 431999 ESTABLISHED src=… [ASSURED] mark=0 use=1`) into a `CtEntry`. Lines of
//! other protocols are not TCP entries and are passed over; a TCP line that cannot be read is
//! an error naming what is wrong.

use std::net::IpAddr;

use crate::conntrack::{CtEntry, CtState, CtTuple};

/// What one line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A TCP entry.
    Tcp(CtEntry),
    /// An entry of another protocol, a blank line, or conntrack's closing summary
    /// (`conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.`).
    Other,
}

/// The address and port fields of one direction, filled as they come.
#[derive(Default)]
struct Half {
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    sport: Option<u16>,
    dport: Option<u16>,
}

impl Half {
    fn is_full(&self) -> bool {
        self.src.is_some() && self.dst.is_some() && self.sport.is_some() && self.dport.is_some()
    }

    fn tuple(&self, which: &str) -> Result<CtTuple, String> {
        match (self.src, self.dst, self.sport, self.dport) {
            (Some(src), Some(dst), Some(sport), Some(dport)) => Ok(CtTuple {
                src,
                dst,
                sport,
                dport,
            }),
            _ => Err(format!(
                "the {which} tuple lacks one of src=, dst=, sport=, dport="
            )),
        }
    }
}

/// Read one line.
pub fn parse_line(line: &str) -> Result<Line, String> {
    let mut words = line.split_ascii_whitespace().peekable();
    let Some(&first) = words.peek() else {
        return Ok(Line::Other);
    };
    if first == "conntrack" {
        return Ok(Line::Other);
    }
    if first == "ipv4" || first == "ipv6" {
        words.next();
        words.next();
    }
    let proto = words.next().ok_or("the line ends before the protocol")?;
    if proto != "tcp" {
        // Another protocol: by name (udp, icmp…, `unknown`) then its number, with tuples
        // after; a word followed by anything else is not a conntrack entry at all.
        let number = words.next().is_some_and(|w| w.parse::<u8>().is_ok());
        if proto.bytes().all(|b| b.is_ascii_alphanumeric()) && number && line.contains(" src=") {
            return Ok(Line::Other);
        }
        return Err(format!(
            "'{}' is not a conntrack entry (protocol, its number, timeout, tuples)",
            line.trim_end()
        ));
    }
    match words.next() {
        Some("6") => {}
        other => {
            return Err(format!(
                "tcp is protocol 6, the line says {}",
                other.unwrap_or("nothing")
            ));
        }
    }
    let timeout_word = words.next().ok_or("the line ends before the timeout")?;
    let timeout: u32 = timeout_word
        .parse()
        .map_err(|_| format!("'{timeout_word}' is not a timeout in seconds"))?;
    let state_word = words.next().ok_or("the line ends before the TCP state")?;
    let state = CtState::parse(state_word)
        .ok_or_else(|| format!("'{state_word}' is not a conntrack TCP state"))?;
    let mut orig = Half::default();
    let mut reply = Half::default();
    let (mut assured, mut unreplied) = (false, false);
    let mut mark = None;
    let mut zone = 0u16;
    for w in words {
        if let Some(flag) = w.strip_prefix('[') {
            match flag.trim_end_matches(']') {
                "ASSURED" => assured = true,
                "UNREPLIED" => unreplied = true,
                _ => {}
            }
            continue;
        }
        let Some((key, value)) = w.split_once('=') else {
            return Err(format!("'{w}' is neither key=value nor a [FLAG]"));
        };
        let half = if orig.is_full() {
            &mut reply
        } else {
            &mut orig
        };
        match key {
            "src" | "dst" => {
                let addr: IpAddr = value
                    .parse()
                    .map_err(|_| format!("{key}={value}: not an IP address"))?;
                if key == "src" {
                    half.src = Some(addr);
                } else {
                    half.dst = Some(addr);
                }
            }
            "sport" | "dport" => {
                let port: u16 = value
                    .parse()
                    .map_err(|_| format!("{key}={value}: not a port"))?;
                if key == "sport" {
                    half.sport = Some(port);
                } else {
                    half.dport = Some(port);
                }
            }
            "mark" => {
                mark = Some(
                    value
                        .parse()
                        .map_err(|_| format!("mark={value}: not a number"))?,
                )
            }
            "zone" => {
                zone = value
                    .parse()
                    .map_err(|_| format!("zone={value}: not a zone number"))?
            }
            // packets=, bytes=, use=, secctx=, labels=, delta-time=, id=, helper=…
            _ => {}
        }
    }
    Ok(Line::Tcp(CtEntry {
        state,
        orig: orig.tuple("original")?,
        reply: reply.tuple("reply")?,
        timeout: Some(timeout),
        mark,
        zone,
        assured,
        unreplied,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(line: &str) -> CtEntry {
        match parse_line(line) {
            Ok(Line::Tcp(e)) => e,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn proc_line_with_accounting_and_zone() {
        let e = tcp(
            "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.5 dst=10.0.0.9 sport=40000 \
             dport=443 packets=3 bytes=180 src=10.0.0.9 dst=10.0.0.5 sport=443 dport=40000 \
             packets=2 bytes=120 [ASSURED] mark=7 zone=3 use=2",
        );
        assert_eq!(e.state, CtState::Established);
        assert_eq!(e.timeout, Some(431999));
        assert_eq!(e.orig.dport, 443);
        assert_eq!(e.reply.sport, 443);
        assert_eq!(
            (e.mark, e.zone, e.assured, e.unreplied),
            (Some(7), 3, true, false)
        );
        assert_eq!(e.nat().word(), "-");
    }

    #[test]
    fn conntrack_tool_line_unreplied_v6() {
        let e = tcp(
            "tcp      6 118 SYN_SENT src=fd00::1 dst=fd00::2 sport=5000 dport=80 [UNREPLIED] \
             src=fd00::2 dst=fd00::1 sport=80 dport=5000 use=1",
        );
        assert_eq!(e.state, CtState::SynSent);
        assert!(e.unreplied && !e.assured);
        assert_eq!(e.mark, None);
        assert!(!e.is_v4());
    }

    #[test]
    fn other_protocols_and_the_summary_line_are_not_entries() {
        for l in [
            "udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 mark=0 use=1",
            "ipv4     2 icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=1 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1 mark=0 zone=0 use=2",
            "conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.",
            "   ",
        ] {
            assert_eq!(parse_line(l), Ok(Line::Other), "{l}");
        }
    }

    #[test]
    fn broken_tcp_lines_say_why() {
        for (l, why) in [
            ("tcp 6 x ESTABLISHED", "not a timeout"),
            ("tcp 6 10 LISTEN src=1.1.1.1", "not a conntrack TCP state"),
            (
                "tcp 6 10 CLOSE src=1.1.1.1 dst=1.1.1.2 sport=1 dport=2",
                "reply tuple",
            ),
            (
                "tcp 6 10 CLOSE src=1.1.1.1 dst=1.1.1.2 sport=99999 dport=2",
                "not a port",
            ),
            ("tcp 17 10 CLOSE", "protocol 6"),
        ] {
            let e = parse_line(l).unwrap_err();
            assert!(e.contains(why), "{l}: {e}");
        }
    }
}
