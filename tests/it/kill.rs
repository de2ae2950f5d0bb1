//! `tcpstate kill` against the kernel: in a private namespace of sockets in every state,
//! IPv4 and IPv6, it closes exactly the sockets its filter selects (`ss` agrees before and
//! after; only the selected sockets and the peers their resets reach are gone), `--dry-run`
//! closes none, `--older-than` spares sockets made after its first sample, a process without
//! CAP_NET_ADMIN is refused socket by socket with the reason and exit 1, a socket gone
//! meanwhile is reported as gone, the safety rules exit 2 having closed nothing, on a terminal
//! it lists the sockets and asks (no closes nothing, yes closes them), and with --all-netns
//! each socket names its namespace.

use crate::common;
use crate::ss_filter::{Row, ss_rows};

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Output;
use std::time::Duration;

use common::{Counts, Netns, Population, require_tool};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// A connection as (local, remote) with IPv4-mapped addresses as IPv4: kill prints them as
/// netstat does.
type Pair = (SocketAddr, SocketAddr);

fn canon(a: SocketAddr) -> SocketAddr {
    SocketAddr::new(a.ip().to_canonical(), a.port())
}

fn pairs(rows: &BTreeSet<Row>) -> BTreeSet<Pair> {
    rows.iter()
        .map(|(_, l, r)| (canon(*l), canon(*r)))
        .collect()
}

/// The sockets a kill run printed with `word` first (`closed`, `not closed`).
fn printed(out: &Output, word: &str) -> BTreeSet<Pair> {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.strip_prefix(word))
        .filter(|rest| rest.starts_with(' '))
        .map(|rest| {
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ep = |s: &str| {
                let (a, p) = s.rsplit_once(':').expect("ADDR:PORT");
                canon(crate::ss_filter::endpoint(a, p))
            };
            (ep(f[1]), ep(f[2]))
        })
        .collect()
}

fn kill(ns: &Netns, args: &[&str]) -> Output {
    std::process::Command::new(BIN)
        .args(["kill", "--netns", ns.name()])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("tcpstate runs")
}

fn peers(p: &BTreeSet<Pair>) -> BTreeSet<Pair> {
    p.iter().map(|(l, r)| (*r, *l)).collect()
}

