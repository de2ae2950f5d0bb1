//! PowerShell `Get-NetTCPConnection` output, in its table form (`LocalAddress LocalPort
//! RemoteAddress RemotePort State AppliedSetting OwningProcess`, a rule of dashes, then one row
//! per socket; AppliedSetting is often empty, so rows are read by position up to State) and in
//! its `Format-List` form (`LocalAddress : 10.0.0.8`, one property a line, records apart by
//! blank lines; a socket is read once its two addresses, two ports and State are all seen).
//! Address and port sit in separate columns; IPv6 is bare (`::`, `fe80::1%12`). States are
//! CamelCase (`Listen`, `TimeWait`, `SynReceived`, `Bound` — bound, neither listening nor
//! connected, counted as CLOSE — and `DeleteTCB`, counted as CLOSE). There are no
//! queue columns: queues are unknown.

use std::borrow::Cow;

use super::endpoint::{PortSep, family_of};
use super::engine::{Ctx, ParsedRow, RowParser, fill};
use super::fields::{dec, show, split};
use crate::socket::{Family, Socket};

/// The properties of one `Format-List` record read so far.
#[derive(Default, Clone, PartialEq)]
struct Record {
    local: Option<Vec<u8>>,
    local_port: Option<Vec<u8>>,
    remote: Option<Vec<u8>>,
    remote_port: Option<Vec<u8>>,
    state: Option<Vec<u8>>,
}

#[derive(Default, Clone)]
pub(crate) struct PowerShell {
    record: Record,
}

impl PowerShell {
    pub(crate) fn same_state(&self, other: &PowerShell) -> bool {
        self.record == other.record
    }
}

/// Whether a line is the table's header.
pub(crate) fn is_table_header(line: &[u8]) -> bool {
    let mut t: [&[u8]; 5] = [&[]; 5];
    split(line, &mut t) >= 4
        && t[..4]
            == [
                &b"LocalAddress"[..],
                b"LocalPort",
                b"RemoteAddress",
                b"RemotePort",
            ]
}

/// The property and value of a `Format-List` line (`LocalPort      : 50123`).
pub(crate) fn list_property(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    let key = line[..colon].trim_ascii();
    if key.is_empty()
        || !key.iter().all(u8::is_ascii_alphabetic)
        || line.get(colon + 1) != Some(&b' ')
    {
        return None;
    }
    Some((key, line[colon + 1..].trim_ascii()))
}

/// `address` and `port` as one endpoint field (`[v6]:port`, `v4:port`), read as such.
fn endpoint_of(
    cx: &mut Ctx,
    address: &[u8],
    port: &[u8],
    which: &str,
) -> Result<(crate::socket::Endpoint, super::endpoint::HostKind), ParsedRow> {
    let mut field = Vec::with_capacity(address.len() + port.len() + 3);
    if address.contains(&b':') {
        field.push(b'[');
        field.extend_from_slice(address);
        field.push(b']');
    } else {
        field.extend_from_slice(address);
    }
    field.push(b':');
    field.extend_from_slice(port);
    cx.endpoint(&field, PortSep::Colon, which)
}

/// One socket from its five properties.
fn socket(
    cx: &mut Ctx,
    [local, lport, remote, rport, state]: [&[u8]; 5],
    out: &mut Socket,
) -> ParsedRow {
    let Some(state) = cx.states.get(state) else {
        return ParsedRow::Unread(Cow::Owned(format!("'{}' is not a TCP state", show(state))));
    };
    if dec(lport).is_none() || dec(rport).is_none() {
        return ParsedRow::Unread(Cow::Owned(format!(
            "LocalPort '{}' or RemotePort '{}' is not a port number",
            show(lport),
            show(rport)
        )));
    }
    let local = match endpoint_of(cx, local, lport, "local") {
        Ok(e) => e,
        Err(row) => return row,
    };
    let remote = match endpoint_of(cx, remote, rport, "remote") {
        Ok(e) => e,
        Err(row) => return row,
    };
    let family = family_of(local.1, remote.1).unwrap_or(Family::V4);
    fill(out, family, state, (0, 0), local, remote);
    out.recv_q = None;
    out.send_q = None;
    ParsedRow::Socket
}

