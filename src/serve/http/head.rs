//! Reading an HTTP/1 request head: where it ends in the bytes received so far (so a head can
//! arrive in pieces over many reads) and what it says, checked strictly — one request line,
//! a token method, an origin-form target, HTTP/1.0 or 1.1, well-formed header lines under a
//! count limit — with the status to answer for every way it can be wrong.

use super::{Limits, Request};

/// The end of the request head (just past the blank line), if it is in `buf`. A bare LF is
/// accepted as a line end, as RFC 9112 allows.
pub(super) fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = memchr::memchr(b'\n', buf)?;
    loop {
        match buf.get(i + 1..) {
            Some([b'\n', ..]) => return Some(i + 2),
            Some([b'\r', b'\n', ..]) => return Some(i + 3),
            _ => {}
        }
        i += 1 + memchr::memchr(b'\n', buf.get(i + 1..)?)?;
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parse a request head. `Err` carries the status to answer with.
pub fn parse_head<'a>(head: &'a [u8], limits: &Limits) -> Result<Request<'a>, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().ok_or(400u16)?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !is_token(method) || method.len() > 32 {
        return Err(400);
    }
    if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(400);
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.len() == 8
            && v.starts_with("HTTP/")
            && v.as_bytes()[5].is_ascii_digit()
            && v.as_bytes()[6] == b'.'
            && v.as_bytes()[7].is_ascii_digit() =>
        {
            return Err(505);
        }
        _ => return Err(400),
    }
    let mut accept = None;
    let mut count = 0usize;
    for line in lines {
        if line.is_empty() {
            break;
        }
        count += 1;
        if count > limits.max_headers {
            return Err(431);
        }
        if line.starts_with([' ', '\t']) {
            return Err(400);
        }
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if !is_token(name) || value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
            return Err(400);
        }
        if accept.is_none() && name.eq_ignore_ascii_case("accept") {
            accept = Some(value.trim());
        }
    }
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    Ok(Request {
        method,
        path,
        accept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Request<'_>, u16> {
        parse_head(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn heads_end_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        assert_eq!(head_end(b""), None);
    }

    #[test]
    fn good_requests_parse() {
        let r =
            parse("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\naccept: text/plain\r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/metrics");
        assert_eq!(r.accept, Some("text/plain"));
        assert_eq!(parse("HEAD / HTTP/1.0\n\n").unwrap().path, "/");
    }

    #[test]
    fn bad_requests_get_4xx() {
        assert_eq!(parse("\u{1}\u{2}garbage\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics\r\n\r\n"), Err(400));
        assert_eq!(parse("GET  /metrics HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET metrics HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/2.0\r\n\r\n"), Err(505));
        assert_eq!(parse("GET /metrics FOO/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/1.1\r\nNoColon\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/1.1\r\n folded\r\n\r\n"), Err(400));
        assert_eq!(
            parse("GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parse_head(b"GET / HTTP/1.1\r\nA: \xff\r\n\r\n", &Limits::default()),
            Err(400)
        );
        let many: String = (0..65).map(|i| format!("H{i}: v\r\n")).collect();
        assert_eq!(parse(&format!("GET / HTTP/1.1\r\n{many}\r\n")), Err(431));
    }
}