#[test]
fn kill_closes_exactly_the_selected_sockets() {
    let Some(ns) = Netns::with_tools("kill", &["ss", "nft"]) else {
        return;
    };
    let pop = Population::builder(&ns)
        .v4(Counts::each(2))
        .v6(Counts::each(2))
        .build()
        .expect("the population builds");
    let _held = crate::ss_filter::extra_sockets(&ns);
    let ports: Vec<u16> = pop.ports().iter().copied().collect();
    let expr = format!(
        "sport = :5432 or dport = :{} or sport = :{} or src [::1]:{}",
        ports[0],
        ports[ports.len() / 2],
        ports[ports.len() - 1]
    );
    let words: Vec<&str> = expr.split_whitespace().collect();
    let before = pairs(&ss_rows(&ns, &[]));
    let selected = pairs(&ss_rows(&ns, &words));
    assert!(selected.len() >= 6, "{selected:?}");

    // --dry-run lists them and closes nothing.
    let mut args = vec!["--dry-run"];
    args.extend(&words);
    let dry = kill(&ns, &args);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let listed = String::from_utf8_lossy(&dry.stdout);
    assert!(
        listed.starts_with(&format!("would close {} sockets:", selected.len())),
        "{listed}"
    );
    assert_eq!(
        pairs(&ss_rows(&ns, &[])),
        before,
        "--dry-run closed something"
    );

    // Without a terminal and without --yes: refused, nothing closed.
    let asked = kill(&ns, &words);
    assert_eq!(asked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("--yes"));
    assert_eq!(pairs(&ss_rows(&ns, &[])), before);

    let mut args = vec!["--yes"];
    args.extend(&words);
    let done = kill(&ns, &args);
    assert!(
        done.status.success(),
        "{}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(printed(&done, "closed"), selected);
    let after = pairs(&ss_rows(&ns, &[]));
    assert!(
        after.is_disjoint(&selected),
        "{:?}",
        after.intersection(&selected)
    );
    // Every other socket is still there, but for the peers the resets reached.
    let spared: BTreeSet<Pair> = before
        .difference(&selected)
        .copied()
        .collect::<BTreeSet<_>>()
        .difference(&peers(&selected))
        .copied()
        .collect();
    assert!(spared.len() > 20);
    let lost: Vec<&Pair> = spared.difference(&after).collect();
    assert!(lost.is_empty(), "closed beyond the filter: {lost:?}");
}

#[test]
fn older_than_spares_sockets_made_after_the_first_sample() {
    let Some(ns) = Netns::with_tools("killold", &["ss"]) else {
        return;
    };
    let listener = ns.inside(|| TcpListener::bind("127.0.0.1:7070").expect("bind"));
    let connect = |n: usize| {
        ns.inside(|| {
            (0..n)
                .map(|_| {
                    let c = TcpStream::connect("127.0.0.1:7070").expect("connect");
                    let (s, _) = listener.accept().expect("accept");
                    (c, s)
                })
                .collect::<Vec<_>>()
        })
    };
    let old = connect(3);
    let old_pairs: BTreeSet<Pair> = old
        .iter()
        .map(|(_, s)| (s.local_addr().unwrap(), s.peer_addr().unwrap()))
        .collect();
    let mut guard = common::process::ChildGuard::spawn(
        "tcpstate kill --older-than",
        std::process::Command::new(BIN)
            .args(["kill", "--netns", ns.name(), "--yes", "--older-than", "4s"])
            .args(["state", "established", "sport = :7070"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    );
    // Well after the first sample, well before the second.
    std::thread::sleep(Duration::from_secs(2));
    let fresh = connect(2);
    let fresh_pairs: BTreeSet<Pair> = fresh
        .iter()
        .map(|(_, s)| (s.local_addr().unwrap(), s.peer_addr().unwrap()))
        .collect();
    let status = guard
        .wait_for(Duration::from_secs(30))
        .expect("kill --older-than ends");
    let read = |p: Option<&mut dyn std::io::Read>| {
        let mut v = Vec::new();
        if let Some(p) = p {
            p.read_to_end(&mut v).expect("read the output");
        }
        v
    };
    let out = Output {
        status,
        stdout: read(
            guard
                .child
                .stdout
                .as_mut()
                .map(|p| p as &mut dyn std::io::Read),
        ),
        stderr: read(
            guard
                .child
                .stderr
                .as_mut()
                .map(|p| p as &mut dyn std::io::Read),
        ),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(printed(&out, "closed"), old_pairs);
    let now = pairs(&ss_rows(&ns, &["sport = :7070"]));
    assert!(now.is_disjoint(&old_pairs));
    assert!(
        fresh_pairs.is_subset(&now),
        "{fresh_pairs:?} not in {now:?}"
    );
}

#[test]
fn refusals_and_gone_sockets_are_reported_one_by_one() {
    let Some(ns) = Netns::with_tools("killperm", &["ss", "setpriv"]) else {
        return;
    };
    let _held = crate::ss_filter::extra_sockets(&ns);
    let before = pairs(&ss_rows(&ns, &[]));
    let selected = pairs(&ss_rows(&ns, &["sport = :80"]));
    assert_eq!(selected.len(), 2);
    // An unprivileged process: every socket refused, with the privilege it lacks.
    let out = ns
        .command("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .args(["kill", "--yes", "sport = :80"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setpriv runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(printed(&out, "not closed"), selected);
    assert!(String::from_utf8_lossy(&out.stdout).contains("CAP_NET_ADMIN"));
    assert_eq!(pairs(&ss_rows(&ns, &[])), before);

    // A socket that no longer exists (its cookie no longer names it): gone, not refused.
    use tcpstate::source::destroy::Destroyed;
    use tcpstate::source::netlink::NetlinkSource;
    let outcome = ns.inside(|| {
        let mut nl = NetlinkSource::open().expect("netlink opens");
        let mut s = tcpstate::socket::Socket::new(
            tcpstate::socket::Family::V4,
            tcpstate::tcp::state::TcpState::Established,
            tcpstate::socket::Endpoint::new("127.0.0.1".parse().unwrap(), 80),
            tcpstate::socket::Endpoint::new("127.0.0.1".parse().unwrap(), 1),
        );
        s.cookie = Some(0x1234_5678);
        nl.destroy(&[s]).expect("the kernel answers")
    });
    assert!(matches!(outcome[..], [Destroyed::Gone]), "{outcome:?}");
}

#[test]
fn kill_needs_a_filter_or_all() {
    if !require_tool("ss") {
        return;
    }
    let out = std::process::Command::new(BIN)
        .args(["kill", "--yes"])
        .output()
        .expect("tcpstate runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--all"), "{err}");
    let out = std::process::Command::new(BIN)
        .args(["kill", "--yes", "--from", "/dev/null", "--all"])
        .output()
        .expect("tcpstate runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn on_a_terminal_kill_shows_the_sockets_and_asks() {
    let Some(ns) = Netns::with_tools("killtty", &["ss", "tmux"]) else {
        return;
    };
    let _held = crate::ss_filter::extra_sockets(&ns);
    let selected = pairs(&ss_rows(&ns, &["sport = :80"]));
    assert_eq!(selected.len(), 2);
    let run = format!(
        "{BIN} kill --netns {} 'sport = :80'; echo EXIT=$?; sleep 60",
        ns.name()
    );
    // Answered no: nothing closed.
    let no = common::tmux::Tmux::start("killno", 120, 30, &run);
    no.wait_for("the question", |s| s.contains("Close 2 sockets? [y/N]"));
    let screen = no.screen();
    assert!(screen.contains("127.0.0.1:80"), "{screen}");
    no.keys(&["n", "Enter"]);
    no.wait_for("the end", |s| {
        s.contains("EXIT=0") && s.contains("nothing closed")
    });
    assert_eq!(pairs(&ss_rows(&ns, &["sport = :80"])), selected);
    // Answered yes: closed, each said.
    let yes = common::tmux::Tmux::start("killyes", 120, 30, &run);
    yes.wait_for("the question", |s| s.contains("Close 2 sockets? [y/N]"));
    yes.keys(&["y", "Enter"]);
    let screen = yes.wait_for("the end", |s| s.contains("EXIT=0"));
    assert_eq!(screen.matches("closed ").count(), 2, "{screen}");
    assert!(ss_rows(&ns, &["sport = :80"]).is_empty());
}

#[test]
fn all_netns_names_the_namespace_of_each_socket() {
    let Some(ns) = Netns::with_tools("killall", &["ss"]) else {
        return;
    };
    let _held = crate::ss_filter::extra_sockets(&ns);
    // Port 8443 on ::1 is this test's own (other tests' namespaces may hold it too: the
    // lines of this namespace are counted).
    let out = std::process::Command::new(BIN)
        .args(["kill", "--all-netns", "--dry-run", "src [::1]:8443"])
        .output()
        .expect("tcpstate runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let ours = text.lines().filter(|l| l.ends_with(ns.name())).count();
    assert_eq!(ours, 2, "{text}");
}