impl RowParser for PowerShell {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        if let Some((key, value)) = list_property(line) {
            let slot = match key {
                b"LocalAddress" => &mut self.record.local,
                b"LocalPort" => &mut self.record.local_port,
                b"RemoteAddress" => &mut self.record.remote,
                b"RemotePort" => &mut self.record.remote_port,
                b"State" => &mut self.record.state,
                _ => return ParsedRow::Skip,
            };
            *slot = Some(value.to_vec());
            let r = &self.record;
            if let (Some(a), Some(b), Some(c), Some(d), Some(e)) =
                (&r.local, &r.local_port, &r.remote, &r.remote_port, &r.state)
            {
                let row = socket(cx, [a, b, c, d, e], out);
                self.record = Record::default();
                return row;
            }
            return ParsedRow::Skip;
        }
        if line.trim_ascii().is_empty() {
            let partial = self.record.local.is_some() || self.record.state.is_some();
            self.record = Record::default();
            if partial {
                return ParsedRow::Unread(
                    "the Get-NetTCPConnection record above ends before it has LocalAddress, \
                     LocalPort, RemoteAddress, RemotePort and State"
                        .into(),
                );
            }
            return ParsedRow::Skip;
        }
        let mut t: [&[u8]; 6] = [&[]; 6];
        let n = split(line, &mut t);
        if n < 5 || is_table_header(line) || t[0].starts_with(b"--") {
            return ParsedRow::Skip;
        }
        // A table row: an address, a port, an address, a port, then the state.
        if dec(t[1]).is_none() || dec(t[3]).is_none() {
            return ParsedRow::Skip;
        }
        socket(cx, [t[0], t[1], t[2], t[3], t[4]], out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::testutil::parse_with;
    use crate::tcp::state::TcpState;

    #[test]
    fn table_and_list() {
        let mut p = PowerShell::default();
        let mut cx = Ctx::default();
        let mut go = |l: &str| parse_with(&mut p, &mut cx, l);
        assert!(matches!(
            go("LocalAddress                        LocalPort RemoteAddress                       RemotePort State       AppliedSetting OwningProcess").0,
            ParsedRow::Skip
        ));
        let (r, s) = go(
            "::                                  49669     ::                                  0          Listen                     700",
        );
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(
            (s.state, s.family, s.local.port, s.recv_q),
            (TcpState::Listen, Family::V6, Some(49669), None)
        );
        let (_, s) = go(
            "192.168.1.10                        50123     52.1.2.3                            443        Established Internet       4321",
        );
        assert_eq!((s.state, s.remote.port), (TcpState::Established, Some(443)));
        let (_, s) = go(
            "fe80::1%12                          139       ::                                  0          Bound                      4",
        );
        assert_eq!(s.state, TcpState::Close);
        for l in [
            "LocalAddress   : 10.0.0.8",
            "LocalPort      : 50512",
            "RemoteAddress  : 52.96.165.18",
            "RemotePort     : 443",
        ] {
            assert!(matches!(go(l).0, ParsedRow::Skip), "{l}");
        }
        let (r, s) = go("State          : TimeWait");
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!((s.state, s.local.port), (TcpState::TimeWait, Some(50512)));
        assert!(matches!(go("OwningProcess  : 0").0, ParsedRow::Skip));
        assert!(matches!(go("").0, ParsedRow::Skip));
        assert!(matches!(go("LocalAddress   : 10.0.0.8").0, ParsedRow::Skip));
        assert!(matches!(go("").0, ParsedRow::Unread(_)));
        let (r, _) = go("192.168.1.10 50123 52.1.2.3 443 Sleeping");
        assert!(matches!(r, ParsedRow::Unread(_)));
    }
}
