//! Format detection: each of the first lines of a capture votes for the format its header or
//! row shape belongs to (a column header counts most, a section title less, a data row least),
//! and the format with the most votes wins. Headers: `Proto Recv-Q … (state)` and FreeBSD
//! `-T`'s `Proto Rexmit OOORcv 0-win …` are BSD,
//! `Proto Recv-Q …` Linux netstat, `Proto Local Address …` (or zh-CN `协议 本地地址`) Windows,
//! `… Address:Port …` ss, `sl local_address …` /proc, `… Swind … Rwind …` (or a `TCP: IPv4`
//! title) Solaris, `LocalAddress LocalPort …` (or its `LocalAddress : …` list form) PowerShell,
//! pointer columns before `Proto … (state)` BSD `-A`. Rows: `tcp4`/`tcp46` or `host.port`
//! addresses are BSD, `TCP host:port` Windows, `tcp N N a:p b:p STATE` netstat, a state or
//! `tcp STATE` first ss, `N: HEX:HEX` /proc, `STATE N` / `N STATE` alone a summary. UTF-16 text
//! (PowerShell's `>`) and `ss -s` output are recognised and refused with a clear reason.

use super::InputFormat;
use super::fields::{StateWords, dec, split};
use super::lines::slice_lines;
use std::ops::ControlFlow;

/// Why no format could be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectError {
    /// No line looked like any known listing.
    Unknown,
    /// The text is UTF-16 (a `CaptureSource` reads such text as UTF-8 before detecting).
    Utf16,
    /// The text is `ss -s` output.
    SsSummary,
}

impl DetectError {
    /// One sentence naming the file.
    pub fn message(&self, file: &str) -> String {
        match self {
            DetectError::Unknown => format!(
                "{file}: cannot tell what printed this capture: no netstat, ss, /proc/net/tcp, \
                 BSD, Windows or STATE COUNT lines near its start; name the format with \
                 --input-format"
            ),
            DetectError::Utf16 => format!(
                "{file}: the capture is UTF-16 text (as PowerShell's `>` writes it); convert it \
                 first, e.g. `iconv -f UTF-16 -t UTF-8`"
            ),
            DetectError::SsSummary => format!(
                "{file}: this is `ss -s` output, whose numbers are not per-state socket counts \
                 (its estab includes CLOSE_WAIT, SYN_RECV is nowhere); save `ss -tan` instead"
            ),
        }
    }
}

/// Lines looked at.
const MAX_LINES: usize = 2000;

#[derive(Default)]
struct Votes([u32; 9]);

impl Votes {
    fn add(&mut self, f: InputFormat, w: u32) {
        self.0[f as usize] += w;
    }
}

fn has(line: &[u8], needle: &str) -> bool {
    memchr::memmem::find(line, needle.as_bytes()).is_some()
}

