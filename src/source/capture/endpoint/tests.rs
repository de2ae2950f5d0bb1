//! Tests of the endpoint reader: every form, the one-pass readers against the general path,
//! and the reasons a field is unreadable.

use super::*;

fn ep(s: &str, sep: PortSep) -> (Endpoint, HostKind) {
    endpoint(s.as_bytes(), sep, &mut Services::default()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// The one-pass readers of the common forms agree with the general path wherever they
/// answer.
#[test]
fn fast_paths_agree_with_the_general_path() {
    let alphabet = b"[]:.*%0123456789abcdefABCDEFx";
    let mut svc = Services::default();
    let mut answered = 0;
    let mut fields: Vec<Vec<u8>> =
        crate::source::capture::testutil::random_lines(alphabet, 24, 50_000);
    fields.extend(
        [
            "[::1]:8003",
            "[::]:*",
            "[2001:db8::1]:65535",
            "[2001:db8::1]:65536",
            "1.2.3.4:5",
            "[::ffff:1.2.3.4]:9",
            "::1:8003",
            ":::*",
            "fe80::1%eth0:22",
            "2001:db8::1:65536",
            "1:2",
        ]
        .map(|f| f.as_bytes().to_vec()),
    );
    for f in &fields {
        let fast = ipv4_colon_port(f)
            .map(|(ip, p)| (IpAddr::V4(ip), p, HostKind::V4))
            .or_else(|| ipv6_port(f).map(|(ip, p)| (IpAddr::V6(ip), p, HostKind::V6)));
        if let Some((ip, port, kind)) = fast {
            answered += 1;
            let general = any_endpoint(f, PortSep::Colon, &mut svc);
            assert_eq!(general, Ok((Endpoint::new(ip, port), kind)), "{f:?}");
        }
    }
    assert!(answered > 3, "the fast paths answered {answered} fields");
}

fn bad(s: &str, sep: PortSep) -> String {
    match endpoint(s.as_bytes(), sep, &mut Services::default()) {
        Ok(e) => panic!("{s} read as {e:?}"),
        Err(e) => e.into_owned(),
    }
}

#[test]
fn ipv6_fast_path_agrees_with_std() {
    // Random addresses in every textual form, and random strings of address characters.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet = b"0123456789abcdefABCDEF::::.%g";
    for _ in 0..20_000 {
        let r = next();
        let mut g = [0u16; 8];
        for (k, v) in g.iter_mut().enumerate() {
            *v = if r >> (k + 8) & 1 == 1 {
                0
            } else {
                (next() >> (r % 13)) as u16
            };
        }
        let a = Ipv6Addr::from(g);
        for text in [
            a.to_string(),
            format!("{:x?}", g)
                .replace([' ', '[', ']'], "")
                .replace(',', ":"),
        ] {
            assert_eq!(ipv6(text.as_bytes()), text.parse().ok(), "{text}");
        }
        let len = (r % 24) as usize;
        let junk: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let std = std::str::from_utf8(&junk).unwrap().parse::<Ipv6Addr>().ok();
        if let Some(fast) = ipv6_plain(&junk) {
            assert_eq!(Some(fast), std, "{}", String::from_utf8_lossy(&junk));
        }
    }
    for ok in [
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "fe80::1",
        "2001:db8::99",
    ] {
        assert_eq!(ipv6_plain(ok.as_bytes()), ok.parse().ok(), "{ok}");
    }
    for bad in [
        ":",
        ":::",
        "1:::2",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "1:",
    ] {
        assert_eq!(ipv6_plain(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn ipv4_strict() {
    assert_eq!(ipv4(b"127.0.0.1"), Some(Ipv4Addr::LOCALHOST));
    for bad in [
        "256.0.0.1",
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        "",
        "1.2.3.4x",
        "0001.2.3.4",
    ] {
        assert_eq!(ipv4(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn endpoints() {
    let (e, k) = ep("127.0.0.1:8001", PortSep::Colon);
    assert_eq!(
        (e.ip, e.port, e.name, k),
        (
            Some(Ipv4Addr::LOCALHOST.into()),
            Some(8001),
            None,
            HostKind::V4
        )
    );
    let (e, k) = ep(":::22", PortSep::Colon);
    assert_eq!(
        (e.ip, e.port, k),
        (Some(Ipv6Addr::UNSPECIFIED.into()), Some(22), HostKind::V6)
    );
    let (e, _) = ep("::ffff:127.0.0.1:45827", PortSep::Colon);
    assert_eq!(e.canonical_ip(), Some(Ipv4Addr::LOCALHOST.into()));
    let (e, k) = ep("[fe80::1%eth0]:123", PortSep::Colon);
    assert_eq!((e.port, k, e.name), (Some(123), HostKind::V6, None));
    let (e, k) = ep("127.0.0.53%lo:53", PortSep::Colon);
    assert_eq!((e.port, k), (Some(53), HostKind::V4));
    let (e, k) = ep("*:*", PortSep::Colon);
    assert_eq!(
        (e.ip, e.port, e.name, k),
        (None, Some(0), None, HostKind::Star)
    );
    let (e, k) = ep("localhost.localdo:35450", PortSep::Colon);
    assert_eq!((e.ip, e.port, k), (None, Some(35450), HostKind::Name));
    assert_eq!(e.name.as_deref(), Some("localhost.localdo:35450"));
    let (e, k) = ep("...", PortSep::Colon);
    assert_eq!(
        (e.ip, e.port, k, e.name.as_deref()),
        (None, None, HostKind::Redacted, None)
    );
    let (e, k) = ep("192.168.71.163.22", PortSep::Dot);
    assert_eq!((e.port, k), (Some(22), HostKind::V4));
    let (e, k) = ep("fe80::1%lo0.123", PortSep::Dot);
    assert_eq!((e.port, k), (Some(123), HostKind::V6));
    let (e, k) = ep("*.*", PortSep::Dot);
    assert_eq!((e.port, k), (Some(0), HostKind::Star));
    assert!(bad("[]:", PortSep::Colon).contains("neither an IP address"));
}

#[test]
fn bad_ports_and_hosts() {
    assert_eq!(
        bad("1.2.3.4:99999", PortSep::Colon),
        "port 99999 is outside 0-65535"
    );
    assert!(bad("127.101.0.1:10X6", PortSep::Colon).contains("'10X6' is neither"));
    assert!(bad("1.2.3.4.99999", PortSep::Dot).contains("outside"));
    assert!(bad("fe80::zz:80", PortSep::Colon).contains("'fe80::zz'"));
    assert!(bad("a$b:80", PortSep::Colon).contains("neither an IP address"));
    let (e, k) = ep("*:ssh", PortSep::Colon);
    assert_eq!((k, e.name.as_deref()), (HostKind::Star, Some("*:ssh")));
}

#[test]
fn link_local_scopes_keep_their_port() {
    let (e, k) = ep("[fe80::1]%v0:2222", PortSep::Colon);
    assert_eq!(
        (e.ip, e.port, e.name, k),
        (
            Some("fe80::1".parse().unwrap()),
            Some(2222),
            None,
            HostKind::V6
        )
    );
    let (e, k) = ep("fe80::1%eth0:22", PortSep::Colon);
    assert_eq!((e.port, e.name, k), (Some(22), None, HostKind::V6));
}

#[test]
fn redactions() {
    for (f, port) in [
        ("...", None),
        ("***", None),
        ("<ip>", None),
        ("<ip>:443", Some(443)),
        ("x.x.x.x:80", Some(80)),
        ("xxx.xxx.xxx.xxx:5432", Some(5432)),
        ("a.b.c.d:port", None),
        ("y.y.y.y:42124", Some(42124)),
        ("REDACTED:22", Some(22)),
        ("10.0.0.1:***", None),
    ] {
        let (e, k) = ep(f, PortSep::Colon);
        if f.starts_with("10.") {
            assert_eq!((e.port, k), (None, HostKind::V4), "{f}");
            continue;
        }
        assert_eq!(
            (e.ip, e.port, e.name, k),
            (None, port, None, HostKind::Redacted),
            "{f}"
        );
    }
    let (e, k) = ep("x.x.x.x.80", PortSep::Dot);
    assert_eq!((e.port, k), (Some(80), HostKind::Redacted));
    let (_, k) = ep("*.*", PortSep::Dot);
    assert_eq!(k, HostKind::Star);
    let (_, k) = ep("localhost.localdo:35450", PortSep::Colon);
    assert_eq!(k, HostKind::Name);
}
