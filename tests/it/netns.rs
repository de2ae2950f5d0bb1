//! Network namespaces and process attribution against real sockets: three private
//! namespaces with known sockets counted one column each by `--all-netns`; `--netns` by
//! name, path and pid checked against `ss` inside; a helper process holding CLOSE_WAIT and
//! leaving TIME_WAIT on its listener's port, attributed by `list -p` and
//! `summary --by process`; missing namespaces and processes refused in one sentence; and an
//! unprivileged run saying once what it could not see.

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{ChildStdin, Stdio};
use std::time::Duration;

use crate::common::{json, tcpstate};
use common::process::ChildGuard;
use common::{Netns, poll, ss};
use serde_json::Value;
use tcpstate::TcpState;

/// The tools the namespace tests compare with and make sockets with.
const TOOLS: [&str; 2] = ["ss", "python3"];

/// What the helper makes: a listener, then `established` connected pairs, `close_wait`
/// connections whose client closed (server CLOSE_WAIT, held; client FIN_WAIT2, orphaned),
/// `server_tw` connections the server closed first (TIME_WAIT on the listener's port) and
/// `client_tw` ones the client closed first (TIME_WAIT on an ephemeral port).
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    v6: bool,
    established: u64,
    close_wait: u64,
    server_tw: u64,
    client_tw: u64,
}

impl Plan {
    /// The states `ss` should show, by count.
    fn expected(&self) -> BTreeMap<TcpState, u64> {
        let mut m = BTreeMap::new();
        m.insert(TcpState::Listen, 1);
        for (st, n) in [
            (TcpState::Established, 2 * self.established),
            (TcpState::CloseWait, self.close_wait),
            (TcpState::FinWait2, self.close_wait),
            (TcpState::TimeWait, self.server_tw + self.client_tw),
        ] {
            if n > 0 {
                m.insert(st, n);
            }
        }
        m
    }

    fn total(&self) -> u64 {
        self.expected().values().sum()
    }
}

const HELPER: &str = r#"
import os, socket, sys
fam = socket.AF_INET6 if sys.argv[1] == '6' else socket.AF_INET
host = '::1' if sys.argv[1] == '6' else '127.0.0.1'
est, cw, stw, ctw = map(int, sys.argv[2:6])
l = socket.socket(fam, socket.SOCK_STREAM)
l.bind((host, 0))
l.listen(64)
port = l.getsockname()[1]
keep = []
def pair():
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.connect((host, port))
    s, _ = l.accept()
    return c, s
for _ in range(est):
    keep += pair()
for _ in range(cw):
    c, s = pair(); c.close(); keep.append(s)
for _ in range(stw):
    c, s = pair(); s.close(); c.recv(1); c.close()
for _ in range(ctw):
    c, s = pair(); c.close(); s.recv(1); s.close()
comm = open('/proc/self/comm').read().strip()
print(os.getpid(), port, comm, flush=True)
sys.stdin.read()
"#;

/// A python process in a namespace holding the sockets of a `Plan`: its pid, command name
/// and listening port. It is killed on drop.
struct Helper {
    _guard: ChildGuard,
    _stdin: Option<ChildStdin>,
    pid: u32,
    port: u16,
    comm: String,
}

impl Helper {
    /// Starts the helper in `ns`, waits until it has made its sockets and the kernel shows
    /// exactly the plan's states.
    fn start(ns: &Netns, plan: Plan) -> Helper {
        let args = [
            if plan.v6 { "6" } else { "4" }.to_string(),
            plan.established.to_string(),
            plan.close_wait.to_string(),
            plan.server_tw.to_string(),
            plan.client_tw.to_string(),
        ];
        // `ip netns exec` execs python: the child's pid is the helper's.
        let mut guard = ChildGuard::spawn(
            "the python helper",
            ns.command("python3")
                .args(["-c", HELPER])
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        );
        let stdin = guard.child.stdin.take();
        let out = guard.child.stdout.take().expect("helper stdout");
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .expect("helper says where it listens");
        let mut w = line.split_whitespace();
        let pid = w.next().and_then(|p| p.parse().ok()).expect("helper pid");
        let port = w.next().and_then(|p| p.parse().ok()).expect("helper port");
        let comm = w.next().expect("helper command").to_string();
        let want = plan.expected();
        if let Err(e) = ss::wait_states(ns, Duration::from_secs(10), |s| by_state(s) == want) {
            panic!(
                "sockets in {} did not settle: {e:#}; expected {want:?}",
                ns.name()
            );
        }
        Helper {
            _guard: guard,
            _stdin: stdin,
            pid,
            port,
            comm,
        }
    }
}

