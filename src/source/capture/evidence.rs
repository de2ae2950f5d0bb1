//! Never a silent zero: what makes a line of a capture look like a TCP socket row even when no
//! parser read it (a state word, a pair of `address:port` or `address.port` fields, a `tcp`
//! protocol column), and what makes a column header one whose layout cannot be placed (an
//! unknown column before `Proto`). A run that reads no socket from a file holding such a line
//! ends with an error naming the first of them instead of reporting an empty host.

use super::InputFormat;
use super::fields::{StateWords, split};

/// The first words of rows of other protocols (netstat's Proto, ss's Netid, Windows' Proto):
/// their state words and addresses say nothing about TCP.
const OTHER_PROTOCOLS: [&[u8]; 14] = [
    b"udp", b"udp4", b"udp6", b"udp46", b"raw", b"raw6", b"unix", b"UDP", b"u_str", b"u_dgr",
    b"u_seq", b"nl", b"p_raw", b"p_dgr",
];

fn is_tcp_word(f: &[u8]) -> bool {
    matches!(
        f,
        b"tcp" | b"tcp4" | b"tcp6" | b"tcp46" | b"toe4" | b"toe6" | b"toe46" | b"TCP" | b"TCPv6"
    )
}

/// Whether a field is shaped like `host:port` or `host.port`: a port of digits or `*` after
/// the last `:` or `.`, and a host before it that is `*`, bracketed, or holds a `.` or `:`.
fn is_address(f: &[u8]) -> bool {
    let Some(sep) = f.iter().rposition(|&b| b == b':' || b == b'.') else {
        return false;
    };
    let (host, port) = (&f[..sep], &f[sep + 1..]);
    let port_ok = port == b"*" || (!port.is_empty() && port.iter().all(u8::is_ascii_digit));
    let host_ok = host == b"*"
        || host.starts_with(b"[")
        || (host.len() > 1 && host.iter().any(|&b| b == b'.' || b == b':'));
    port_ok && host_ok
}

/// Whether a field is a state word as printers write them (capitalised: `LISTEN`, `Listen`,
/// `OUÇA`), not a lower-case word of prose.
fn is_state_word(f: &[u8], states: &mut StateWords) -> bool {
    f.first().is_some_and(|b| !b.is_ascii_lowercase()) && states.get(f).is_some()
}

/// Whether a line that no parser read as a socket still looks like a TCP row.
pub(crate) fn looks_like_tcp_row(line: &[u8], states: &mut StateWords) -> bool {
    let mut t: [&[u8]; 12] = [&[]; 12];
    let n = split(line, &mut t);
    if n < 3 || OTHER_PROTOCOLS.contains(&t[0]) {
        return false;
    }
    let t = &t[..n];
    t[..2].iter().any(|f| is_tcp_word(f))
        || t.windows(2).any(|p| is_address(p[0]) && is_address(p[1]))
        || t.iter().any(|f| is_state_word(f, states))
}

/// What a column header says no row layout places, as the end of a sentence: the columns
/// before `Proto` (`Vnode Proto Recv-Q …`); `None` for any other line.
pub(crate) fn unplaced_layout(line: &[u8]) -> Option<String> {
    let mut t: [&[u8]; 12] = [&[]; 12];
    let n = split(line, &mut t);
    let at = t[..n].iter().position(|f| *f == b"Proto")?;
    // The pointer columns of BSD `netstat -A`, which its parser places.
    let placed = [&b"Tcpcb"[..], b"Socket", b"Flowhash", b"PCB"];
    if t[..at].iter().all(|f| placed.contains(f))
        || !t[at..n].iter().any(|f| *f == b"Recv-Q" || *f == b"Local")
    {
        return None;
    }
    let cols: Vec<String> = t[..at]
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    Some(format!(
        "a column before Proto that tcpstate cannot place ({})",
        cols.join(" ")
    ))
}

/// Why a file with a line that looks like a TCP row (`why` it could not be read, if a parser
/// said) yielded no socket, as the end of one sentence: the run is refused rather than shown
/// as a quiet host.
pub(crate) fn silent_zero(
    file: &str,
    format: InputFormat,
    why: Option<String>,
    unplaced: Option<(u64, String)>,
) -> String {
    let cause = match (why, unplaced) {
        (_, Some((no, what))) => format!("the column header at {file}:{no} has {what}"),
        (Some(why), None) => why,
        (None, None) => format!(
            "read as {}, its layout is not one tcpstate knows (if the format was told wrong, \
             name it with --input-format)",
            format.describe()
        ),
    };
    format!(
        "this line looks like a TCP socket row, but no line of the file reads as one, so \
         nothing is counted rather than an empty host shown: {cause}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_looking_lines() {
        let mut s = StateWords::default();
        for yes in [
            "fffff80012345678 tcp4 0 0 10.0.0.1.22 10.0.0.2.51234 ESTABLISHED",
            "  TCP    0.0.0.0:135   0.0.0.0:0   ABHÖREN   1234",
            "10.0.0.1.22   10.0.0.2.5   64128   0 64128   0 ESTABLISHED",
            "0.0.0.0 22 0.0.0.0 0 Listen 1",
            "x y TIME_WAIT",
        ] {
            assert!(looks_like_tcp_row(yes.as_bytes(), &mut s), "{yes}");
        }
        for no in [
            "udp 0 0 127.0.0.1:60496 127.0.0.53:53 ESTABLISHED",
            "unix 2 [ ACC ] STREAM LISTENING 8311 /run/x",
            "Proto Recv-Q Send-Q Local Address Foreign Address State",
            "Active Internet connections (servers and established)",
            "kernel 5.4 6.1 is fine",
            "the servers listen here",
            "tcp",
        ] {
            assert!(!looks_like_tcp_row(no.as_bytes(), &mut s), "{no}");
        }
    }

    #[test]
    fn unplaced_columns() {
        assert_eq!(
            unplaced_layout(b"Vnode Proto Recv-Q Send-Q Local Address Foreign Address (state)"),
            Some("a column before Proto that tcpstate cannot place (Vnode)".into())
        );
        assert_eq!(
            unplaced_layout(b"Proto Recv-Q Send-Q Local Address Foreign Address State"),
            None
        );
        assert_eq!(unplaced_layout(b"hello Proto world"), None);
        // FreeBSD `netstat -T` is read (its sockets of unknown state), not refused.
        assert_eq!(
            unplaced_layout(b"Proto Rexmit OOORcv 0-win  Local Address Foreign Address"),
            None
        );
        assert_eq!(
            unplaced_layout(b"Tcpcb Proto Recv-Q Send-Q Local Address Foreign Address"),
            None
        );
    }
}
