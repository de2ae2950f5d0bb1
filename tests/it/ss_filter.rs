//! ss's filter language against ss itself: in a private namespace holding sockets in every
//! state, IPv4 and IPv6, listeners, and IPv6 sockets with IPv4-mapped addresses (a dual-stack
//! listener on the postgresql port with an IPv4 client, one on http, one on [::1]), each
//! expression must select exactly the (family, local, remote) set `ss -tan` selects — through
//! the kernel's bytecode (sock_diag) and through the user-space evaluator (/proc), typed as
//! many words and as one. Bad expressions exit 2 naming the word.

use crate::common;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};

use common::{Counts, Netns, Population};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// (tcp or tcp6, local, remote) with addresses in one spelling.
pub type Row = (String, SocketAddr, SocketAddr);

/// An endpoint as ss or tcpstate printed it; ss writes `*` for the wildcard address of
/// a dual-stack listener.
pub fn endpoint(addr: &str, port: &str) -> SocketAddr {
    let addr = if addr == "*" { "::" } else { addr };
    let ip: IpAddr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split('%')
        .next()
        .unwrap_or("")
        .parse()
        .unwrap_or_else(|e| panic!("address {addr}: {e}"));
    let port: u16 = if port == "*" {
        0
    } else {
        port.parse().expect("port")
    };
    SocketAddr::new(ip, port)
}

/// `ss -Htan WORDS` in the namespace, as rows: an IPv6 socket's addresses are bracketed
/// (or `*`, the dual-stack wildcard), an IPv4 socket's are not.
pub fn ss_rows(ns: &Netns, words: &[&str]) -> BTreeSet<Row> {
    let mut args = vec!["-Htan"];
    args.extend_from_slice(words);
    let text = ns
        .check_output("ss", &args)
        .unwrap_or_else(|e| panic!("ss {words:?}: {e:#}"));
    let mut rows = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        // With a state filter of one state, ss leaves the State column out.
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        let (l, r) = (cols[n - 2], cols[n - 1]);
        let split = |s: &str| {
            let (a, p) = s.rsplit_once(':').expect("ADDR:PORT");
            endpoint(a, p)
        };
        let proto = if l.starts_with(['[', '*']) {
            "tcp6"
        } else {
            "tcp"
        };
        rows.insert((proto.to_string(), split(l), split(r)));
    }
    rows
}

/// `tcpstate list -f csv ARGS` in the namespace, as rows.
fn tcpstate_rows(ns: &Netns, args: &[&str]) -> BTreeSet<Row> {
    let mut all = vec!["list", "-f", "csv"];
    all.extend_from_slice(args);
    let out = ns.command(BIN).args(&all).output().expect("tcpstate runs");
    assert!(
        out.status.success(),
        "tcpstate {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut rows = BTreeSet::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        rows.insert((c[0].to_string(), endpoint(c[3], c[4]), endpoint(c[5], c[6])));
    }
    rows
}

/// What ss selects, read before and after `run`, with `run`'s result; read again while the
/// two differ (a timer moved the sockets on: TIME_WAIT ends 60 s after the build).
fn beside_ss<T>(ns: &Netns, ss_words: &[&str], mut run: impl FnMut() -> T) -> (BTreeSet<Row>, T) {
    for _ in 0..3 {
        let before = ss_rows(ns, ss_words);
        let got = run();
        if ss_rows(ns, ss_words) == before {
            return (before, got);
        }
    }
    panic!("the sockets kept changing under {ss_words:?}");
}