/// Tell the format of a capture from its first bytes.
pub fn detect(head: &[u8]) -> Result<InputFormat, DetectError> {
    if super::utf16::sniff(head).is_some() {
        return Err(DetectError::Utf16);
    }
    let mut v = Votes::default();
    let mut states = StateWords::default();
    let mut ss_summary = false;
    let mut seen = 0;
    let _ = slice_lines(head, 1, |line| {
        seen += 1;
        vote(line.text, &mut v, &mut states, &mut ss_summary);
        if seen >= MAX_LINES {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let (best, &score) =
        v.0.iter()
            .enumerate()
            .max_by_key(|&(i, s)| (s, std::cmp::Reverse(i)))
            .expect("nine formats");
    if score == 0 {
        return Err(if ss_summary {
            DetectError::SsSummary
        } else {
            DetectError::Unknown
        });
    }
    Ok(InputFormat::ALL[best])
}

fn vote(line: &[u8], v: &mut Votes, states: &mut StateWords, ss_summary: &mut bool) {
    match classify(line, states) {
        Class::Vote(f, w) => v.add(f, w),
        Class::SsSummary => *ss_summary = true,
        Class::Nothing => {}
    }
}

/// What one line says about the format it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Nothing,
    /// The `TCP: … estab …` line of `ss -s`.
    SsSummary,
    /// A line of this format, with the weight of its vote: `HEADER` for a column header,
    /// `TITLE` for a section title, `ROW` or less for a data row.
    Vote(InputFormat, u32),
}

/// Votes: a column header counts most, a section title less, a data row least.
pub(crate) const HEADER: u32 = 10;
pub(crate) const TITLE: u32 = 5;
pub(crate) const ROW: u32 = 3;

/// The format a line's header or row shape belongs to, if any.
pub(crate) fn classify(line: &[u8], states: &mut StateWords) -> Class {
    use InputFormat::*;
    let vote = |f, w| Class::Vote(f, w);
    let mut t: [&[u8]; 8] = [&[]; 8];
    let n = split(line, &mut t);
    if n == 0 {
        return Class::Nothing;
    }
    // Column headers.
    if has(line, "local_address") {
        return vote(Proc, HEADER);
    }
    if has(line, "Address:Port") {
        return vote(Ss, HEADER);
    }
    if super::powershell::is_table_header(line) {
        return vote(PowerShell, HEADER);
    }
    if has(line, "Swind") && has(line, "Rwind") {
        return vote(Solaris, HEADER);
    }
    if let Some((key, _)) = super::powershell::list_property(line) {
        // `LocalAddress :` opens a Format-List record, as a title opens a section.
        match key {
            b"LocalAddress" => return vote(PowerShell, TITLE),
            b"RemoteAddress" | b"LocalPort" | b"RemotePort" => return vote(PowerShell, ROW),
            _ => {}
        }
    }
    if super::solaris::section_title(line).is_some() && has(line, " IPv") {
        return vote(Solaris, TITLE);
    }
    if t[0] != b"Proto" && has(line, " Proto ") && (has(line, "(state)") || has(line, " Rexmit ")) {
        // FreeBSD / macOS `-A`: pointer columns before Proto.
        return vote(Bsd, HEADER);
    }
    if t[0] == b"Proto." {
        // German Windows: `Proto.  Lokale Adresse  Remoteadresse  Status  PID`.
        return vote(Windows, HEADER);
    }
    if t[0] == b"Proto" {
        return if has(line, "(state)") || (n > 1 && t[1] == b"Rexmit") {
            // `Rexmit`: FreeBSD `netstat -T`, counters where the queues and state were.
            vote(Bsd, HEADER)
        } else if has(line, "Recv-Q") && line.ends_with(b"Address") {
            // A header that ends at the addresses: a BSD raw `ip` section's.
            Class::Nothing
        } else if has(line, "Recv-Q") {
            vote(Netstat, HEADER)
        } else if has(line, "Local Address") {
            vote(Windows, HEADER)
        } else {
            Class::Nothing
        };
    }
    if has(line, "协议") && has(line, "本地地址") {
        return vote(Windows, HEADER);
    }
    // Section titles.
    if has(line, "Active Internet connections (including servers)") {
        return vote(Bsd, TITLE);
    }
    if has(line, "Active Internet connections (")
        || has(line, "激活Internet连接")
        || has(line, "Aktive Internetverbindungen")
    {
        return vote(Netstat, TITLE);
    }
    if line == b"Active Internet connections" {
        return vote(Bsd, TITLE);
    }
    if line == b"Active Connections"
        || line == "活动连接".as_bytes()
        || line == b"Aktive Verbindungen"
    {
        return vote(Windows, TITLE);
    }
    if t[0] == b"TCP:" && has(line, "estab") {
        return Class::SsSummary;
    }
    // Rows.
    if super::bsd::pointer_columns(&t[..n]) > 0 && t[..n].iter().any(|f| f.starts_with(b"tcp")) {
        return vote(Bsd, ROW);
    }
    let num1 = n > 1 && dec(t[1]).is_some();
    match t[0] {
        b"tcp4" | b"tcp46" | b"udp4" | b"udp46" | b"toe4" | b"toe6" | b"toe46" if num1 => {
            vote(Bsd, ROW)
        }
        b"tcp" | b"tcp6" if num1 && n >= 5 => {
            if !t[3].contains(&b':') && t[3].contains(&b'.') {
                vote(Bsd, ROW)
            } else if n >= 6 && states.get(t[5]).is_some() {
                vote(Netstat, ROW)
            } else if t[3].starts_with(b"[") || n == 5 {
                // `ss -an state X`: Netid but no State column.
                vote(Ss, 2)
            } else {
                Class::Nothing
            }
        }
        b"udp" | b"udp6" | b"raw" | b"raw6" if num1 => vote(Netstat, 1),
        b"TCP" | b"UDP" if n > 1 && t[1].contains(&b':') => vote(Windows, ROW),
        _ if n >= 3
            && t[0].ends_with(b":")
            && dec(&t[0][..t[0].len() - 1]).is_some()
            && t[1].len() >= 13
            && t[1][t[1].len() - 5] == b':' =>
        {
            vote(Proc, ROW)
        }
        _ if n == 2 => {
            let (a, b) = (
                states.get(t[0].strip_suffix(b":").unwrap_or(t[0])),
                states.get(t[1]),
            );
            if (a.is_some() && num1) || (b.is_some() && dec(t[0]).is_some()) {
                vote(Summary, ROW)
            } else {
                Class::Nothing
            }
        }
        _ if n >= 6 && states.get(t[1]).is_some() && dec(t[2]).is_some() => vote(Ss, ROW),
        _ if n >= 5 && states.get(t[0]).is_some() && num1 => vote(Ss, ROW),
        _ if n >= 4 && num1 && dec(t[0]).is_some() && t[2].contains(&b':') => vote(Ss, 2),
        _ => Class::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Result<InputFormat, DetectError> {
        detect(s.as_bytes())
    }

    #[test]
    fn by_rows_alone() {
        use InputFormat::*;
        assert_eq!(d("tcp 0 0 1.1.1.1:1 2.2.2.2:2 ESTABLISHED\n"), Ok(Netstat));
        assert_eq!(d("tcp4 0 0 1.1.1.1.1 2.2.2.2.2 ESTABLISHED\n"), Ok(Bsd));
        assert_eq!(
            d("  TCP  1.1.1.1:1  2.2.2.2:2  ESTABLISHED  4\r\n"),
            Ok(Windows)
        );
        assert_eq!(d("ESTAB 0 0 1.1.1.1:1 2.2.2.2:2\n"), Ok(Ss));
        assert_eq!(d("tcp ESTAB 0 0 1.1.1.1:1 2.2.2.2:2\n"), Ok(Ss));
        assert_eq!(d("0 0 1.1.1.1:1 2.2.2.2:2\n"), Ok(Ss));
        assert_eq!(d("1: 0100007F:1F42 0100007F:E988 08 0:0\n"), Ok(Proc));
        assert_eq!(d("TIME_WAIT 9137\nESTABLISHED 597\n"), Ok(Summary));
        assert_eq!(d("   9137 TIME_WAIT\n    597 ESTABLISHED\n"), Ok(Summary));
    }

    #[test]
    fn refusals() {
        assert_eq!(d("hello\nworld\n"), Err(DetectError::Unknown));
        assert_eq!(
            d("Total: 190\nTCP:   4 (estab 1, closed 0, orphaned 0, timewait 0)\n"),
            Err(DetectError::SsSummary)
        );
        let utf16: Vec<u8> = "  TCP 1.1.1.1:1 2.2.2.2:2 LISTENING\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(detect(&utf16), Err(DetectError::Utf16));
        assert!(DetectError::Unknown.message("x.txt").starts_with("x.txt: "));
    }
}