/// `ss` counts keyed by tcpstate's own state type.
fn by_state(counts: &ss::States) -> BTreeMap<TcpState, u64> {
    counts
        .iter()
        .map(|(name, &n)| {
            let state = TcpState::parse_word(name).unwrap_or_else(|| panic!("ss state {name}"));
            (state, n as u64)
        })
        .collect()
}

/// What `ss` in the namespace shows, per state.
fn ss_counts(ns: &Netns) -> BTreeMap<TcpState, u64> {
    by_state(&ss::states(ns).expect("ss runs"))
}

/// The non-zero states of a JSON `states` object.
fn states(v: &Value) -> BTreeMap<TcpState, u64> {
    v.as_object()
        .expect("a states object")
        .iter()
        .filter_map(|(k, n)| {
            let n = n.as_u64()?;
            (n > 0).then(|| (TcpState::parse_word(k).expect("a state key"), n))
        })
        .collect()
}

#[test]
fn all_netns_counts_each_namespace_in_its_own_column() {
    let plans = [
        Plan {
            established: 3,
            close_wait: 1,
            server_tw: 2,
            client_tw: 0,
            v6: false,
        },
        Plan {
            established: 1,
            close_wait: 0,
            server_tw: 0,
            client_tw: 4,
            v6: false,
        },
        Plan {
            established: 5,
            close_wait: 2,
            server_tw: 1,
            client_tw: 1,
            v6: true,
        },
    ];
    let Some(nss) = (0..3)
        .map(|_| Netns::with_tools("ns-all", &TOOLS))
        .collect::<Option<Vec<Netns>>>()
    else {
        return;
    };
    let _helpers: Vec<Helper> = nss
        .iter()
        .zip(plans)
        .map(|(ns, p)| Helper::start(ns, p))
        .collect();

    let v = json(&["--all-netns"]);
    let hosts = v["hosts"].as_array().expect("one entry per namespace");
    let names: Vec<&str> = hosts.iter().filter_map(|h| h["host"].as_str()).collect();
    assert_eq!(
        names.first(),
        Some(&"host"),
        "the host's namespace comes first"
    );
    for (ns, plan) in nss.iter().zip(plans) {
        let h = hosts
            .iter()
            .find(|h| h["host"] == ns.name())
            .unwrap_or_else(|| panic!("{} is named by its /run/netns name: {names:?}", ns.name()));
        assert_eq!(states(&h["states"]), plan.expected(), "{}", ns.name());
        assert_eq!(
            states(&h["states"]),
            ss_counts(ns),
            "{} against ss",
            ns.name()
        );
        assert_eq!(h["total"], plan.total());
    }
    // The total column is the sum of the namespace columns.
    let sum: u64 = hosts.iter().map(|h| h["total"].as_u64().unwrap()).sum();
    assert_eq!(v["all"]["total"], sum);
    let ours: u64 = plans.iter().map(Plan::total).sum();
    assert!(sum >= ours);

    // The list tags every socket with its namespace.
    let list = json(&["list", "--all-netns"]);
    for (ns, plan) in nss.iter().zip(plans) {
        let n = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["netns"] == ns.name())
            .count();
        assert_eq!(n as u64, plan.total(), "{} in the list", ns.name());
    }
}

