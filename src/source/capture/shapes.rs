//! What a host or port field of a capture may be when it is not a number: a host name
//! (resolved or truncated by netstat, `localhost.localdo`), a service name (`https`), or a
//! redaction by whoever saved the capture (`...`, `x.x.x.x`, `<ip>`, `***`, `a.b.c.d`,
//! `REDACTED`). Anything else in an address field is not an address, and the row is unread.

/// Words people write instead of an address they hide.
const REDACTION_WORDS: [&str; 6] = [
    "redacted",
    "hidden",
    "masked",
    "removed",
    "anonymized",
    "anonymised",
];

/// Whether a host (or a whole field) was redacted: `...`, `***`, `<ip>`, `[redacted]`,
/// `x.x.x.x`, `xxx.xxx.xxx.xxx`, `a.b.c.d`, `y.y.y.y` (four dotted groups, each one letter
/// repeated), or a word such as `REDACTED`.
pub(crate) fn is_redacted(h: &[u8]) -> bool {
    if h.is_empty() {
        return false;
    }
    // `*` and BSD's `*.*` are wildcards, not redactions.
    if h.iter()
        .all(|&b| matches!(b, b'.' | b'*' | b'?' | b'#' | b'-'))
        && h != b"*"
        && h != b"*.*"
    {
        return h.len() > 1 || h == b".";
    }
    if (h.starts_with(b"<") && h.ends_with(b">")) || (h.starts_with(b"[") && h.ends_with(b"]")) {
        let inner = &h[1..h.len() - 1];
        if !inner.contains(&b':') && !inner.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
            return true;
        }
    }
    if REDACTION_WORDS
        .iter()
        .any(|w| w.as_bytes().eq_ignore_ascii_case(h))
    {
        return true;
    }
    let mut groups = 0;
    for g in h.split(|&b| b == b'.') {
        groups += 1;
        match g.first() {
            Some(&c) if c.is_ascii_alphabetic() && g.iter().all(|&b| b == c) => {}
            _ => return false,
        }
    }
    groups == 4
}

/// Whether a host is shaped like a (possibly truncated) host name: letters, digits, `-`, `_`
/// and dots (or non-ASCII letters of an internationalised name), with a letter somewhere.
pub(crate) fn is_host_name(h: &[u8]) -> bool {
    !h.is_empty()
        && h.iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') || b >= 0x80)
        && h.iter().any(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// Whether a port is shaped like a service name from /etc/services (`http`, `ssh`, `x11-1`,
/// `sql*net`): it starts with a letter.
pub(crate) fn is_service_name(p: &[u8]) -> bool {
    p.first().is_some_and(u8::is_ascii_alphabetic)
        && p.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'*' | b'/')
        })
}