/// The total of `tcpstate --format json WORDS` in the namespace.
fn summary_total(ns: &Netns, words: &[&str]) -> usize {
    let out = ns
        .command(BIN)
        .args(["--format", "json"])
        .args(words)
        .output()
        .expect("tcpstate runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["total"].as_u64().expect("a total") as usize
}

/// The state words in front, the expression as one word after them.
fn as_one_word(words: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 1 < words.len() && matches!(words[i], "state" | "exclude") {
        out.push(words[i].into());
        out.push(words[i + 1].into());
        i += 2;
    }
    if i < words.len() {
        out.push(words[i..].join(" "));
    }
    out
}

/// Connections that give IPv4-mapped addresses, service-named ports and a v6 one; held
/// open by the returned sockets.
pub fn extra_sockets(ns: &Netns) -> Vec<Box<dyn Send>> {
    ns.inside(|| {
        let mut held: Vec<Box<dyn Send>> = Vec::new();
        for (listen, connect) in [
            ("[::]:5432", "127.0.0.1:5432"),
            ("127.0.0.1:80", "127.0.0.1:80"),
            ("[::1]:8443", "[::1]:8443"),
        ] {
            let l = TcpListener::bind(listen).expect("bind");
            let c = TcpStream::connect(connect).expect("connect");
            let (s, _) = l.accept().expect("accept");
            held.push(Box::new(l));
            held.push(Box::new(c));
            held.push(Box::new(s));
        }
        held
    })
}

#[test]
fn expressions_select_what_ss_selects() {
    let Some(ns) = Netns::with_tools("ssfilter", &["ss", "nft"]) else {
        return;
    };
    let pop = Population::builder(&ns)
        .v4(Counts::each(2))
        .v6(Counts::each(1))
        .build()
        .expect("the population builds");
    let _held = extra_sockets(&ns);
    let ports: Vec<u16> = pop.ports().iter().copied().collect();
    let (p0, pm) = (ports[0], ports[ports.len() / 2]);
    let exprs: Vec<String> = [
        "sport = :5432",
        "dport = :5432",
        "( dport = :5432 or sport = :5432 )",
        "sport eq :postgresql",
        "sport = :http",
        "dport == :http",
        "sport != :5432",
        "sport neq :80",
        "sport > :PM",
        "sport gt :PM",
        "sport < :PM",
        "sport lt :PM",
        "sport >= :PM",
        "sport ge :PM",
        "sport <= :PM",
        "sport le :PM",
        "dport > :1024",
        "dport <= :PM",
        "src 127.0.0.1",
        "src 127.0.0.0/8",
        "dst = 127.0.0.1",
        // ss wants brackets; tcpstate also takes an IPv6 address without them.
        "src ::1 @@ src [::1]",
        "src [::1]",
        "src [::1]:8443",
        "dst [::1]:8443",
        "src [::ffff:127.0.0.1]:5432",
        "src ::ffff:127.0.0.0/104 @@ src [::ffff:127.0.0.0/104]",
        "src 127.0.0.1:5432",
        "dst 127.0.0.1:5432",
        "dst 127.0.0.1:80",
        "src *:80",
        "src *",
        "dst *",
        "src 0.0.0.0",
        "src [::]",
        "src ::/0 @@ src [::/0]",
        "src 0.0.0.0/0",
        "dst 127.0.0.0/9",
        "src 10.0.0.0/8",
        "src [fe80::/10]",
        "not src 127.0.0.1",
        "! dst [::1]",
        "dst != 127.0.0.1 @@ not dst 127.0.0.1",
        "sport = :5432 and dst 127.0.0.1",
        "sport = :5432 && dport > :1024",
        "sport = :80 || sport = :5432 || sport = :8443",
        "sport = :5432 dport > :0",
        "not ( sport = :5432 or dport = :5432 )",
        "( ( sport >= :P0 and sport <= :PM ) or ( dport >= :P0 and dport <= :PM ) ) and not src [::1]",
        // ss needs spaces around its operators; tcpstate does not.
        "!(sport = :80) @@ ! ( sport = :80 )",
        "sport=:80||dport=:80 @@ sport = :80 || dport = :80",
        "not not sport = :5432",
        "not ( src 127.0.0.1 and not ( dport < :PM or sport > :PM ) )",
        // ss reads `and` and `or` left to right, without precedence; `not` binds tight.
        "src [::1] or src [::ffff:127.0.0.1] and sport = :5432",
        "sport = :80 or sport = :5432 and dport > :1024",
        "not sport = :5432 and src [::ffff:127.0.0.1]",
        "sport = :8443 or not sport = :8443 and sport = :80",
        "state established",
        "state listening",
        "state time-wait state syn-recv",
        "exclude established",
        "state connected dport = :PM",
        "state synchronized",
        "state bucket",
        "state big sport > :1024",
        "state fin-wait-1 state fin-wait-2 state closing state last-ack state close-wait state syn-sent",
        "state all dst 127.0.0.1",
        "exclude listening exclude time-wait src 127.0.0.1",
    ]
    .iter()
    .map(|e| e.replace("P0", &p0.to_string()).replace("PM", &pm.to_string()))
    .collect();
    assert!(exprs.len() >= 60);
    // The same sockets saved as `ss -tan` prints them, filtered by the evaluator.
    let saved = tempfile::NamedTempFile::new().expect("a temporary file");
    let text = ns.check_output("ss", &["-tan"]).expect("ss -tan");
    std::fs::write(saved.path(), text).expect("the capture is written");
    let saved = saved.path().to_string_lossy().into_owned();
    let split = |line: &str| -> (Vec<String>, Vec<String>) {
        let (e, ss_e) = line.split_once(" @@ ").unwrap_or((line, line));
        let w = |t: &str| t.split_whitespace().map(String::from).collect();
        (w(e), w(ss_e))
    };
    // First, right after saving (TIME_WAIT ends 60 s after the build): the capture.
    for line in &exprs {
        let (words, ss_words) = split(line);
        let ss_words: Vec<&str> = ss_words.iter().map(String::as_str).collect();
        let mut args: Vec<&str> = vec!["--from", &saved];
        args.extend(words.iter().map(String::as_str));
        let (want, got) = beside_ss(&ns, &ss_words, || tcpstate_rows(&ns, &args));
        assert_eq!(got, want, "a saved ss -tan, `{line}`");
    }
    let mut nonempty = 0;
    for line in &exprs {
        let (words, ss_words) = split(line);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let ss_words: Vec<&str> = ss_words.iter().map(String::as_str).collect();
        let (want, kernel) = beside_ss(&ns, &ss_words, || tcpstate_rows(&ns, &words));
        nonempty += usize::from(!want.is_empty());
        assert_eq!(kernel, want, "sock_diag with bytecode, `{line}`");
        let one = as_one_word(&words);
        let mut args: Vec<&str> = vec!["--source", "proc"];
        args.extend(one.iter().map(String::as_str));
        let (want, user) = beside_ss(&ns, &ss_words, || tcpstate_rows(&ns, &args));
        assert_eq!(user, want, "/proc with the evaluator, `{line}` as {one:?}");
        // The summary reads both families in one walk (the older request), bytecode too.
        let (want, total) = beside_ss(&ns, &ss_words, || summary_total(&ns, &words));
        assert_eq!(total, want.len(), "summary, `{line}`");
    }
    // The comparisons must be about something: most expressions select sockets.
    assert!(nonempty > exprs.len() * 3 / 4, "only {nonempty} non-empty");
}

#[test]
fn kernel_only_words_match_ss_and_are_refused_without_the_kernel() {
    let Some(ns) = Netns::with_tools("ssfilterk", &["ss"]) else {
        return;
    };
    let _held = extra_sockets(&ns);
    for e in ["autobound", "dev = lo", "dev != lo", "fwmark = 0x0/0xff"] {
        let words: Vec<&str> = e.split_whitespace().collect();
        let want = ss_rows(&ns, &words);
        assert_eq!(tcpstate_rows(&ns, &words), want, "`{e}`");
    }
    // The clients' ports were picked by the kernel; the listeners' were bound.
    let auto = ss_rows(&ns, &["autobound"]);
    assert_eq!(auto.len(), 3, "{auto:?}");
    // `not autobound` is everything else (ss, testing the port range apart from the
    // kernel's flag, also drops the accepted connections: a difference README records).
    let all = tcpstate_rows(&ns, &[]);
    let not_auto = tcpstate_rows(&ns, &["not", "autobound"]);
    assert_eq!(not_auto, all.difference(&auto).cloned().collect());
    let out = ns
        .command(BIN)
        .args(["list", "--source", "proc", "autobound"])
        .output()
        .expect("tcpstate runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'autobound'") && err.contains("/proc"),
        "{err}"
    );
}