#[test]
fn netns_by_name_path_and_pid() {
    let Some(ns) = Netns::with_tools("ns-one", &TOOLS) else {
        return;
    };
    let plan = Plan {
        established: 2,
        close_wait: 1,
        server_tw: 1,
        client_tw: 1,
        v6: false,
    };
    let _h = Helper::start(&ns, plan);
    let sleeper = ChildGuard::spawn("sleep", ns.command("sleep").arg("30"));
    // `ip netns exec` enters the namespace, then execs sleep.
    let started = poll(Duration::from_secs(10), Duration::from_millis(20), || {
        std::fs::read_to_string(format!("/proc/{}/comm", sleeper.pid()))
            .is_ok_and(|c| c.trim() == "sleep")
            .then_some(())
    });
    assert!(started.is_some(), "sleep did not start");
    let ss_total: u64 = ss_counts(&ns).values().sum();
    assert_eq!(ss_total, plan.total());
    let path = ns.path().display().to_string();
    let pid = sleeper.pid().to_string();
    for spec in [ns.name(), path.as_str(), pid.as_str()] {
        for source in ["netlink", "proc"] {
            let v = json(&["--netns", spec, "--source", source]);
            assert_eq!(v["total"], ss_total, "--netns {spec} --source {source}");
            assert_eq!(states(&v["states"]), plan.expected(), "--netns {spec}");
        }
    }
    // Every command goes through the same scan: the list too.
    let list = json(&["list", "--netns", ns.name()]);
    assert_eq!(list.as_array().unwrap().len() as u64, ss_total);
}

#[test]
fn processes_are_attributed_directly_and_via_listener() {
    let Some(ns) = Netns::with_tools("ns-proc", &TOOLS) else {
        return;
    };
    let plan = Plan {
        established: 1,
        close_wait: 2,
        server_tw: 2,
        client_tw: 1,
        v6: false,
    };
    let h = Helper::start(&ns, plan);
    let me = serde_json::json!([{ "pid": h.pid, "command": h.comm }]);

    // ss agrees on who holds the CLOSE_WAITs.
    let ss = ns
        .check_output("ss", &["-Htanp", "state", "close-wait"])
        .expect("ss runs");
    assert_eq!(ss.matches(&format!("pid={},", h.pid)).count(), 2, "{ss}");

    let list = json(&["list", "-p", "--netns", ns.name()]);
    let mut seen = BTreeMap::<&str, u64>::new();
    for s in list.as_array().unwrap() {
        let state = s["state"].as_str().unwrap();
        let local_port = s["local"]["port"].as_u64().unwrap();
        let (procs, via) = (&s["processes"], &s["via_listener"]);
        match state {
            "CLOSE_WAIT" | "LISTEN" | "ESTABLISHED" => {
                assert_eq!(procs, &me, "{s}");
                assert_eq!(via, false, "{s}");
            }
            "TIME_WAIT" if local_port == u64::from(h.port) => {
                assert_eq!(procs, &me, "server-side TIME_WAIT: {s}");
                assert_eq!(via, true, "{s}");
            }
            "TIME_WAIT" | "FIN_WAIT2" => {
                assert_eq!(procs, &serde_json::json!([]), "client side: {s}");
                assert_eq!(via, false, "{s}");
            }
            other => panic!("unexpected state {other}"),
        }
        *seen.entry(state).or_default() += 1;
    }
    assert_eq!(seen.get("CLOSE_WAIT"), Some(&2));
    assert_eq!(seen.get("TIME_WAIT"), Some(&3));

    // The table says the same in the PID/Program column.
    let out = tcpstate()
        .args(["list", "-p", "--netns", ns.name(), "--state", "time-wait"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let owner = format!("{}/{}", h.pid, h.comm);
    assert!(
        text.lines().next().unwrap().ends_with("PID/Program"),
        "{text}"
    );
    assert_eq!(
        text.matches(&format!("{owner} (via listener)")).count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.ends_with(" -")).count(),
        1,
        "{text}"
    );

    // Per process: the helper's row and the unattributed client side.
    let groups = json(&["summary", "--by", "process", "--netns", ns.name()]);
    let groups = groups.as_array().unwrap();
    let mine = groups
        .iter()
        .find(|g| g["processes"] == me)
        .unwrap_or_else(|| panic!("a row for {owner}: {groups:?}"));
    assert_eq!(mine["key"], owner.as_str());
    let mut want = BTreeMap::new();
    want.insert(TcpState::Listen, 1);
    want.insert(TcpState::Established, 2);
    want.insert(TcpState::CloseWait, 2);
    want.insert(TcpState::TimeWait, 2);
    assert_eq!(states(&mine["states"]), want);
    let none = groups
        .iter()
        .find(|g| g["key"] == "unattributed")
        .expect("an unattributed row");
    let mut want = BTreeMap::new();
    want.insert(TcpState::FinWait2, 2);
    want.insert(TcpState::TimeWait, 1);
    assert_eq!(states(&none["states"]), want);
    assert_eq!(groups.len(), 2, "{groups:?}");
}

/// The one line a failed run prints.
fn one_sentence(args: &[&str]) -> String {
    let out = tcpstate().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty());
    err
}

#[test]
fn missing_namespace_or_process_is_one_sentence() {
    let name = format!("tcpst-nosuch-{}", std::process::id());
    let err = one_sentence(&["--netns", &name]);
    assert!(
        err.contains(&format!("no network namespace named '{name}'")),
        "{err}"
    );
    let err = one_sentence(&["list", "--netns", "/nonexistent/netns"]);
    assert!(
        err.contains("no network namespace at /nonexistent/netns"),
        "{err}"
    );
    let err = one_sentence(&["--netns", "/etc/hostname"]);
    assert!(err.contains("is not a network namespace file"), "{err}");
    // pid_max itself is never a process id.
    let pid_max = std::fs::read_to_string("/proc/sys/kernel/pid_max").unwrap();
    let pid = pid_max.trim();
    let err = one_sentence(&["summary", "--by", "local-port", "--netns", pid]);
    assert!(err.contains(&format!("no process with id {pid}")), "{err}");
}

#[test]
fn unprivileged_run_says_once_what_it_could_not_see() {
    // Made first, though only the end of the test needs it: the fixture checks for root.
    let Some(ns) = Netns::with_tools("ns-nobody", &["setpriv"]) else {
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("tcpstate");
    let as_nobody = |args: &[&str]| {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin)
            .args(args)
            .output()
            .unwrap()
    };
    let out = as_nobody(&["list", "-p"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.matches("processes of other users were not readable; run as root (or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH) to attribute their sockets")
            .count(),
        1,
        "{err}"
    );
    // … and names them.
    assert!(err.contains("(not read: "), "{err}");
    let out = as_nobody(&["--netns", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs root"), "{err}");

    let out = as_nobody(&["--netns", ns.name()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("entering a network namespace needs root (or CAP_SYS_ADMIN)"),
        "{err}"
    );
    // Every namespace: what can be seen, and one notice for the ones that cannot.
    let out = as_nobody(&["--all-netns", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("could not be entered").count(), 1, "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v.to_string().contains(ns.name()), "{v}");
    // The shape is the one every namespace gets as root, however few could be read.
    let hosts = v["hosts"].as_array().expect("a hosts array");
    assert!(!hosts.is_empty(), "{v}");
    assert!(hosts.iter().all(|h| h["host"].is_string()), "{v}");
    assert!(v["all"]["total"].is_u64(), "{v}");
}

#[test]
fn headers_name_what_is_looked_at() {
    let Some(ns) = Netns::new("hdr") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_tcpstate");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .env("LANG", "C")
            .output()
            .expect("runs tcpstate");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let named = format!("netns {}", ns.name());
    let check = run(&["check", "--netns", ns.name()]);
    assert!(
        check.lines().next().is_some_and(|l| l.contains(&named)),
        "{check}"
    );
    let watch = run(&["watch", "--plain", "-c", "1", "--netns", ns.name()]);
    assert!(
        watch.lines().next().is_some_and(|l| l.contains(&named)),
        "{watch}"
    );
}