#[test]
fn bad_expressions_exit_2_naming_the_word() {
    for (words, at) in [
        (&["dprt", "=", ":80"][..], "'dprt'"),
        (&["sport", "=", ":99999"][..], "':99999'"),
        (&["( sport = :80"][..], "'('"),
        (&["sport = :80 )"][..], "')'"),
        (&["src", "10.0.0.0/33"][..], "'10.0.0.0/33'"),
        (&["src", "10.0.300.1"][..], "'10.0.300.1'"),
        (&["sport", "<", "10.0.0.1:80"][..], "'10.0.0.1:80'"),
        (&["src", "<", "10.0.0.1"][..], "'src'"),
        (&["sport", "="][..], "'sport'"),
        (&["state", "establishd"][..], "'establishd'"),
        (&["sport = :80", "state", "established"][..], "'state'"),
        (&["and", "sport", ":80"][..], "'and'"),
        (
            &["sport = :no-such-service-here"][..],
            "':no-such-service-here'",
        ),
        (&["dev", "no-such-if0"][..], "'no-such-if0'"),
    ] {
        let out = std::process::Command::new(BIN)
            .args(["list", "--from", "/dev/null"])
            .args(words)
            .output()
            .expect("tcpstate runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{words:?}: {err}");
        assert!(err.contains(at), "{words:?} should name {at}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // trace matches transitions on addresses and ports: the words only the kernel answers
    // are refused there, before any tracing starts.
    let out = std::process::Command::new(BIN)
        .args(["trace", "--summary", "fwmark = 0x1"])
        .output()
        .expect("tcpstate runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'mark'"));
}

#[test]
fn the_kernel_refuses_a_program_with_a_bad_jump() {
    use tcpstate::filter::Query;
    use tcpstate::source::{Source, SourceError, netlink::NetlinkSource};
    let Some(ns) = Netns::new("ssfilterbc") else {
        return;
    };
    let _held = extra_sockets(&ns);
    let good = tcpstate::filter::ss::bytecode::compile(&tcpstate::filter::ss::Expr::negate(
        tcpstate::filter::ss::Expr::Cond(tcpstate::filter::ss::Cond::PortGe(
            tcpstate::filter::ss::Side::Local,
            1024,
        )),
    ))
    .expect("compiles");
    // The S_GE op's failure jump moved into the middle of the next op.
    let mut bad = good.clone();
    bad[2..4].copy_from_slice(&6u16.to_ne_bytes());
    let run = |bc: Vec<u8>| {
        ns.inside(move || {
            let mut src = NetlinkSource::open().expect("netlink opens");
            let q = Query {
                bytecode: Some(bc.into()),
                ..Query::default()
            };
            let mut n = 0u64;
            src.run(&q, &mut |_: &tcpstate::socket::Socket| {
                n += 1;
                tcpstate::sink::Flow::Continue
            })
            .map(|_| n)
        })
    };
    // Ports below 1024: the listener on 80 and its accepted end.
    assert_eq!(run(good).expect("a good program runs"), 2);
    match run(bad) {
        Err(SourceError::Netlink(e)) => assert_eq!(e.raw_os_error(), Some(libc::EINVAL)),
        other => panic!("the kernel should refuse the program: {other:?}"),
    }
}

#[test]
fn ss_habits_behave_as_in_ss() {
    let Some(ns) = Netns::with_tools("sshabits", &["ss"]) else {
        return;
    };
    let _held = extra_sockets(&ns);
    // -l: the listeners ss -l shows; -tan: everything ss -tan shows.
    let listening = ss_rows(&ns, &["-l"]);
    assert_eq!(listening.len(), 3);
    assert_eq!(tcpstate_rows(&ns, &["-tanl"]), listening);
    assert_eq!(tcpstate_rows(&ns, &["-tan"]), ss_rows(&ns, &[]));
    // -H: no header line, only the rows.
    let out = ns
        .command(BIN)
        .args(["list", "-H", "-l"])
        .output()
        .expect("tcpstate runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().all(|l| l.starts_with("tcp")), "{text}");
    // -K is kill.
    let out = ns
        .command(BIN)
        .args(["-K", "--dry-run", "sport = :80"])
        .output()
        .expect("tcpstate runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("would close 2 sockets:"), "{text}");
}

/// A cgroup v2 directory made for one test, removed on drop (after the process left it).
struct CgroupGuard {
    dir: std::path::PathBuf,
    home: std::path::PathBuf,
}

impl CgroupGuard {
    /// Make `name` under the cgroup2 mount; `None` when there is no cgroup2 hierarchy.
    fn new(name: &str) -> Option<CgroupGuard> {
        let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
        let mount = mounts.lines().find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.get(2) == Some(&"cgroup2")).then(|| f[1].to_string())
        })?;
        let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let rel = own.lines().find_map(|l| l.strip_prefix("0::"))?.to_string();
        let dir = std::path::Path::new(&mount).join(name);
        std::fs::create_dir(&dir).ok()?;
        Some(CgroupGuard {
            dir,
            home: std::path::Path::new(&mount).join(rel.trim_start_matches('/')),
        })
    }

    /// Run `f` with this process in the cgroup, then move it back home.
    fn within<T>(&self, f: impl FnOnce() -> T) -> T {
        let pid = std::process::id().to_string();
        std::fs::write(self.dir.join("cgroup.procs"), &pid).expect("joining the cgroup");
        let out = f();
        std::fs::write(self.home.join("cgroup.procs"), &pid).expect("leaving the cgroup");
        out
    }
}

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn cgroup_selects_the_sockets_made_in_it() {
    let Some(ns) = Netns::new("sscgroup") else {
        return;
    };
    let _held = extra_sockets(&ns);
    let name = format!("tcpstate-test-{}", std::process::id());
    let Some(cg) = CgroupGuard::new(&name) else {
        common::skip("no cgroup2 hierarchy to make a cgroup in");
        return;
    };
    // A listener made while this process is in the new cgroup.
    let inside = cg.within(|| ns.inside(|| TcpListener::bind("127.0.0.1:9100").expect("bind")));
    // From outside with --netns: `ip netns exec` mounts a /sys of its own, without cgroups.
    let rows = |words: &[&str]| {
        let out = std::process::Command::new(BIN)
            .args(["list", "-H", "-f", "csv", "--netns", ns.name()])
            .args(words)
            .output()
            .expect("tcpstate runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| {
                let c: Vec<&str> = line.split(',').collect();
                (c[0].to_string(), endpoint(c[3], c[4]), endpoint(c[5], c[6]))
            })
            .collect::<BTreeSet<Row>>()
    };
    let path = format!("/{name}");
    let all = rows(&[]);
    assert_eq!(all, tcpstate_rows(&ns, &[]));
    let only = rows(&["cgroup", &path]);
    let local = inside.local_addr().expect("an address");
    assert_eq!(
        only.iter().map(|(_, l, _)| *l).collect::<Vec<_>>(),
        vec![local],
        "{only:?}"
    );
    let rest = rows(&["not", "cgroup", &path]);
    assert_eq!(rest, all.difference(&only).cloned().collect());
    drop(inside);
}
